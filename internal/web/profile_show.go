package web

import (
	"cmp"
	"context"
	"math"
	"net/http"
	"net/url"
	"strconv"

	"kaohe/internal/auth"
	"kaohe/internal/cycle"
	"kaohe/internal/locale"
	"kaohe/internal/score"
	"kaohe/internal/survey"
	"kaohe/internal/track"
)

// profileData is the content of a unit's or cadre's profile (画像) in a
// cycle.
type profileData struct {
	// SelfAssessment is the cadre's 述职/自评 for the cycle's year, read
	// beside the numbers; nil when there is none or the actor may not
	// read it.
	SelfAssessment *track.SelfAssessment
	C              *cycle.Cycle
	Published      bool
	// Dashboard links the cycle's dashboard, for readers of the cycle;
	// others (an assessed cadre) are linked to its ranking.
	Dashboard bool
	Entity    string
	Name      string
	PersonID  int64
	UnitID    int64
	R         rankRow
	Interval  bool
	Radar     radarChart
	Trend     trendChart
	Axes      []axisRow
	Items     []itemRow
	// Findings: the explanation lists findings.
	Findings bool
	Sum      string
	History  []historyRow
	Cals     []calRow
	// Calibrate shows the calibration form; Grades are its choices.
	Calibrate bool
	Grades    []string
	Export    string
	Feedback  string
	// Evaluations are the closed evaluations that rated the entity
	// (民主测评结果), as far as the actor may see them.
	Evaluations []evalPanel
	// Judgements are the assessment team's judgements behind the
	// qualitative indicators (考核组定性评价), for readers of field work.
	Judgements []judgementRow
}

// radarChart is the radar chart's data for charts.js: the entity's score
// per dimension against the group mean and median.
type radarChart struct {
	Kind       string       `json:"kind"`
	Indicators []radarAxis  `json:"indicators"`
	Series     []radarSerie `json:"series"`
}

type radarAxis struct {
	Name string  `json:"name"`
	Max  float64 `json:"max"`
}

type radarSerie struct {
	Name string      `json:"name"`
	Data []score.Num `json:"data"`
}

// trendChart is the total and rank over past cycles for charts.js. Labels
// are the cycles' periods, short enough for every one to show on the axis;
// Names are the cycles' names, for the tooltip. Sizes are the group sizes
// the ranks are out of; GroupSize, the largest, is the rank axis's end.
type trendChart struct {
	Kind       string    `json:"kind"`
	Labels     []string  `json:"labels"`
	Names      []string  `json:"names"`
	Totals     []float64 `json:"totals"`
	Ranks      []int     `json:"ranks"`
	Sizes      []int     `json:"sizes"`
	GroupSize  int       `json:"group_size"`
	TotalLabel string    `json:"total_label"`
	RankLabel  string    `json:"rank_label"`
}

type axisRow struct {
	Name                string
	Score, Mean, Median string
}

// itemRow is one line of the decomposition. Indicator is the code of a
// leaf (lines of findings and caps show names only); for a finding, Note
// is its title, Finding its category and severity, Points what its rule
// gives and Status whether it counted (StatusCode the engine's status, or
// "unruled" for a finding the scheme has no rule for).
type itemRow struct {
	Indicator, Name, Kind   string
	Raw, Normalised, Weight string
	Contribution, Note      string
	Finding, Points         string
	Status, StatusCode      string
	// Source says where a leaf's value came from (owner, how, version)
	// and SourceURL opens the value's history; "" when not a data item.
	Source, SourceURL string
}

type historyRow struct {
	CycleID            int64
	Name, Kind, Period string
	Total              string
	Rank, N            int
	Grade              string
	Current            bool
}

type calRow struct {
	From, To, Reason, Actor string
	At                      int64
}

