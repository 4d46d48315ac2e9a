package cycle

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"

	"kaohe/internal/auth"
	"kaohe/internal/db"
	"kaohe/internal/score"
)

// Result is one entity's result as shown: the snapshot's figures with the
// grade after calibration.
type Result struct {
	Entity                        Entity
	Base, Bonus, Deduction, Total float64
	Rank                          int
	// RankP05, RankP50 and RankP95 are the rank interval under weight
	// uncertainty.
	RankP05, RankP50, RankP95 int
	// GroupSize is the number of entities in the comparison group.
	GroupSize int
	// Grade is the grade after calibration; EngineGrade the engine's.
	Grade, EngineGrade string
	Calibrated         bool
	Flags              []string
}

// latestCalibration is an SQL expression: the grade of r after its latest
// calibration.
const gradeSQL = `COALESCE((SELECT k.to_grade FROM calibrations k WHERE k.snapshot_id = r.snapshot_id AND k.entity = r.entity
	ORDER BY k.created_at DESC, k.id DESC LIMIT 1), r.grade)`

const resultCols = `r.entity, e.unit_id, e.person_id, e.unit_path, e.grp, e.name, r.base, r.bonus, r.deduction, r.total,
	r.rank, r.rank_p05, r.rank_p50, r.rank_p95, r.grade, ` + gradeSQL + `, r.flags`

// scanResult reads the resultCols of a row, then extra columns into extra.
func scanResult(rs interface{ Scan(...any) error }, extra ...any) (*Result, error) {
	var r Result
	var flags string
	dest := append([]any{&r.Entity.ID, &r.Entity.UnitID, &r.Entity.PersonID, &r.Entity.UnitPath, &r.Entity.Group, &r.Entity.Name,
		&r.Base, &r.Bonus, &r.Deduction, &r.Total, &r.Rank, &r.RankP05, &r.RankP50, &r.RankP95, &r.EngineGrade, &r.Grade, &flags}, extra...)
	if err := rs.Scan(dest...); err != nil {
		return nil, err
	}
	r.Calibrated = r.Grade != r.EngineGrade
	if flags != "" {
		r.Flags = strings.Split(flags, ",")
	}
	return &r, nil
}

// viewed returns cycle id, if a may read it, and the snapshot a sees of it
// (viewSnapshot).
func (s *Service) viewed(ctx context.Context, tx *db.Tx, a *auth.Actor, id int64) (*Cycle, *Snapshot, error) {
	c, err := s.readableCycle(ctx, tx, a, id)
	if err != nil {
		return nil, nil, err
	}
	sn, err := s.viewSnapshot(ctx, tx, a, c)
	if err != nil {
		return nil, nil, err
	}
	return c, sn, nil
}

// viewSnapshot returns the snapshot whose results a sees for c: the
// published one, or for the office before publication the approved one or
// else the latest run. NotFound when there is none.
func (s *Service) viewSnapshot(ctx context.Context, tx *db.Tx, a *auth.Actor, c *Cycle) (*Snapshot, error) {
	id := c.PublishedSnapshotID
	if id == 0 && s.mayReview(a, c) {
		id = c.ApprovedSnapshotID
		if id == 0 {
			if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) FROM snapshots WHERE cycle_id = $1
				AND number = (SELECT MAX(number) FROM snapshots WHERE cycle_id = $1)`, c.ID).Scan(&id); err != nil {
				return nil, fmt.Errorf("latest snapshot: %w", err)
			}
		}
	}
	if id == 0 {
		return nil, notFound("results")
	}
	return getSnapshot(ctx, tx, c.ID, id)
}

// readableCycle reads cycle id for a results reader: one who may read the
// cycle, or an assessed cadre or unit once it is published.
func (s *Service) readableCycle(ctx context.Context, tx *db.Tx, a *auth.Actor, id int64) (*Cycle, error) {
	c, err := getCycle(ctx, tx, id)
	if err != nil {
		return nil, err
	}
	if s.pol.Authorize(a, auth.ActCycleRead, c.OwnerPath) == nil {
		return c, nil
	}
	// Others see a published cycle that assesses something of theirs.
	if c.PublishedSnapshotID == 0 {
		return nil, notFound("cycle")
	}
	args := []any{c.ID}
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM cycle_entities e WHERE e.cycle_id = $1 AND `+s.entityScope(a, &args),
		args...).Scan(&n); err != nil {
		return nil, fmt.Errorf("check cycle scope: %w", err)
	}
	if n == 0 {
		return nil, notFound("cycle")
	}
	return c, nil
}

