package cycle

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"

	"kaohe/internal/audit"
	"kaohe/internal/auth"
	"kaohe/internal/db"
	"kaohe/internal/score"
)

// Inputs are a scoring run's inputs, loaded from the database.
type Inputs struct {
	Cycle    *Cycle
	Entities []Entity
	// Document is the scheme version's canonical JSON.
	Document []byte
	Input    *score.Input
	// Findings are the finding records read, one per finding and entity,
	// sorted by entity and ID; those without a rule in the scheme version
	// have no Indicator and are not among Input.Findings.
	Findings []FindingNote
	// Hash is the hex SHA-256 of the canonical inputs.
	Hash string
	// Items names the data item each leaf read its value from, by leaf
	// code; leaves computed by a formula, judged, rated or folded are
	// absent.
	Items map[string]string
}

// Load reads the inputs of a scoring run of cycle id: scheme version,
// entities, values of the period, folded totals, the team's judgements,
// ratings and findings. The
// actor needs ActCycleManage.
func (s *Service) Load(ctx context.Context, a *auth.Actor, id int64) (*Inputs, error) {
	var out *Inputs
	err := s.db.View(ctx, func(tx *db.Tx) error {
		c, err := s.authorizeCycle(ctx, tx, a, auth.ActCycleManage, id)
		if err != nil {
			return err
		}
		out, err = s.load(ctx, tx, c)
		return err
	})
	if err != nil {
		return nil, err
	}
	out.Hash = inputsHash(out.Document, out.Input, out.Findings)
	return out, nil
}

func (s *Service) load(ctx context.Context, tx *db.Tx, c *Cycle) (*Inputs, error) {
	doc, document, _, err := s.versionOf(ctx, tx, c.SchemeVersionID)
	if err != nil {
		return nil, err
	}
	leaves, err := s.src.Schemes.Leaves(ctx, tx, doc)
	if err != nil {
		return nil, err
	}
	ents, err := entities(ctx, tx, c.ID)
	if err != nil {
		return nil, err
	}
	se := make([]score.Entity, len(ents))
	for i, e := range ents {
		se[i] = score.Entity{ID: e.ID, Name: e.Name, Group: e.Group, Sanction: e.Sanction}
	}
	if err := s.sanctionFlags(ctx, tx, c, ents, se); err != nil {
		return nil, err
	}
	in, err := score.NewInput(doc, se)
	if err != nil {
		return nil, fmt.Errorf("cycle %d: %w", c.ID, err)
	}
	if err := s.values(ctx, tx, c, in, leaves, c.FoldIndicator); err != nil {
		return nil, err
	}
	if c.FoldIndicator != "" {
		if err := foldParts(ctx, tx, c, in); err != nil {
			return nil, err
		}
	}
	if err := s.judgements(ctx, tx, c, in, leaves); err != nil {
		return nil, err
	}
	var notes []FindingNote
	if in.Findings, notes, err = s.findings(ctx, tx, c, doc, ents); err != nil {
		return nil, err
	}
	if in.Ratings, err = s.ratings(ctx, tx, c, leaves, ents); err != nil {
		return nil, err
	}
	sortRatings(in.Ratings)
	slices.SortFunc(in.Findings, func(x, y score.Finding) int {
		return strings.Compare(x.Entity+"\x00"+x.Indicator+"\x00"+x.ID, y.Entity+"\x00"+y.Indicator+"\x00"+y.ID)
	})
	in.Options = score.Options{Draws: c.Draws, Seed: c.Seed}
	items := map[string]string{}
	for _, l := range leaves {
		if l.Item != "" && l.Formula == nil && l.Kind != score.KindQualitative && l.Code != c.FoldIndicator {
			items[l.Code] = l.Item
		}
	}
	return &Inputs{Cycle: c, Entities: ents, Document: document, Input: in, Findings: notes, Items: items}, nil
}

