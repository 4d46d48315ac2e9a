package web

import (
	"net/http"

	"kaohe/internal/auth"
	"kaohe/internal/scheme"
)

// schemeShowData is the content of a scheme's page.
type schemeShowData struct {
	Scheme     *scheme.Scheme
	Subject    string
	Categories string
	Versions   []versionRow
	// CanWrite shows the form for a new version and the actions.
	CanWrite bool
	Form     versionForm
	Errors   []string
}

type versionRow struct {
	Number                      int
	Status, StatusLabel         string
	Locked                      bool
	Reason, Cycle, From, Author string
	Digest                      string
	Created                     string
}

type versionForm struct {
	Base                int
	Reason, Cycle, From string
}

// schemeShow shows a scheme with its versions, the form for a new version
// and the choice of two versions to compare.
func (h *Handler) schemeShow(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	h.renderScheme(w, r, a, http.StatusOK, nil, versionForm{})
}

func (h *Handler) renderScheme(w http.ResponseWriter, r *http.Request, a *auth.Actor, status int, fail error, form versionForm) {
	id, err := schemeID(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	ctx := r.Context()
	s, err := h.scheme.Scheme(ctx, a, id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	vs, err := h.scheme.Versions(ctx, a, id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	names, err := h.categoryCodes(ctx, a)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	p := h.newPage(r, "schemes")
	p.Title = s.Name
	p.Crumbs = []crumb{{Name: p.loc.T("schemes.title"), URL: "/schemes"}}
	data := schemeShowData{Scheme: s, Subject: p.loc.T("scheme.subject." + string(s.Subject)),
		Categories: categoryList(s.Categories, names), CanWrite: h.policy.Authorize(a, auth.ActSchemeWrite, s.OwnerPath) == nil,
		Form: form, Errors: h.errorLines(p, fail)}
	for _, v := range vs {
		data.Versions = append(data.Versions, versionRow{Number: v.Number, Status: string(v.Status),
			StatusLabel: p.loc.T("scheme.status." + string(v.Status)), Locked: v.Locked, Reason: v.Reason,
			Cycle: v.EffectiveCycle, From: v.EffectiveFrom, Author: actorName(p, v.AuthorID, v.AuthorName, v.Author), Digest: v.Digest[:12], Created: p.loc.DateTime(v.CreatedAt)})
	}
	if data.Form.Base == 0 && len(vs) > 0 {
		data.Form.Base = vs[0].Number
	}
	p.Data = data
	h.render(w, r, status, "scheme_show", p)
}
