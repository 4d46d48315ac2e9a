package web

import (
	"net/http"
	"strconv"
	"time"

	"kaohe/internal/auth"
	"kaohe/internal/cycle"
	"kaohe/internal/errs"
	"kaohe/internal/scheme"
	"kaohe/internal/score"
)

// cycleShowData is the content of the cycle dashboard.
type cycleShowData struct {
	C      *cycle.Cycle
	Steps  []stageStep
	Next   string
	CanRun bool
	// Manage and Approve say what the actor may do.
	Manage, Approve bool
	// Filled, Expected and Percent describe collection completeness.
	Filled, Expected int
	Percent          string
	// Counted is false from the scoring stage on: completeness is not
	// counted then.
	Counted   bool
	Blockers  []string
	Snapshots []snapshotRow
	History   []stageRow
	Dists     []distRow
	// Chart is the distribution chart's data, read by charts.js.
	Chart     distChart
	HasChart  bool
	Published bool
	// Version is the scheme version scored with, Evaluations the titles
	// of the evaluations whose tallies feed it, Gaps the indicators the
	// latest run lacked inputs for.
	Version     scheme.Choice
	FoldName    string
	Evaluations []string
	Gaps        []cycle.Gap
	// Unruled says, per category and severity, how many findings of the
	// latest run counted nothing for want of a rule.
	Unruled []string
	// Field links the cycle's field work for its readers.
	Field bool
}

type stageStep struct {
	Stage         string
	Done, Current bool
}

type snapshotRow struct {
	ID, Number         int64
	At                 time.Time
	Actor              string
	Digest, InputsHash string
	Entities, Draws    int
	Approved, Latest   bool
}

type stageRow struct {
	From, To, Actor, Reason string
	At                      time.Time
}

type distRow struct {
	// Group is the group's code, Name its name.
	Group, Name  string
	N            int
	Mean, Median string
	Bins         []binRow
}

type binRow struct {
	Label string
	Count int
}

// distChart is the score distribution per group for charts.js.
type distChart struct {
	Kind   string      `json:"kind"`
	Labels []string    `json:"labels"`
	Series []distSerie `json:"series"`
}

type distSerie struct {
	Name string `json:"name"`
	Data []int  `json:"data"`
}

// cycleShow is the cycle dashboard: stage, collection completeness, what
// blocks the next stage, scoring runs, stage history, score distribution.
func (h *Handler) cycleShow(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	id, err := pathID(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	ctx := r.Context()
	d, err := h.cycle.Dashboard(ctx, a, id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	p := h.newPage(r, "cycles")
	c := d.Cycle
	data := cycleShowData{C: c, Manage: d.Manage, Approve: d.Approve, Filled: d.Completeness.Filled,
		Expected: d.Completeness.Expected, Percent: fixed(100*d.Completeness.Share(), 1), Next: string(c.Stage.Next()),
		Published: c.PublishedSnapshotID != 0, Counted: d.CompletenessKnown, Version: d.Version, FoldName: d.FoldName, Evaluations: d.Evaluations, Gaps: d.Gaps,
		Field: !h.policy.Scope(a, auth.ActFieldRead).Empty()}
	for _, u := range d.Unruled {
		data.Unruled = append(data.Unruled, p.loc.T("cycle.unruled_count", "n", u.Findings, "entities", u.Entities,
			"version", d.Version.Number, "kind", p.loc.FindingKind(u.Category, u.Severity)))
	}
	data.CanRun = d.Manage && (c.Stage == cycle.Scoring || (c.Stage == cycle.Review && c.ApprovedSnapshotID == 0))
	passed := true
	for _, s := range cycle.Stages {
		cur := s == c.Stage
		if cur {
			passed = false
		}
		data.Steps = append(data.Steps, stageStep{Stage: string(s), Done: passed, Current: cur})
	}
	for _, b := range d.Blockers {
		data.Blockers = append(data.Blockers, p.loc.TMap(b.Key, b.Args))
	}
	for k, sn := range d.Snapshots {
		data.Snapshots = append(data.Snapshots, snapshotRow{ID: sn.ID, Number: int64(sn.Number), At: sn.CreatedAt, Actor: actorName(p, sn.ActorID, sn.ActorName, sn.Actor),
			Digest: sn.Digest[:16], InputsHash: sn.InputsHash[:16], Entities: sn.Entities, Draws: sn.Draws,
			Approved: sn.ID == c.ApprovedSnapshotID, Latest: k == 0})
	}
	for _, m := range d.History {
		data.History = append(data.History, stageRow{From: string(m.From), To: string(m.To), Actor: actorName(p, m.ActorID, m.ActorName, m.Actor), Reason: m.Reason,
			At: time.UnixMicro(m.At)})
	}
	dists, err := h.cycle.Distributions(ctx, a, id)
	if err != nil && !errs.Is(err, errs.NotFound) {
		h.fail(w, r, err)
		return
	}
	data.Chart.Kind = "distribution"
	if len(dists) > 0 {
		names, err := h.groupNames(ctx, a, p.loc)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		lo, hi := dists[0].Bins[0].From, dists[0].Bins[len(dists[0].Bins)-1].From
		for _, ds := range dists {
			lo, hi = min(lo, ds.Bins[0].From), max(hi, ds.Bins[len(ds.Bins)-1].From)
		}
		for x := lo; x <= hi; x += 10 {
			data.Chart.Labels = append(data.Chart.Labels, fixed(x, 0)+"–"+fixed(x+10, 0))
		}
		for _, ds := range dists {
			row := distRow{Group: ds.Group, Name: names.Of(ds.Group), N: ds.N, Mean: num(ds.Mean, 2), Median: num(ds.Median, 2)}
			serie := distSerie{Name: row.Name, Data: make([]int, len(data.Chart.Labels))}
			for _, b := range ds.Bins {
				k := int((b.From - lo) / 10)
				serie.Data[k] = b.Count
				row.Bins = append(row.Bins, binRow{Label: data.Chart.Labels[k], Count: b.Count})
			}
			data.Dists = append(data.Dists, row)
			data.Chart.Series = append(data.Chart.Series, serie)
		}
		data.HasChart = true
	}
	p.Title = c.Name
	p.Data = data
	h.render(w, r, http.StatusOK, "cycle_show", p)
}

// fixed formats x with n decimals.
func fixed(x float64, n int) string {
	return strconv.FormatFloat(x, 'f', n, 64)
}

// num formats a score number with n decimals, "—" when missing.
func num(x score.Num, n int) string {
	if x != x {
		return "—"
	}
	return strconv.FormatFloat(float64(x), 'f', n, 64)
}
