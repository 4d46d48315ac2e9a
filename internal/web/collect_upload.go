package web

import (
	"bytes"
	"errors"
	"io"
	"kaohe/internal/errs"
	"net/http"
	"strings"

	"kaohe/internal/auth"
	"kaohe/internal/collect"
)

// collectUpload submits an uploaded workbook (the template, or a value
// table) or CSV file. The file is all-or-nothing: a bad row writes nothing
// and the page lists every bad row and field.
func (h *Handler) collectUpload(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	r.Body = http.MaxBytesReader(w, r.Body, collect.MaxWorkbook+1<<20)
	if err := r.ParseMultipartForm(8 << 20); err != nil {
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			h.fail(w, r, collect.ErrUploadTooLarge())
			return
		}
		h.fail(w, r, errBadForm())
		return
	}
	owner, period := r.PostFormValue("owner"), r.PostFormValue("period")
	p, data, err := h.collectLoad(r, a, owner, period)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	file, hdr, err := r.FormFile("file")
	if err != nil {
		h.fail(w, r, errBadForm())
		return
	}
	defer file.Close()
	content, err := io.ReadAll(io.LimitReader(file, collect.MaxWorkbook+1))
	if err != nil {
		h.fail(w, r, errBadForm())
		return
	}
	if len(content) > collect.MaxWorkbook {
		h.fail(w, r, collect.ErrUploadTooLarge())
		return
	}
	// The kind of file is told by its content, not its name.
	var b *collect.Batch
	switch {
	case bytes.HasPrefix(content, []byte("PK")) || bytes.HasPrefix(content, []byte{0xD0, 0xCF, 0x11, 0xE0}):
		b, err = collect.ParseWorkbook(content)
	case strings.HasPrefix(http.DetectContentType(content), "text/"):
		b, err = collect.ParseCSV(content)
	default:
		err = errs.New(errs.Invalid, "collect.upload.unknown_type", "the file is neither an Excel workbook (.xlsx) nor a CSV text file")
	}
	if err == nil {
		b.Name = hdr.Filename
		var rep *collect.Report
		if rep, err = h.collect.Submit(r.Context(), a, *b); err == nil {
			if p, data, err = h.collectLoad(r, a, owner, period); err != nil {
				h.fail(w, r, err)
				return
			}
			data.Report = rep
			p.Flash = p.loc.T("flash.values_uploaded")
			h.collectRender(w, r, http.StatusOK, p, data, nil)
			return
		}
	}
	h.collectRender(w, r, errs.HTTPStatus(err), p, data, err)
}
