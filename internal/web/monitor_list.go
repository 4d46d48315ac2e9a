package web

import (
	"math"
	"net/http"
	"strconv"
	"time"

	"kaohe/internal/auth"
	"kaohe/internal/collect"
	"kaohe/internal/db"
	"kaohe/internal/track"
)

// monitorListData is the monitoring page: the key indicators of the
// actor's jurisdiction on their trajectories with their lights, the open
// alerts, the weekly digest, and for the office the forms that set a
// trajectory, re-check and explain an alert.
type monitorListData struct {
	Year     int
	Years    []int
	Monitors []monitorRow
	Alerts   []alertRow
	// Digest lists the alerts open at some time in the week to Week.
	Digest  []alertRow
	Week    string
	Write   bool
	Units   []option
	Items   []option
	Methods []option
	Form    monitorForm
	Errors  []string
}

// monitorForm is the trajectory form as filled in.
type monitorForm struct{ Unit, Item, Year, Method, Target string }

// monitorRow is a monitor by its labels.
type monitorRow struct {
	Unit, Item, Method, Target, Period, Value, Expected, Gap string
	Light, LightCode                                         string
}

// alertRow is an alert by its labels.
type alertRow struct {
	ID                                      int64
	Unit, UnitLink, Item, Period, Value     string
	Expected, Gap, Light, LightCode, Closed string
	Open                                    bool
	OpenedAt                                time.Time
}

// monitorList shows the monitoring page (?year=, ?week=YYYY-MM-DD the
// last day of the digest's week).
func (h *Handler) monitorList(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	h.renderMonitors(w, r, a, http.StatusOK, nil, nil)
}

func (h *Handler) renderMonitors(w http.ResponseWriter, r *http.Request, a *auth.Actor, status int, form *monitorForm, errors []string) {
	q := r.URL.Query()
	p := h.newPage(r, "monitors")
	data := monitorListData{Years: commitmentYears(), Errors: errors, Write: !h.policy.Scope(a, auth.ActMonitorWrite).Empty()}
	data.Year, _ = strconv.Atoi(q.Get("year"))
	ms, err := h.track.Monitors(r.Context(), a, track.MonitorFilter{Year: data.Year})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	for _, m := range ms {
		data.Monitors = append(data.Monitors, monitorRowOf(p, m))
	}
	open, err := h.track.Alerts(r.Context(), a, track.AlertFilter{Open: true})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	data.Alerts = alertRows(p, open)
	end := time.Now().In(beijing)
	if t, err := time.ParseInLocation(time.DateOnly, q.Get("week"), beijing); err == nil {
		end = t.Add(24*time.Hour - time.Nanosecond)
	}
	data.Week = end.Format(time.DateOnly)
	week, err := h.track.Alerts(r.Context(), a, track.AlertFilter{Since: end.Add(-7 * 24 * time.Hour), Before: end})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	data.Digest = alertRows(p, week)
	if data.Write {
		if err := h.monitorChoices(r, p, a, &data); err != nil {
			h.fail(w, r, err)
			return
		}
		data.Form = monitorForm{Year: strconv.Itoa(data.Years[1]), Method: string(track.Linear)}
		if form != nil {
			data.Form = *form
		}
	}
	p.Title = p.loc.T("track.monitors")
	p.Data = data
	h.render(w, r, status, "monitor_list", p)
}

// monitorChoices fills the units and the monthly and quarterly items the
// trajectory form offers.
func (h *Handler) monitorChoices(r *http.Request, p *page, a *auth.Actor, data *monitorListData) error {
	owners, err := h.track.Owners(r.Context(), a)
	if err != nil {
		return err
	}
	seen := map[string]bool{}
	for _, o := range owners {
		if o.Kind != track.OwnerUnit {
			continue
		}
		data.Units = append(data.Units, option{db.FormatID(o.UnitID), o.Unit})
		for _, it := range o.Items {
			if it.Frequency != collect.Annual && !seen[it.Code] {
				seen[it.Code] = true
				data.Items = append(data.Items, option{it.Code, it.Label() + " · " + frequencyLabel(p, it.Frequency)})
			}
		}
	}
	for _, m := range []track.Method{track.Linear, track.Seasonal} {
		data.Methods = append(data.Methods, option{string(m), p.loc.T("track.method." + string(m))})
	}
	return nil
}

// monitorRowOf says a monitor in words.
func monitorRowOf(p *page, m *track.Monitor) monitorRow {
	row := monitorRow{Unit: m.Unit, Item: m.Item, Method: p.loc.T("track.method." + string(m.Method)), Target: fixedTrim(m.Target),
		Light: p.loc.T("track.light." + string(m.Light)), LightCode: string(m.Light), Period: "—", Value: "—", Expected: "—", Gap: "—"}
	if m.Light != track.LightNone {
		row.Period, row.Value, row.Expected, row.Gap = m.Period, fixedTrim(m.Value), fixedTrim(m.Expected), signedTrim(m.Gap)
	}
	return row
}

// alertRows says alerts in words.
func alertRows(p *page, as []*track.Alert) []alertRow {
	var out []alertRow
	for _, al := range as {
		row := alertRow{ID: al.ID, Unit: al.Unit, UnitLink: "/units/" + db.FormatID(al.UnitID), Item: al.Item, Period: al.Period,
			Value: fixedTrim(al.Value), Expected: fixedTrim(al.Expected), Gap: signedTrim(al.Gap), Light: p.loc.T("track.light." + string(al.Light)),
			LightCode: string(al.Light), Open: al.Open(), OpenedAt: al.OpenedAt}
		if !al.Open() {
			row.Closed = p.loc.T("track.closed." + al.ClosedBy)
			if al.Explanation != "" {
				row.Closed += "：" + al.Explanation
			}
		}
		out = append(out, row)
	}
	return out
}

// fixedTrim writes x with at most two decimals.
func fixedTrim(x float64) string {
	return strconv.FormatFloat(math.Round(x*100)/100, 'f', -1, 64)
}

// signedTrim writes x with its sign and at most two decimals.
func signedTrim(x float64) string {
	if x > 0 {
		return "+" + fixedTrim(x)
	}
	return fixedTrim(x)
}
