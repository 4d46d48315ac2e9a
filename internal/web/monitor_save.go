package web

import (
	"net/http"
	"strconv"

	"kaohe/internal/auth"
	"kaohe/internal/track"
)

// monitorSave puts a unit's key indicator on its trajectory for a year; a
// refused form is shown again with every problem.
func (h *Handler) monitorSave(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	f := monitorForm{Unit: r.PostFormValue("unit"), Item: r.PostFormValue("item"), Year: r.PostFormValue("year"),
		Method: r.PostFormValue("method"), Target: r.PostFormValue("target")}
	d := track.MonitorDraft{ItemCode: f.Item, Method: track.Method(f.Method), Target: f.Target}
	d.UnitID, _ = strconv.ParseInt(f.Unit, 10, 64)
	d.Year, _ = strconv.Atoi(f.Year)
	if _, err := h.track.SetMonitor(r.Context(), a, d); err != nil {
		if !formProblem(err) {
			h.fail(w, r, err)
			return
		}
		h.renderMonitors(w, r, a, http.StatusUnprocessableEntity, &f, rowErrors(h.localizer(r), err))
		return
	}
	http.Redirect(w, r, "/monitors?flash=monitor_set", http.StatusSeeOther)
}

// monitorCheck re-checks every monitor of a year in the office's scope.
func (h *Handler) monitorCheck(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	year, _ := strconv.Atoi(r.PostFormValue("year"))
	if _, err := h.track.Check(r.Context(), a, year); err != nil {
		h.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/monitors?flash=monitor_checked", http.StatusSeeOther)
}

// alertExplain closes an alert with the office's explanation.
func (h *Handler) alertExplain(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	id, err := pathID(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if err := h.track.Explain(r.Context(), a, id, r.PostFormValue("explanation")); err != nil {
		if !formProblem(err) {
			h.fail(w, r, err)
			return
		}
		h.renderMonitors(w, r, a, http.StatusUnprocessableEntity, nil, rowErrors(h.localizer(r), err))
		return
	}
	http.Redirect(w, r, "/monitors?flash=alert_explained", http.StatusSeeOther)
}
