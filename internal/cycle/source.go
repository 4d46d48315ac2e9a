package cycle

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"kaohe/internal/auth"
	"kaohe/internal/db"
	"kaohe/internal/errs"
	"kaohe/internal/scheme"
	"kaohe/internal/score"
)

// Sources are where a cycle reads what other packages own: each is a small
// interface that the owning package's tx-taking functions satisfy, wired in
// by the server. Every method takes the caller's transaction, so that a
// scoring run reads all of its inputs in one consistent view, and a new
// input kind needs no SQL here (docs/architecture.md).
type Sources struct {
	Schemes  SchemeSource
	Values   ValueSource
	Ratings  RatingSource
	Findings FindingSource
	// Judgements are the assessment team's qualitative judgements.
	Judgements JudgementSource
	// Sanctions are the sanctions of cadres, for cadre cycles.
	Sanctions SanctionSource
}

// SchemeSource reads scheme versions (package scheme).
type SchemeSource interface {
	// Version returns the document of a scheme version, its canonical
	// JSON as stored and the scheme's subject; NotFound when unknown.
	Version(ctx context.Context, tx *db.Tx, id int64) (doc *score.Scheme, document []byte, subject string, err error)
	// Lock marks a version as used by a cycle: it never changes again.
	Lock(ctx context.Context, tx *db.Tx, id int64) error
	// Leaves says where each leaf of doc takes its raw value from.
	Leaves(ctx context.Context, tx *db.Tx, doc *score.Scheme) ([]scheme.Leaf, error)
	// Choices lists the versions a cycle can be made on in scope sc.
	Choices(ctx context.Context, tx *db.Tx, sc auth.Scope) ([]scheme.Choice, error)
	// Choice describes version id.
	Choice(ctx context.Context, tx *db.Tx, id int64) (scheme.Choice, error)
}

// ValueSource reads collected values (package collect).
type ValueSource interface {
	// CurrentValues calls each with the current value of each item for the
	// period, of entities of kind ("unit" or "person").
	CurrentValues(ctx context.Context, tx *db.Tx, kind, period string, items []string, each func(item string, entityID int64, v float64)) error
	// RequiredItems says which codes are data items and which of them are
	// required.
	RequiredItems(ctx context.Context, tx *db.Tx, items []string) (known, required map[string]bool, err error)
	// FilledCounts counts per item the entities of in with a value for
	// the period.
	FilledCounts(ctx context.Context, tx *db.Tx, period string, in map[int64]bool) (map[string]int, error)
}

// RatingSource reads democratic evaluations (package survey).
type RatingSource interface {
	// Ratings returns the tallies of evaluation id for the qualitative
	// leaves refs names (questionnaire item reference → leaf code).
	Ratings(ctx context.Context, tx *db.Tx, evaluationID int64, refs map[string]string) ([]score.Rating, error)
	// EvaluationOpen reports whether evaluation id is still open.
	EvaluationOpen(ctx context.Context, tx *db.Tx, id int64) (bool, error)
	// Titles returns the titles of the evaluations ids, by id.
	Titles(ctx context.Context, tx *db.Tx, ids []int64) (map[int64]string, error)
}

// FindingSource reads supervision findings (package finding); nil for
// none.
type FindingSource interface {
	// Findings returns each finding dated within period about the
	// entities of subject ("unit": unit IDs, "person": person IDs), once
	// per entity it is about, exempted and voided ones included.
	Findings(ctx context.Context, tx *db.Tx, subject, period string, entityIDs []int64) ([]FindingRecord, error)
}

// FindingRecord is one finding (问题线索) about one entity as the finding
// package records it: what it is, not what it counts. The cycle's scheme
// version says what it counts (score.FindingRule).
type FindingRecord struct {
	ID string
	// EntityID is the unit ID in a unit cycle, the person ID in a cadre
	// cycle.
	EntityID int64
	// Category and Severity are codes such as integrity and severe
	// (scheme.FindingCategories, scheme.FindingSeverities).
	Category, Severity string
	// Status is active, exempted (容错免责) or voided (澄清正名).
	Status score.FindingStatus
	Title  string
}

