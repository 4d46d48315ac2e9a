package web

import (
	"context"
	"errors"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"kaohe/internal/auth"
	"kaohe/internal/errs"
	"kaohe/internal/scheme"
)

// schemeListData is the content of the schemes page.
type schemeListData struct {
	Schemes []schemeRow
	// CanWrite shows the form to add a scheme.
	CanWrite   bool
	Categories []categoryOption
	Subjects   []option
	Form       schemeForm
	Errors     []string
}

type schemeRow struct {
	ID                        int64
	Code, Name, Subject       string
	Owner, Categories, Active string
}

type categoryOption struct {
	Code, Name string
	Checked    bool
}

type schemeForm struct {
	Code, Name, Subject, Owner, Description string
	Categories                              []string
}

// schemeList shows the assessment schemes in the actor's jurisdiction and,
// for the assessment office, a form to add one.
func (h *Handler) schemeList(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	h.renderSchemes(w, r, a, http.StatusOK, nil, schemeForm{Subject: string(scheme.SubjectUnit)})
}

func (h *Handler) renderSchemes(w http.ResponseWriter, r *http.Request, a *auth.Actor, status int, fail error, form schemeForm) {
	if err := h.policy.RequireAny(a, auth.ActSchemeRead); err != nil {
		h.fail(w, r, err)
		return
	}
	ctx := r.Context()
	list, err := h.scheme.Schemes(ctx, a)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	p := h.newPage(r, "schemes")
	names, err := h.categoryCodes(ctx, a)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	data := schemeListData{CanWrite: !h.policy.Scope(a, auth.ActSchemeWrite).Empty(), Form: form, Errors: h.errorLines(p, fail)}
	for _, s := range list {
		row := schemeRow{ID: s.ID, Code: s.Code, Name: s.Name, Subject: p.loc.T("scheme.subject." + string(s.Subject)),
			Owner: s.OwnerName, Categories: categoryList(s.Categories, names)}
		vs, err := h.scheme.Versions(ctx, a, s.ID)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		for _, v := range vs {
			if v.Status == scheme.StatusActive {
				row.Active = p.loc.T("scheme.version_label", "Number", v.Number)
			}
		}
		data.Schemes = append(data.Schemes, row)
	}
	data.Categories = categoryOptions(names, form.Categories)
	for _, s := range []scheme.Subject{scheme.SubjectUnit, scheme.SubjectPerson} {
		data.Subjects = append(data.Subjects, option{Value: string(s), Label: p.loc.T("scheme.subject." + string(s))})
	}
	p.Data = data
	h.render(w, r, status, "scheme_list", p)
}

// categoryCodes maps category codes to names; empty for an actor who may
// read no category.
func (h *Handler) categoryCodes(ctx context.Context, a *auth.Actor) (map[string]string, error) {
	cs, err := h.org.Categories(ctx, a, "")
	if errs.Is(err, errs.NotFound) || errs.Is(err, errs.Forbidden) {
		return map[string]string{}, nil
	}
	if err != nil {
		return nil, err
	}
	out := make(map[string]string, len(cs))
	for _, c := range cs {
		out[c.Code] = c.Name
	}
	return out, nil
}

func categoryList(codes []string, names map[string]string) string {
	var out []string
	for _, c := range codes {
		if n, ok := names[c]; ok {
			out = append(out, n)
		} else {
			out = append(out, c)
		}
	}
	return strings.Join(out, "、")
}

// categoryOptions are the choices of categories by name (names maps their
// codes to names), in code order, those of checked checked.
func categoryOptions(names map[string]string, checked []string) []categoryOption {
	var out []categoryOption
	for _, code := range slices.Sorted(maps.Keys(names)) {
		out = append(out, categoryOption{Code: code, Name: names[code], Checked: slices.Contains(checked, code)})
	}
	return out
}

// errorLines localizes err: every error of a list (an import's bad rows),
// or the one error.
func (h *Handler) errorLines(p *page, err error) []string {
	if err == nil {
		return nil
	}
	var l errs.List
	if errors.As(err, &l) {
		out := make([]string, 0, len(l))
		for _, e := range l {
			out = append(out, p.loc.Error(e))
		}
		return out
	}
	var ce *errs.Error
	if !errors.As(err, &ce) {
		return []string{p.loc.T("error.internal")}
	}
	return []string{p.loc.Error(err)}
}

// schemeID parses the {id} of a scheme route.
func schemeID(r *http.Request) (int64, error) { return pathID(r) }

// versionNumber parses the {n} of a version route.
func versionNumber(r *http.Request) (int, error) {
	n, err := strconv.Atoi(r.PathValue("n"))
	if err != nil || n <= 0 {
		return 0, notFound()
	}
	return n, nil
}
