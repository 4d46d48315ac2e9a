package api

import (
	"net/http"
	"strconv"

	"kaohe/internal/auth"
	"kaohe/internal/errs"
	"kaohe/internal/finding"
)

// findingList answers the findings you read, filtered by ?unit= (a unit:
// the findings about its subtree), body, source, category, severity,
// status, transfer, from, to (days found), person, and paged by limit
// (1–1000) and offset.
func (h *Handler) findingList(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	limit, offset, err := paging(r)
	if err != nil {
		h.ServeError(w, r, err)
		return
	}
	q := r.URL.Query()
	f := finding.Filter{Source: finding.Source(q.Get("source")), Category: finding.Category(q.Get("category")),
		Severity: finding.Severity(q.Get("severity")), Status: finding.Status(q.Get("status")), Transfer: finding.TransferStatus(q.Get("transfer")), From: q.Get("from"), To: q.Get("to"),
		Limit: limit, Offset: offset}
	for _, p := range []struct {
		name string
		to   *int64
	}{{"unit", &f.Under}, {"body", &f.Body}, {"person", &f.PersonID}} {
		if s := q.Get(p.name); s != "" {
			id, err := strconv.ParseInt(s, 10, 64)
			if err != nil || id <= 0 {
				h.ServeError(w, r, errNotFound())
				return
			}
			*p.to = id
		}
	}
	list, err := h.finding.List(r.Context(), a, f)
	if err != nil {
		h.valuesError(w, r, err)
		return
	}
	out := FindingList{Findings: []Finding{}, Total: list.Total, Notified: list.Notified, BySeverity: map[string]int{}}
	for _, s := range finding.Severities {
		out.BySeverity[string(s)] = list.BySeverity[s]
	}
	for _, fd := range list.Findings {
		out.Findings = append(out.Findings, toFinding(fd))
	}
	writeJSON(w, http.StatusOK, out)
}

// findingGet answers one finding with its evidence and history.
func (h *Handler) findingGet(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	id, err := pathID(r)
	if err != nil {
		h.ServeError(w, r, err)
		return
	}
	d, err := h.finding.Get(r.Context(), a, id)
	if err != nil {
		h.ServeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, toFindingDetail(d))
}

// maxFindingBody bounds a finding with its files in base64.
const maxFindingBody = finding.MaxFiles*(14<<20) + 1<<20

// findingCreate records a finding as your body.
func (h *Handler) findingCreate(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	var in FindingIn
	if !h.decodeBody(w, r, &in, maxFindingBody, `{"body_id", "source", "category", "severity", "found_on", "reference", "title", "description", "unit_id", "people": ["…"], "files": [{"name", "content"}]}`) {
		return
	}
	d := finding.Draft{Source: finding.Source(in.Source), Category: finding.Category(in.Category), Severity: finding.Severity(in.Severity),
		FoundOn: in.FoundOn, Reference: in.Reference, Title: in.Title, Description: in.Description}
	d.BodyID, _ = strconv.ParseInt(in.BodyID, 10, 64) // 0: your one body
	d.UnitID, _ = strconv.ParseInt(in.UnitID, 10, 64) // 0 answers "unit_id is required"
	for _, p := range in.People {
		id, err := strconv.ParseInt(p, 10, 64)
		if err != nil {
			e := errs.New(errs.NotFound, "finding.person_unknown", "a cadre named does not exist")
			e.Field = "people"
			h.ServeError(w, r, e)
			return
		}
		d.PersonIDs = append(d.PersonIDs, id)
	}
	var files []finding.Upload
	for _, f := range in.Files {
		files = append(files, finding.Upload{Name: f.Name, Data: f.Content})
	}
	fd, err := h.finding.Create(r.Context(), a, d, files)
	if err != nil {
		h.valuesError(w, r, err)
		return
	}
	dt, err := h.finding.Get(r.Context(), a, fd.ID)
	if err != nil {
		h.ServeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, toFindingDetail(dt))
}

// findingTransfer transfers finding id to another body (线索移送) as its
// body, and answers the finding with its transfers.
func (h *Handler) findingTransfer(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	id, err := pathID(r)
	if err != nil {
		h.ServeError(w, r, err)
		return
	}
	var in TransferIn
	if !h.decodeBody(w, r, &in, 1<<20, `{"to_body_id", "sent_on", "reason"}`) {
		return
	}
	sd := finding.Sending{SentOn: in.SentOn, Reason: in.Reason}
	sd.ToBodyID, _ = strconv.ParseInt(in.ToBodyID, 10, 64) // 0 answers "to_body_id is required"
	if _, err := h.finding.Transfer(r.Context(), a, id, sd); err != nil {
		h.valuesError(w, r, err)
		return
	}
	d, err := h.finding.Get(r.Context(), a, id)
	if err != nil {
		h.ServeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, toFindingDetail(d))
}
