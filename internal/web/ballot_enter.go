package web

import (
	"net/http"

	"kaohe/internal/survey"
)

// ballotEnter asks for a ballot code typed from a paper slip (for phones
// that cannot scan the QR code) and goes to its ballot.
func (h *Handler) ballotEnter(w http.ResponseWriter, r *http.Request) {
	if c := r.URL.Query().Get("code"); c != "" {
		if code, ok := survey.NormalizeCode(c); ok {
			http.Redirect(w, r, "/b/"+code, http.StatusSeeOther)
			return
		}
		h.renderBallot(w, r, http.StatusNotFound, nil, "", ballotData{State: "enter", Error: h.localizer(r).T(survey.KeyCodeUnknown)}, nil)
		return
	}
	h.renderBallot(w, r, http.StatusOK, nil, "", ballotData{State: "enter"}, nil)
}