// foldParts sets the fold indicator of each entity to the weighted mean of
// its totals in the published snapshots of the cycle's parts; an entity
// without a result in a part is averaged over the parts it has.
func foldParts(ctx context.Context, tx *db.Tx, c *Cycle, in *score.Input) error {
	j, ok := in.Col(c.FoldIndicator)
	if !ok {
		return invalid("fold_indicator", "cycle.fold_indicator_unknown", fmt.Sprintf("%q is not a leaf of the scheme", c.FoldIndicator))
	}
	n := len(in.Entities)
	sum, wsum := make([]float64, n), make([]float64, n)
	for _, p := range c.Parts {
		var pub int64
		var name string
		if err := tx.QueryRowContext(ctx, `SELECT published_snapshot_id, name FROM cycles WHERE id = $1`, p.CycleID).Scan(&pub, &name); err != nil {
			return fmt.Errorf("read part %d: %w", p.CycleID, err)
		}
		if pub == 0 {
			e := conflict("cycle.blocker.part_unpublished", name+" is not published")
			e.Args = map[string]any{"cycle": name}
			return e
		}
		rows, err := tx.QueryContext(ctx, `SELECT entity, total FROM snapshot_results WHERE snapshot_id = $1`, pub)
		if err != nil {
			return fmt.Errorf("read part totals: %w", err)
		}
		for rows.Next() {
			var e string
			var t float64
			if err := rows.Scan(&e, &t); err != nil {
				rows.Close()
				return err
			}
			if i, ok := in.Row(e); ok {
				sum[i] += p.Weight * t
				wsum[i] += p.Weight
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
	}
	col := in.Values.Col(j)
	for i := range col {
		if wsum[i] > 0 {
			col[i] = sum[i] / wsum[i]
		}
	}
	return nil
}

func sortRatings(rs []score.Rating) {
	slices.SortStableFunc(rs, func(x, y score.Rating) int {
		if c := strings.Compare(x.Entity, y.Entity); c != 0 {
			return c
		}
		if c := strings.Compare(x.Indicator, y.Indicator); c != 0 {
			return c
		}
		if c := strings.Compare(x.Group, y.Group); c != 0 {
			return c
		}
		if c := strings.Compare(x.Grade, y.Grade); c != 0 {
			return c
		}
		if x.Score != y.Score {
			if x.Score < y.Score {
				return -1
			}
			return 1
		}
		return x.Count - y.Count
	})
}

// inputsHash is the hex SHA-256 of the canonical inputs: the engine
// version, the scheme document, then one line per entity, value column,
// rating and engine finding, the options, and, when any were read, one
// line per finding record (its category, severity, status and title, and
// the item its rule counts it on, or none) — so that a finding exempted,
// voided, recategorised or without a rule makes a different hash.
// Numbers are in shortest round-trip form.
func inputsHash(document []byte, in *score.Input, records []FindingNote) string {
	h := sha256.New()
	w := bufio.NewWriterSize(h, 1<<16)
	fmt.Fprintf(w, "kaohe-inputs 1\nengine %s\nscheme %d\n", EngineVersion, len(document))
	w.Write(document)
	w.WriteString("\nentities\n")
	for _, e := range in.Entities {
		fmt.Fprintf(w, "%q %q %t %q\n", e.ID, e.Group, e.Sanction, e.Flags)
	}
	var buf []byte
	for j, col := range in.Values.Cols {
		fmt.Fprintf(w, "values %q\n", col)
		buf = buf[:0]
		for _, v := range in.Values.Col(j) {
			buf = appendNum(buf, v)
			buf = append(buf, ' ')
		}
		w.Write(buf)
		w.WriteByte('\n')
	}
	w.WriteString("ratings\n")
	for _, r := range in.Ratings {
		fmt.Fprintf(w, "%q %q %q %s %q %d\n", r.Entity, r.Indicator, r.Group, appendNum(nil, r.Score), r.Grade, r.Count)
	}
	w.WriteString("findings\n")
	for _, f := range in.Findings {
		fmt.Fprintf(w, "%q %q %q %s %q %q\n", f.ID, f.Entity, f.Indicator, appendNum(nil, f.Points), f.Status, f.Note)
	}
	fmt.Fprintf(w, "options %d %d\n", in.Options.Draws, in.Options.Seed)
	if len(records) > 0 {
		w.WriteString("finding records\n")
		for _, r := range records {
			fmt.Fprintf(w, "%q %q %q %q %q %q %q\n", r.Entity, r.ID, r.Category, r.Severity, r.Status, r.Indicator, r.Title)
		}
	}
	w.Flush()
	return hex.EncodeToString(h.Sum(nil))
}

// appendNum writes v in shortest round-trip form, null for NaN and ±Inf.
func appendNum(b []byte, v float64) []byte {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return append(b, "null"...)
	}
	return strconv.AppendFloat(b, v, 'g', -1, 64)
}

// Run scores cycle id: it loads the inputs, computes with the cycle's draws
// and seed, and stores a new immutable snapshot. The cycle must be in stage
// scoring, or in review with no approved snapshot. The actor needs
// ActCycleManage. Loading reads one consistent view; computing holds no
// transaction; storing writes the snapshot in one transaction.
func (s *Service) Run(ctx context.Context, a *auth.Actor, id int64) (*Snapshot, error) {
	in, err := s.Load(ctx, a, id)
	if err != nil {
		return nil, err
	}
	if err := runnable(in.Cycle); err != nil {
		return nil, err
	}
	out, err := score.Compute(in.Input)
	if err != nil {
		e := conflict("cycle.compute_failed", "the scoring engine refused the inputs")
		e.Err = err
		return nil, e
	}
	b := buildSnapshot(in, out)
	var snap *Snapshot
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		c, err := s.authorizeCycle(ctx, tx, a, auth.ActCycleManage, id)
		if err != nil {
			return err
		}
		if err := runnable(c); err != nil {
			return err
		}
		snap, err = b.store(ctx, tx, a)
		if err != nil {
			return err
		}
		return auth.Record(ctx, tx, a, audit.Event{Action: "cycle.score", ObjectType: "cycle", ObjectID: db.FormatID(id),
			UnitPath: c.OwnerPath, After: map[string]any{"snapshot_id": snap.ID, "number": snap.Number,
				"inputs_hash": snap.InputsHash, "digest": snap.Digest, "engine_version": EngineVersion,
				"scheme_version_id": snap.SchemeVersionID, "entities": snap.Entities, "findings": len(in.Findings),
				"unruled_findings": unruledCount(snap.Header.Unruled)}})
	})
	if err != nil {
		return nil, err
	}
	return snap, nil
}

