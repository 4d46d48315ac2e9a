package web

import (
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"kaohe/internal/auth"
	"kaohe/internal/collect"
	"kaohe/internal/errs"
	"kaohe/internal/fieldwork"
)

// fieldVerificationSave records a verification from the multipart form,
// with its evidence files; a value found for a data item goes into collect
// as a correction. A refused form is shown again with every problem and
// writes nothing.
func (h *Handler) fieldVerificationSave(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	id, err := pathID(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, fieldwork.MaxFiles*(collect.MaxEvidence+1<<16)+1<<20)
	if err := r.ParseMultipartForm(8 << 20); err != nil {
		h.fail(w, r, errBadForm())
		return
	}
	f := verificationForm{CheckedOn: strings.TrimSpace(r.PostFormValue("checked_on")), Checked: r.PostFormValue("checked"),
		Finding: r.PostFormValue("finding"), Item: r.PostFormValue("item"), Value: r.PostFormValue("value"), Reason: r.PostFormValue("reason")}
	nv := fieldwork.NewVerification{CheckedOn: f.CheckedOn, Checked: f.Checked, Finding: f.Finding, Item: f.Item, Value: f.Value, Reason: f.Reason}
	for _, fh := range r.MultipartForm.File["files"] {
		if fh.Filename == "" && fh.Size == 0 {
			continue // the empty part of a form without files
		}
		file, err := fh.Open()
		if err != nil {
			h.fail(w, r, errBadForm())
			return
		}
		data, err := io.ReadAll(io.LimitReader(file, collect.MaxEvidence+1))
		file.Close()
		if err != nil {
			h.fail(w, r, errBadForm())
			return
		}
		nv.Files = append(nv.Files, fieldwork.Upload{Name: fh.Filename, Data: data})
	}
	key := r.PathValue("entity")
	if _, err := h.field.Verify(r.Context(), a, id, key, nv); err != nil {
		h.refuseField(w, r, a, err, &fieldForms{V: f, ErrorsOf: "verification"})
		return
	}
	http.Redirect(w, r, fieldPath(id, key)+"?flash=verification_saved#verifications", http.StatusSeeOther)
}

// refuseField shows the entity's field work page again with a refused
// form: an input problem as the form's localized errors, anything else
// (not found, not allowed, a published cycle) as the error page.
func (h *Handler) refuseField(w http.ResponseWriter, r *http.Request, a *auth.Actor, err error, forms *fieldForms) {
	if !errs.Is(err, errs.Invalid) {
		h.fail(w, r, err)
		return
	}
	forms.Errors = rowErrors(h.localizer(r), err)
	h.renderField(w, r, a, errs.HTTPStatus(err), forms)
}

// fieldPath is the page of the field work on entity key of cycle id.
func fieldPath(id int64, key string) string {
	return "/cycles/" + strconv.FormatInt(id, 10) + "/field/" + url.PathEscape(key)
}
