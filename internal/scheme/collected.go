package scheme

import (
	"context"

	"kaohe/internal/db"
)

// The data collection (package collect) owns the data item catalogue and
// the values. Package scheme reads them only through the two interfaces of
// this file, inside its own transaction, so that it runs no SQL on
// collect's tables; the server wires collect's functions to them
// (WithItemChecker, WithValueReader). The parameters are primitive types,
// so that the implementation needs nothing of package scheme.

// ItemChecker tells which codes name data items of the catalogue.
type ItemChecker interface {
	// KnownItems returns the codes among codes that name data items, each
	// mapped to true.
	KnownItems(ctx context.Context, tx *db.Tx, codes []string) (map[string]bool, error)
}

// ValueReader reads the values the streamlining report correlates.
type ValueReader interface {
	// UnitValues calls fn, in no particular order, with every current value
	// of the data items for the units of unitIDs (entity kind unit) that
	// is not returned to its provider, whatever its period. fn must not use
	// tx; an error from fn stops the reading and is returned.
	UnitValues(ctx context.Context, tx *db.Tx, items []string, unitIDs []int64,
		fn func(unitID int64, item, period string, value float64) error) error
}

// ItemCheckerFunc makes a function an ItemChecker.
type ItemCheckerFunc func(ctx context.Context, tx *db.Tx, codes []string) (map[string]bool, error)

// KnownItems calls f.
func (f ItemCheckerFunc) KnownItems(ctx context.Context, tx *db.Tx, codes []string) (map[string]bool, error) {
	return f(ctx, tx, codes)
}

// ValueReaderFunc makes a function a ValueReader.
type ValueReaderFunc func(ctx context.Context, tx *db.Tx, items []string, unitIDs []int64,
	fn func(unitID int64, item, period string, value float64) error) error

// UnitValues calls f.
func (f ValueReaderFunc) UnitValues(ctx context.Context, tx *db.Tx, items []string, unitIDs []int64,
	fn func(unitID int64, item, period string, value float64) error) error {
	return f(ctx, tx, items, unitIDs, fn)
}

// Option configures a Service.
type Option func(*Service)

// WithItemChecker checks the data items of library indicators and their
// formulas against c. Without one, any well-formed data item code is
// accepted: the library is then checked for its own rules only.
func WithItemChecker(c ItemChecker) Option { return func(s *Service) { s.items = c } }

// WithValueReader gives the streamlining report the values it correlates
// indicators over. Without one, the report has no correlations and says
// that values are not available (Report.ValuesAvailable false).
func WithValueReader(r ValueReader) Option { return func(s *Service) { s.values = r } }

// knownItems returns the test of the data item codes that inds read
// against the wired ItemChecker, or nil, which accepts any code, when none
// is wired.
func (s *Service) knownItems(ctx context.Context, tx *db.Tx, inds ...*Indicator) (func(string) bool, error) {
	if s.items == nil {
		return nil, nil
	}
	var codes []string
	for _, ind := range inds {
		codes = append(codes, ind.Items()...)
	}
	codes = sortedUnique(codes)
	if len(codes) == 0 {
		return func(string) bool { return false }, nil
	}
	known, err := s.items.KnownItems(ctx, tx, codes)
	if err != nil {
		return nil, err
	}
	return func(c string) bool { return known[c] }, nil
}
