// Package analysis finds the weak links (薄弱环节) that units of a
// jurisdiction share (R9.3): for a jurisdiction, a category and a span of
// published cycles, the distribution of each indicator across the units,
// the share of units below the category median or short of the target,
// the trend over the cycles, and the indicators ranked by how common and
// how persistent the weakness is; a drill-down from an indicator to its
// units and their values with their providers; one unit against its peer
// group and itself over time.
//
// The numbers come only from published snapshots, read through
// cycle.PublishedLeaves in one read transaction; the package owns no
// table. A figure over fewer units than the minimum cell size is withheld
// (docs/decisions/0180-weak-link-analysis.md).
package analysis

import (
	"cmp"
	"context"
	"math"
	"slices"

	"kaohe/internal/auth"
	"kaohe/internal/db"
	"kaohe/internal/errs"
)

// DefaultMinCell is the fewest units an aggregate is shown over unless the
// service is configured otherwise.
const DefaultMinCell = 3

// MaxCycles is the longest span of cycles one analysis reads.
const MaxCycles = 12

// Service computes the analysis. Each method checks the actor against the
// policy and reads in one transaction; nothing is written.
type Service struct {
	db      *db.DB
	pol     auth.Policy
	minCell int
}

// NewService returns a Service on d that asks pol who may read what and
// withholds aggregates over fewer than minCell units (DefaultMinCell when
// minCell < 1).
func NewService(d *db.DB, pol auth.Policy, minCell int) *Service {
	if minCell < 1 {
		minCell = DefaultMinCell
	}
	return &Service{db: d, pol: pol, minCell: minCell}
}

// Filter says what to analyse.
type Filter struct {
	// UnitID is the jurisdiction; 0 for the actor's own.
	UnitID int64
	// Category is the comparison group (类别) code; "" for the first
	// category the span assesses.
	Category string
	// CycleIDs is the span; empty for every published annual cycle of
	// leadership teams that assesses the jurisdiction (at most MaxCycles,
	// the latest).
	CycleIDs []int64
}

// CycleRef names a cycle of the span.
type CycleRef struct {
	ID           int64
	Name, Period string
}

// UnitRef names a unit the analysis covers.
type UnitRef struct {
	ID         int64
	Name, Path string
}

// Indicator names a leaf indicator of the span.
type Indicator struct {
	Code, Name, Measure string
	// Items names per cycle the data item the value was read from, ""
	// for none (rated, judged or computed).
	Items []string
}

// Row is the analysis of one indicator.
type Row struct {
	Indicator Indicator
	Stat
}

// Report is the weak-link analysis of a jurisdiction and category.
type Report struct {
	Jurisdiction UnitRef
	Category     string
	// Categories are the categories the span assesses; Available the
	// published cycles the actor may choose the span from, newest first.
	Categories []string
	Available  []CycleRef
	Cycles     []CycleRef
	Units      int
	// Rows are the indicators, weakest first: by the share of units
	// persistently weak, then by the common share, then by code.
	Rows    []Row
	MinCell int
}

// rank sorts rows weakest first.
func rank(rows []Row) {
	key := func(x float64) float64 {
		if math.IsNaN(x) {
			return -1
		}
		return x
	}
	slices.SortStableFunc(rows, func(a, b Row) int {
		if d := key(b.PersistentShare) - key(a.PersistentShare); d != 0 {
			return sign(d)
		}
		if d := key(b.Common) - key(a.Common); d != 0 {
			return sign(d)
		}
		return cmp.Compare(a.Indicator.Code, b.Indicator.Code)
	})
}

func sign(d float64) int {
	if d < 0 {
		return -1
	}
	return 1
}

// Report computes the weak-link analysis for f.
func (s *Service) Report(ctx context.Context, a *auth.Actor, f Filter) (*Report, error) {
	var out *Report
	err := s.db.View(ctx, func(tx *db.Tx) error {
		l, err := s.load(ctx, tx, a, f)
		if err != nil {
			return err
		}
		out = l.report(s.minCell)
		return nil
	})
	return out, err
}

// invalid is the error of a bad filter field.
func invalid(field, key, msg string) error { return errs.Field(field, key, msg) }
