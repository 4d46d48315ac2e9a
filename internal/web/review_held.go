package web

import (
	"net/http"
	"strings"

	"kaohe/internal/auth"
	"kaohe/internal/errs"
	"kaohe/internal/review"
)

// reviewHeldData is the office's queue: reviews the fraud checks hold,
// each with its flags explained, and the units' appeals waiting for
// decision.
type reviewHeldData struct {
	Held    []reviewHeldRow
	Appeals []reviewAppealRow
	Errors  []string
}

type reviewHeldRow struct {
	ID                                     int64
	Unit, Item, Case, Level, LevelCode, At string
	Comment                                string
	Flags                                  []string
}

type reviewAppealRow struct {
	ID                                 int64
	Unit, Item, Case, Level, LevelCode string
	Comment, Kind, Statement, Filed    string
}

// flagText explains a fraud flag in the reader's language.
func flagText(p *page, f review.Flag) string {
	return p.loc.TMap("review.flag."+f.Code, f.Args)
}

// reviewHeld shows the queue.
func (h *Handler) reviewHeld(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	h.renderReviewHeld(w, r, a, http.StatusOK, nil)
}

func (h *Handler) renderReviewHeld(w http.ResponseWriter, r *http.Request, a *auth.Actor, status int, problems []string) {
	held, err := h.review.HeldReviews(r.Context(), a)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	appeals, err := h.review.Appeals(r.Context(), a, true)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	p := h.newPage(r, "review_held")
	d := reviewHeldData{Errors: problems}
	for _, rv := range held {
		row := reviewHeldRow{ID: rv.ID, Unit: rv.Unit, Item: rv.Item, Case: rv.Number, Level: p.loc.T("review.level." + string(rv.Level)),
			LevelCode: string(rv.Level), At: p.loc.DateTime(rv.ReviewedAt), Comment: rv.Comment}
		for _, f := range rv.Flags {
			row.Flags = append(row.Flags, flagText(p, f))
		}
		d.Held = append(d.Held, row)
	}
	for _, ap := range appeals {
		d.Appeals = append(d.Appeals, reviewAppealRow{ID: ap.ID, Unit: ap.Unit, Item: ap.Item, Case: ap.Number,
			Level: p.loc.T("review.level." + string(ap.Level)), LevelCode: string(ap.Level), Comment: ap.Comment,
			Kind: p.loc.T("review.appeal.kind." + string(ap.Kind)), Statement: ap.Statement, Filed: p.loc.DateTime(ap.CreatedAt)})
	}
	p.Data = d
	h.write(w, r, status, "review_held", "layout", p)
}

// reviewHeldDecide counts or excludes a held review, for a reason.
func (h *Handler) reviewHeldDecide(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	h.reviewDecide(w, r, a, func(id int64, yes bool, reason string) error {
		return h.review.DecideHeld(r.Context(), a, id, yes, reason)
	})
}

// reviewAppealDecide upholds or rejects an appeal, for a reason.
func (h *Handler) reviewAppealDecide(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	h.reviewDecide(w, r, a, func(id int64, yes bool, reason string) error {
		return h.review.DecideAppeal(r.Context(), a, id, yes, reason)
	})
}

// reviewDecide reads a decision form (decision=yes|no, reason) and runs it.
func (h *Handler) reviewDecide(w http.ResponseWriter, r *http.Request, a *auth.Actor, run func(id int64, yes bool, reason string) error) {
	id, err := pathID(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if err := r.ParseForm(); err != nil {
		h.fail(w, r, errBadForm())
		return
	}
	dec := r.PostForm.Get("decision")
	if dec != "yes" && dec != "no" {
		h.fail(w, r, errBadForm())
		return
	}
	if err := run(id, dec == "yes", strings.TrimSpace(r.PostForm.Get("reason"))); err != nil {
		if errs.Is(err, errs.Invalid) || errs.Is(err, errs.Conflict) {
			h.renderReviewHeld(w, r, a, errs.HTTPStatus(err), rowErrors(h.localizer(r), err))
			return
		}
		h.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/review/held?flash=review_decided", http.StatusSeeOther)
}