// SanctionSource reads the sanctions of cadres and investigations of them
// (package finding); nil for none. A cadre cycle sets the flags it
// returns on its entities before scoring; what each flag bars is the
// scheme version's grading (score.Block with When flag, NoGradeFlags), so
// that the rules are versioned with the scheme.
type SanctionSource interface {
	// SanctionFlags returns the flags of each of personIDs for period,
	// e.g. sanction_warning, sanction_grave, under_investigation, by
	// person; a person without any is absent.
	SanctionFlags(ctx context.Context, tx *db.Tx, period string, personIDs []int64) (map[int64][]string, error)
}

// JudgementSource reads the assessment team's qualitative judgements (定性
// 评价) of a cycle's entities (package fieldwork); nil for none.
type JudgementSource interface {
	// Judgements calls each with the team's judgement of each entity (its
	// engine ID) on each qualitative indicator of cycle id: the raw value
	// the indicator takes.
	Judgements(ctx context.Context, tx *db.Tx, cycleID int64, each func(entity, indicator string, v float64)) error
}

// versionOf reads the cycle's scheme version, naming the field when it is
// unknown.
func (s *Service) versionOf(ctx context.Context, tx *db.Tx, id int64) (*score.Scheme, []byte, string, error) {
	doc, document, subject, err := s.src.Schemes.Version(ctx, tx, id)
	if errs.Is(err, errs.NotFound) {
		return nil, nil, "", invalid("scheme_version_id", "cycle.scheme_unknown", "unknown scheme version")
	}
	return doc, document, subject, err
}

// values fills in.Values with the cycle's raw values for its period; skip
// names the column the cycle fills itself (the fold indicator). Formula
// leaves are computed from the values of their variables.
func (s *Service) values(ctx context.Context, tx *db.Tx, c *Cycle, in *score.Input, leaves []scheme.Leaf, skip string) error {
	var items []string
	need := map[string]bool{}
	add := func(it string) {
		if !need[it] {
			need[it] = true
			items = append(items, it)
		}
	}
	for _, l := range leaves {
		switch {
		case l.Code == skip || l.Kind == score.KindQualitative:
		case l.Formula != nil:
			for _, v := range l.Formula.Vars {
				add(v)
			}
		default:
			add(l.Item)
		}
	}
	rowOf := make(map[int64]int, len(in.Entities))
	for i, e := range in.Entities {
		if id, err := strconv.ParseInt(e.ID, 10, 64); err == nil {
			rowOf[id] = i
		}
	}
	vals := make(map[string][]float64, len(items))
	for _, it := range items {
		col := make([]float64, len(in.Entities))
		for i := range col {
			col[i] = math.NaN()
		}
		vals[it] = col
	}
	err := s.src.Values.CurrentValues(ctx, tx, string(c.Subject), c.Period, items, func(item string, id int64, v float64) {
		if i, ok := rowOf[id]; ok && vals[item] != nil {
			vals[item][i] = v
		}
	})
	if err != nil {
		return err
	}
	for _, l := range leaves {
		if l.Code == skip || l.Kind == score.KindQualitative {
			continue
		}
		j, ok := in.Col(l.Code)
		if !ok {
			continue
		}
		col := in.Values.Col(j)
		if l.Formula == nil {
			copy(col, vals[l.Item])
			continue
		}
		env := make(map[string]float64, len(l.Formula.Vars))
		for i := range in.Entities {
			clear(env)
			complete := true
			for _, v := range l.Formula.Vars {
				x := vals[v][i]
				if math.IsNaN(x) {
					complete = false
					break
				}
				env[v] = x
			}
			if !complete {
				continue
			}
			if x, ok := l.Formula.Eval(env); ok && !math.IsNaN(x) && !math.IsInf(x, 0) {
				col[i] = x
			}
		}
	}
	return nil
}