// unruledCount is the number of findings without a rule.
func unruledCount(us []Unruled) int {
	n := 0
	for _, u := range us {
		n += u.Findings
	}
	return n
}

func runnable(c *Cycle) error {
	if c.Stage == Scoring || (c.Stage == Review && c.ApprovedSnapshotID == 0) {
		return nil
	}
	e := conflict("cycle.not_scoring", "the cycle is not in its scoring stage")
	e.Args = map[string]any{"stage": string(c.Stage)}
	return e
}

// built is a computed snapshot ready to store.
type built struct {
	cycle *Cycle
	// h is the header, header its JSON.
	h          *Header
	header     []byte
	rows       []resultRow
	digest     string
	inputsHash string
	// schemeDigest is the hex SHA-256 of the scheme document.
	schemeDigest string
	draws        int
	seed         uint64
}

// resultRow is one stored row of snapshot_results.
type resultRow struct {
	entity, group                 string
	base, bonus, deduction, total float64
	rank, p05, p50, p95           int
	grade, flags                  string
	detail                        []byte
}

// Header is the part of a snapshot shared by all its entities.
type Header struct {
	Scheme  string `json:"scheme"`
	Version string `json:"version"`
	// Nodes, Parents, Kinds and Names describe every indicator node in
	// scheme order; Leaves are the value leaves (the columns of details).
	Nodes   []string     `json:"nodes"`
	Parents []string     `json:"parents"`
	Kinds   []score.Kind `json:"kinds"`
	Names   []string     `json:"names"`
	Leaves  []string     `json:"leaves"`
	// Weights are the local and effective weights per group.
	Weights []score.GroupWeights `json:"weights"`
	// Groups are statistics per comparison group, sorted by code.
	Groups []GroupStats `json:"groups"`
	// Grading is the scheme's grading policy, for calibration checks.
	Grading score.Grading `json:"grading"`
	Draws   int           `json:"draws"`
	Seed    uint64        `json:"seed"`
	// Missing counts per leaf (Leaves order) the entities without an
	// input; absent in snapshots made before it was recorded.
	Missing []int `json:"missing,omitempty"`
	// Unruled counts the findings read that the scheme version has no
	// rule for, by category and severity: they counted nothing.
	Unruled []Unruled `json:"unruled,omitempty"`
	// Items names per leaf (Leaves order) the data item the run read its
	// value from, "" for a leaf computed, judged, rated or folded; absent
	// in snapshots made before it was recorded.
	Items []string `json:"items,omitempty"`
}

