package collect_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"kaohe/internal/collect"
	"kaohe/internal/db"
	"kaohe/internal/db/dbtest"
	"kaohe/internal/errs"
)

// TestWorkbookNamesEveryBadCell uploads a template with a formula, merged
// cells and text where a number belongs: one submission names all three
// cells, so that the provider fixes them in one go, and writes nothing.
func TestWorkbookNamesEveryBadCell(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		wb, _ := f.template(t)
		set(t, wb, collect.SheetValues, "C4", "约一百亿")
		if err := wb.SetCellFormula(collect.SheetValues, "C5", "C4*2"); err != nil {
			t.Fatal(err)
		}
		if err := wb.MergeCell(collect.SheetValues, "D4", "D5"); err != nil {
			t.Fatal(err)
		}
		before := f.count(t)
		b, err := collect.ParseWorkbook(save(t, wb))
		if err == nil {
			_, err = f.s.Submit(context.Background(), f.statsUser, *b)
		}
		var l errs.List
		if !errors.As(err, &l) {
			t.Fatalf("got %v, want a list of bad cells", err)
		}
		var got []string
		for _, e := range l {
			got = append(got, e.Key)
		}
		for _, want := range []string{"collect.xlsx.formula", "collect.xlsx.merged", "collect.value.not_number"} {
			if !slices.Contains(got, want) {
				t.Errorf("errors %v lack %s", got, want)
			}
		}
		if n := f.count(t); n != before {
			t.Fatalf("a bad workbook wrote %d values", n-before)
		}
	})
}
