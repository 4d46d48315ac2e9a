package web

import (
	"crypto/rand"
	"net/http"
	"strconv"

	"kaohe/internal/errs"
	"kaohe/internal/review"
	"kaohe/internal/session"
)

// reviewDeviceCookie marks a phone for the review pages' fraud checks
// (bursts from one device); only its salted hash is kept.
const reviewDeviceCookie = "kaohe_review_device"

// reviewDevice returns the review device cookie's value, setting a new
// one when the browser has none.
func reviewDevice(w http.ResponseWriter, r *http.Request) string {
	if c, err := r.Cookie(reviewDeviceCookie); err == nil && len(c.Value) >= 20 && len(c.Value) <= 64 {
		return c.Value
	}
	v := rand.Text()
	http.SetCookie(w, &http.Cookie{
		Name: reviewDeviceCookie, Value: v, Path: "/r/", MaxAge: 400 * 24 * 3600,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: r.TLS != nil,
	})
	return v
}

// reviewPageData is the public review page of a service item: the form,
// or the thanks after a review.
type reviewPageData struct {
	// State is form or done.
	State  string
	Action string
	Item   string
	Window string
	Unit   string
	Levels []option
	// Subitems are the sub-items a QR review rates, each on the levels.
	Subitems []reviewSubitem
	// Form holds what was sent, kept when it is refused.
	Form  reviewForm
	Error string
	// Order is the number of the work order a 差评 opened.
	Order string
}

type reviewSubitem struct {
	Field, Label, Value string
}

type reviewForm struct {
	Number, Level, Comment, Contact string
	FollowUp                        bool
}

// reviewPage shows the review page of the service item the QR code names,
// on the reviewer's phone. No sign-in.
func (h *Handler) reviewPage(w http.ResponseWriter, r *http.Request) {
	reviewDevice(w, r)
	h.renderReviewPage(w, r, http.StatusOK, reviewPageData{State: "form", Form: reviewForm{Number: r.URL.Query().Get("case")}}, nil)
}

// renderReviewPage fills the page of the item in the path and renders it.
func (h *Handler) renderReviewPage(w http.ResponseWriter, r *http.Request, status int, d reviewPageData, values map[string]string) {
	id, err := strconv.ParseInt(r.PathValue("item"), 10, 64)
	if err != nil {
		h.fail(w, r, errs.NoSuch("service item"))
		return
	}
	it, err := h.review.PublicItem(r.Context(), id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	p := h.newPage(r, "")
	d.Action, d.Item, d.Window, d.Unit = "/r/"+strconv.FormatInt(id, 10), it.Name, it.Window, it.Unit
	d.Levels = codeOptions(p.loc, "review.level.", review.Levels)
	for _, s := range review.Subitems(review.ChannelQR) {
		d.Subitems = append(d.Subitems, reviewSubitem{Field: "sub." + s, Label: p.loc.T("review.subitem." + s), Value: values["sub."+s]})
	}
	p.Data = d
	h.write(w, r, status, "review_page", "review_layout", p)
}

// reviewPageSubmit takes a review from the public page. A refused review
// shows its reason on the form, with what was typed kept.
func (h *Handler) reviewPageSubmit(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("item"), 10, 64)
	if err != nil {
		h.fail(w, r, errs.NoSuch("service item"))
		return
	}
	if err := r.ParseForm(); err != nil {
		h.fail(w, r, errBadForm())
		return
	}
	f := reviewForm{Number: r.PostForm.Get("number"), Level: r.PostForm.Get("level"), Comment: r.PostForm.Get("comment"),
		Contact: r.PostForm.Get("contact"), FollowUp: r.PostForm.Get("follow_up") == "1"}
	sub := review.Submission{ItemID: id, Number: f.Number, Channel: review.ChannelQR, FollowUp: f.FollowUp, Level: review.Level(f.Level),
		Comment: f.Comment, Contact: f.Contact, Addr: session.ClientAddr(r), Device: reviewDevice(w, r), Viewer: session.Actor(r.Context())}
	values := map[string]string{}
	for _, s := range review.Subitems(review.ChannelQR) {
		if v := r.PostForm.Get("sub." + s); v != "" {
			values["sub."+s] = v
			if sub.Subitems == nil {
				sub.Subitems = map[string]review.Level{}
			}
			sub.Subitems[s] = review.Level(v)
		}
	}
	rec, err := h.review.Submit(r.Context(), sub)
	switch {
	case err == nil:
		h.renderReviewPage(w, r, http.StatusOK, reviewPageData{State: "done", Order: rec.Order}, nil)
	case errs.Is(err, errs.Invalid) || errs.Is(err, errs.Conflict) || errs.Is(err, errs.NotFound):
		// An unknown case is the reviewer's typo on a page that exists
		// (422); an unknown item fails the page itself.
		status := errs.HTTPStatus(err)
		if status == http.StatusNotFound {
			status = http.StatusUnprocessableEntity
		}
		h.renderReviewPage(w, r, status, reviewPageData{State: "form", Form: f, Error: h.localizer(r).Error(err)}, values)
	default:
		h.fail(w, r, err)
	}
}
