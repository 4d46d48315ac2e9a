package web

import (
	"net/http"
	"strconv"
	"strings"

	"kaohe/internal/auth"
	"kaohe/internal/cycle"
	"kaohe/internal/errs"
)

// cycleSave makes a cycle from the form: its owner unit, kind, scheme
// version, period and the categories of units it assesses.
func (h *Handler) cycleSave(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	f := cycleForm{
		Owner: r.PostFormValue("owner"), Code: strings.TrimSpace(r.PostFormValue("code")), Name: strings.TrimSpace(r.PostFormValue("name")),
		Kind: r.PostFormValue("kind"), Task: strings.TrimSpace(r.PostFormValue("task")), Subject: r.PostFormValue("subject"),
		Version: r.PostFormValue("version"), Period: strings.TrimSpace(r.PostFormValue("period")),
		StartsOn: r.PostFormValue("starts_on"), EndsOn: r.PostFormValue("ends_on"), Draws: strings.TrimSpace(r.PostFormValue("draws")),
		Categories: r.PostForm["categories"], Evaluations: r.PostForm["evaluations"],
	}
	bad := func(field, key string) {
		e := errs.New(errs.Invalid, key, field+" is invalid")
		e.Field = field
		h.renderCycles(w, r, a, http.StatusUnprocessableEntity, h.localizer(r).Error(e), f)
	}
	owner, err := strconv.ParseInt(f.Owner, 10, 64)
	if err != nil {
		bad("owner_unit_id", "cycle.owner_unknown")
		return
	}
	version, err := strconv.ParseInt(f.Version, 10, 64)
	if err != nil {
		bad("scheme_version_id", "cycle.scheme_unknown")
		return
	}
	draws := cycle.DefaultDraws
	if f.Draws != "" {
		if draws, err = strconv.Atoi(f.Draws); err != nil || draws < 0 {
			bad("draws", "cycle.draws_invalid")
			return
		}
		if draws == 0 {
			draws = -1 // no draws
		}
	}
	var evaluations []int64
	for _, v := range f.Evaluations {
		e, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			bad("evaluation_id", "cycle.evaluation_invalid")
			return
		}
		evaluations = append(evaluations, e)
	}
	c, err := h.cycle.Create(r.Context(), a, cycle.Cycle{Code: f.Code, Name: f.Name, Kind: cycle.Kind(f.Kind), Task: f.Task,
		Subject: cycle.Subject(f.Subject), OwnerUnitID: owner, SchemeVersionID: version, Period: f.Period,
		StartsOn: f.StartsOn, EndsOn: f.EndsOn, Draws: draws, EvaluationIDs: evaluations}, cycle.Selection{Categories: f.Categories})
	if errs.Is(err, errs.Invalid) || errs.Is(err, errs.Conflict) {
		h.renderCycles(w, r, a, http.StatusUnprocessableEntity, h.localizer(r).Error(err), f)
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/cycles/"+strconv.FormatInt(c.ID, 10)+"?flash=cycle_created", http.StatusSeeOther)
}
