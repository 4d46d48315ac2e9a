package api

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"

	"kaohe/internal/auth"
	"kaohe/internal/errs"
	"kaohe/internal/scheme"
	"kaohe/internal/score"
)

// maxEditBody is the largest body of a weights, AHP or rules edit, in
// bytes.
const maxEditBody = 1 << 20

// schemeWeightsSet sets expert weights of a draft version.
func (h *Handler) schemeWeightsSet(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	v, ok := h.draftVersion(w, r, a)
	if !ok {
		return
	}
	var in WeightsEdit
	if !h.decodeBody(w, r, &in, maxEditBody, `{"weights": [{"indicator", "category", "weight"}]}`) {
		return
	}
	settings := make([]scheme.WeightSetting, len(in.Weights))
	for i, we := range in.Weights {
		if we.Weight == nil {
			e := errs.New(errs.Invalid, "scheme.weight_invalid", fmt.Sprintf("weights[%d]: the weight is missing", i))
			e.Field, e.Args = fmt.Sprintf("weights[%d].weight", i), map[string]any{"indicator": we.Indicator, "value": ""}
			h.ServeError(w, r, e)
			return
		}
		settings[i] = scheme.WeightSetting{Indicator: we.Indicator, Category: we.Category, Weight: *we.Weight}
	}
	out, err := h.scheme.SetWeights(r.Context(), a, v.ID, settings)
	if err != nil {
		h.ServeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, toVersion(out, true))
}

// schemeAHPSet sets the AHP matrix of a node of a draft version.
func (h *Handler) schemeAHPSet(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	v, ok := h.draftVersion(w, r, a)
	if !ok {
		return
	}
	var in AHPEdit
	if !h.decodeBody(w, r, &in, maxEditBody, `{"node", "matrix": [[…]]}`) {
		return
	}
	out, err := h.scheme.SetAHP(r.Context(), a, v.ID, in.Node, in.Matrix)
	if err != nil {
		h.ServeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, toVersion(out, true))
}

// schemeRulesSet replaces the finding rules of a draft version.
func (h *Handler) schemeRulesSet(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	v, ok := h.draftVersion(w, r, a)
	if !ok {
		return
	}
	var in RulesEdit
	if !h.decodeBody(w, r, &in, maxEditBody, `{"finding_rules": [{"category", "severity", "indicator", "points"}]}`) {
		return
	}
	rules := make([]score.FindingRule, len(in.Rules))
	for i, re := range in.Rules {
		rules[i] = score.FindingRule{Category: re.Category, Severity: re.Severity, Indicator: re.Indicator, Points: re.Points}
	}
	out, err := h.scheme.SetRules(r.Context(), a, v.ID, rules)
	if err != nil {
		h.ServeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, toVersion(out, true))
}

// draftVersion finds version {n} of scheme {id} that the actor may read;
// the service checks that it may change it.
func (h *Handler) draftVersion(w http.ResponseWriter, r *http.Request, a *auth.Actor) (*scheme.Version, bool) {
	id, err := pathID(r)
	if err != nil {
		h.ServeError(w, r, err)
		return nil, false
	}
	n, err := strconv.Atoi(r.PathValue("n"))
	if err != nil || n <= 0 {
		h.ServeError(w, r, errNotFound())
		return nil, false
	}
	v, err := h.scheme.VersionByNumber(r.Context(), a, id, n)
	if err != nil {
		h.ServeError(w, r, err)
		return nil, false
	}
	return v, true
}

// decodeBody reads a JSON body of at most max bytes of one object of in's
// shape, rejecting unknown fields; shape describes it in the error.
func (h *Handler) decodeBody(w http.ResponseWriter, r *http.Request, in any, max int64, shape string) bool {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, max))
	if err != nil {
		h.ServeError(w, r, errs.New(errs.Invalid, "api.body_too_large", "the body is too large or cannot be read"))
		return false
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(in); err != nil || dec.More() {
		detail := shape
		if err != nil {
			detail = shape + ": " + err.Error()
		}
		e := errs.New(errs.Invalid, "scheme.import.json_invalid", "the body must be "+detail)
		e.Args = map[string]any{"detail": detail}
		h.ServeError(w, r, e)
		return false
	}
	return true
}
