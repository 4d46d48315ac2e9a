package web

import (
	"crypto/rand"
	"net/http"

	"kaohe/internal/session"
	"kaohe/internal/survey"
)

// deviceCookie holds a random value per device for public surveys, so
// that a device answers a survey once; only its hash is kept.
const deviceCookie = "kaohe_device"

// surveyShow shows a public satisfaction survey on a phone, no sign-in.
func (h *Handler) surveyShow(w http.ResponseWriter, r *http.Request) {
	token := r.PathValue("token")
	e, err := h.survey.PublicForm(r.Context(), token)
	if err != nil {
		h.ballotState(w, r, err)
		return
	}
	device(w, r)
	d := ballotData{State: "form", Action: "/s/" + token, Public: true}
	if e.Status != survey.StatusOpen {
		d.State = "closed"
	}
	h.renderBallot(w, r, http.StatusOK, e, "", d, nil)
}

// device returns the device cookie's value, setting a new one when the
// browser has none.
func device(w http.ResponseWriter, r *http.Request) string {
	if c, err := r.Cookie(deviceCookie); err == nil && len(c.Value) >= 20 && len(c.Value) <= 64 {
		return c.Value
	}
	v := rand.Text()
	http.SetCookie(w, &http.Cookie{
		Name: deviceCookie, Value: v, Path: "/s/", MaxAge: 400 * 24 * 3600,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: session.Secure(r),
	})
	return v
}
