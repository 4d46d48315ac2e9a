package api

import (
	"net/http"
	"strconv"
	"time"

	"kaohe/internal/auth"
	"kaohe/internal/cycle"
	"kaohe/internal/errs"
)

// The sharing routes (/api/v1/share/…) are what consuming systems read
// with a sharing token (docs/decisions/0181-sharing-tokens.md): published
// results and the values of catalogue items, of the token's subtree only.

// ShareValue is one unit's current value of a data item.
type ShareValue struct {
	UnitID   string  `json:"unit_id"`
	UnitCode string  `json:"unit_code"`
	UnitName string  `json:"unit_name"`
	Value    float64 `json:"value"`
	Status   string  `json:"status"`
	Version  int     `json:"version"`
	// UpdatedAt is when the current version was submitted.
	UpdatedAt time.Time `json:"updated_at"`
}

// ShareValueList is a page of an item's values for a period.
type ShareValueList struct {
	Item    string       `json:"item"`
	Name    string       `json:"name"`
	Measure string       `json:"measure"`
	Period  string       `json:"period"`
	Values  []ShareValue `json:"values"`
	Total   int          `json:"total"`
}

// mayShareResults refuses a sharing token that does not share results.
func mayShareResults(a *auth.Actor) error {
	if a.Share != nil && !a.Share.Results {
		return errs.New(errs.Forbidden, "api.share_results", "this sharing token does not read results")
	}
	return nil
}

// shareCycles answers the published cycles the actor may read, a page at a
// time.
func (h *Handler) shareCycles(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	if err := mayShareResults(a); err != nil {
		h.ServeError(w, r, err)
		return
	}
	limit, offset, err := paging(r)
	if err != nil {
		h.ServeError(w, r, err)
		return
	}
	cs, err := h.cycle.PublishedAssessing(r.Context(), a)
	if err != nil {
		h.ServeError(w, r, err)
		return
	}
	out := CycleList{Cycles: []Cycle{}}
	var modified time.Time
	for _, c := range cs {
		if out.Total >= offset && len(out.Cycles) < limit {
			out.Cycles = append(out.Cycles, toCycle(c))
		}
		out.Total++
		if c.UpdatedAt.After(modified) {
			modified = c.UpdatedAt
		}
	}
	answered(w, len(out.Cycles), modified)
	writeJSON(w, http.StatusOK, out)
}

// shareResults answers a page of a published cycle's results in one group,
// of the entities in the actor's scope.
func (h *Handler) shareResults(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	if err := mayShareResults(a); err != nil {
		h.ServeError(w, r, err)
		return
	}
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
	rk, err := h.cycle.Ranking(r.Context(), a, id, cycle.RankFilter{Group: r.URL.Query().Get("group"), Limit: limit, Offset: offset})
	if err != nil {
		h.ServeError(w, r, err)
		return
	}
	if !rk.Published {
		h.ServeError(w, r, errNotFound())
		return
	}
	out := CycleResultList{Cycle: toCycle(rk.Cycle), Snapshot: strconv.FormatInt(rk.Snapshot.ID, 10), Published: true,
		Groups: []string{}, Group: rk.Group, Results: []CycleResult{}, Total: rk.Total}
	for _, g := range rk.Groups {
		out.Groups = append(out.Groups, g.Group)
	}
	for _, res := range rk.Rows {
		out.Results = append(out.Results, toResult(res))
	}
	answered(w, len(out.Results), rk.Cycle.UpdatedAt)
	writeJSON(w, http.StatusOK, out)
}

// shareValues answers a page of the current values of a data item for a
// period (?period=, required) of the units in the actor's scope; a sharing
// token reads only the items it names.
func (h *Handler) shareValues(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	code := r.PathValue("code")
	if a.Share != nil && !a.Share.MayReadItem(code) {
		h.ServeError(w, r, errNotFound())
		return
	}
	period := r.URL.Query().Get("period")
	if period == "" {
		h.ServeError(w, r, errs.Field("period", "api.period_required", "give the period"))
		return
	}
	limit, offset, err := paging(r)
	if err != nil {
		h.ServeError(w, r, err)
		return
	}
	region := int64(0)
	if a.Share != nil {
		region = a.Share.UnitID
	} else if s := r.URL.Query().Get("unit"); s != "" {
		if region, err = strconv.ParseInt(s, 10, 64); err != nil {
			h.ServeError(w, r, errs.Field("unit", "api.unit_invalid", "bad unit"))
			return
		}
	}
	if region == 0 {
		h.ServeError(w, r, errs.Field("unit", "api.unit_invalid", "give the unit"))
		return
	}
	iv, err := h.collect.ItemValues(r.Context(), a, region, code, period)
	if err != nil {
		h.ServeError(w, r, err)
		return
	}
	out := ShareValueList{Item: iv.Item.Code, Name: iv.Item.Name, Measure: iv.Item.Measure, Period: period, Values: []ShareValue{}}
	var modified time.Time
	for _, row := range iv.Rows {
		v := row.Value
		if v == nil {
			continue
		}
		if out.Total >= offset && len(out.Values) < limit {
			out.Values = append(out.Values, ShareValue{UnitID: strconv.FormatInt(row.EntityID, 10), UnitCode: row.Code, UnitName: row.Name,
				Value: v.Value, Status: string(v.Status), Version: v.Version, UpdatedAt: v.CreatedAt.UTC()})
		}
		out.Total++
		if v.CreatedAt.After(modified) {
			modified = v.CreatedAt
		}
	}
	answered(w, len(out.Values), modified)
	writeJSON(w, http.StatusOK, out)
}
