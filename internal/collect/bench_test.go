package collect_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"syscall"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"kaohe/internal/auth"
	"kaohe/internal/collect"
	"kaohe/internal/cycle"
	"kaohe/internal/db"
	"kaohe/internal/db/dbtest"
	"kaohe/internal/org"
	"kaohe/internal/sources"
)

// bigJurisdiction adds a county with n townships (12-digit codes) and nItems
// annual township items owned by the city's 统计局 to f; it returns the
// township codes and item codes.
func bigJurisdiction(tb testing.TB, f *fixture, n, nItems int) (towns, items []string) {
	tb.Helper()
	ctx := context.Background()
	var units []*org.Unit
	for i := 0; i < n; i++ {
		id := db.NewID()
		u := &org.Unit{ID: id, ParentID: f.countyB.ID, Path: fmt.Sprintf("%s%d/", f.countyB.Path, id),
			Code: fmt.Sprintf("910121%06d", i+1), Name: fmt.Sprintf("第%d镇", i+1), Kind: org.KindRegion, Level: org.LevelTownship}
		units = append(units, u)
		towns = append(towns, u.Code)
	}
	var its []*collect.Item
	for j := 0; j < nItems; j++ {
		it := &collect.Item{ID: db.NewID(), Code: fmt.Sprintf("T%03d", j+1), Name: fmt.Sprintf("乡镇指标%d", j+1), Measure: "万元",
			OwnerID: f.stats.ID, Frequency: collect.Annual, Type: collect.TypeNumber, Min: ptr(0), Max: ptr(1e9),
			EntityKind: collect.EntityUnit, UnitKind: org.KindRegion, UnitLevel: org.LevelTownship}
		its = append(its, it)
		items = append(items, it.Code)
	}
	err := f.d.InTx(ctx, func(tx *db.Tx) error {
		if err := org.InsertUnits(ctx, tx, units); err != nil {
			return err
		}
		return collect.InsertItems(ctx, tx, its)
	})
	if err != nil {
		tb.Fatal(err)
	}
	return towns, items
}

// valuesCSV writes one value per town and item for period.
func valuesCSV(towns, items []string, period string) []byte {
	var b bytes.Buffer
	b.WriteString("entity_code,item_code,period,value\n")
	for i, t := range towns {
		for j, it := range items {
			fmt.Fprintf(&b, "%s,%s,%s,%d.%d\n", t, it, period, 1000+i%977+j, (i+j)%10)
		}
	}
	return b.Bytes()
}

// cpuTime returns the process's user and system CPU time, to report
// beside wall time: on a shared machine the wall time of a load varies
// with other jobs, its CPU time much less.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func benchImportCSV(b *testing.B, open func(testing.TB) *db.DB, withCycle bool) {
	ctx := context.Background()
	var cpu time.Duration
	defer func() { b.ReportMetric(cpu.Seconds()/float64(b.N), "cpu-s/op") }()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		f := newFixture(b, open(b))
		towns, items := bigJurisdiction(b, f, 10_000, 100)
		data := valuesCSV(towns, items, "2025")
		if withCycle {
			unitCycle(b, f, "2025")
			sources.Counts(f.s, cycle.NewService(f.d, auth.Policy{}, sources.Cycle()))
		}
		b.SetBytes(int64(len(data)))
		c0 := cpuTime()
		b.StartTimer()
		batch, err := collect.ParseCSV(data)
		if err != nil {
			b.Fatal(err)
		}
		rep, err := f.s.Submit(ctx, f.statsUser, *batch)
		if err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		cpu += cpuTime() - c0
		if rep.Inserted != 1_000_000 {
			b.Fatalf("inserted %d, want 1,000,000", rep.Inserted)
		}
		if n := f.count(b); n != 1_000_000 {
			b.Fatalf("stored %d, want 1,000,000", n)
		}
		if withCycle {
			var n int
			if err := f.d.SQL.QueryRow(`SELECT sum(filled) FROM cycle_item_values`).Scan(&n); err != nil || n != 1_000_000 {
				b.Fatalf("counted %d values for the cycle (%v), want 1,000,000", n, err)
			}
		}
		b.StartTimer()
	}
}

// BenchmarkImportCSV loads 1,000,000 values (10,000 townships × 100 items)
// from CSV into SQLite: parse, validate, insert.
func BenchmarkImportCSV(b *testing.B) {
	benchImportCSV(b, func(tb testing.TB) *db.DB { return dbtest.SQLite(tb) }, false)
}

// BenchmarkImportCSVCycle is BenchmarkImportCSV while an assessment cycle
// of the 10,000 townships reads period 2025: every value is a first value
// for the cycle, counted into cycle_item_values in the same transaction.
func BenchmarkImportCSVCycle(b *testing.B) {
	benchImportCSV(b, func(tb testing.TB) *db.DB { return dbtest.SQLite(tb) }, true)
}

