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

	"kaohe/internal/collect"
	"kaohe/internal/db"
	"kaohe/internal/db/dbtest"
	"kaohe/internal/org"
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

func benchImportCSV(b *testing.B, open func(testing.TB) *db.DB) {
	ctx := context.Background()
	var cpu time.Duration
	defer func() { b.ReportMetric(cpu.Seconds()/float64(b.N), "cpu-s/op") }()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		f := newFixture(b, open(b))
		towns, items := bigJurisdiction(b, f, 10_000, 100)
		data := valuesCSV(towns, items, "2025")
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
		b.StartTimer()
	}
}

// BenchmarkImportCSV loads 1,000,000 values (10,000 townships × 100 items)
// from CSV into SQLite: parse, validate, insert.
func BenchmarkImportCSV(b *testing.B) {
	benchImportCSV(b, func(tb testing.TB) *db.DB { return dbtest.SQLite(tb) })
}

// BenchmarkImportCSVPostgres is BenchmarkImportCSV on PostgreSQL (COPY).
func BenchmarkImportCSVPostgres(b *testing.B) {
	if os.Getenv("KAOHE_TEST_POSTGRES") == "" {
		b.Skip("KAOHE_TEST_POSTGRES not set")
	}
	benchImportCSV(b, func(tb testing.TB) *db.DB { return dbtest.Postgres(tb) })
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
