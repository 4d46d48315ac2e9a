package feedback

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"unicode/utf8"

	"kaohe/internal/audit"
	"kaohe/internal/auth"
	"kaohe/internal/cycle"
	"kaohe/internal/db"
	"kaohe/internal/scheme"
	"kaohe/internal/score"
	"kaohe/internal/track"
)

// Drafted tells what Draft did.
type Drafted struct {
	// Made is the number of reports drafted; Existing those already there.
	Made, Existing int
}

// Draft drafts the feedback report of every entity of the published
// snapshot of cycle id that has none yet: its figures, radar,
// achievements and problems, numbered with 文号 in the cycle's order. The
// actor needs ActFeedbackRelease on the cycle's owner unit. The drafts are
// recorded in the audit log as one event.
func (s *Service) Draft(ctx context.Context, a *auth.Actor, id int64) (*Drafted, error) {
	if err := signedIn(a); err != nil {
		return nil, err
	}
	out := &Drafted{}
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		c, err := cycle.Get(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := s.pol.Authorize(a, auth.ActFeedbackRelease, c.OwnerPath); err != nil {
			return err
		}
		if c.PublishedSnapshotID == 0 {
			return conflict("feedback.not_published", "the cycle is not published")
		}
		have := map[string]bool{}
		var count int
		err = db.EachRow(ctx, tx, `SELECT entity FROM feedback_reports WHERE snapshot_id = $1`, []any{c.PublishedSnapshotID},
			func(scan func(...any) error) error {
				var e string
				err := scan(&e)
				have[e] = true
				return err
			})
		if err != nil {
			return fmt.Errorf("read reports: %w", err)
		}
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM feedback_reports WHERE cycle_id = $1`, id).Scan(&count); err != nil {
			return fmt.Errorf("count reports: %w", err)
		}
		doc, _, _, err := scheme.VersionDocument(ctx, tx, c.SchemeVersionID)
		if err != nil {
			return err
		}
		inds := map[string]score.Indicator{}
		for _, ind := range doc.Indicators {
			inds[ind.Code] = ind
		}
		groups := map[string]string{}
		for _, g := range doc.Rating.Groups {
			groups[g.Code] = cmp.Or(g.Name, g.Code)
		}
		// The commitments of the cycle's year that were not delivered.
		year, _ := strconv.Atoi(c.Period[:min(4, len(c.Period))])
		shortfalls, err := track.Shortfalls(ctx, tx, year)
		if err != nil {
			return err
		}
		n := 0
		var ins inserter
		err = cycle.Entries(ctx, tx, id, c.PublishedSnapshotID, "", func(h *cycle.Header, e *cycle.Entry) error {
			if have[e.Result.Entity.ID] {
				out.Existing++
				return nil
			}
			n++
			content := build(c, h, e, inds, groups)
			owner := track.ShortfallOwner{Unit: e.Result.Entity.UnitID}
			if e.Result.Entity.PersonID != 0 {
				owner = track.ShortfallOwner{Person: e.Result.Entity.PersonID}
			}
			content.Problems = append(content.Problems, shortfallPoints(shortfalls[owner])...)
			body, err := json.Marshal(content)
			if err != nil {
				return err
			}
			r := e.Result
			// Rows are written once the results are read: a transaction
			// runs one statement at a time on PostgreSQL.
			ins.rows = append(ins.rows, []any{db.NewID(), id, c.PublishedSnapshotID, r.Entity.ID, r.Entity.UnitID, r.Entity.PersonID,
				r.Entity.UnitPath, r.Entity.Name, docNo(c, count+n), string(Draft), string(body), "[]", tx.Now.UnixMicro(), 0, "", 0, ""})
			return nil
		})
		if err != nil {
			return err
		}
		if err := ins.flush(ctx, tx); err != nil {
			return err
		}
		out.Made = n
		return auth.Record(ctx, tx, a, audit.Event{Action: "feedback.draft", ObjectType: "cycle", ObjectID: db.FormatID(id),
			UnitPath: c.OwnerPath, After: map[string]any{"snapshot_id": c.PublishedSnapshotID, "drafted": n, "existing": out.Existing}})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// docNo is the 文号 of the n-th report of c: the owner's first character,
// 组考反, the year in 〔〕 and the number, e.g. 青组考反〔2025〕3号.
func docNo(c *cycle.Cycle, n int) string {
	short := "组"
	if r, size := utf8.DecodeRuneInString(c.OwnerName); size > 0 {
		short = string(r) + "组"
	}
	year := c.Period
	if len(year) > 4 {
		year = year[:4]
	}
	return short + "考反〔" + year + "〕" + strconv.Itoa(n) + "号"
}

// inserter writes report rows in multi-row INSERTs of at most 500 rows.
type inserter struct {
	rows [][]any
}

func (in *inserter) flush(ctx context.Context, tx *db.Tx) error {
	for len(in.rows) > 0 {
		n := min(len(in.rows), 500)
		if err := insertReports(ctx, tx, in.rows[:n]); err != nil {
			return err
		}
		in.rows = in.rows[n:]
	}
	return nil
}

func insertReports(ctx context.Context, tx *db.Tx, rows [][]any) error {
	q := []byte(`INSERT INTO feedback_reports (` + reportCols + `) VALUES `)
	var args []any
	for i, r := range rows {
		if i > 0 {
			q = append(q, ',')
		}
		q = append(q, '(')
		for j := range r {
			if j > 0 {
				q = append(q, ',')
			}
			q = append(q, '$')
			q = strconv.AppendInt(q, int64(len(args)+j+1), 10)
		}
		q = append(q, ')')
		args = append(args, r...)
	}
	if _, err := tx.ExecContext(ctx, string(q), args...); err != nil {
		return fmt.Errorf("insert reports: %w", err)
	}
	return nil
}

// nan is a figure a point does not use.
var nan = score.Num(math.NaN())

// build makes the content of e's report: figures, radar, achievements
// (strengths, dimensions above the group median, bonus points) and
// problems (weak points, indicators worse than the previous cycle and below
// the group median, findings and deductions that took points off, rater
// groups — named by groups — that rated markedly worse than the raters
// together).
func build(c *cycle.Cycle, h *cycle.Header, e *cycle.Entry, inds map[string]score.Indicator, groups map[string]string) Content {
	r := e.Result
	out := Content{Owner: c.OwnerName, CycleName: c.Name, Period: c.Period, Group: r.Entity.Group, Total: r.Total, Base: r.Base, Bonus: r.Bonus,
		Deduction: r.Deduction, Rank: r.Rank, GroupSize: r.GroupSize, RankP05: r.RankP05, RankP95: r.RankP95, Grade: r.Grade,
		PreviousCycle: e.PreviousCycle}
	for _, d := range e.Dimensions {
		out.Radar = append(out.Radar, Axis{Name: d.Name, Score: d.Score, Median: d.Median, Mean: d.Mean})
		if !math.IsNaN(float64(d.Score)) && !math.IsNaN(float64(d.Median)) && d.Score > d.Median {
			out.Achievements = append(out.Achievements, Point{Kind: DimensionAbove, Indicator: d.Code, Name: d.Name,
				Value: nan, Score: d.Score, Median: d.Median, Previous: nan, Change: nan, Points: nan})
		}
	}
	for j, code := range h.Leaves {
		out.Indicators = append(out.Indicators, Indicator{Code: code, Name: nameOf(h, code), Unit: inds[code].Unit, Value: at(e.Detail.Raw, j)})
	}
	leaf := func(kind PointKind, l cycle.LeafScore) Point {
		p := Point{Kind: kind, Indicator: l.Code, Name: l.Name, Unit: inds[l.Code].Unit, Value: l.Raw, Score: l.Score,
			Median: l.GroupMedian, Previous: nan, Change: nan, Points: nan}
		if prev, ok := e.Previous[l.Code]; ok && !math.IsNaN(float64(prev)) && !math.IsNaN(float64(l.Raw)) {
			p.Previous, p.Change = prev, score.Num(round(float64(l.Raw)-float64(prev)))
		}
		return p
	}
	for _, l := range e.Strengths {
		out.Achievements = append(out.Achievements, leaf(AboveGroup, l))
	}
	weak := map[string]bool{}
	for _, l := range e.Weakness {
		weak[l.Code] = true
		out.Problems = append(out.Problems, leaf(BelowGroup, l))
	}
	// An indicator worse than in the previous cycle and below the group
	// median is a problem even above the first quartile.
	for j, code := range h.Leaves {
		if weak[code] || e.Previous == nil {
			continue
		}
		ls := cycle.LeafScore{Code: code, Name: nameOf(h, code), Raw: at(e.Detail.Raw, j), Score: at(e.Detail.Normalised, j)}
		for _, g := range h.Groups {
			if g.Group == r.Entity.Group {
				ls.GroupMedian = at(g.Q2, j)
			}
		}
		p := leaf(Declined, ls)
		if math.IsNaN(float64(p.Change)) || math.IsNaN(float64(ls.Score)) || math.IsNaN(float64(ls.GroupMedian)) || ls.Score >= ls.GroupMedian {
			continue
		}
		worse := p.Change < 0
		if inds[code].Direction == score.Lower {
			worse = p.Change > 0
		}
		if worse {
			out.Problems = append(out.Problems, p)
		}
	}
	out.Problems = append(out.Problems, raterPoints(h, e, inds, groups)...)
	for _, l := range e.Detail.Lines {
		p := Point{Indicator: l.Indicator, Name: nameOf(h, l.Indicator), Value: nan, Score: nan, Median: nan, Previous: nan, Change: nan,
			Points: score.Num(math.Abs(l.Effect))}
		switch {
		case l.Kind == score.LineFinding && l.Effect < 0:
			p.Kind, p.Note = FindingDeduction, l.Note
			out.Problems = append(out.Problems, p)
		case l.Kind == score.LineValue && l.Effect < 0:
			p.Kind = Deduction
			out.Problems = append(out.Problems, p)
		case l.Kind == score.LineValue && l.Effect > 0:
			p.Kind = BonusPoints
			out.Achievements = append(out.Achievements, p)
		}
	}
	return out
}

// raterPoints are the problems of rater groups that rated a qualitative
// indicator at least RaterGap worse than the raters together. Only groups
// of at least the minimum size have a value in the snapshot, so no point
// shows a smaller group's rating.
func raterPoints(h *cycle.Header, e *cycle.Entry, inds map[string]score.Indicator, groups map[string]string) []Point {
	var out []Point
	for _, g := range e.Detail.Raters {
		j := slices.Index(h.Leaves, g.Leaf)
		if j < 0 {
			continue
		}
		combined := float64(at(e.Detail.Raw, j))
		if math.IsNaN(combined) || combined <= 0 {
			continue
		}
		worse := g.Value < combined*(1-RaterGap)
		if inds[g.Leaf].Direction == score.Lower {
			worse = g.Value > combined*(1+RaterGap)
		}
		if !worse {
			continue
		}
		out = append(out, Point{Kind: RaterGroupLow, Indicator: g.Leaf, Name: nameOf(h, g.Leaf), Unit: inds[g.Leaf].Unit,
			Note: cmp.Or(groups[g.Group], g.Group), Value: score.Num(round(g.Value)), Score: score.Num(round(combined)),
			Median: nan, Previous: nan, Change: nan, Points: nan, Raters: int(g.Raters)})
	}
	return out
}

// shortfallPoints are the problems of commitments not, or not fully,
// delivered.
func shortfallPoints(ss []track.Shortfall) []Point {
	var out []Point
	for _, s := range ss {
		p := Point{Kind: Undelivered, Name: s.Title, Note: s.Reason, Value: nan, Score: nan, Median: nan, Previous: nan, Change: nan, Points: nan}
		if s.Verdict == track.Mostly {
			p.Kind = PartlyDelivered
		}
		out = append(out, p)
	}
	return out
}

func nameOf(h *cycle.Header, code string) string {
	for k, c := range h.Nodes {
		if c == code {
			return h.Names[k]
		}
	}
	return code
}

func at(v []score.Num, j int) score.Num {
	if j < len(v) {
		return v[j]
	}
	return nan
}

// round keeps 4 decimals, so that 62.3 − 63.5 reads −1.2.
func round(v float64) float64 { return math.Round(v*1e4) / 1e4 }