// ratings returns the tallies of the cycle's evaluations for the scheme's
// qualitative leaves, of the cycle's entities ents only (rater groups
// below the minimum size are left out by the survey package).
func (s *Service) ratings(ctx context.Context, tx *db.Tx, c *Cycle, leaves []scheme.Leaf, ents []Entity) ([]score.Rating, error) {
	refs := map[string]string{}
	for _, l := range leaves {
		if l.Kind == score.KindQualitative {
			refs[l.Item] = l.Code
		}
	}
	if s.src.Ratings == nil || len(refs) == 0 {
		return nil, nil
	}
	// An evaluation rates everyone of its unit; a cycle may assess only
	// some of them.
	in := make(map[string]bool, len(ents))
	for _, e := range ents {
		in[e.ID] = true
	}
	var out []score.Rating
	type rated struct{ entity, indicator string }
	from := map[rated]int64{} // the evaluation that rated an entity on an indicator
	for _, id := range c.EvaluationIDs {
		all, err := s.src.Ratings.Ratings(ctx, tx, id, refs)
		if err != nil {
			return nil, err
		}
		var rs []score.Rating
		for _, r := range all {
			if in[r.Entity] {
				rs = append(rs, r)
			}
		}
		for _, r := range rs {
			k := rated{r.Entity, r.Indicator}
			if prev, ok := from[k]; ok && prev != id {
				e := conflict("cycle.evaluation_overlap", "two of the cycle's evaluations rate the same subject on the same indicator")
				e.Field = "evaluation_id"
				return nil, e
			}
			from[k] = id
		}
		out = append(out, rs...)
	}
	return out, nil
}

// findings reads the findings about the cycle's entities for its period
// and turns each into an engine finding through the rule of doc (the
// cycle's scheme version) for its category and severity: the rule's
// indicator and points (none on a veto), the finding's status and its
// title as the note. A finding without a rule counts nothing; it is
// returned among the notes without an indicator, so that the run reports
// it. Exempted and voided findings go to the engine with their status:
// they count nothing and the explanation lists them.
func (s *Service) findings(ctx context.Context, tx *db.Tx, c *Cycle, doc *score.Scheme, ents []Entity) ([]score.Finding, []FindingNote, error) {
	if s.src.Findings == nil {
		return nil, nil, nil
	}
	ids := make([]int64, len(ents))
	engineID := make(map[int64]string, len(ents))
	for i, e := range ents {
		ids[i] = e.PersonID
		if c.Subject == SubjectUnit {
			ids[i] = e.UnitID
		}
		engineID[ids[i]] = e.ID
	}
	recs, err := s.src.Findings.Findings(ctx, tx, string(c.Subject), c.Period, ids)
	if err != nil {
		return nil, nil, err
	}
	var (
		out   []score.Finding
		notes []FindingNote
	)
	for _, r := range recs {
		ent, ok := engineID[r.EntityID]
		if !ok {
			return nil, nil, fmt.Errorf("finding %s: entity %d is not assessed by cycle %d", r.ID, r.EntityID, c.ID)
		}
		switch r.Status {
		case score.Active, score.Exempted, score.Voided:
		default:
			return nil, nil, fmt.Errorf("finding %s: unknown status %q", r.ID, r.Status)
		}
		n := FindingNote{Entity: ent, ID: r.ID, Category: r.Category, Severity: r.Severity, Status: r.Status, Title: r.Title}
		if rule, ok := doc.RuleFor(r.Category, r.Severity); ok {
			n.Indicator = rule.Indicator
			out = append(out, score.Finding{ID: r.ID, Entity: ent, Indicator: rule.Indicator, Points: rulePoints(doc, rule),
				Status: r.Status, Note: r.Title})
		}
		notes = append(notes, n)
	}
	slices.SortFunc(notes, func(x, y FindingNote) int {
		return strings.Compare(x.Entity+"\x00"+x.ID, y.Entity+"\x00"+y.ID)
	})
	for k := 1; k < len(notes); k++ {
		if notes[k].Entity == notes[k-1].Entity && notes[k].ID == notes[k-1].ID {
			return nil, nil, fmt.Errorf("finding %s: read twice for entity %s", notes[k].ID, notes[k].Entity)
		}
	}
	return out, notes, nil
}

// rulePoints are the points a finding gets from rule: none on a veto
// item, which the finding flags instead.
func rulePoints(doc *score.Scheme, rule score.FindingRule) float64 {
	for _, ind := range doc.Indicators {
		if ind.Code == rule.Indicator && ind.Kind == score.KindVeto {
			return 0
		}
	}
	return rule.Points
}

// FindingNote is what a scoring run records of one finding about one
// entity beyond the engine's line: its category and severity, and whether
// the scheme version had a rule for it (Indicator empty when not).
type FindingNote struct {
	// Entity is the engine ID of the entity (in the snapshot's detail it
	// is the row's own and left out).
	Entity   string              `json:"-"`
	ID       string              `json:"id"`
	Category string              `json:"category"`
	Severity string              `json:"severity"`
	Status   score.FindingStatus `json:"status"`
	Title    string              `json:"title,omitempty"`
	// Indicator is the item the rule counted the finding on; empty when
	// the scheme version has no rule for its category and severity.
	Indicator string `json:"indicator,omitempty"`
}