// ItemOf returns the data item leaf read its value from, "" for none.
func (h *Header) ItemOf(leaf string) string {
	if j := slices.Index(h.Leaves, leaf); j >= 0 && j < len(h.Items) {
		return h.Items[j]
	}
	return ""
}

// gaps lists the leaves that some of n entities had no input for.
func (h *Header) gaps(n int) []Gap {
	names := map[string]string{}
	for i, c := range h.Nodes {
		names[c] = h.Names[i]
	}
	var out []Gap
	for j, m := range h.Missing {
		if m > 0 {
			out = append(out, Gap{Indicator: h.Leaves[j], Name: names[h.Leaves[j]], Missing: m, Of: n})
		}
	}
	return out
}

// GroupStats are statistics of one comparison group of a snapshot.
type GroupStats struct {
	Group string `json:"group"`
	N     int    `json:"n"`
	// Mean and Median are per node (Header.Nodes order), over the
	// entities that have a score.
	Mean   []score.Num `json:"mean"`
	Median []score.Num `json:"median"`
	// Q1, Q2, Q3 are the quartiles of each leaf's normalised score
	// (Header.Leaves order), for the heatmap.
	Q1 []score.Num `json:"q1"`
	Q2 []score.Num `json:"q2"`
	Q3 []score.Num `json:"q3"`
	// TotalMean and TotalMedian summarise the totals.
	TotalMean   score.Num `json:"total_mean"`
	TotalMedian score.Num `json:"total_median"`
}

// Detail is one entity's breakdown in a snapshot.
type Detail struct {
	// Raw, Normalised and Contributions are per leaf (Header.Leaves).
	Raw           []score.Num `json:"raw"`
	Normalised    []score.Num `json:"normalised"`
	Contributions []score.Num `json:"contributions"`
	// Scores are per node of Header.Nodes that is not a leaf; use
	// Header.NodeScores for every node.
	Scores []score.Num `json:"scores"`
	// Lines are the bonus, deduction, finding, veto and cap lines (Row 0).
	Lines []score.Line `json:"lines"`
	// Findings are the entity's finding records with their category and
	// severity, by ID, those without a rule (no line) included; absent
	// when there are none.
	Findings []FindingNote `json:"findings,omitempty"`
	// Raters are the value of each rater group that counted in the
	// entity's tallied qualitative leaves (Row 0), by leaf and group; a
	// group below the minimum size is absent. Absent when there are none.
	Raters []score.RaterValue `json:"raters,omitempty"`
}

// buildSnapshot turns the engine's output into the rows of a snapshot.
func buildSnapshot(in *Inputs, out *score.Output) *built {
	doc := in.Input.Scheme
	names := map[string]string{}
	for _, ind := range doc.Indicators {
		names[ind.Code] = ind.Name
	}
	h := Header{Scheme: out.Scheme, Version: out.Version, Nodes: out.Nodes, Parents: out.Parents, Kinds: out.Kinds,
		Leaves: out.Leaves, Weights: out.Weights, Grading: doc.Grading, Draws: out.Draws, Seed: out.Seed}
	for _, c := range out.Nodes {
		h.Names = append(h.Names, names[c])
	}
	h.Groups = groupStats(out)
	h.Unruled = unruled(in.Findings)
	if len(in.Items) > 0 {
		h.Items = make([]string, len(out.Leaves))
		for j, l := range out.Leaves {
			h.Items[j] = in.Items[l]
		}
	}
	h.Missing = make([]int, len(out.Leaves))
	for j := range out.Leaves {
		for _, v := range out.Raw.Col(j) {
			if math.IsNaN(v) {
				h.Missing[j]++
			}
		}
	}
	header, err := json.Marshal(h)
	if err != nil {
		panic(err) // plain data; cannot fail
	}
	n := len(out.Entities)
	rows := make([]resultRow, n)
	// Finding records are sorted by entity: split them per entity.
	notesOf := map[string][]FindingNote{}
	for k := 0; k < len(in.Findings); {
		e := in.Findings[k].Entity
		end := k + 1
		for end < len(in.Findings) && in.Findings[end].Entity == e {
			end++
		}
		notesOf[e] = in.Findings[k:end]
		k = end
	}
	// Lines are sorted by row: split them once.
	lineStart := make([]int, n+1)
	for _, ln := range out.Lines {
		lineStart[ln.Row+1]++
	}
	for i := 1; i <= n; i++ {
		lineStart[i] += lineStart[i-1]
	}
	// So are the rater groups' values.
	raterStart := make([]int, n+1)
	for _, g := range out.RaterGroups {
		raterStart[g.Row+1]++
	}
	for i := 1; i <= n; i++ {
		raterStart[i] += raterStart[i-1]
	}
	workers := runtime.GOMAXPROCS(0)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := w; i < n; i += workers {
				r := &out.Entities[i]
				rows[i] = resultRow{entity: r.ID, group: r.Group, base: r.Base, bonus: r.Bonus, deduction: r.Deduction,
					total: r.Total, rank: r.Rank, p05: r.RankP05, p50: r.RankP50, p95: r.RankP95, grade: r.Grade,
					flags: strings.Join(r.Flags, ","), detail: encodeDetail(out, i, out.Lines[lineStart[i]:lineStart[i+1]], notesOf[r.ID],
						out.RaterGroups[raterStart[i]:raterStart[i+1]])}
			}
		}(w)
	}
	wg.Wait()
	b := &built{cycle: in.Cycle, h: &h, header: header, rows: rows, inputsHash: in.Hash, draws: out.Draws, seed: out.Seed}
	sd := sha256.Sum256(in.Document)
	b.schemeDigest = hex.EncodeToString(sd[:])
	b.digest = snapshotDigest(header, rows)
	return b
}