// profileShow shows an entity's profile in a cycle: result and rank
// interval, radar chart of dimension scores against the group mean and
// median, total and rank over past cycles, the decomposition that adds up
// to the total, grade history and calibrations. Every chart's numbers are
// also in a table.
func (h *Handler) profileShow(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	id, err := pathID(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	entity := r.PathValue("entity")
	pr, err := h.cycle.Profile(r.Context(), a, id, entity)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	p := h.newPage(r, "cycles")
	res := pr.Result
	data := profileData{C: pr.Cycle, Published: pr.Published, Entity: res.Entity.ID, Name: res.Entity.Name,
		PersonID: res.Entity.PersonID, UnitID: res.Entity.UnitID, R: rankRowOf(res), Interval: pr.Snapshot.Draws > 0,
		Dashboard: h.policy.Authorize(a, auth.ActCycleRead, pr.Cycle.OwnerPath) == nil}
	data.Radar, data.Axes = radarOf(p, res.Entity.Name, pr.Dimensions)
	data.Trend = trendChart{Kind: "trend", TotalLabel: p.loc.T("ranking.total"), RankLabel: p.loc.T("ranking.rank")}
	periods := map[string]int{}
	for _, pt := range pr.History {
		periods[pt.Period]++
	}
	for _, pt := range pr.History {
		label := pt.Period
		if periods[pt.Period] > 1 {
			// Two cycles of one period (an annual and a special one) are
			// told apart by their kind.
			label += " " + p.loc.T("cycle.kind."+string(pt.Kind))
		}
		data.Trend.Labels = append(data.Trend.Labels, label)
		data.Trend.Names = append(data.Trend.Names, pt.Name)
		data.Trend.Totals = append(data.Trend.Totals, pt.Total)
		data.Trend.Ranks = append(data.Trend.Ranks, pt.Rank)
		data.Trend.Sizes = append(data.Trend.Sizes, pt.GroupSize)
		data.Trend.GroupSize = max(data.Trend.GroupSize, pt.GroupSize)
		data.History = append(data.History, historyRow{CycleID: pt.CycleID, Name: pt.Name, Kind: string(pt.Kind), Period: pt.Period,
			Total: fixed(pt.Total, 2), Rank: pt.Rank, N: pt.GroupSize, Grade: pt.Grade, Current: pt.Current})
	}
	sum := 0.0
	for _, it := range explanationRows(p.loc, pr) {
		data.Items = append(data.Items, it.row)
		data.Findings = data.Findings || it.row.StatusCode != ""
		sum += it.contribution
	}
	data.Sum = fixed(sum, 4)
	if err := h.provenance(r.Context(), p, a, pr, data.Items); err != nil {
		h.fail(w, r, err)
		return
	}
	if year, err := strconv.Atoi(pr.Cycle.Period); err == nil && data.PersonID != 0 {
		// Who may not read it (a leader) sees the numbers alone.
		data.SelfAssessment, _ = h.track.SelfAssessmentOf(r.Context(), a, data.PersonID, year)
	}
	for _, c := range pr.Calibrations {
		data.Cals = append(data.Cals, calRow{From: c.From, To: c.To, Reason: c.Reason, Actor: actorName(p, c.ActorID, c.ActorName, c.Actor), At: c.At})
	}
	c := pr.Cycle
	data.Calibrate = h.cycle.MayCalibrate(a, c)
	for _, b := range pr.Snapshot.Header.Grading.Bands {
		data.Grades = append(data.Grades, b.Grade)
	}
	kind, subject := survey.SubjectTeam, res.Entity.UnitID
	if res.Entity.PersonID != 0 {
		kind, subject = survey.SubjectCadre, res.Entity.PersonID
	}
	if data.Evaluations, err = h.evalPanels(r.Context(), p, a, kind, subject, c.EvaluationIDs); err != nil {
		h.fail(w, r, err)
		return
	}
	js, err := h.field.JudgementsFor(r.Context(), a, c.ID, res.Entity.ID)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	for _, j := range js {
		name := pr.Names[j.Indicator]
		if name == "" {
			name = p.loc.T("fieldwork.value_other")
		}
		data.Judgements = append(data.Judgements, judgementRow{Name: name, Current: judgementText(j), Basis: j.Basis, Recorder: j.Recorder, At: j.UpdatedAt})
	}
	base := "/cycles/" + strconv.FormatInt(c.ID, 10)
	data.Export = base + "/results/" + res.Entity.ID + "/decomposition.xlsx"
	data.Feedback = base + "/feedback.xlsx?unit=" + strconv.FormatInt(res.Entity.UnitID, 10)
	p.Title = res.Entity.Name
	p.Data = data
	h.render(w, r, http.StatusOK, "profile_show", p)
}

// explained is a row of the decomposition with its contribution.
type explained struct {
	row          itemRow
	contribution float64
}

// explanationRows says each item of a profile's explanation in words:
// leaves with their code, weights and scores; findings by title, category
// and severity, the points their rule gives and whether they counted;
// caps by the cap and the cut. Findings the scheme version had no rule for
// follow, counting nothing. The page and its export share it.
func explanationRows(loc *locale.Localizer, pr *cycle.Profile) []explained {
	notes := map[string]cycle.FindingNote{}
	for _, n := range pr.Detail.Findings {
		notes[n.ID] = n
	}
	name := func(code string) string { return cmp.Or(pr.Names[code], code) }
	kindOf := func(kind string) string {
		if k := "profile.kind." + kind; loc.Has(k) {
			return loc.T(k)
		}
		return kind
	}
	var out []explained
	for _, it := range pr.Explanation.Items {
		row := itemRow{Name: name(it.Indicator), Kind: kindOf(it.Kind), Raw: num(it.Raw, 4), Normalised: num(it.Normalised, 2),
			Weight: num(it.Weight, 4), Contribution: fixed(it.Contribution, 4), Note: it.Note}
		switch score.LineKind(it.Kind) {
		case "leaf":
			row.Indicator = it.Indicator
		case score.LineFinding:
			n := notes[it.Finding]
			if n.Category != "" {
				row.Finding = loc.FindingKind(n.Category, n.Severity)
			}
			row.Points = findingPoints(loc, pr, it)
			row.StatusCode = string(cmp.Or(it.Status, score.Active))
			row.Status = loc.T("profile.status." + row.StatusCode)
		case score.LineCap:
			if it.Indicator == "" {
				// A scheme-level cap: on deductions it gives points back.
				row.Name = loc.T("profile.cap_bonuses")
				if it.Contribution > 0 {
					row.Name = loc.T("profile.cap_deductions")
				}
			}
			row.Note = loc.T("profile.cap_cut", "cap", pointsText(it.Cap), "cut", pointsText(round4(it.Points)))
		}
		out = append(out, explained{row: row, contribution: it.Contribution})
	}
	for _, n := range pr.Detail.Findings {
		if n.Indicator != "" {
			continue
		}
		out = append(out, explained{row: itemRow{Name: "—", Kind: kindOf(string(score.LineFinding)), Raw: "—", Normalised: "—", Weight: "—",
			Contribution: fixed(0, 4), Note: n.Title, Finding: loc.FindingKind(n.Category, n.Severity),
			Status: loc.T("profile.status.unruled"), StatusCode: "unruled"}})
	}
	return out
}

// findingPoints says what a finding's rule gives: 扣 3 分, 加 1 分, or a
// veto.
func findingPoints(loc *locale.Localizer, pr *cycle.Profile, it score.Item) string {
	for k, code := range pr.Snapshot.Header.Nodes {
		if code != it.Indicator {
			continue
		}
		switch pr.Snapshot.Header.Kinds[k] {
		case score.KindVeto:
			return loc.T("profile.finding_veto")
		case score.KindBonus:
			return loc.T("profile.finding_bonus", "points", pointsText(it.Points))
		}
	}
	return loc.T("profile.finding_deduct", "points", pointsText(it.Points))
}

// round4 rounds a cut to 4 decimals, so that 6 − 5.0000000001 says 1.
func round4(x float64) float64 { return math.Round(x*1e4) / 1e4 }

// provenance fills in where each leaf's value came from: the owner of its
// data item and the version that was current when the snapshot was made,
// as a provider submitted it, the assessment team corrected it or a system
// (好差评, commitments, rectification) computed it, with a link to the
// value's history. Snapshots made before leaves recorded their items show
// none.
func (h *Handler) provenance(ctx context.Context, p *page, a *auth.Actor, pr *cycle.Profile, rows []itemRow) error {
	hd := pr.Snapshot.Header
	if hd == nil || len(hd.Items) == 0 {
		return nil
	}
	var items []string
	for _, row := range rows {
		if it := hd.ItemOf(row.Indicator); row.Indicator != "" && it != "" {
			items = append(items, it)
		}
	}
	if len(items) == 0 {
		return nil
	}
	entity := pr.Result.Entity.UnitID
	if pr.Cycle.Subject == cycle.SubjectPerson {
		entity = pr.Result.Entity.PersonID
	}
	prov, err := h.collect.ProvenanceAt(ctx, a, entity, pr.Cycle.Period, items, pr.Snapshot.CreatedAt)
	if err != nil {
		return err
	}
	for k := range rows {
		pv := prov[hd.ItemOf(rows[k].Indicator)]
		if rows[k].Indicator == "" || pv == nil {
			continue
		}
		rows[k].Source = p.loc.T("profile.source", "owner", pv.Owner, "how", p.loc.T("history.source."+string(pv.Source)), "version", pv.Version)
		rows[k].SourceURL = "/collect/history?entity=" + strconv.FormatInt(entity, 10) + "&item=" + url.QueryEscape(pv.Item)
	}
	return nil
}
