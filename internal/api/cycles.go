package api

import (
	"net/http"
	"strconv"

	"kaohe/internal/auth"
	"kaohe/internal/cycle"
	"kaohe/internal/score"
)

// Cycle is an assessment cycle.
type Cycle struct {
	ID   string `json:"id"`
	Code string `json:"code"`
	Name string `json:"name"`
	// Kind is ordinary, annual, special or term.
	Kind string `json:"kind"`
	Task string `json:"task,omitempty"`
	// Subject is "person" (cadres) or "unit" (leadership teams).
	Subject         string `json:"subject"`
	OwnerUnitID     string `json:"owner_unit_id"`
	SchemeVersionID string `json:"scheme_version_id"`
	Period          string `json:"period"`
	EndsOn          string `json:"ends_on,omitempty"`
	// Stage is draft, collecting, evaluating, scoring, review, published
	// or closed.
	Stage     string `json:"stage"`
	Entities  int    `json:"entities"`
	Published bool   `json:"published"`
}

// CycleList is the list of cycles.
type CycleList struct {
	Cycles []Cycle `json:"cycles"`
	Total  int     `json:"total"`
}

// CycleResult is one entity's result in a cycle.
type CycleResult struct {
	Entity string `json:"entity"`
	Name   string `json:"name"`
	// UnitID is the unit (a team) or the unit of the cadre's post;
	// PersonID is "" for a unit.
	UnitID   string  `json:"unit_id"`
	PersonID string  `json:"person_id,omitempty"`
	Group    string  `json:"group"`
	Total    float64 `json:"total"`
	Base     float64 `json:"base"`
	Bonus    float64 `json:"bonus"`
	// Deduction is subtracted from the total.
	Deduction float64 `json:"deduction"`
	Rank      int     `json:"rank"`
	GroupSize int     `json:"group_size"`
	// RankP05 and RankP95 bound the rank under weight uncertainty.
	RankP05 int `json:"rank_p05"`
	RankP50 int `json:"rank_p50"`
	RankP95 int `json:"rank_p95"`
	// Grade is after calibration; EngineGrade is the engine's.
	Grade       string   `json:"grade"`
	EngineGrade string   `json:"engine_grade"`
	Flags       []string `json:"flags"`
}

// CycleResultList is a page of a cycle's ranking in one group.
type CycleResultList struct {
	Cycle Cycle `json:"cycle"`
	// Snapshot is the id of the scoring snapshot; Published says whether
	// it is the published one.
	Snapshot  string        `json:"snapshot"`
	Published bool          `json:"published"`
	Groups    []string      `json:"groups"`
	Group     string        `json:"group"`
	Results   []CycleResult `json:"results"`
	Total     int           `json:"total"`
}

// CycleResultDetail is one entity's result with its decomposition.
type CycleResultDetail struct {
	Cycle    Cycle  `json:"cycle"`
	Snapshot string `json:"snapshot"`
	// InputsHash and EngineVersion identify what was scored.
	InputsHash    string      `json:"inputs_hash"`
	EngineVersion string      `json:"engine_version"`
	CycleResult   CycleResult `json:"result"`
	// Decomposition lists what adds up to the total.
	Decomposition []DecompositionItem `json:"decomposition"`
	Dimensions    []CycleDimension    `json:"dimensions"`
}

// DecompositionItem is one line of a decomposition. Numbers that do not apply are null.
type DecompositionItem struct {
	Indicator    string    `json:"indicator"`
	Name         string    `json:"name"`
	Kind         string    `json:"kind"`
	Raw          score.Num `json:"raw"`
	Normalised   score.Num `json:"normalised"`
	Weight       score.Num `json:"weight"`
	Contribution float64   `json:"contribution"`
	Finding      string    `json:"finding,omitempty"`
	Note         string    `json:"note,omitempty"`
}

// CycleDimension is a top-level dimension's score against the group.
type CycleDimension struct {
	Code   string    `json:"code"`
	Name   string    `json:"name"`
	Score  score.Num `json:"score"`
	Mean   score.Num `json:"group_mean"`
	Median score.Num `json:"group_median"`
}