// encodeDetail writes the canonical JSON of entity i's Detail.
func encodeDetail(out *score.Output, i int, lines []score.Line, notes []FindingNote, raters []score.RaterValue) []byte {
	b := make([]byte, 0, 64+24*(3*len(out.Leaves)+len(out.Nodes)))
	arr := func(key string, m *score.Matrix) {
		b = append(b, '"')
		b = append(b, key...)
		b = append(b, `":[`...)
		for j := range m.Cols {
			if j > 0 {
				b = append(b, ',')
			}
			b = appendNum(b, m.At(i, j))
		}
		b = append(b, ']')
	}
	b = append(b, '{')
	arr("raw", &out.Raw)
	b = append(b, ',')
	arr("normalised", &out.Normalised)
	b = append(b, ',')
	arr("contributions", &out.Contributions)
	// Leaves score their normalised value: only inner, bonus, deduction
	// and veto nodes are written (Header.NodeScores restores the rest).
	b = append(b, `,"scores":[`...)
	first := true
	for k := range out.Nodes {
		if isLeafNode(out, k) {
			continue
		}
		if !first {
			b = append(b, ',')
		}
		first = false
		b = appendNum(b, out.Scores.At(i, k))
	}
	b = append(b, ']')
	b = append(b, `,"lines":`...)
	if len(lines) == 0 {
		b = append(b, "[]"...)
	} else {
		ls := make([]score.Line, len(lines))
		copy(ls, lines)
		for k := range ls {
			ls[k].Row = 0
		}
		lb, err := json.Marshal(ls)
		if err != nil {
			panic(err)
		}
		b = append(b, lb...)
	}
	if len(notes) > 0 {
		nb, err := json.Marshal(notes)
		if err != nil {
			panic(err)
		}
		b = append(b, `,"findings":`...)
		b = append(b, nb...)
	}
	if len(raters) > 0 {
		rs := make([]score.RaterValue, len(raters))
		copy(rs, raters)
		for k := range rs {
			rs[k].Row = 0
		}
		rb, err := json.Marshal(rs)
		if err != nil {
			panic(err)
		}
		b = append(b, `,"raters":`...)
		b = append(b, rb...)
	}
	return append(b, '}')
}

