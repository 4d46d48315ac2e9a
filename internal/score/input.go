package score

import (
	"fmt"
	"math"
)

// Input is everything Compute needs.
type Input struct {
	// Scheme is the scheme to apply; it must pass Validate.
	Scheme *Scheme
	// Entities are the assessed units or cadres. IDs must be unique.
	Entities []Entity
	// Values holds the raw values: one row per entity (in the order of
	// Entities), one column per indicator code in Values.Cols. NaN is
	// missing. Columns may be any non-dimension indicators; a qualitative
	// indicator with a value uses it instead of tallying ratings.
	Values Matrix
	// Ratings are raw scores or vote counts for qualitative indicators.
	Ratings []Rating
	// Findings are the findings behind deduction and veto items (and
	// bonus items, if a scheme wants them).
	Findings []Finding
	// Options control uncertainty and sensitivity analysis.
	Options Options

	rowOf map[string]int // entity ID → row; built by NewInput
	colOf map[string]int // indicator code → column
}

// Entity is one assessed unit or cadre.
type Entity struct {
	// ID is unique within the input.
	ID string `json:"id"`
	// Name is the display name.
	Name string `json:"name,omitempty"`
	// Group is the comparison group (category, 类别); ranks, quotas and
	// per-category weights apply within it.
	Group string `json:"group"`
	// Sanction marks a disciplinary sanction in the period (bars grades
	// through a Block with When sanction).
	Sanction bool `json:"sanction,omitempty"`
	// Flags are flags set before scoring, e.g. "insufficient_data".
	Flags []string `json:"flags,omitempty"`
}

// Rating is one row of rating data for a qualitative indicator: either one
// rater's raw score (Grade empty) or a number of votes for a grade.
type Rating struct {
	Entity    string `json:"entity"`
	Indicator string `json:"indicator"`
	// Group is the rater group code (上级, 同级, 下级, 服务对象 …).
	Group string `json:"group"`
	// Score is one rater's raw score when Grade is empty.
	Score float64 `json:"score,omitempty"`
	// Grade and Count give Count votes for Grade.
	Grade string `json:"grade,omitempty"`
	Count int    `json:"count,omitempty"`
}

// FindingStatus is the status of a finding.
type FindingStatus string

// Finding statuses. Exempted and voided findings count nothing but are
// listed in the explanation.
const (
	Active FindingStatus = "active"
	// Exempted is 容错免责: the finding stands but is excused.
	Exempted FindingStatus = "exempted"
	// Voided is 澄清正名: the finding was clarified as unfounded.
	Voided FindingStatus = "voided"
)

// Finding is one finding (问题线索 / 发现问题) that gives points to a deduction,
// bonus or veto indicator.
type Finding struct {
	// ID identifies the finding in the explanation.
	ID        string `json:"id"`
	Entity    string `json:"entity"`
	Indicator string `json:"indicator"`
	// Points are the points deducted (or added, for a bonus item); positive.
	Points float64 `json:"points"`
	// Status is active (default), exempted or voided.
	Status FindingStatus `json:"status,omitempty"`
	// Note is a short description shown in the explanation.
	Note string `json:"note,omitempty"`
}

// Options control Monte Carlo uncertainty and sensitivity analysis.
type Options struct {
	// Draws is the number of Monte Carlo draws; 0 gives no rank interval
	// (the percentiles equal the rank).
	Draws int
	// Seed seeds the draws; draw d uses a PCG seeded with (Seed, d).
	Seed uint64
	// Perturb is f: each weight is multiplied by 1 + U(−f, f) and the
	// weights re-normalised within each parent. 0 means DefaultPerturb.
	Perturb float64
	// AltNormalisation lets each draw pick, uniformly, the scheme's own
	// normalisation or min-max, z-score or percentile rank for all leaves.
	AltNormalisation bool
	// AltAggregation lets each draw pick, uniformly, the scheme's own
	// aggregation, arithmetic everywhere or geometric everywhere.
	AltAggregation bool
	// Sensitivity asks for one-at-a-time removal of each leaf indicator,
	// reporting the mean absolute rank shift.
	Sensitivity bool
	// Workers caps the goroutines used for draws; 0 means GOMAXPROCS.
	// Results do not depend on it.
	Workers int
}