// unitCycle stores, by hand, a unit cycle of period assessing every
// township of f's county B.
func unitCycle(tb testing.TB, f *fixture, period string) {
	tb.Helper()
	sid, vid, cid := db.NewID(), db.NewID(), db.NewID()
	for _, q := range []struct {
		sql  string
		args []any
	}{
		{`INSERT INTO schemes (id, code, name, subject, owner_unit_id, created_at, updated_at) VALUES ($1, 'team', 'team', 'unit', $2, 0, 0)`,
			[]any{sid, f.city.ID}},
		{`INSERT INTO scheme_versions (id, scheme_id, number, document, digest, reason, author_id, author, status, locked, created_at, updated_at)
			VALUES ($1, $2, 1, '{}', '', '', 0, 'test', 'active', TRUE, 0, 0)`, []any{vid, sid}},
		{`INSERT INTO cycles (id, code, name, kind, subject, owner_unit_id, owner_path, scheme_version_id, period, stage, draws, seed,
			entities, created_at, updated_at) VALUES ($1, 'towns', 'towns', 'annual', 'unit', $2, $3, $4, $5, 'collecting', 0, 1, 0, 0, 0)`,
			[]any{cid, f.city.ID, f.city.Path, vid, period}},
		{`INSERT INTO cycle_entities (cycle_id, entity, unit_id, person_id, unit_path, grp, name, sanction)
			SELECT $1, CAST(id AS TEXT), id, 0, path, '', name, FALSE FROM units WHERE parent_id = $2`, []any{cid, f.countyB.ID}},
	} {
		if _, err := f.d.SQL.Exec(q.sql, q.args...); err != nil {
			tb.Fatalf("%s: %v", q.sql, err)
		}
	}
}

// BenchmarkImportCSVPostgres is BenchmarkImportCSV on PostgreSQL (COPY).
func BenchmarkImportCSVPostgres(b *testing.B) {
	if os.Getenv("KAOHE_TEST_POSTGRES") == "" {
		b.Skip("KAOHE_TEST_POSTGRES not set")
	}
	benchImportCSV(b, func(tb testing.TB) *db.DB { return dbtest.Postgres(tb) }, false)
}

// valuesWorkbook writes a value table of one sheet: a header and one row
// per town and item.
func valuesWorkbook(tb testing.TB, towns, items []string, period string) []byte {
	tb.Helper()
	f := excelize.NewFile()
	defer f.Close()
	f.SetSheetName("Sheet1", collect.SheetValues)
	sw, err := f.NewStreamWriter(collect.SheetValues)
	if err != nil {
		tb.Fatal(err)
	}
	sw.SetRow("A1", []any{"对象代码", "数据项代码", "期间", "数值"})
	row := make([]any, 4)
	n := 2
	for i, t := range towns {
		for j, it := range items {
			row[0], row[1], row[2], row[3] = t, it, period, float64(1000+i%977+j)+float64((i+j)%10)/10
			cell, _ := excelize.CoordinatesToCellName(1, n)
			if err := sw.SetRow(cell, row); err != nil {
				tb.Fatal(err)
			}
			n++
		}
	}
	if err := sw.Flush(); err != nil {
		tb.Fatal(err)
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

// BenchmarkImportExcel loads a sheet of 200,000 rows (2,000 townships ×
// 100 items) into SQLite: read, validate, insert.
func BenchmarkImportExcel(b *testing.B) {
	ctx := context.Background()
	var cpu time.Duration
	defer func() { b.ReportMetric(cpu.Seconds()/float64(b.N), "cpu-s/op") }()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		f := newFixture(b, dbtest.SQLite(b))
		towns, items := bigJurisdiction(b, f, 2_000, 100)
		data := valuesWorkbook(b, towns, items, "2025")
		b.SetBytes(int64(len(data)))
		c0 := cpuTime()
		b.StartTimer()
		batch, err := collect.ParseWorkbook(data)
		if err != nil {
			b.Fatal(err)
		}
		rep, err := f.s.Submit(ctx, f.statsUser, *batch)
		if err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		cpu += cpuTime() - c0
		if rep.Inserted != 200_000 {
			b.Fatalf("inserted %d, want 200,000", rep.Inserted)
		}
		b.StartTimer()
	}
}

// BenchmarkReadExcel is excelize's row iterator alone over the same sheet,
// the floor of BenchmarkImportExcel.
func BenchmarkReadExcel(b *testing.B) {
	f := newFixture(b, dbtest.SQLite(b))
	towns, items := bigJurisdiction(b, f, 2_000, 100)
	data := valuesWorkbook(b, towns, items, "2025")
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		wb, err := excelize.OpenReader(bytes.NewReader(data))
		if err != nil {
			b.Fatal(err)
		}
		rows, err := wb.Rows(collect.SheetValues)
		if err != nil {
			b.Fatal(err)
		}
		n := 0
		for rows.Next() {
			if _, err := rows.Columns(excelize.Options{RawCellValue: true}); err != nil {
				b.Fatal(err)
			}
			n++
		}
		rows.Close()
		wb.Close()
		if n != 200_001 {
			b.Fatalf("%d rows", n)
		}
	}
}