func toCycle(c *cycle.Cycle) Cycle {
	return Cycle{ID: strconv.FormatInt(c.ID, 10), Code: c.Code, Name: c.Name, Kind: string(c.Kind), Task: c.Task,
		Subject: string(c.Subject), OwnerUnitID: strconv.FormatInt(c.OwnerUnitID, 10),
		SchemeVersionID: strconv.FormatInt(c.SchemeVersionID, 10), Period: c.Period, EndsOn: c.EndsOn,
		Stage: string(c.Stage), Entities: c.Entities, Published: c.PublishedSnapshotID != 0}
}

func toResult(r *cycle.Result) CycleResult {
	out := CycleResult{Entity: r.Entity.ID, Name: r.Entity.Name, UnitID: strconv.FormatInt(r.Entity.UnitID, 10), Group: r.Entity.Group,
		Total: r.Total, Base: r.Base, Bonus: r.Bonus, Deduction: r.Deduction, Rank: r.Rank, GroupSize: r.GroupSize,
		RankP05: r.RankP05, RankP50: r.RankP50, RankP95: r.RankP95, Grade: r.Grade, EngineGrade: r.EngineGrade, Flags: r.Flags}
	if r.Entity.PersonID != 0 {
		out.PersonID = strconv.FormatInt(r.Entity.PersonID, 10)
	}
	if out.Flags == nil {
		out.Flags = []string{}
	}
	return out
}

// cycleList answers the cycles the actor may see.
func (h *Handler) cycleList(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	q := r.URL.Query()
	cs, err := h.cycle.Cycles(r.Context(), a, cycle.Filter{Kind: cycle.Kind(q.Get("kind")), Stage: cycle.Stage(q.Get("stage"))})
	if err != nil {
		h.ServeError(w, r, err)
		return
	}
	out := CycleList{Cycles: []Cycle{}, Total: len(cs)}
	for _, c := range cs {
		out.Cycles = append(out.Cycles, toCycle(c))
	}
	writeJSON(w, http.StatusOK, out)
}

// cycleResults answers a page of a cycle's ranking in one group (?group=,
// ?grade=, ?limit=, ?offset=).
func (h *Handler) cycleResults(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	id, err := pathID(r)
	if err != nil {
		h.ServeError(w, r, err)
		return
	}
	limit, offset, err := paging(r)
	if err != nil {
		h.ServeError(w, r, err)
		return
	}
	q := r.URL.Query()
	rk, err := h.cycle.Ranking(r.Context(), a, id, cycle.RankFilter{Group: q.Get("group"), Grade: q.Get("grade"), Limit: limit, Offset: offset})
	if err != nil {
		h.ServeError(w, r, err)
		return
	}
	out := CycleResultList{Cycle: toCycle(rk.Cycle), Snapshot: strconv.FormatInt(rk.Snapshot.ID, 10), Published: rk.Published,
		Groups: []string{}, Group: rk.Group, Results: []CycleResult{}, Total: rk.Total}
	for _, g := range rk.Groups {
		out.Groups = append(out.Groups, g.Group)
	}
	for _, res := range rk.Rows {
		out.Results = append(out.Results, toResult(res))
	}
	writeJSON(w, http.StatusOK, out)
}

// cycleResult answers one entity's result with its decomposition.
func (h *Handler) cycleResult(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	id, err := pathID(r)
	if err != nil {
		h.ServeError(w, r, err)
		return
	}
	p, err := h.cycle.Profile(r.Context(), a, id, r.PathValue("entity"))
	if err != nil {
		h.ServeError(w, r, err)
		return
	}
	out := CycleResultDetail{Cycle: toCycle(p.Cycle), Snapshot: strconv.FormatInt(p.Snapshot.ID, 10), InputsHash: p.Snapshot.InputsHash,
		EngineVersion: p.Snapshot.EngineVersion, CycleResult: toResult(p.Result), Decomposition: []DecompositionItem{}, Dimensions: []CycleDimension{}}
	for _, it := range p.Explanation.Items {
		out.Decomposition = append(out.Decomposition, DecompositionItem{Indicator: it.Indicator, Name: p.Names[it.Indicator], Kind: it.Kind,
			Raw: it.Raw, Normalised: it.Normalised, Weight: it.Weight, Contribution: it.Contribution, Finding: it.Finding, Note: it.Note})
	}
	for _, d := range p.Dimensions {
		out.Dimensions = append(out.Dimensions, CycleDimension{Code: d.Code, Name: d.Name, Score: d.Score, Mean: d.Mean, Median: d.Median})
	}
	writeJSON(w, http.StatusOK, out)
}
