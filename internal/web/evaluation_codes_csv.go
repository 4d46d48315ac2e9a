package web

import (
	"bytes"
	"fmt"
	"net/http"
	"strconv"

	"kaohe/internal/auth"
	"kaohe/internal/survey"
)

// evaluationCodesCSV downloads every code of the evaluation as CSV: rater
// group, number, code, ballot address and whether it was used.
func (h *Handler) evaluationCodesCSV(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	id, err := pathID(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	codes, err := h.survey.Codes(r.Context(), a, id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	var buf bytes.Buffer
	buf.WriteString("\ufeff") // a BOM, so that spreadsheet programs read UTF-8
	if err := survey.WriteCSV(&buf, codes, h.base); err != nil {
		h.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="evaluation-%d-codes.csv"`, id))
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	w.Write(buf.Bytes())
}
