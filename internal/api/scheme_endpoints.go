package api

import (
	"encoding/json"
	"io"
	"math"
	"net/http"
	"strconv"

	"kaohe/internal/auth"
	"kaohe/internal/errs"
	"kaohe/internal/scheme"
)

// schemeList answers the schemes the actor may read.
func (h *Handler) schemeList(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	list, err := h.scheme.Schemes(r.Context(), a)
	if err != nil {
		h.ServeError(w, r, err)
		return
	}
	out := SchemeList{Schemes: []Scheme{}}
	for _, s := range list {
		out.Schemes = append(out.Schemes, toScheme(s))
	}
	writeJSON(w, http.StatusOK, out)
}

// schemeGet answers one scheme with its versions (without documents).
func (h *Handler) schemeGet(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	id, err := pathID(r)
	if err != nil {
		h.ServeError(w, r, err)
		return
	}
	s, err := h.scheme.Scheme(r.Context(), a, id)
	if err != nil {
		h.ServeError(w, r, err)
		return
	}
	vs, err := h.scheme.Versions(r.Context(), a, id)
	if err != nil {
		h.ServeError(w, r, err)
		return
	}
	out := toScheme(s)
	out.Versions = []SchemeVersion{}
	for _, v := range vs {
		out.Versions = append(out.Versions, toVersion(v, false))
	}
	writeJSON(w, http.StatusOK, out)
}

// schemeVersionGet answers one version with its stored document.
func (h *Handler) schemeVersionGet(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	id, err := pathID(r)
	if err != nil {
		h.ServeError(w, r, err)
		return
	}
	n, err := strconv.Atoi(r.PathValue("n"))
	if err != nil || n <= 0 {
		h.ServeError(w, r, errNotFound())
		return
	}
	v, err := h.scheme.VersionByNumber(r.Context(), a, id, n)
	if err != nil {
		h.ServeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, toVersion(v, true))
}

// schemeVersionCreate adds a draft version from a scheme file in the body.
func (h *Handler) schemeVersionCreate(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	id, err := pathID(r)
	if err != nil {
		h.ServeError(w, r, err)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, scheme.MaxImport+1<<20))
	if err != nil {
		h.ServeError(w, r, errs.New(errs.Invalid, "scheme.import.too_large", "the body is too large"))
		return
	}
	var in VersionImport
	if err := json.Unmarshal(body, &in); err != nil || len(in.Scheme) == 0 {
		e := errs.New(errs.Invalid, "scheme.import.json_invalid", "the body must be {reason, effective_cycle, effective_from, scheme}")
		e.Args = map[string]any{"detail": "{reason, effective_cycle, effective_from, scheme}"}
		h.ServeError(w, r, e)
		return
	}
	b, err := scheme.ParseJSON(in.Scheme)
	if err != nil {
		h.ServeError(w, r, err)
		return
	}
	v, err := h.scheme.Import(r.Context(), a, id, b, in.Reason, in.EffectiveCycle, in.EffectiveFrom)
	if err != nil {
		h.ServeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, toVersion(v, true))
}

// schemeDiff answers the difference between versions ?from= and ?to=.
func (h *Handler) schemeDiff(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	id, err := pathID(r)
	if err != nil {
		h.ServeError(w, r, err)
		return
	}
	var ids [2]int64
	for k, name := range []string{"from", "to"} {
		n, err := strconv.Atoi(r.URL.Query().Get(name))
		if err != nil || n <= 0 {
			e := errs.New(errs.Invalid, "api.version_required", "from and to must be version numbers")
			e.Field = name
			h.ServeError(w, r, e)
			return
		}
		v, err := h.scheme.VersionByNumber(r.Context(), a, id, n)
		if err != nil {
			h.ServeError(w, r, err)
			return
		}
		ids[k] = v.ID
	}
	d, err := h.scheme.Compare(r.Context(), a, ids[0], ids[1])
	if err != nil {
		h.ServeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, toDiff(d))
}

// indicatorList answers the indicator library.
func (h *Handler) indicatorList(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	list, err := h.scheme.Indicators(r.Context(), a)
	if err != nil {
		h.ServeError(w, r, err)
		return
	}
	out := IndicatorList{Indicators: []LibraryIndicator{}}
	for _, ind := range list {
		out.Indicators = append(out.Indicators, LibraryIndicator{Code: ind.Code, Name: ind.Name, Unit: ind.Unit,
			Direction: string(ind.Direction), Kind: string(ind.Kind), DataItem: ind.DataItem, Formula: ind.Formula,
			Key: ind.Key, Leading: ind.Leading, Description: ind.Description})
	}
	writeJSON(w, http.StatusOK, out)
}

// streamlineReport answers the streamlining report.
func (h *Handler) streamlineReport(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	rep, err := h.scheme.Streamline(r.Context(), a)
	if err != nil {
		h.ServeError(w, r, err)
		return
	}
	out := Streamline{Units: []StreamlineUnit{}, Shared: []StreamlineShared{}, Correlated: []StreamlinePair{}, Duplicates: []StreamlineDuplicate{}}
	for _, u := range rep.Units {
		out.Units = append(out.Units, StreamlineUnit{UnitID: strconv.FormatInt(u.UnitID, 10), Code: u.Code, Name: u.Name,
			Category: u.Category, Schemes: u.Schemes, Indicators: u.IndicatorCodes, Items: u.ItemCodes})
	}
	for _, s := range rep.Shared {
		out.Shared = append(out.Shared, StreamlineShared{Item: s.Code, Schemes: s.Schemes, Indicators: s.Indicators})
	}
	for _, p := range rep.Correlated {
		out.Correlated = append(out.Correlated, StreamlinePair{A: p.A, B: p.B, R: p.R, N: p.N, Units: p.Units, Periods: p.Periods})
	}
	for _, p := range rep.Duplicates {
		d := StreamlineDuplicate{A: p.A, B: p.B, Identical: p.Identical, N: p.N, Units: p.Units, Periods: p.Periods}
		if !math.IsNaN(p.R) {
			d.R = &p.R // identical constants have no correlation
		}
		out.Duplicates = append(out.Duplicates, d)
	}
	writeJSON(w, http.StatusOK, out)
}