// DefaultPerturb is the default weight perturbation f.
const DefaultPerturb = 0.2

// NewInput returns an Input for the scheme and entities with a Values matrix
// that has one column per non-dimension indicator, all missing (NaN), and
// index maps for Set.
func NewInput(s *Scheme, entities []Entity) (*Input, error) {
	in := &Input{Scheme: s, Entities: entities}
	var cols []string
	children := map[string]bool{}
	for _, ind := range s.Indicators {
		if ind.Parent != "" {
			children[ind.Parent] = true
		}
	}
	for _, ind := range s.Indicators {
		if ind.Kind == KindDimension || (ind.Kind == "" && children[ind.Code]) {
			continue
		}
		cols = append(cols, ind.Code)
	}
	in.Values = NewMatrix(len(entities), cols)
	if err := in.index(); err != nil {
		return nil, err
	}
	return in, nil
}

func (in *Input) index() error {
	in.rowOf = make(map[string]int, len(in.Entities))
	for i, e := range in.Entities {
		if _, dup := in.rowOf[e.ID]; dup {
			return fmt.Errorf("entity %q: duplicate id", e.ID)
		}
		in.rowOf[e.ID] = i
	}
	in.colOf = make(map[string]int, len(in.Values.Cols))
	for j, c := range in.Values.Cols {
		in.colOf[c] = j
	}
	return nil
}

// Row returns the row of an entity ID in Values.
func (in *Input) Row(entity string) (int, bool) {
	if in.rowOf == nil {
		_ = in.index()
	}
	i, ok := in.rowOf[entity]
	return i, ok
}

// Col returns the column of an indicator code in Values.
func (in *Input) Col(indicator string) (int, bool) {
	if in.colOf == nil {
		_ = in.index()
	}
	j, ok := in.colOf[indicator]
	return j, ok
}

// Set sets the raw value of an indicator for an entity.
func (in *Input) Set(entity, indicator string, v float64) error {
	i, ok := in.Row(entity)
	if !ok {
		return fmt.Errorf("unknown entity %q", entity)
	}
	j, ok := in.Col(indicator)
	if !ok {
		return fmt.Errorf("unknown indicator %q", indicator)
	}
	in.Values.Set(i, j, v)
	return nil
}

// Matrix is a dense column-major matrix of float64 with named columns:
// element (i, j) is Data[j*Rows+i]. NaN means missing; it is written as null
// in JSON.
type Matrix struct {
	Rows int
	Cols []string
	Data []float64
}

// NewMatrix returns a rows × len(cols) matrix filled with NaN.
func NewMatrix(rows int, cols []string) Matrix {
	d := make([]float64, rows*len(cols))
	fillNaN(d)
	return Matrix{Rows: rows, Cols: cols, Data: d}
}

// At returns element (i, j).
func (m *Matrix) At(i, j int) float64 { return m.Data[j*m.Rows+i] }

// Set sets element (i, j).
func (m *Matrix) Set(i, j int, v float64) { m.Data[j*m.Rows+i] = v }

// Col returns column j (shared, not copied).
func (m *Matrix) Col(j int) []float64 { return m.Data[j*m.Rows : (j+1)*m.Rows] }

// ColIndex returns the index of the named column, or -1.
func (m *Matrix) ColIndex(name string) int {
	for j, c := range m.Cols {
		if c == name {
			return j
		}
	}
	return -1
}

// fillNaN sets every element of d to NaN, doubling copies for speed.
func fillNaN(d []float64) {
	if len(d) == 0 {
		return
	}
	d[0] = math.NaN()
	for k := 1; k < len(d); k *= 2 {
		copy(d[k:], d[:k])
	}
}
