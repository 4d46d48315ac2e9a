// Package sources wires the packages that own data to the packages that
// read them: the inputs of an assessment cycle (scheme versions, collected
// values, evaluation tallies, the assessment team's judgements, findings
// and the flags of cadres' sanctions) and the
// collection counts that submissions
// keep for cycles. Each adapter only forwards to the owner's tx-taking
// functions, so no SQL crosses a package boundary and neither side imports
// the other (docs/architecture.md).
package sources

import (
	"context"

	"kaohe/internal/auth"
	"kaohe/internal/collect"
	"kaohe/internal/cycle"
	"kaohe/internal/db"
	"kaohe/internal/fieldwork"
	"kaohe/internal/finding"
	"kaohe/internal/scheme"
	"kaohe/internal/score"
	"kaohe/internal/survey"
)

// Cycle returns what a cycle reads, from the packages that own it.
func Cycle() cycle.Sources {
	return cycle.Sources{Schemes: schemes{}, Values: values{}, Ratings: ratings{}, Findings: findings{}, Judgements: judgements{},
		Sanctions: sanctions{}}
}

// Counts makes every submission to collects tell cycles of its first
// values, in the submission's transaction, and then each of more (the
// monitors of package track, which re-check the indicators that arrive).
func Counts(collects *collect.Service, cycles *cycle.Service, more ...collect.FirstValuesListener) {
	if len(more) == 0 {
		collects.Listen(counts{cycles})
		return
	}
	collects.Listen(listeners(append([]collect.FirstValuesListener{counts{cycles}}, more...)))
}

// listeners tells each of its listeners, in order.
type listeners []collect.FirstValuesListener

func (ls listeners) FirstValues(ctx context.Context, tx *db.Tx, fv []collect.FirstValues) error {
	for _, l := range ls {
		if err := l.FirstValues(ctx, tx, fv); err != nil {
			return err
		}
	}
	return nil
}

type schemes struct{}

func (schemes) Version(ctx context.Context, tx *db.Tx, id int64) (*score.Scheme, []byte, string, error) {
	return scheme.VersionDocument(ctx, tx, id)
}

func (schemes) Lock(ctx context.Context, tx *db.Tx, id int64) error {
	return scheme.LockVersion(ctx, tx, id)
}

func (schemes) Leaves(ctx context.Context, tx *db.Tx, doc *score.Scheme) ([]scheme.Leaf, error) {
	return scheme.Leaves(ctx, tx, doc)
}

func (schemes) Choices(ctx context.Context, tx *db.Tx, sc auth.Scope) ([]scheme.Choice, error) {
	return scheme.Choices(ctx, tx, sc)
}

func (schemes) Choice(ctx context.Context, tx *db.Tx, id int64) (scheme.Choice, error) {
	return scheme.ChoiceOf(ctx, tx, id)
}

type values struct{}

func (values) CurrentValues(ctx context.Context, tx *db.Tx, kind, period string, items []string, each func(string, int64, float64)) error {
	return collect.CurrentValues(ctx, tx, kind, period, items, each)
}

func (values) RequiredItems(ctx context.Context, tx *db.Tx, items []string) (map[string]bool, map[string]bool, error) {
	return collect.RequiredItems(ctx, tx, items)
}

func (values) FilledCounts(ctx context.Context, tx *db.Tx, period string, in map[int64]bool) (map[string]int, error) {
	return collect.FilledCounts(ctx, tx, period, in)
}

type ratings struct{}

func (ratings) Ratings(ctx context.Context, tx *db.Tx, id int64, refs map[string]string) ([]score.Rating, error) {
	return survey.Ratings(ctx, tx, id, refs)
}

func (ratings) EvaluationOpen(ctx context.Context, tx *db.Tx, id int64) (bool, error) {
	return survey.EvaluationOpen(ctx, tx, id)
}

func (ratings) Titles(ctx context.Context, tx *db.Tx, ids []int64) (map[int64]string, error) {
	return survey.EvaluationTitles(ctx, tx, ids)
}

type judgements struct{}

func (judgements) Judgements(ctx context.Context, tx *db.Tx, id int64, each func(entity, indicator string, v float64)) error {
	return fieldwork.Judgements(ctx, tx, id, each)
}

type counts struct{ cycles *cycle.Service }

func (c counts) FirstValues(ctx context.Context, tx *db.Tx, fv []collect.FirstValues) error {
	nv := make([]cycle.NewValues, len(fv))
	for i, f := range fv {
		nv[i] = cycle.NewValues{Kind: string(f.Kind), Item: f.Item, Period: f.Period, EntityIDs: f.EntityIDs}
	}
	return c.cycles.CountNewValues(ctx, tx, nv)
}

// Scheme returns the options that let a scheme service check data items
// and read values from collect.
func Scheme() []scheme.Option {
	return []scheme.Option{
		scheme.WithItemChecker(scheme.ItemCheckerFunc(collect.KnownItems)),
		scheme.WithValueReader(scheme.ValueReaderFunc(collect.CurrentUnitValues)),
	}
}

// findings reads supervision findings (package finding) for cycles.
type findings struct{}

func (findings) Findings(ctx context.Context, tx *db.Tx, subject, period string, entityIDs []int64) ([]cycle.FindingRecord, error) {
	rs, err := finding.Records(ctx, tx, subject, period, entityIDs)
	if err != nil {
		return nil, err
	}
	out := make([]cycle.FindingRecord, len(rs))
	for i, r := range rs {
		out[i] = cycle.FindingRecord{ID: r.ID, EntityID: r.EntityID, Category: r.Category, Severity: r.Severity,
			Status: score.FindingStatus(r.Status), Title: r.Title}
	}
	return out, nil
}

// sanctions reads the sanctions of cadres (package finding) for cycles.
type sanctions struct{}

func (sanctions) SanctionFlags(ctx context.Context, tx *db.Tx, period string, personIDs []int64) (map[int64][]string, error) {
	fs, err := finding.SanctionFlagsOf(ctx, tx, period, personIDs)
	if err != nil {
		return nil, err
	}
	out := map[int64][]string{}
	for _, f := range fs {
		out[f.PersonID] = append(out[f.PersonID], f.Flag)
	}
	return out, nil
}
