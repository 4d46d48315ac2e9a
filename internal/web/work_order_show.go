package web

import (
	"net/http"
	"strconv"

	"kaohe/internal/auth"
	"kaohe/internal/errs"
	"kaohe/internal/review"
)

// workOrderShowData is a work order with its steps and the form of its
// next step, for who may take it.
type workOrderShowData struct {
	Row     workOrderRow
	Comment string
	Named   bool
	Steps   []workOrderStep
	// Next are the states the order may go to; empty for a reader.
	Next          []option
	Satisfactions []option
	// Errors are the problems of a refused step.
	Errors []string
	Note   string
	// Appeal is true when the unit may appeal the review.
	Appeal bool
	Kinds  []option
}

type workOrderStep struct {
	State, Note, Actor, At string
}

// workOrderShow shows a work order.
func (h *Handler) workOrderShow(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	h.renderWorkOrder(w, r, a, http.StatusOK, workOrderShowData{})
}

func (h *Handler) renderWorkOrder(w http.ResponseWriter, r *http.Request, a *auth.Actor, status int, d workOrderShowData) {
	id, err := pathID(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	o, err := h.review.Order(r.Context(), a, id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	p := h.newPage(r, "review_orders")
	d.Row = workOrderRows(p, []*review.Order{o}, todayText())[0]
	d.Comment, d.Named = o.Comment, o.Named
	for _, st := range o.Steps {
		d.Steps = append(d.Steps, workOrderStep{State: p.loc.T("review.state." + string(st.State)), Note: st.Note, Actor: st.Actor,
			At: p.loc.DateTime(st.At)})
	}
	if h.review.MayAnswer(a, o) {
		d.Next = codeOptions(p.loc, "review.state.", o.Next())
		d.Satisfactions = codeOptions(p.loc, "review.satisfaction.", review.Satisfactions)
		d.Appeal = o.ReviewStatus == review.Counted
		d.Kinds = codeOptions(p.loc, "review.appeal.kind.", []review.AppealKind{review.Malicious, review.Mistaken})
	}
	p.Data = d
	h.write(w, r, status, "work_order_show", "layout", p)
}

// workOrderAdvance takes the order's next step.
func (h *Handler) workOrderAdvance(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	id, err := pathID(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if err := r.ParseForm(); err != nil {
		h.fail(w, r, errBadForm())
		return
	}
	st := review.Step{To: review.State(r.PostForm.Get("to")), Note: r.PostForm.Get("note"), Owner: r.PostForm.Get("owner"),
		Satisfaction: review.Satisfaction(r.PostForm.Get("satisfaction"))}
	if _, err := h.review.Advance(r.Context(), a, id, st); err != nil {
		if errs.Is(err, errs.Invalid) || errs.Is(err, errs.Conflict) {
			h.renderWorkOrder(w, r, a, errs.HTTPStatus(err), workOrderShowData{Errors: rowErrors(h.localizer(r), err), Note: st.Note})
			return
		}
		h.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/review/orders/"+strconv.FormatInt(id, 10), http.StatusSeeOther)
}

// reviewAppealFile files the unit's appeal that the order's review was
// malicious or mistaken.
func (h *Handler) reviewAppealFile(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	id, err := pathID(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if err := r.ParseForm(); err != nil {
		h.fail(w, r, errBadForm())
		return
	}
	o, err := h.review.Order(r.Context(), a, id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if _, err := h.review.FileAppeal(r.Context(), a, o.ReviewID, review.AppealKind(r.PostForm.Get("kind")), r.PostForm.Get("statement")); err != nil {
		if errs.Is(err, errs.Invalid) || errs.Is(err, errs.Conflict) {
			h.renderWorkOrder(w, r, a, errs.HTTPStatus(err), workOrderShowData{Errors: rowErrors(h.localizer(r), err)})
			return
		}
		h.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/review/orders/"+strconv.FormatInt(id, 10)+"?flash=review_appealed", http.StatusSeeOther)
}
