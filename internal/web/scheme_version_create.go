package web

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"kaohe/internal/auth"
	"kaohe/internal/errs"
	"kaohe/internal/scheme"
)

// schemeVersionCreate adds a draft version: a copy of an existing version
// to edit, or an uploaded Excel workbook or JSON file. A bad file is
// reported row by row and nothing is written.
func (h *Handler) schemeVersionCreate(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	id, err := schemeID(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, scheme.MaxImport+1<<20)
	if err := r.ParseMultipartForm(1 << 20); err != nil && !errors.Is(err, http.ErrNotMultipart) {
		h.renderScheme(w, r, a, http.StatusUnprocessableEntity, errs.New(errs.Invalid, "scheme.import.too_large", "the upload is too large"), versionForm{})
		return
	}
	form := versionForm{Reason: strings.TrimSpace(r.FormValue("reason")), Cycle: strings.TrimSpace(r.FormValue("cycle")),
		From: strings.TrimSpace(r.FormValue("from"))}
	form.Base, _ = strconv.Atoi(r.FormValue("base"))
	ctx := r.Context()
	var b *scheme.Bundle
	file, header, ferr := r.FormFile("file")
	switch {
	case ferr == nil:
		defer file.Close()
		var data []byte
		data, err = io.ReadAll(io.LimitReader(file, scheme.MaxImport+1))
		if err == nil {
			b, err = parseSchemeFile(header.Filename, data)
		}
	case form.Base > 0:
		var v *scheme.Version
		if v, err = h.scheme.VersionByNumber(ctx, a, id, form.Base); err == nil {
			b = &scheme.Bundle{Scheme: v.Doc}
		}
	default:
		err = errs.New(errs.Invalid, "scheme.version.source_required", "choose a version to copy or upload a file")
	}
	var v *scheme.Version
	if err == nil {
		v, err = h.scheme.Import(ctx, a, id, b, form.Reason, form.Cycle, form.From)
	}
	if err != nil {
		h.renderScheme(w, r, a, errs.HTTPStatus(err), err, form)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/schemes/%d/versions/%d?flash=version_created", id, v.Number), http.StatusSeeOther)
}

// parseSchemeFile reads an uploaded scheme: a workbook by its zip
// signature, JSON otherwise.
func parseSchemeFile(name string, data []byte) (*scheme.Bundle, error) {
	if bytes.HasPrefix(data, []byte("PK")) || strings.HasSuffix(strings.ToLower(name), ".xlsx") {
		return scheme.ParseExcel(data)
	}
	return scheme.ParseJSON(data)
}
