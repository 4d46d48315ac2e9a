package cycle

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"kaohe/internal/auth"
	"kaohe/internal/db"
	"kaohe/internal/scheme"
	"kaohe/internal/score"
)

// Source gives a scoring run its inputs. The cycle package reads the cycle
// and its entities itself; a Source reads what other packages own — scheme
// versions, data values, rating tallies, findings — so that each can be
// tested with rows inserted directly and replaced as those packages grow.
type Source interface {
	// Scheme returns the scheme document of a version, its canonical JSON
	// as stored, and the scheme's subject ("unit" or "person"; "" when
	// unknown).
	Scheme(ctx context.Context, tx *db.Tx, versionID int64) (doc *score.Scheme, document []byte, subject string, err error)
	// Lock marks a scheme version as used by a cycle: it never changes
	// again.
	Lock(ctx context.Context, tx *db.Tx, versionID int64) error
	// Values fills in.Values with the cycle's raw values for its period;
	// skip names columns the cycle fills itself (the fold indicator).
	Values(ctx context.Context, tx *db.Tx, c *Cycle, in *score.Input, skip string) error
	// Ratings returns the rating rows of the cycle's democratic evaluation
	// for the qualitative leaves refs maps to (item reference → leaf code).
	Ratings(ctx context.Context, c *Cycle, refs map[string]string) ([]score.Rating, error)
	// Findings returns the findings about the cycle's entities.
	Findings(ctx context.Context, tx *db.Tx, c *Cycle) ([]score.Finding, error)
	// Completeness counts the values present and expected for the cycle's
	// entities, data items and period, all and of required items only.
	Completeness(ctx context.Context, tx *db.Tx, c *Cycle) (Completeness, error)
	// EvaluationOpen reports whether the cycle's evaluation is still open.
	EvaluationOpen(ctx context.Context, tx *db.Tx, c *Cycle) (bool, error)
}

// RatingSource is the part of the democratic evaluation a cycle uses:
// survey.Service satisfies it.
type RatingSource interface {
	Ratings(ctx context.Context, a *auth.Actor, id int64, indicators map[string]string) ([]score.Rating, error)
}

// DBSource reads inputs from the tables of the scheme, collect and survey
// packages: scheme_versions for the document, the indicator library for
// the data item (or formula) behind each leaf — a leaf missing from the
// library reads the data item of its own code — and the current
// data_values of the cycle's period. Ratings come from Survey when set,
// mapping each qualitative leaf to the questionnaire item named by its
// library data item code (e.g. "cadre.overall"). Findings are none until
// the finding package lands.
type DBSource struct {
	Survey RatingSource
}

// Scheme implements Source.
func (DBSource) Scheme(ctx context.Context, tx *db.Tx, versionID int64) (*score.Scheme, []byte, string, error) {
	var document, subject string
	err := tx.QueryRowContext(ctx, `SELECT v.document, s.subject FROM scheme_versions v JOIN schemes s ON s.id = v.scheme_id
		WHERE v.id = $1`, versionID).Scan(&document, &subject)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil, "", invalid("scheme_version_id", "cycle.scheme_unknown", "unknown scheme version")
	}
	if err != nil {
		return nil, nil, "", fmt.Errorf("read scheme version: %w", err)
	}
	doc := new(score.Scheme)
	if err := json.Unmarshal([]byte(document), doc); err != nil {
		return nil, nil, "", fmt.Errorf("scheme version %d: stored document: %w", versionID, err)
	}
	return doc, []byte(document), subject, nil
}

// Lock implements Source with scheme.Service.Lock.
func (DBSource) Lock(ctx context.Context, tx *db.Tx, versionID int64) error {
	return scheme.NewService(nil, auth.Policy{}).Lock(ctx, tx, versionID)
}

// leafSource is where a leaf's raw value comes from.
type leafSource struct {
	code    string
	kind    string
	item    string
	formula *scheme.Formula
}

