package api

import (
	"net/http"

	"kaohe/internal/auth"
	"kaohe/internal/review"
)

// CaseIn is a case (办件) sent by the government-service system.
type CaseIn struct {
	Number     string `json:"number"`
	Item       string `json:"item"`
	FinishedOn string `json:"finished_on"`
	Channel    string `json:"channel"`
}

// CasesIn is a batch of cases.
type CasesIn struct {
	Cases []CaseIn `json:"cases"`
}

// CasesAdded says how many cases a batch added.
type CasesAdded struct {
	Added int `json:"added"`
}

// maxCasesBody bounds a batch of cases.
const maxCasesBody = 32 << 20

// reviewCasesImport adds a batch of cases to a unit, all or nothing: a bad
// case writes nothing and every problem names its position ("row") and
// field.
func (h *Handler) reviewCasesImport(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	id, err := pathID(r)
	if err != nil {
		h.ServeError(w, r, err)
		return
	}
	var in CasesIn
	if !h.decodeBody(w, r, &in, maxCasesBody, `{"cases": [{"number", "item", "finished_on", "channel"}]}`) {
		return
	}
	h.addCases(w, r, a, id, in.Cases)
}

// reviewCaseAdd adds one case to a unit.
func (h *Handler) reviewCaseAdd(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	id, err := pathID(r)
	if err != nil {
		h.ServeError(w, r, err)
		return
	}
	var in CaseIn
	if !h.decodeBody(w, r, &in, 1<<20, `{"number", "item", "finished_on", "channel"}`) {
		return
	}
	h.addCases(w, r, a, id, []CaseIn{in})
}

func (h *Handler) addCases(w http.ResponseWriter, r *http.Request, a *auth.Actor, unit int64, cases []CaseIn) {
	rows := make([]review.CaseIn, len(cases))
	for i, c := range cases {
		rows[i] = review.CaseIn{Row: i + 1, Number: c.Number, Item: c.Item, FinishedOn: c.FinishedOn, Channel: c.Channel}
	}
	rep, err := h.review.ImportCases(r.Context(), a, unit, rows, "API")
	if err != nil {
		h.valuesError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, CasesAdded{Added: rep.Added})
}
