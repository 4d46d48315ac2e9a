package web

import (
	"io"
	"net/http"
	"strconv"

	"kaohe/internal/auth"
	"kaohe/internal/errs"
	"kaohe/internal/finding"
)

// findingUpload records the findings of an uploaded workbook, all or
// nothing: a bad row writes nothing and the page lists every bad row and
// column.
func (h *Handler) findingUpload(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	r.Body = http.MaxBytesReader(w, r.Body, finding.MaxWorkbook+1<<20)
	if err := r.ParseMultipartForm(8 << 20); err != nil {
		h.fail(w, r, errBadForm())
		return
	}
	file, hdr, err := r.FormFile("file")
	if err != nil {
		h.fail(w, r, errBadForm())
		return
	}
	defer file.Close()
	data, err := io.ReadAll(io.LimitReader(file, finding.MaxWorkbook+1))
	if err != nil {
		h.fail(w, r, errBadForm())
		return
	}
	body, _ := strconv.ParseInt(r.PostFormValue("body"), 10, 64)
	if _, err := h.finding.Import(r.Context(), a, body, hdr.Filename, data); err != nil {
		if !formProblem(err) {
			h.fail(w, r, err)
			return
		}
		h.renderFindings(w, r, a, errs.HTTPStatus(err), nil, rowErrors(h.localizer(r), err))
		return
	}
	http.Redirect(w, r, "/findings?flash=findings_imported", http.StatusSeeOther)
}