// groupStats computes per-group means and medians of node scores and
// quartiles of leaf scores.
func groupStats(out *score.Output) []GroupStats {
	rowsOf := map[string][]int{}
	for i, r := range out.Entities {
		rowsOf[r.Group] = append(rowsOf[r.Group], i)
	}
	groups := make([]string, 0, len(rowsOf))
	for g := range rowsOf {
		groups = append(groups, g)
	}
	slices.Sort(groups)
	var res []GroupStats
	vals := []float64{}
	collect := func(m *score.Matrix, j int, rows []int) []float64 {
		vals = vals[:0]
		for _, i := range rows {
			if v := m.At(i, j); !math.IsNaN(v) {
				vals = append(vals, v)
			}
		}
		slices.Sort(vals)
		return vals
	}
	for _, g := range groups {
		rows := rowsOf[g]
		gs := GroupStats{Group: g, N: len(rows)}
		for j := range out.Nodes {
			v := collect(&out.Scores, j, rows)
			gs.Mean = append(gs.Mean, score.Num(mean(v)))
			gs.Median = append(gs.Median, score.Num(quantile(v, 0.5)))
		}
		for j := range out.Leaves {
			v := collect(&out.Normalised, j, rows)
			gs.Q1 = append(gs.Q1, score.Num(quantile(v, 0.25)))
			gs.Q2 = append(gs.Q2, score.Num(quantile(v, 0.5)))
			gs.Q3 = append(gs.Q3, score.Num(quantile(v, 0.75)))
		}
		vals = vals[:0]
		for _, i := range rows {
			vals = append(vals, out.Entities[i].Total)
		}
		slices.Sort(vals)
		gs.TotalMean, gs.TotalMedian = score.Num(mean(vals)), score.Num(quantile(vals, 0.5))
		res = append(res, gs)
	}
	return res
}

func mean(v []float64) float64 {
	if len(v) == 0 {
		return math.NaN()
	}
	s := 0.0
	for _, x := range v {
		s += x
	}
	return s / float64(len(v))
}

// quantile is the linearly interpolated quantile (type 7) of sorted v.
func quantile(v []float64, p float64) float64 {
	if len(v) == 0 {
		return math.NaN()
	}
	h := p * float64(len(v)-1)
	lo := int(math.Floor(h))
	if lo+1 >= len(v) {
		return v[len(v)-1]
	}
	return v[lo] + (h-float64(lo))*(v[lo+1]-v[lo])
}

// snapshotDigest is the hex SHA-256 over the header and every row in
// order, each field written canonically.
func snapshotDigest(header []byte, rows []resultRow) string {
	h := sha256.New()
	writeDigest(h, header, rows)
	return hex.EncodeToString(h.Sum(nil))
}

// writeDigest writes the canonical content of a snapshot to h.
func writeDigest(h io.Writer, header []byte, rows []resultRow) {
	w := bufio.NewWriterSize(h, 1<<16)
	fmt.Fprintf(w, "kaohe-snapshot 1\n%d\n", len(header))
	w.Write(header)
	w.WriteByte('\n')
	var buf []byte
	for _, r := range rows {
		buf = r.appendCanonical(buf[:0])
		w.Write(buf)
	}
	w.Flush()
}

func (r *resultRow) appendCanonical(b []byte) []byte {
	b = strconv.AppendQuote(b, r.entity)
	b = append(b, ' ')
	b = strconv.AppendQuote(b, r.group)
	for _, v := range []float64{r.base, r.bonus, r.deduction, r.total} {
		b = append(b, ' ')
		b = appendNum(b, v)
	}
	for _, v := range []int{r.rank, r.p05, r.p50, r.p95} {
		b = append(b, ' ')
		b = strconv.AppendInt(b, int64(v), 10)
	}
	b = append(b, ' ')
	b = strconv.AppendQuote(b, r.grade)
	b = append(b, ' ')
	b = strconv.AppendQuote(b, r.flags)
	b = append(b, ' ')
	b = strconv.AppendInt(b, int64(len(r.detail)), 10)
	b = append(b, ' ')
	b = append(b, r.detail...)
	return append(b, '\n')
}

