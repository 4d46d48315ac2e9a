package web

import (
	"net/http"
	"strconv"
	"time"

	"kaohe/internal/auth"
	"kaohe/internal/db"
	"kaohe/internal/track"
)

// windowsView is the board's panel of report windows: those that apply
// to the actor's jurisdiction in the year shown, and for an office the
// form that sets them.
type windowsView struct {
	Year  int
	Shown []windowRow
	// Units are the units whose window the actor sets; none for readers.
	Units  []option
	Stages []option
	Years  []int
}

// windowRow is a window in words.
type windowRow struct {
	Stage, Opens, Closes, Unit string
	// Open: today lies within it.
	Open bool
}

// windowsOf fills the windows panel for the unit the board shows (the
// actor's first grant when none is chosen) in year (this year when 0).
func (h *Handler) windowsOf(r *http.Request, p *page, a *auth.Actor, unit int64, year int) (*windowsView, error) {
	if year == 0 {
		year = time.Now().In(beijing).Year()
	}
	v := &windowsView{Year: year, Years: commitmentYears()}
	for _, g := range a.Grants {
		if unit == 0 {
			unit = g.UnitID
		}
		if auth.ReachOf(g.Role, auth.ActCommitmentReview) == auth.Subtree {
			v.Units = append(v.Units, option{db.FormatID(g.UnitID), g.UnitName})
		}
	}
	for _, st := range []track.ReportStage{track.ReportMidyear, track.ReportYearEnd} {
		v.Stages = append(v.Stages, option{string(st), p.loc.T("track.report." + string(st))})
	}
	if unit == 0 {
		return v, nil
	}
	ws, err := h.track.Windows(r.Context(), a, unit, year)
	if err != nil {
		return nil, err
	}
	today := todayText()
	for _, w := range ws {
		v.Shown = append(v.Shown, windowRow{Stage: p.loc.T("track.report." + string(w.Stage)), Opens: w.Opens, Closes: w.Closes,
			Unit: w.Unit, Open: w.Holds(today)})
	}
	return v, nil
}

// windowSave sets a report window from the board's form.
func (h *Handler) windowSave(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	if err := r.ParseForm(); err != nil {
		h.fail(w, r, errBadForm())
		return
	}
	win := track.Window{Stage: track.ReportStage(r.PostFormValue("stage")), Opens: r.PostFormValue("opens"), Closes: r.PostFormValue("closes")}
	win.UnitID, _ = strconv.ParseInt(r.PostFormValue("unit"), 10, 64)
	win.Year, _ = strconv.Atoi(r.PostFormValue("year"))
	if err := h.track.SetWindow(r.Context(), a, win); err != nil {
		if !formProblem(err) {
			h.fail(w, r, err)
			return
		}
		h.renderCommitments(w, r, a, http.StatusUnprocessableEntity, nil, rowErrors(h.localizer(r), err))
		return
	}
	http.Redirect(w, r, "/commitments?year="+strconv.Itoa(win.Year)+"&flash=window_saved#windows", http.StatusSeeOther)
}
