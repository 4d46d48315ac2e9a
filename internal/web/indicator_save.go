package web

import (
	"kaohe/internal/errs"
	"net/http"
	"strings"

	"kaohe/internal/auth"
	"kaohe/internal/scheme"
	"kaohe/internal/score"
)

// indicatorSave adds an indicator to the library or redefines the one with
// the same code; its data item or formula variables must be data items.
func (h *Handler) indicatorSave(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	f := func(k string) string { return strings.TrimSpace(r.PostFormValue(k)) }
	ind := scheme.Indicator{Code: f("code"), Name: f("name"), Unit: f("unit"), Direction: score.Direction(f("direction")),
		Kind: score.Kind(f("kind")), DataItem: f("data_item"), Formula: f("formula"), Key: f("key") != "",
		Leading: f("leading") != "", Description: f("description")}
	if _, err := h.scheme.SaveIndicator(r.Context(), a, ind); err != nil {
		h.renderIndicators(w, r, a, errs.HTTPStatus(err), err, ind)
		return
	}
	http.Redirect(w, r, "/indicators?flash=indicator_saved", http.StatusSeeOther)
}