// store inserts the snapshot and its rows.
func (b *built) store(ctx context.Context, tx *db.Tx, a *auth.Actor) (*Snapshot, error) {
	var number int
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(number), 0) + 1 FROM snapshots WHERE cycle_id = $1`, b.cycle.ID).Scan(&number); err != nil {
		return nil, fmt.Errorf("number snapshot: %w", err)
	}
	snap := &Snapshot{ID: db.NewID(), CycleID: b.cycle.ID, Number: number, SchemeVersionID: b.cycle.SchemeVersionID,
		EngineVersion: EngineVersion, InputsHash: b.inputsHash, Draws: b.draws, Seed: b.seed, Entities: len(b.rows),
		Digest: b.digest, Actor: a.AuditName(), CreatedAt: tx.Now, Header: b.h}
	snap.SchemeDigest = b.schemeDigest
	if _, err := tx.ExecContext(ctx, `INSERT INTO snapshots (id, cycle_id, number, scheme_version_id, scheme_digest, engine_version,
		inputs_hash, draws, seed, entities, header, digest, actor_id, actor, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
		snap.ID, snap.CycleID, snap.Number, snap.SchemeVersionID, snap.SchemeDigest, snap.EngineVersion, snap.InputsHash,
		snap.Draws, int64(snap.Seed), snap.Entities, string(b.header), snap.Digest, a.UserID, snap.Actor, tx.Now.UnixMicro()); err != nil {
		return nil, fmt.Errorf("insert snapshot: %w", err)
	}
	if err := insertResults(ctx, tx, snap.ID, b.rows); err != nil {
		return nil, err
	}
	if err := insertBins(ctx, tx, snap.ID, b.rows); err != nil {
		return nil, err
	}
	return snap, nil
}

func insertResults(ctx context.Context, tx *db.Tx, snapID int64, rows []resultRow) error {
	const cols, batch = 15, 1000
	var sb strings.Builder
	args := make([]any, 0, batch*cols)
	for start := 0; start < len(rows); start += batch {
		part := rows[start:min(start+batch, len(rows))]
		sb.Reset()
		sb.WriteString(`INSERT INTO snapshot_results (snapshot_id, entity, row_no, grp, base, bonus, deduction, total,
			rank, rank_p05, rank_p50, rank_p95, grade, flags, detail) VALUES `)
		args = args[:0]
		for i, r := range part {
			if i > 0 {
				sb.WriteByte(',')
			}
			sb.WriteByte('(')
			for k := 1; k <= cols; k++ {
				if k > 1 {
					sb.WriteByte(',')
				}
				sb.WriteString(placeholder(tx, i*cols+k))
			}
			sb.WriteByte(')')
			args = append(args, snapID, r.entity, start+i, r.group, r.base, r.bonus, r.deduction, r.total,
				r.rank, r.p05, r.p50, r.p95, r.grade, r.flags, string(r.detail))
		}
		if _, err := tx.ExecContext(ctx, sb.String(), args...); err != nil {
			return fmt.Errorf("insert snapshot results: %w", err)
		}
	}
	return nil
}

// placeholder returns the n-th bind parameter of a bulk statement: "?" on
// SQLite, whose lookup of numbered "$n" parameters is quadratic in their
// count, and "$n" on PostgreSQL.
func placeholder(tx *db.Tx, n int) string {
	if tx.Engine == db.SQLite {
		return "?"
	}
	return "$" + strconv.Itoa(n)
}

// isLeafNode reports whether node k of out is one of its leaves.
func isLeafNode(out *score.Output, k int) bool {
	return slices.Contains(out.Leaves, out.Nodes[k])
}

// NodeScores returns d's score of every node in h.Nodes order: leaves
// from the normalised scores, the others from d.Scores.
func (h *Header) NodeScores(d *Detail) []score.Num {
	leaf := make(map[string]int, len(h.Leaves))
	for j, l := range h.Leaves {
		leaf[l] = j
	}
	out := make([]score.Num, len(h.Nodes))
	k := 0
	for n, code := range h.Nodes {
		if j, ok := leaf[code]; ok {
			out[n] = at(d.Normalised, j)
			continue
		}
		out[n] = at(d.Scores, k)
		k++
	}
	return out
}

// sanctionFlags sets on the entities of a cadre cycle the flags their
// sanctions give for the cycle's period (Sources.Sanctions), sorted, so
// that the scheme's blocking rules bar their grades and the explanation
// names the flag.
func (s *Service) sanctionFlags(ctx context.Context, tx *db.Tx, c *Cycle, ents []Entity, se []score.Entity) error {
	if s.src.Sanctions == nil || c.Subject != SubjectPerson {
		return nil
	}
	ids := make([]int64, len(ents))
	for i, e := range ents {
		ids[i] = e.PersonID
	}
	flags, err := s.src.Sanctions.SanctionFlags(ctx, tx, c.Period, ids)
	if err != nil {
		return err
	}
	for i, e := range ents {
		if fl := flags[e.PersonID]; len(fl) > 0 {
			se[i].Flags = slices.Sorted(slices.Values(fl))
		}
	}
	return nil
}
