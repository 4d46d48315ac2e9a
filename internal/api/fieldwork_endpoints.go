package api

import (
	"net/http"
	"strconv"

	"kaohe/internal/auth"
	"kaohe/internal/fieldwork"
)

// fieldTasks answers a cycle's task list (?show=todo|verified|interviewed).
func (h *Handler) fieldTasks(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	id, err := pathID(r)
	if err != nil {
		h.ServeError(w, r, err)
		return
	}
	show := fieldwork.Show(r.URL.Query().Get("show"))
	if !show.Valid() {
		h.ServeError(w, r, errNotFound())
		return
	}
	ts, err := h.field.Tasks(r.Context(), a, id, show)
	if err != nil {
		h.ServeError(w, r, err)
		return
	}
	out := FieldTasks{Cycle: toCycle(ts.Cycle), Tasks: []FieldTask{}, Entities: ts.Entities, Todo: ts.Todo, Verified: ts.Verified,
		Interviewed: ts.Interviewed, Judgeable: ts.Judgeable}
	for _, t := range ts.Rows {
		ft := FieldTask{Entity: t.Entity.ID, Name: t.Entity.Name, UnitID: strconv.FormatInt(t.Entity.UnitID, 10),
			Verifications: t.Verifications, Judged: t.Judged}
		if t.Entity.PersonID != 0 {
			ft.PersonID = strconv.FormatInt(t.Entity.PersonID, 10)
		}
		if ts.Interviews {
			n := t.Interviews
			ft.Interviews = &n
		}
		out.Tasks = append(out.Tasks, ft)
	}
	writeJSON(w, http.StatusOK, out)
}

// fieldRecord answers the field work on one entity.
func (h *Handler) fieldRecord(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	id, err := pathID(r)
	if err != nil {
		h.ServeError(w, r, err)
		return
	}
	rec, err := h.field.Record(r.Context(), a, id, r.PathValue("entity"))
	if err != nil {
		h.ServeError(w, r, err)
		return
	}
	out := FieldRecord{Cycle: toCycle(rec.Cycle), Entity: rec.Entity.ID, Name: rec.Entity.Name, Verifications: []Verification{},
		Judgements: []Judgement{}}
	for _, v := range rec.Verifications {
		out.Verifications = append(out.Verifications, toVerification(v))
	}
	if rec.MayInterviews {
		ivs := []Interview{}
		for _, iv := range rec.Interviews {
			ivs = append(ivs, toInterview(iv))
		}
		out.Interviews = &ivs
	}
	for _, j := range rec.Judgements {
		out.Judgements = append(out.Judgements, toJudgement(j))
	}
	writeJSON(w, http.StatusOK, out)
}

// maxVerificationBody bounds a verification with its files in base64.
const maxVerificationBody = fieldwork.MaxFiles*(14<<20) + 1<<20

// fieldVerify records a verification.
func (h *Handler) fieldVerify(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	id, err := pathID(r)
	if err != nil {
		h.ServeError(w, r, err)
		return
	}
	var in VerificationIn
	if !h.decodeBody(w, r, &in, maxVerificationBody, `{"checked_on", "checked", "finding", "item", "value", "reason", "files": [{"name", "content"}]}`) {
		return
	}
	nv := fieldwork.NewVerification{CheckedOn: in.CheckedOn, Checked: in.Checked, Finding: in.Finding, Item: in.Item, Value: in.Value, Reason: in.Reason}
	for _, f := range in.Files {
		nv.Files = append(nv.Files, fieldwork.Upload{Name: f.Name, Data: f.Content})
	}
	v, err := h.field.Verify(r.Context(), a, id, r.PathValue("entity"), nv)
	if err != nil {
		h.valuesError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, toVerification(v))
}

// fieldInterview records an interview.
func (h *Handler) fieldInterview(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	id, err := pathID(r)
	if err != nil {
		h.ServeError(w, r, err)
		return
	}
	var in InterviewIn
	if !h.decodeBody(w, r, &in, maxEditBody, `{"person_id", "held_on", "interviewer", "notes"}`) {
		return
	}
	person, _ := strconv.ParseInt(in.PersonID, 10, 64) // 0 answers "person_id is required"
	iv, err := h.field.Interview(r.Context(), a, id, r.PathValue("entity"), fieldwork.NewInterview{PersonID: person, HeldOn: in.HeldOn,
		Interviewer: in.Interviewer, Notes: in.Notes})
	if err != nil {
		h.valuesError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, toInterview(iv))
}

// fieldJudge records judgements; rows are numbered from 1.
func (h *Handler) fieldJudge(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	id, err := pathID(r)
	if err != nil {
		h.ServeError(w, r, err)
		return
	}
	var in JudgementsIn
	if !h.decodeBody(w, r, &in, maxEditBody, `{"judgements": [{"indicator", "grade", "score", "basis"}]}`) {
		return
	}
	rows := make([]fieldwork.JudgementRow, len(in.Judgements))
	for i, j := range in.Judgements {
		rows[i] = fieldwork.JudgementRow{Row: i + 1, Indicator: j.Indicator, Grade: j.Grade, Basis: j.Basis}
		if j.Score != nil {
			rows[i].Score = strconv.FormatFloat(*j.Score, 'f', -1, 64)
		}
	}
	js, err := h.field.Judge(r.Context(), a, id, r.PathValue("entity"), rows)
	if err != nil {
		h.valuesError(w, r, err)
		return
	}
	out := struct {
		Judgements []Judgement `json:"judgements"`
	}{[]Judgement{}}
	for _, j := range js {
		out.Judgements = append(out.Judgements, toJudgement(j))
	}
	writeJSON(w, http.StatusOK, out)
}
