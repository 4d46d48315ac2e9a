package web

import (
	"net/http"

	"kaohe/internal/auth"
	"kaohe/internal/collect"
	"kaohe/internal/db"
	"kaohe/internal/feedback"
)

// appealFile files an appeal against report id with its evidence.
func (h *Handler) appealFile(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	id, err := pathID(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, collect.MaxEvidence+1<<20)
	if err := r.ParseMultipartForm(8 << 20); err != nil {
		h.fail(w, r, errBadForm())
		return
	}
	name, data, err := upload(r, "file")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	f := feedback.AppealForm{Kind: feedback.AppealKind(r.PostFormValue("kind")), Subject: r.PostFormValue("subject"),
		Claimed: r.PostFormValue("claimed"), Reason: r.PostFormValue("reason"), FileName: name, File: data}
	x, err := h.feedback.File(r.Context(), a, id, f)
	if err != nil {
		h.refuseReport(w, r, a, id, err)
		return
	}
	http.Redirect(w, r, reportPath(id)+"?flash=appeal_filed#appeal-"+db.FormatID(x.ID), http.StatusSeeOther)
}