// fullScope reports whether a may read the results of every entity of c:
// its result scopes hold the owner unit, under which all entities lie.
func (s *Service) fullScope(a *auth.Actor, c *Cycle) bool {
	return s.pol.Scope(a, auth.ActResultRead).Contains(c.OwnerPath) && s.pol.Scope(a, auth.ActTeamResultRead).Contains(c.OwnerPath)
}

// GroupCount is a comparison group and its size.
type GroupCount struct {
	Group string
	N     int
}

// Ranking is a page of a cycle's ranking within one comparison group.
type Ranking struct {
	Cycle     *Cycle
	Snapshot  *Snapshot
	Published bool
	Groups    []GroupCount
	// Group is the group shown; Rows its entities in rank order, the page
	// of Total matching rows from the filter's offset.
	Group string
	Rows  []*Result
	Total int
}

// RankFilter selects and pages a ranking.
type RankFilter struct {
	// Group is the comparison group; "" for the first.
	Group string
	// Grade keeps entities with this grade (after calibration).
	Grade string
	// Query keeps entities whose name contains it.
	Query string
	// Offset and Limit page the rows; Limit 0 means all.
	Offset, Limit int
}

// Ranking returns the ranking of cycle id in one comparison group: the
// entities whose results the actor may read.
func (s *Service) Ranking(ctx context.Context, a *auth.Actor, id int64, f RankFilter) (*Ranking, error) {
	var out *Ranking
	err := s.db.View(ctx, func(tx *db.Tx) error {
		c, sn, err := s.viewed(ctx, tx, a, id)
		if err != nil {
			return err
		}
		out = &Ranking{Cycle: c, Snapshot: sn, Published: sn.ID == c.PublishedSnapshotID, Group: f.Group}
		full := s.fullScope(a, c)
		// A reader of some entities only (an assessed cadre) is shown the
		// groups that hold them, so that the ranking opens on its own.
		var mine map[string]bool
		if !full {
			if mine, err = s.readableGroups(ctx, tx, a, c, sn); err != nil {
				return err
			}
		}
		sizes := map[string]int{}
		for _, g := range sn.Header.Groups {
			sizes[g.Group] = g.N
			if full || mine[g.Group] {
				out.Groups = append(out.Groups, GroupCount{g.Group, g.N})
			}
		}
		if out.Group == "" && len(out.Groups) > 0 {
			out.Group = out.Groups[0].Group
		}
		args := []any{sn.ID, c.ID, out.Group}
		where := ` FROM snapshot_results r JOIN cycle_entities e ON e.cycle_id = $2 AND e.entity = r.entity
			WHERE r.snapshot_id = $1 AND r.grp = $3`
		if !full {
			where += ` AND ` + s.entityScope(a, &args)
		}
		if f.Grade != "" {
			where += " AND " + gradeSQL + " = " + db.Arg(&args, f.Grade)
		}
		if f.Query != "" {
			where += " AND e.name LIKE " + db.Arg(&args, "%"+strings.NewReplacer(`%`, ``, `_`, ``).Replace(f.Query)+"%")
		}
		if full && f.Grade == "" && f.Query == "" {
			out.Total = sizes[out.Group]
		} else if err := tx.QueryRowContext(ctx, `SELECT count(*)`+where, args...).Scan(&out.Total); err != nil {
			return fmt.Errorf("count ranking: %w", err)
		}
		q := `SELECT ` + resultCols + where + ` ORDER BY r.rank, r.entity`
		if f.Limit > 0 {
			q += fmt.Sprintf(" LIMIT %d OFFSET %d", f.Limit, max(f.Offset, 0))
		}
		rows, err := tx.QueryContext(ctx, q, args...)
		if err != nil {
			return fmt.Errorf("read ranking: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			r, err := scanResult(rows)
			if err != nil {
				return err
			}
			r.GroupSize = sizes[r.Entity.Group]
			out.Rows = append(out.Rows, r)
		}
		return rows.Err()
	})
	return out, err
}

// readableGroups returns the comparison groups of snapshot sn of c that
// hold an entity whose results a may read.
func (s *Service) readableGroups(ctx context.Context, tx *db.Tx, a *auth.Actor, c *Cycle, sn *Snapshot) (map[string]bool, error) {
	args := []any{sn.ID, c.ID}
	rows, err := tx.QueryContext(ctx, `SELECT DISTINCT r.grp FROM snapshot_results r
		JOIN cycle_entities e ON e.cycle_id = $2 AND e.entity = r.entity WHERE r.snapshot_id = $1 AND `+s.entityScope(a, &args), args...)
	if err != nil {
		return nil, fmt.Errorf("read readable groups: %w", err)
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var g string
		if err := rows.Scan(&g); err != nil {
			return nil, err
		}
		out[g] = true
	}
	return out, rows.Err()
}

// Dimension is one axis of a profile's radar chart.
type Dimension struct {
	Code, Name          string
	Score, Mean, Median score.Num
}

// Point is one cycle of an entity's history.
type Point struct {
	CycleID            int64
	Code, Name         string
	Kind               Kind
	Period, EndsOn     string
	Total              float64
	Rank, GroupSize    int
	Grade              string
	Published, Current bool
}

// Profile is an entity's result in a cycle with everything that explains
// it (画像).
type Profile struct {
	Cycle     *Cycle
	Snapshot  *Snapshot
	Published bool
	Result    *Result
	// Group holds the group's statistics.
	Group GroupStats
	// Dimensions are the radar axes: the top-level dimensions (the leaves
	// when the scheme has fewer than three).
	Dimensions []Dimension
	// Explanation breaks the total down; its contributions add up to it.
	Explanation score.Explanation
	// Names gives each indicator code's name.
	Names map[string]string
	// Detail is the stored breakdown.
	Detail       Detail
	History      []Point
	Calibrations []Calibration
}

// Profile returns the result of entity in cycle id with its explanation,
// the radar axes against the group mean and median, and its history over
// published cycles. A cadre sees only itself; a unit's cadres only their
// unit's team.
func (s *Service) Profile(ctx context.Context, a *auth.Actor, id int64, entity string) (*Profile, error) {
	var out *Profile
	err := s.db.View(ctx, func(tx *db.Tx) error {
		c, sn, err := s.viewed(ctx, tx, a, id)
		if err != nil {
			return err
		}
		var detail string
		args := []any{sn.ID, c.ID, entity}
		r, err := scanResult(tx.QueryRowContext(ctx, `SELECT `+resultCols+`, r.detail FROM snapshot_results r
			JOIN cycle_entities e ON e.cycle_id = $2 AND e.entity = r.entity WHERE r.snapshot_id = $1 AND r.entity = $3`, args...), &detail)
		if err != nil {
			return notFound("result")
		}
		if err := s.authorizeEntity(a, &r.Entity); err != nil {
			return err
		}
		out = &Profile{Cycle: c, Snapshot: sn, Published: sn.ID == c.PublishedSnapshotID, Result: r, Names: map[string]string{}}
		if err := json.Unmarshal([]byte(detail), &out.Detail); err != nil {
			return fmt.Errorf("result detail: %w", err)
		}
		if !s.mayReadFindings(a, &r.Entity) {
			out.Detail.hideFindingTitles()
		}
		h := sn.Header
		for k, code := range h.Nodes {
			out.Names[code] = h.Names[k]
		}
		for _, g := range h.Groups {
			if g.Group == r.Entity.Group {
				out.Group = g
				r.GroupSize = g.N
			}
		}
		out.Dimensions = dimensions(h, &out.Group, &out.Detail)
		out.Explanation = explain(h, r, &out.Detail)
		if out.Calibrations, err = calibrations(ctx, tx, sn.ID, entity); err != nil {
			return err
		}
		out.History, err = history(ctx, tx, c, out)
		return err
	})
	return out, err
}

// mayReadFindings reports whether a reads the findings about entity e
// (ActFindingRead: the office over its units, a cadre those naming her).
// Whoever reads a result reads the points its findings took off, by
// category and severity, for the total to add up; only a finding's
// readers read what it says.
func (s *Service) mayReadFindings(a *auth.Actor, e *Entity) bool {
	if e.PersonID != 0 {
		return s.pol.AuthorizePerson(a, auth.ActFindingRead, e.PersonID, []string{e.UnitPath}) == nil
	}
	return s.pol.Authorize(a, auth.ActFindingRead, e.UnitPath) == nil
}

// hideFindingTitles removes what the findings of d say — their titles —
// keeping their category, severity, status and points.
func (d *Detail) hideFindingTitles() {
	for i := range d.Lines {
		if d.Lines[i].Kind == score.LineFinding {
			d.Lines[i].Note = ""
		}
	}
	for i := range d.Findings {
		d.Findings[i].Title = ""
	}
}

// dimensions returns the radar axes.
func dimensions(h *Header, g *GroupStats, d *Detail) []Dimension {
	var out []Dimension
	sc := h.NodeScores(d)
	for k, code := range h.Nodes {
		if h.Parents[k] == "" && h.Kinds[k] == score.KindDimension {
			out = append(out, Dimension{Code: code, Name: h.Names[k], Score: sc[k], Mean: at(g.Mean, k), Median: at(g.Median, k)})
		}
	}
	if len(out) >= 3 {
		return out
	}
	out = out[:0]
	for k, code := range h.Nodes {
		for _, l := range h.Leaves {
			if l == code {
				out = append(out, Dimension{Code: code, Name: h.Names[k], Score: sc[k], Mean: at(g.Mean, k), Median: at(g.Median, k)})
			}
		}
	}
	return out
}

func at(v []score.Num, k int) score.Num {
	if k < len(v) {
		return v[k]
	}
	return score.Num(math.NaN())
}

// explain rebuilds a one-entity engine output from the stored detail and
// lets the engine explain it, so the decomposition is the engine's own.
func explain(h *Header, r *Result, d *Detail) score.Explanation {
	mat := func(cols []string, v []score.Num) score.Matrix {
		m := score.Matrix{Rows: 1, Cols: cols, Data: make([]float64, len(cols))}
		for j := range cols {
			m.Data[j] = float64(at(v, j))
		}
		return m
	}
	o := &score.Output{Nodes: h.Nodes, Parents: h.Parents, Kinds: h.Kinds, Leaves: h.Leaves, Weights: h.Weights,
		Entities: []score.Result{{ID: r.Entity.ID, Group: r.Entity.Group, Base: r.Base, Bonus: r.Bonus,
			Deduction: r.Deduction, Total: r.Total, Rank: r.Rank, Grade: r.EngineGrade}},
		Raw: mat(h.Leaves, d.Raw), Normalised: mat(h.Leaves, d.Normalised), Contributions: mat(h.Leaves, d.Contributions),
		Scores: mat(h.Nodes, h.NodeScores(d)), Lines: d.Lines}
	return o.Explain(0)
}

// history returns the entity's results over the published cycles of the
// same subject, oldest first, with the current cycle's result added when it
// is not published yet.
func history(ctx context.Context, tx *db.Tx, c *Cycle, p *Profile) ([]Point, error) {
	rows, err := tx.QueryContext(ctx, `SELECT c.id, c.code, c.name, c.kind, c.period, c.ends_on, r.total, r.rank, `+gradeSQL+`,
		(SELECT count(*) FROM snapshot_results x WHERE x.snapshot_id = r.snapshot_id AND x.grp = r.grp)
		FROM cycle_entities e JOIN cycles c ON c.id = e.cycle_id
		JOIN snapshot_results r ON r.snapshot_id = c.published_snapshot_id AND r.entity = e.entity
		WHERE e.entity = $1 AND c.subject = $2 AND c.published_snapshot_id <> 0`, p.Result.Entity.ID, c.Subject)
	if err != nil {
		return nil, fmt.Errorf("read history: %w", err)
	}
	defer rows.Close()
	var out []Point
	seen := false
	for rows.Next() {
		var pt Point
		if err := rows.Scan(&pt.CycleID, &pt.Code, &pt.Name, &pt.Kind, &pt.Period, &pt.EndsOn, &pt.Total, &pt.Rank, &pt.Grade, &pt.GroupSize); err != nil {
			return nil, err
		}
		pt.Published = true
		if pt.CycleID == c.ID {
			pt.Current, seen = true, true
		}
		out = append(out, pt)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if !seen {
		out = append(out, Point{CycleID: c.ID, Code: c.Code, Name: c.Name, Kind: c.Kind, Period: c.Period, EndsOn: c.EndsOn,
			Total: p.Result.Total, Rank: p.Result.Rank, GroupSize: p.Result.GroupSize, Grade: p.Result.Grade, Current: true})
	}
	sortPoints(out)
	return out, nil
}

// sortPoints orders points by end date, then period, then code (byte
// order, the same on both engines).
func sortPoints(ps []Point) {
	key := func(p Point) string { return p.EndsOn + "\x00" + p.Period + "\x00" + p.Code }
	for i := 1; i < len(ps); i++ {
		for j := i; j > 0 && key(ps[j]) < key(ps[j-1]); j-- {
			ps[j], ps[j-1] = ps[j-1], ps[j]
		}
	}
}

// Heatmap is a page of a group's entities × leaf indicators, normalised,
// each cell with its quartile in the group (1 lowest … 4 highest, 0
// missing).
type Heatmap struct {
	Cycle     *Cycle
	Snapshot  *Snapshot
	Published bool
	Groups    []GroupCount
	Group     string
	Leaves    []Leaf
	Rows      []HeatRow
	Total     int
	// Mean is the group's mean normalised score per leaf (its Q2 is the
	// median), to spot weak links.
	Median []score.Num
}

// Leaf is a leaf indicator.
type Leaf struct{ Code, Name string }

// HeatRow is one entity of a heatmap.
type HeatRow struct {
	Entity Entity
	Rank   int
	Total  float64
	Cells  []HeatCell
}

// HeatCell is one normalised score and its quartile.
type HeatCell struct {
	Value    score.Num
	Quartile int
}

// Heatmap returns the heatmap of one group of cycle id, rows in rank order
// paged by offset and limit (0: all).
func (s *Service) Heatmap(ctx context.Context, a *auth.Actor, id int64, group string, offset, limit int) (*Heatmap, error) {
	var out *Heatmap
	err := s.db.View(ctx, func(tx *db.Tx) error {
		c, err := s.readableCycle(ctx, tx, a, id)
		if err != nil {
			return err
		}
		if err := s.pol.Authorize(a, auth.ActCycleRead, c.OwnerPath); err != nil {
			return err
		}
		sn, err := s.viewSnapshot(ctx, tx, a, c)
		if err != nil {
			return err
		}
		h := sn.Header
		out = &Heatmap{Cycle: c, Snapshot: sn, Published: sn.ID == c.PublishedSnapshotID, Group: group}
		var gs *GroupStats
		for k := range h.Groups {
			out.Groups = append(out.Groups, GroupCount{h.Groups[k].Group, h.Groups[k].N})
			if h.Groups[k].Group == group || (group == "" && k == 0) {
				gs = &h.Groups[k]
				out.Group = gs.Group
			}
		}
		if gs == nil {
			return nil
		}
		names := map[string]string{}
		for k, code := range h.Nodes {
			names[code] = h.Names[k]
		}
		for _, l := range h.Leaves {
			out.Leaves = append(out.Leaves, Leaf{l, names[l]})
		}
		out.Median = gs.Q2
		args := []any{sn.ID, c.ID, out.Group}
		where := ` FROM snapshot_results r JOIN cycle_entities e ON e.cycle_id = $2 AND e.entity = r.entity
			WHERE r.snapshot_id = $1 AND r.grp = $3`
		if s.fullScope(a, c) {
			out.Total = gs.N
		} else {
			where += ` AND ` + s.entityScope(a, &args)
			if err := tx.QueryRowContext(ctx, `SELECT count(*)`+where, args...).Scan(&out.Total); err != nil {
				return fmt.Errorf("count heatmap: %w", err)
			}
		}
		q := `SELECT r.entity, e.name, e.unit_id, e.person_id, r.rank, r.total, r.detail` + where + ` ORDER BY r.rank, r.entity`
		if limit > 0 {
			q += fmt.Sprintf(" LIMIT %d OFFSET %d", limit, max(offset, 0))
		}
		rows, err := tx.QueryContext(ctx, q, args...)
		if err != nil {
			return fmt.Errorf("read heatmap: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var hr HeatRow
			var detail string
			if err := rows.Scan(&hr.Entity.ID, &hr.Entity.Name, &hr.Entity.UnitID, &hr.Entity.PersonID, &hr.Rank, &hr.Total, &detail); err != nil {
				return err
			}
			var d Detail
			if err := json.Unmarshal([]byte(detail), &d); err != nil {
				return fmt.Errorf("result detail: %w", err)
			}
			for j := range h.Leaves {
				v := at(d.Normalised, j)
				hr.Cells = append(hr.Cells, HeatCell{Value: v, Quartile: quartile(float64(v), gs, j)})
			}
			out.Rows = append(out.Rows, hr)
		}
		return rows.Err()
	})
	return out, err
}

func quartile(v float64, g *GroupStats, j int) int {
	if math.IsNaN(v) {
		return 0
	}
	switch {
	case v < float64(at(g.Q1, j)):
		return 1
	case v < float64(at(g.Q2, j)):
		return 2
	case v < float64(at(g.Q3, j)):
		return 3
	}
	return 4
}

// Distribution is the histogram of totals of one group.
type Distribution struct {
	Group        string
	N            int
	Mean, Median score.Num
	// Bins count totals in [From, From+10).
	Bins []Bin
}

// Bin is one bar of a histogram.
type Bin struct {
	From, To float64
	Count    int
}

// Distributions returns the distribution of totals per group of cycle id,
// over the entities the actor may read.
func (s *Service) Distributions(ctx context.Context, a *auth.Actor, id int64) ([]Distribution, error) {
	var out []Distribution
	err := s.db.View(ctx, func(tx *db.Tx) error {
		c, sn, err := s.viewed(ctx, tx, a, id)
		if err != nil {
			return err
		}
		// Who may read every entity reads the histograms stored with the
		// snapshot (snapshot_bins), not its 100,000 result rows.
		if s.fullScope(a, c) {
			bins, err := storedBins(ctx, tx, sn.ID)
			if err != nil {
				return err
			}
			if len(bins) > 0 {
				for _, gs := range sn.Header.Groups {
					if b := bins[gs.Group]; len(b) > 0 {
						d := Distribution{Group: gs.Group, Mean: gs.TotalMean, Median: gs.TotalMedian, Bins: b}
						for _, x := range b {
							d.N += x.Count
						}
						out = append(out, d)
					}
				}
				return nil
			}
		}
		args := []any{sn.ID, c.ID}
		rows, err := tx.QueryContext(ctx, `SELECT r.grp, r.total FROM snapshot_results r
			JOIN cycle_entities e ON e.cycle_id = $2 AND e.entity = r.entity
			WHERE r.snapshot_id = $1 AND `+s.entityScope(a, &args), args...)
		if err != nil {
			return fmt.Errorf("read totals: %w", err)
		}
		defer rows.Close()
		totals := map[string][]float64{}
		for rows.Next() {
			var g string
			var t float64
			if err := rows.Scan(&g, &t); err != nil {
				return err
			}
			totals[g] = append(totals[g], t)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		for _, gs := range sn.Header.Groups {
			v := totals[gs.Group]
			if len(v) == 0 {
				continue
			}
			out = append(out, Distribution{Group: gs.Group, N: len(v), Mean: gs.TotalMean, Median: gs.TotalMedian, Bins: histogram(v)})
		}
		return nil
	})
	return out, err
}

// histogram counts the totals v (not empty) in bins of width 10 from the
// multiple of 10 at or below the lowest to the bin of the highest.
func histogram(v []float64) []Bin {
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, x := range v {
		lo, hi = math.Min(lo, x), math.Max(hi, x)
	}
	from := math.Floor(lo/10) * 10
	nb := int(math.Floor(hi/10)*10-from)/10 + 1
	bins := make([]Bin, nb)
	for k := range bins {
		bins[k] = Bin{From: from + float64(10*k), To: from + float64(10*(k+1))}
	}
	for _, x := range v {
		k := int((x - from) / 10)
		bins[min(max(k, 0), nb-1)].Count++
	}
	return bins
}

// insertBins stores the histogram of the totals of each group of rows
// with snapshot snapID (snapshot_bins).
func insertBins(ctx context.Context, tx *db.Tx, snapID int64, rows []resultRow) error {
	totals := map[string][]float64{}
	for _, r := range rows {
		totals[r.group] = append(totals[r.group], r.total)
	}
	groups := slices.Sorted(maps.Keys(totals))
	for _, g := range groups {
		bins := histogram(totals[g])
		for k, b := range bins {
			if _, err := tx.ExecContext(ctx, `INSERT INTO snapshot_bins (snapshot_id, grp, bin, lo, n) VALUES ($1, $2, $3, $4, $5)`,
				snapID, g, k, bins[0].From, b.Count); err != nil {
				return fmt.Errorf("insert histogram: %w", err)
			}
		}
	}
	return nil
}

// storedBins reads the histograms of snapshot snapID by group; none for a
// snapshot made before snapshot_bins.
func storedBins(ctx context.Context, tx *db.Tx, snapID int64) (map[string][]Bin, error) {
	rows, err := tx.QueryContext(ctx, `SELECT grp, bin, lo, n FROM snapshot_bins WHERE snapshot_id = $1 ORDER BY grp, bin`, snapID)
	if err != nil {
		return nil, fmt.Errorf("read histograms: %w", err)
	}
	defer rows.Close()
	out := map[string][]Bin{}
	for rows.Next() {
		var g string
		var k, n int
		var from float64
		if err := rows.Scan(&g, &k, &from, &n); err != nil {
			return nil, fmt.Errorf("read histograms: %w", err)
		}
		if k != len(out[g]) {
			return nil, fmt.Errorf("snapshot %d: histogram of %s: bin %d out of order", snapID, g, k)
		}
		out[g] = append(out[g], Bin{From: from + float64(10*k), To: from + float64(10*(k+1)), Count: n})
	}
	return out, rows.Err()
}

// Feedback is the feedback sheet of one unit (反馈): each of its assessed
// entities with its result, its strengths (leaves at or above the group's
// third quartile) and its weak points (below the first quartile).
type Feedback struct {
	Cycle    *Cycle
	Snapshot *Snapshot
	UnitID   int64
	Entries  []FeedbackEntry
}

// FeedbackEntry is one entity of a feedback sheet.
type FeedbackEntry struct {
	Result              *Result
	Strengths, Weakness []LeafScore
}

// LeafScore is a leaf with an entity's raw value, normalised score and the
// group median.
type LeafScore struct {
	Code, Name  string
	Raw, Score  score.Num
	GroupMedian score.Num
}

// Feedback returns the feedback sheet of unit unitID in cycle id: the
// unit's team (a unit cycle) or its cadres (a cadre cycle) that the actor
// may read.
func (s *Service) Feedback(ctx context.Context, a *auth.Actor, id, unitID int64) (*Feedback, error) {
	var out *Feedback
	err := s.db.View(ctx, func(tx *db.Tx) error {
		c, sn, err := s.viewed(ctx, tx, a, id)
		if err != nil {
			return err
		}
		h := sn.Header
		names := map[string]string{}
		for k, code := range h.Nodes {
			names[code] = h.Names[k]
		}
		out = &Feedback{Cycle: c, Snapshot: sn, UnitID: unitID}
		args := []any{sn.ID, c.ID, unitID}
		rows, err := tx.QueryContext(ctx, `SELECT `+resultCols+`, r.detail FROM snapshot_results r
			JOIN cycle_entities e ON e.cycle_id = $2 AND e.entity = r.entity
			WHERE r.snapshot_id = $1 AND e.unit_id = $3 AND `+s.entityScope(a, &args)+` ORDER BY r.grp, r.rank, r.entity`, args...)
		if err != nil {
			return fmt.Errorf("read feedback: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var detail string
			r, err := scanResult(rows, &detail)
			if err != nil {
				return err
			}
			var d Detail
			if err := json.Unmarshal([]byte(detail), &d); err != nil {
				return fmt.Errorf("result detail: %w", err)
			}
			out.Entries = append(out.Entries, feedbackEntry(h, names, r, &d))
		}
		if err := rows.Err(); err != nil {
			return err
		}
		if len(out.Entries) == 0 {
			return notFound("results")
		}
		return nil
	})
	return out, err
}

// feedbackEntry sorts the leaves of r's result d into strengths (at or
// above the group's third quartile) and weak points (below the first),
// and sets r's group size.
func feedbackEntry(h *Header, names map[string]string, r *Result, d *Detail) FeedbackEntry {
	var g *GroupStats
	for k := range h.Groups {
		if h.Groups[k].Group == r.Entity.Group {
			g = &h.Groups[k]
			r.GroupSize = g.N
		}
	}
	fe := FeedbackEntry{Result: r}
	for j, l := range h.Leaves {
		v := float64(at(d.Normalised, j))
		if g == nil || math.IsNaN(v) {
			continue
		}
		ls := LeafScore{Code: l, Name: names[l], Raw: at(d.Raw, j), Score: score.Num(v), GroupMedian: at(g.Q2, j)}
		switch quartile(v, g, j) {
		case 4:
			fe.Strengths = append(fe.Strengths, ls)
		case 1:
			fe.Weakness = append(fe.Weakness, ls)
		}
	}
	return fe
}
