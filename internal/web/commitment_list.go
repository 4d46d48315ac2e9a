package web

import (
	"net/http"
	"strconv"
	"time"

	"kaohe/internal/auth"
	"kaohe/internal/db"
	"kaohe/internal/track"
)

// commitmentListData is the 亮晒 board: the commitments of the actor's
// jurisdiction filtered by year, unit, owner, status and stage, and the
// form that files a new one for whoever may.
type commitmentListData struct {
	Rows  []commitmentRow
	More  bool
	Year  int
	Years []int
	// Filter is the board's filter as chosen; Units the units it offers.
	Filter                   track.Filter
	Units                    []option
	Statuses, Stages, Owners []option
	UnitValue, Status, Stage string
	Owner                    string
	Form                     *commitmentFormView
	Windows                  *windowsView
	Errors                   []string
}

// commitmentRow is a commitment by its labels, with the reason of its
// verdict.
type commitmentRow struct {
	Link, Unit, Owner, Title, Dimension, Target string
	Status, StatusCode, Stage, StageCode        string
	Verdict, VerdictCode, Reason                string
}

// commitmentYears are the years the board and the forms offer: the next,
// the current and the three before.
func commitmentYears() []int {
	y := time.Now().In(beijing).Year()
	return []int{y + 1, y, y - 1, y - 2, y - 3}
}

// commitmentList shows the 亮晒 board.
func (h *Handler) commitmentList(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	h.renderCommitments(w, r, a, http.StatusOK, nil, nil)
}

// renderCommitments renders the board, with a refused filing form when
// given.
func (h *Handler) renderCommitments(w http.ResponseWriter, r *http.Request, a *auth.Actor, status int, form *commitmentForm, errors []string) {
	q := r.URL.Query()
	p := h.newPage(r, "commitments")
	data := commitmentListData{Years: commitmentYears(), Errors: errors, UnitValue: q.Get("unit"), Status: q.Get("status"),
		Stage: q.Get("stage"), Owner: q.Get("owner")}
	data.Year, _ = strconv.Atoi(q.Get("year")) // 0: every year
	f := track.Filter{Year: data.Year, Status: track.Status(data.Status), Stage: track.Stage(data.Stage), Owner: track.OwnerKind(data.Owner)}
	f.UnitID, _ = strconv.ParseInt(data.UnitValue, 10, 64)
	cs, more, err := h.track.Board(r.Context(), a, f)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	data.More = more
	units := map[int64]bool{}
	for _, c := range cs {
		data.Rows = append(data.Rows, commitmentRowOf(p, c))
		if !units[c.UnitID] {
			units[c.UnitID] = true
			data.Units = append(data.Units, option{db.FormatID(c.UnitID), c.Unit})
		}
	}
	for _, s := range track.Statuses {
		data.Statuses = append(data.Statuses, option{string(s), p.loc.T("track.status." + string(s))})
	}
	for _, s := range track.Stages {
		data.Stages = append(data.Stages, option{string(s), p.loc.T("track.stage." + string(s))})
	}
	for _, k := range []track.OwnerKind{track.OwnerUnit, track.OwnerPerson} {
		data.Owners = append(data.Owners, option{string(k), p.loc.T("track.owner." + string(k))})
	}
	if data.Form, err = h.commitmentFormView(r, p, a, form); err != nil {
		h.fail(w, r, err)
		return
	}
	if data.Windows, err = h.windowsOf(r, p, a, f.UnitID, data.Year); err != nil {
		h.fail(w, r, err)
		return
	}
	p.Title = p.loc.T("track.board")
	p.Data = data
	h.render(w, r, status, "commitment_list", p)
}

// commitmentRowOf says a commitment in words.
func commitmentRowOf(p *page, c *track.Commitment) commitmentRow {
	row := commitmentRow{Link: commitmentPath(c.ID), Unit: c.Unit, Title: c.Title, Dimension: p.loc.T("track.dimension." + c.Dimension),
		Target: targetText(p, c.Target, c.Item, c.TargetValue, c.DueOn, len(c.Milestones)),
		Status: p.loc.T("track.status." + string(c.Status)), StatusCode: string(c.Status),
		Stage: p.loc.T("track.stage." + string(c.Stage)), StageCode: string(c.Stage)}
	row.Owner = p.loc.T("track.owner.unit")
	if c.Owner == track.OwnerPerson {
		row.Owner = c.Person
	}
	if c.Verdict != "" {
		row.Verdict, row.VerdictCode, row.Reason = p.loc.T("track.verdict."+string(c.Verdict)), string(c.Verdict), c.VerdictReason
	}
	return row
}

// targetText says a target: 规上工业增加值（亿元）达到 130，2025-12-31 前;
// or the milestones' last day.
func targetText(p *page, k track.TargetKind, item string, v *float64, due string, milestones int) string {
	if k == track.TargetValue && v != nil {
		return p.loc.T("track.target_value_text", "item", item, "value", strconv.FormatFloat(*v, 'f', -1, 64), "day", due)
	}
	return p.loc.T("track.target_milestones_text", "n", milestones, "day", due)
}

// commitmentPath is the page of commitment id.
func commitmentPath(id int64) string { return "/commitments/" + db.FormatID(id) }
