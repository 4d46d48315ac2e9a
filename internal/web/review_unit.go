package web

import (
	"errors"
	"io"
	"net/http"
	"strconv"

	"kaohe/internal/auth"
	"kaohe/internal/errs"
	"kaohe/internal/review"
)

// reviewUnitData is a unit's 好差评 page: its service items with their
// posters, the forms to add an item and import cases, the cases to invite
// a review of, and its open work orders.
type reviewUnitData struct {
	UnitID      int64
	Unit        string
	Items       []*review.Item
	Invitations []reviewInvitation
	// MoreInvitations is true when the list shows the first of more.
	MoreInvitations bool
	Orders          []workOrderRow
	// Errors are the problems of a refused form or file, each naming its
	// row and field; Added the number of cases an import added.
	Errors []string
	Added  int
	Saved  string
}

type reviewInvitation struct {
	Number, Item, Finished, Channel, Last string
}

// invitationsShown is how many cases to invite the page lists; the
// workbook has them all.
const invitationsShown = 20

// reviewUnit shows a unit's 好差评 page to its service-review
// administrator and the office.
func (h *Handler) reviewUnit(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	h.renderReviewUnit(w, r, a, http.StatusOK, reviewUnitData{Added: atoiOr(r.URL.Query().Get("added")), Saved: r.URL.Query().Get("saved")})
}

func atoiOr(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}

func (h *Handler) renderReviewUnit(w http.ResponseWriter, r *http.Request, a *auth.Actor, status int, d reviewUnitData) {
	id, err := pathID(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	ctx := r.Context()
	items, err := h.review.Items(ctx, a, id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	u, err := h.org.Unit(ctx, a, id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	p := h.newPage(r, "review")
	d.UnitID, d.Unit, d.Items = id, u.Name, items
	if h.policy.Authorize(a, auth.ActServiceWrite, u.Path) == nil {
		ivs, err := h.review.Invitations(ctx, a, id, invitationsShown+1)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		d.MoreInvitations = len(ivs) > invitationsShown
		for _, iv := range ivs[:min(len(ivs), invitationsShown)] {
			d.Invitations = append(d.Invitations, reviewInvitation{Number: iv.Number, Item: iv.Item, Finished: dayText(p.loc, iv.FinishedOn),
				Channel: p.loc.T("review.channel." + string(iv.Channel)), Last: dayText(p.loc, iv.Last)})
		}
	}
	orders, err := h.review.Orders(ctx, a, review.OrderFilter{Under: id, Open: true, Limit: 100})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	d.Orders = workOrderRows(p, orders, todayText())
	p.Data = d
	h.write(w, r, status, "review_unit", "layout", p)
}

// reviewItemSave adds a service item to the unit, or renames the one of
// the same code.
func (h *Handler) reviewItemSave(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	id, err := pathID(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if err := r.ParseForm(); err != nil {
		h.fail(w, r, errBadForm())
		return
	}
	it, err := h.review.SaveItem(r.Context(), a, review.Item{UnitID: id, Code: r.PostForm.Get("code"), Name: r.PostForm.Get("name"),
		Window: r.PostForm.Get("window")})
	if err != nil {
		if errs.Is(err, errs.Invalid) {
			h.renderReviewUnit(w, r, a, http.StatusUnprocessableEntity, reviewUnitData{Errors: rowErrors(h.localizer(r), err)})
			return
		}
		h.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/review/units/"+strconv.FormatInt(id, 10)+"?saved="+it.Code+"#items", http.StatusSeeOther)
}

// reviewCasesUpload imports a file of cases (CSV in UTF-8 or GBK, or
// .xlsx): all or nothing, each problem named by row and field.
func (h *Handler) reviewCasesUpload(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	id, err := pathID(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, review.MaxUpload+1<<20)
	if err := r.ParseMultipartForm(8 << 20); err != nil {
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			h.renderReviewUnit(w, r, a, http.StatusRequestEntityTooLarge, reviewUnitData{Errors: []string{h.localizer(r).T("review.import.too_large")}})
			return
		}
		h.fail(w, r, errBadForm())
		return
	}
	file, hdr, err := r.FormFile("file")
	if err != nil {
		h.fail(w, r, errBadForm())
		return
	}
	defer file.Close()
	content, err := io.ReadAll(io.LimitReader(file, review.MaxUpload+1))
	if err != nil {
		h.fail(w, r, errBadForm())
		return
	}
	rows, err := review.ParseCases(content)
	var rep *review.ImportReport
	if err == nil {
		rep, err = h.review.ImportCases(r.Context(), a, id, rows, "办件导入："+hdr.Filename)
	}
	if err != nil {
		if errs.Is(err, errs.Invalid) {
			h.renderReviewUnit(w, r, a, http.StatusUnprocessableEntity, reviewUnitData{Errors: rowErrors(h.localizer(r), err)})
			return
		}
		h.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/review/units/"+strconv.FormatInt(id, 10)+"?added="+strconv.Itoa(rep.Added)+"#cases", http.StatusSeeOther)
}