// Unruled counts the findings of one category and severity that the
// scheme version has no rule for: they counted nothing.
type Unruled struct {
	Category string `json:"category"`
	Severity string `json:"severity"`
	// Findings counts distinct findings (a finding about two cadres is
	// one); Entities the entities they are about.
	Findings int `json:"findings"`
	Entities int `json:"entities"`
}

// unruled summarises the notes without a rule by category and severity,
// sorted by their codes.
func unruled(notes []FindingNote) []Unruled {
	type key struct{ cat, sev string }
	idx := map[key]int{}
	ids := map[key]map[string]bool{}
	var out []Unruled
	for _, n := range notes {
		if n.Indicator != "" {
			continue
		}
		k := key{n.Category, n.Severity}
		i, ok := idx[k]
		if !ok {
			i = len(out)
			idx[k], ids[k] = i, map[string]bool{}
			out = append(out, Unruled{Category: n.Category, Severity: n.Severity})
		}
		out[i].Entities++
		if !ids[k][n.ID] {
			ids[k][n.ID] = true
			out[i].Findings++
		}
	}
	slices.SortStableFunc(out, func(a, b Unruled) int {
		return strings.Compare(a.Category+"\x00"+a.Severity, b.Category+"\x00"+b.Severity)
	})
	return out
}

// Completeness counts values present and expected.
type Completeness struct {
	Filled, Expected int
	// RequiredFilled and RequiredExpected count the required data items
	// only: a missing required value blocks the end of collection.
	RequiredFilled, RequiredExpected int
}

// Share is Filled/Expected, 1 when nothing is expected.
func (c Completeness) Share() float64 {
	if c.Expected == 0 {
		return 1
	}
	return float64(c.Filled) / float64(c.Expected)
}

// completeness counts the values present for the (entity, data item)
// pairs of the scheme's quantitative leaves in the cycle's period, from
// the counts kept per cycle and item (dashboard.go).
func (s *Service) completeness(ctx context.Context, tx *db.Tx, c *Cycle) (Completeness, error) {
	var out Completeness
	doc, _, _, err := s.versionOf(ctx, tx, c.SchemeVersionID)
	if err != nil {
		return out, err
	}
	leaves, err := s.src.Schemes.Leaves(ctx, tx, doc)
	if err != nil {
		return out, err
	}
	var items []string
	seen := map[string]bool{}
	for _, l := range leaves {
		switch l.Kind {
		case score.KindBonus, score.KindDeduction, score.KindVeto, score.KindQualitative:
			continue
		}
		if l.Code == c.FoldIndicator {
			continue
		}
		vars := []string{l.Item}
		if l.Formula != nil {
			vars = l.Formula.Vars
		}
		for _, v := range vars {
			if !seen[v] {
				seen[v] = true
				items = append(items, v)
			}
		}
	}
	if len(items) == 0 {
		return out, nil
	}
	known, required, err := s.src.Values.RequiredItems(ctx, tx, items)
	if err != nil {
		return out, err
	}
	filled, err := filledCounts(ctx, tx, c.ID)
	if err != nil {
		return out, err
	}
	nRequired := 0
	for _, it := range items {
		out.Filled += filled[it]
		if required[it] {
			nRequired++
			out.RequiredFilled += filled[it]
		}
	}
	out.Expected, out.RequiredExpected = c.Entities*len(known), c.Entities*nRequired
	return out, nil
}

// evaluationOpen reports whether one of the cycle's evaluations is still
// open.
func (s *Service) evaluationOpen(ctx context.Context, tx *db.Tx, c *Cycle) (bool, error) {
	if s.src.Ratings == nil {
		return false, nil
	}
	for _, id := range c.EvaluationIDs {
		if open, err := s.src.Ratings.EvaluationOpen(ctx, tx, id); err != nil || open {
			return open, err
		}
	}
	return false, nil
}

// isLeaf reports whether code is a leaf of the indicator list.
func isLeaf(inds []score.Indicator, code string) bool {
	found := false
	for _, ind := range inds {
		if ind.Parent == code {
			return false
		}
		if ind.Code == code && ind.Kind != score.KindDimension {
			found = true
		}
	}
	return found
}