// leafSources returns the data sources of the scheme's value leaves, in
// scheme order, without skip.
func leafSources(ctx context.Context, tx *db.Tx, doc *score.Scheme, skip string) ([]leafSource, error) {
	parents := map[string]bool{}
	for _, ind := range doc.Indicators {
		parents[ind.Parent] = true
	}
	lib := map[string]leafSource{}
	rows, err := tx.QueryContext(ctx, `SELECT code, kind, data_item_code, formula FROM indicators`)
	if err != nil {
		return nil, fmt.Errorf("read indicator library: %w", err)
	}
	for rows.Next() {
		var ls leafSource
		var formula string
		if err := rows.Scan(&ls.code, &ls.kind, &ls.item, &formula); err != nil {
			rows.Close()
			return nil, err
		}
		if formula != "" {
			f, err := scheme.CompileFormula(formula, nil)
			if err != nil {
				rows.Close()
				return nil, fmt.Errorf("indicator %s: formula: %w", ls.code, err)
			}
			ls.formula = f
		}
		lib[ls.code] = ls
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var out []leafSource
	for _, ind := range doc.Indicators {
		if parents[ind.Code] || ind.Kind == score.KindDimension || ind.Code == skip {
			continue
		}
		ls, ok := lib[ind.Code]
		if !ok {
			ls = leafSource{code: ind.Code, item: ind.Code}
		}
		ls.kind = string(ind.Kind)
		if ind.Kind == score.KindQualitative {
			continue // from ratings
		}
		if ls.item == "" && ls.formula == nil {
			ls.item = ind.Code
		}
		out = append(out, ls)
	}
	return out, nil
}

// Values implements Source.
func (DBSource) Values(ctx context.Context, tx *db.Tx, c *Cycle, in *score.Input, skip string) error {
	leaves, err := leafSources(ctx, tx, in.Scheme, skip)
	if err != nil {
		return err
	}
	// Read each needed item once: item → entity → value.
	need := map[string]bool{}
	for _, ls := range leaves {
		if ls.formula != nil {
			for _, v := range ls.formula.Vars {
				need[v] = true
			}
		} else {
			need[ls.item] = true
		}
	}
	kind := string(c.Subject)
	rowOf := make(map[int64]int, len(in.Entities))
	for i, e := range in.Entities {
		if id, err := strconv.ParseInt(e.ID, 10, 64); err == nil {
			rowOf[id] = i
		}
	}
	// Each needed item is read once into its own column.
	vals := map[string][]float64{}
	for item := range need {
		col := make([]float64, len(in.Entities))
		for i := range col {
			col[i] = math.NaN()
		}
		if err := itemValues(ctx, tx, item, c.Period, kind, rowOf, col); err != nil {
			return err
		}
		vals[item] = col
	}
	for _, ls := range leaves {
		j, ok := in.Col(ls.code)
		if !ok {
			continue
		}
		col := in.Values.Col(j)
		if ls.formula == nil {
			copy(col, vals[ls.item])
			continue
		}
		env := make(map[string]float64, len(ls.formula.Vars))
		for i := range in.Entities {
			clear(env)
			complete := true
			for _, v := range ls.formula.Vars {
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
			if x, ok := ls.formula.Eval(env); ok && !math.IsNaN(x) && !math.IsInf(x, 0) {
				col[i] = x
			}
		}
	}
	return nil
}

// itemValues reads the current values of one item and period for the
// input's entities into column col (rowOf maps entity ids to rows).
func itemValues(ctx context.Context, tx *db.Tx, item, period, kind string, rowOf map[int64]int, col []float64) error {
	rows, err := tx.QueryContext(ctx, `SELECT entity_id, value FROM data_values
		WHERE item_code = $1 AND period = $2 AND is_current AND entity_kind = $3`, item, period, kind)
	if err != nil {
		return fmt.Errorf("read values of %s: %w", item, err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var v float64
		if err := rows.Scan(&id, &v); err != nil {
			return err
		}
		if i, ok := rowOf[id]; ok {
			col[i] = v
		}
	}
	return rows.Err()
}

// Ratings implements Source: the tallies of the cycle's evaluation, read as
// the system (the evaluation is closed; rater groups below the minimum size
// are left out by the survey package). refs maps questionnaire item
// references to qualitative leaf codes.
func (s DBSource) Ratings(ctx context.Context, c *Cycle, refs map[string]string) ([]score.Rating, error) {
	if c.EvaluationID == 0 || s.Survey == nil || len(refs) == 0 {
		return nil, nil
	}
	return s.Survey.Ratings(ctx, auth.SystemActor("cycle"), c.EvaluationID, refs)
}

// ratingRefs maps questionnaire item references ("cadre.overall") to the
// scheme's qualitative leaves: the library's data item code of the leaf
// names its item, else the leaf code itself.
func ratingRefs(ctx context.Context, tx *db.Tx, doc *score.Scheme) (map[string]string, error) {
	out := map[string]string{}
	for _, ind := range doc.Indicators {
		if ind.Kind != score.KindQualitative {
			continue
		}
		ref := ind.Code
		var item string
		err := tx.QueryRowContext(ctx, `SELECT data_item_code FROM indicators WHERE code = $1`, ind.Code).Scan(&item)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return nil, fmt.Errorf("read indicator %s: %w", ind.Code, err)
		}
		if item != "" {
			ref = item
		}
		out[ref] = ind.Code
	}
	return out, nil
}

// Findings implements Source.
func (DBSource) Findings(context.Context, *db.Tx, *Cycle) ([]score.Finding, error) { return nil, nil }

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

// Completeness implements Source: values present for (entity, item) pairs
// of the scheme's quantitative leaves in the cycle's period.
func (DBSource) Completeness(ctx context.Context, tx *db.Tx, c *Cycle) (Completeness, error) {
	var out Completeness
	doc, _, _, err := DBSource{}.Scheme(ctx, tx, c.SchemeVersionID)
	if err != nil {
		return out, err
	}
	leaves, err := leafSources(ctx, tx, doc, c.FoldIndicator)
	if err != nil {
		return out, err
	}
	items := map[string]bool{}
	for _, ls := range leaves {
		if ls.kind == string(score.KindBonus) || ls.kind == string(score.KindDeduction) || ls.kind == string(score.KindVeto) {
			continue
		}
		if ls.formula != nil {
			for _, v := range ls.formula.Vars {
				items[v] = true
			}
		} else {
			items[ls.item] = true
		}
	}
	if len(items) == 0 {
		return out, nil
	}
	var args []any
	var ph []string
	for it := range items {
		ph = append(ph, db.Arg(&args, it))
	}
	in := `(` + strings.Join(ph, ",") + `)`
	var nItems, nRequired int
	if err := tx.QueryRowContext(ctx, `SELECT count(*), COALESCE(SUM(CASE WHEN required THEN 1 ELSE 0 END), 0)
		FROM data_items WHERE code IN `+in, args...).Scan(&nItems, &nRequired); err != nil {
		return out, fmt.Errorf("count items: %w", err)
	}
	required := map[string]bool{}
	if nRequired > 0 {
		rows, err := tx.QueryContext(ctx, `SELECT code FROM data_items WHERE required AND code IN `+in, args...)
		if err != nil {
			return out, fmt.Errorf("read required items: %w", err)
		}
		for rows.Next() {
			var code string
			if err := rows.Scan(&code); err != nil {
				rows.Close()
				return out, err
			}
			required[code] = true
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return out, err
		}
	}
	// Per item, the cycle's entities with a value, kept in
	// cycle_item_values (dashboard.go).
	filled, err := filledCounts(ctx, tx, c.ID)
	if err != nil {
		return out, err
	}
	for it := range items {
		out.Filled += filled[it]
		if required[it] {
			out.RequiredFilled += filled[it]
		}
	}
	out.Expected, out.RequiredExpected = c.Entities*len(items), c.Entities*nRequired
	return out, nil
}

// EvaluationOpen implements Source.
func (DBSource) EvaluationOpen(ctx context.Context, tx *db.Tx, c *Cycle) (bool, error) {
	if c.EvaluationID == 0 {
		return false, nil
	}
	var status string
	err := tx.QueryRowContext(ctx, `SELECT status FROM evaluations WHERE id = $1`, c.EvaluationID).Scan(&status)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("read evaluation: %w", err)
	}
	return status != "closed", nil
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
