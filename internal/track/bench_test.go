package track_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"kaohe/internal/auth"
	"kaohe/internal/collect"
	"kaohe/internal/db"
	"kaohe/internal/db/dbtest"
	"kaohe/internal/org"
	"kaohe/internal/track"
)

// Sizes of the monitoring benchmark (issue #14): 10,000 units × 40 monthly
// indicators.
const (
	benchUnits = 10000
	benchItems = 40
)

// BenchmarkMonitorCheck recomputes the monitoring status of 10,000 county
// units × 40 monthly indicators (400,000 monitors, linear trajectories)
// after a bulk import of a month's values, as the office's 重新比对 does:
// every monitor's value changed, most stay green and a tenth turns red.
// Setting up takes a while; run it with -benchtime=1x.
func BenchmarkMonitorCheck(b *testing.B) {
	benchMonitorCheck(b, func(tb testing.TB) *db.DB { return dbtest.SQLite(tb) })
}

// BenchmarkMonitorCheckPostgres is BenchmarkMonitorCheck on PostgreSQL.
func BenchmarkMonitorCheckPostgres(b *testing.B) {
	if os.Getenv("KAOHE_TEST_POSTGRES") == "" {
		b.Skip("KAOHE_TEST_POSTGRES not set")
	}
	benchMonitorCheck(b, func(tb testing.TB) *db.DB { return dbtest.Postgres(tb) })
}

func benchMonitorCheck(b *testing.B, open func(testing.TB) *db.DB) {
	ctx := context.Background()
	d := open(b)
	svc := track.NewService(d, auth.Policy{}, collect.NewService(d, auth.Policy{}))
	city := &org.Unit{ID: db.NewID(), Code: "910100", Name: "甲市", Kind: org.KindRegion, Level: org.LevelCity}
	city.Path = fmt.Sprintf("/%d/", city.ID)
	stats := &org.Unit{ID: db.NewID(), ParentID: city.ID, Code: "910100-TJJ", Name: "甲市统计局", Kind: org.KindDepartment, Level: org.LevelCity}
	stats.Path = fmt.Sprintf("%s%d/", city.Path, stats.ID)
	units := []*org.Unit{city, stats}
	for i := 0; i < benchUnits; i++ {
		u := &org.Unit{ID: db.NewID(), ParentID: city.ID, Code: fmt.Sprintf("9101%06d", i+1), Name: fmt.Sprintf("第%d县", i+1),
			Kind: org.KindRegion, Level: org.LevelCounty}
		u.Path = fmt.Sprintf("%s%d/", city.Path, u.ID)
		units = append(units, u)
	}
	var items []*collect.Item
	for j := 0; j < benchItems; j++ {
		items = append(items, &collect.Item{ID: db.NewID(), Code: fmt.Sprintf("M%03d", j+1), Name: fmt.Sprintf("月度指标%d", j+1),
			Measure: "亿元", OwnerID: stats.ID, Frequency: collect.Monthly, Type: collect.TypeNumber, EntityKind: collect.EntityUnit,
			UnitLevel: org.LevelCounty})
	}
	// value is a unit's year-to-date value of an item by month m: on a
	// target of 120 a year, every tenth unit lags by a fifth.
	value := func(i, m int) float64 {
		v := 10 * float64(m)
		if i%10 == 0 {
			v *= 0.8
		}
		return v
	}
	setup := time.Now()
	defer func() { b.Logf("set up in %s", time.Since(setup)) }()
	err := d.InTx(ctx, func(tx *db.Tx) error {
		if err := org.InsertUnits(ctx, tx, units); err != nil {
			return err
		}
		if err := collect.InsertItems(ctx, tx, items); err != nil {
			return err
		}
		var vs []collect.SeedValue
		var rows []string
		var args []any
		flush := func() error {
			if len(rows) == 0 {
				return nil
			}
			_, err := tx.ExecContext(ctx, `INSERT INTO monitors (id, unit_id, item_code, year, method, target, profile, status, period,
				value, expected, gap, created_by, created_at, checked_at) VALUES `+strings.Join(rows, ", "), args...)
			rows, args = rows[:0], args[:0]
			return err
		}
		for i, u := range units[2:] {
			for _, it := range items {
				vs = append(vs, collect.SeedValue{Kind: collect.EntityUnit, EntityID: u.ID, Item: it.Code, Period: "2025-01", Value: value(i, 1)})
				n := len(args)
				rows = append(rows, fmt.Sprintf("($%d, $%d, $%d, 2025, 'linear', 120, 'null', 'none', '', NULL, NULL, NULL, 0, 0, 0)", n+1, n+2, n+3))
				args = append(args, db.NewID(), u.ID, it.Code)
				if len(rows) == 300 {
					if err := flush(); err != nil {
						return err
					}
				}
			}
		}
		if err := flush(); err != nil {
			return err
		}
		return seedValues(ctx, tx, vs)
	})
	if err != nil {
		b.Fatal(err)
	}
	office := &auth.Actor{UserID: 1, Login: "office", Grants: []auth.Grant{{Role: auth.RoleOffice, UnitID: city.ID, UnitPath: city.Path}}}
	start := time.Now()
	if _, err := svc.Check(ctx, office, 2025); err != nil {
		b.Fatal(err)
	}
	b.Logf("first check in %s", time.Since(start))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		month := fmt.Sprintf("2025-%02d", 2+i%11)
		// The bulk import of a month: a new period, or a new value in it.
		if _, err := d.SQL.ExecContext(ctx, `DELETE FROM data_values WHERE period = $1`, month); err != nil {
			b.Fatal(err)
		}
		err := d.InTx(ctx, func(tx *db.Tx) error {
			var vs []collect.SeedValue
			for k, u := range units[2:] {
				for _, it := range items {
					vs = append(vs, collect.SeedValue{Kind: collect.EntityUnit, EntityID: u.ID, Item: it.Code, Period: month, Value: value(k, 2+i%11) + float64(i)})
				}
			}
			return seedValues(ctx, tx, vs)
		})
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		n, err := svc.Check(ctx, office, 2025)
		if err != nil {
			b.Fatal(err)
		}
		if n != benchUnits*benchItems {
			b.Fatalf("%d monitors changed, want %d", n, benchUnits*benchItems)
		}
	}
}

// seedValues writes verified first values as a bulk import leaves them,
// hundreds of rows per statement: what collect.SeedValues does a row at a
// time, too slow for 400,000 values of a benchmark's set-up.
func seedValues(ctx context.Context, tx *db.Tx, vs []collect.SeedValue) error {
	for start := 0; start < len(vs); start += 500 {
		var args []any
		var rows []string
		for _, v := range vs[start:min(start+500, len(vs))] {
			rows = append(rows, "("+db.Arg(&args, db.NewID())+", 'unit', "+db.Arg(&args, v.EntityID)+", "+db.Arg(&args, v.Item)+", "+
				db.Arg(&args, v.Period)+", "+db.Arg(&args, v.Value)+", 'csv', 0, 'verified', 1, TRUE, '', FALSE, 0)")
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO data_values (id, entity_kind, entity_id, item_code, period, value, source,
			submitter_id, status, version, is_current, reason, flagged, created_at) VALUES `+strings.Join(rows, ", "), args...); err != nil {
			return err
		}
	}
	return nil
}
