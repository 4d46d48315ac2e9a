package demo

import (
	"context"
	"fmt"
	"kaohe/internal/sources"
	"math"
	"strconv"
	"strings"

	"kaohe/internal/auth"
	"kaohe/internal/cycle"
	"kaohe/internal/db"
)

// The cycles step scores 青州市's county leadership teams: the annual
// cycles of 2023, 2024 and 2025 (the first two with the county scheme's
// first version, 2025 with the second, which raised 科技创新) and the
// quarterly (平时) cycles of 2026 so far, all published, so that every
// county's profile shows a trend. A quarterly cycle reads the indicators
// statistics publish each quarter (quarterlyItems); the others have no
// quarterly value and are left out with their weight re-normalised. The
// quarterly values are drawn from the county's 2025 values with a small
// drift each quarter, written directly as the departments' quarterly
// reports. The 2025 annual cycle takes the tallies of the city's 2025
// evaluation of the county teams for 领导班子建设 (evaluations.go); the
// other cycles have no evaluation, and their qualitative indicators are
// left out with their weight re-normalised.

// quarterlyItems are the data items reported each quarter.
var quarterlyItems = []string{"GDP_GROWTH", "INVEST_GROWTH", "INDUSTRY_GROWTH", "INCOME_GROWTH", "PM25", "WATER_QUALITY", "SAFETY_SAT"}

// demoQuarters are the ordinary cycles of the current year.
var demoQuarters = []struct{ period, ends string }{
	{"2026Q1", "2026-03-31"}, {"2026Q2", "2026-06-30"}, {"2026Q3", "2026-09-30"},
}

// buildCycles makes, scores, approves and publishes the demo cycles.
func buildCycles(ctx context.Context, b *builder) error {
	city := b.j.cities[0]
	var ids []int64
	for _, c := range city.counties {
		ids = append(ids, c.unit.ID)
	}
	v1, v2, err := countyVersions(ctx, b.d)
	if err != nil {
		return err
	}
	if err := quarterlyValues(ctx, b, ids); err != nil {
		return err
	}
	evaluation, err := evaluationID(ctx, b.d, city.unit.ID, teamEvaluationTitle)
	if err != nil {
		return err
	}
	svc := cycle.NewService(b.d, auth.Policy{}, sources.Cycle())
	run := func(code, name string, kind cycle.Kind, version int64, period, ends string) error {
		var eval int64
		if kind == cycle.Annual && period == "2025" {
			eval = evaluation
		}
		c, err := svc.Create(ctx, b.actor, cycle.Cycle{Code: code, Name: name, Kind: kind, Subject: cycle.SubjectUnit,
			OwnerUnitID: city.unit.ID, SchemeVersionID: version, Period: period, EndsOn: ends, Draws: 100, EvaluationID: eval},
			cycle.Selection{UnitIDs: ids})
		if err != nil {
			return fmt.Errorf("cycle %s: %w", code, err)
		}
		for _, to := range []cycle.Stage{cycle.Collecting, cycle.Evaluating, cycle.Scoring} {
			if c, err = svc.Move(ctx, b.actor, c.ID, to, ""); err != nil {
				return fmt.Errorf("cycle %s to %s: %w", code, to, err)
			}
		}
		sn, err := svc.Run(ctx, b.actor, c.ID)
		if err != nil {
			return fmt.Errorf("score %s: %w", code, err)
		}
		if _, err = svc.Move(ctx, b.actor, c.ID, cycle.Review, ""); err != nil {
			return err
		}
		if _, err = svc.Approve(ctx, b.actor, c.ID, sn.ID, "考核办审定"); err != nil {
			return err
		}
		if _, err = svc.Move(ctx, b.actor, c.ID, cycle.Published, "公示无异议"); err != nil {
			return err
		}
		return nil
	}
	for _, y := range []struct {
		year    int
		version int64
	}{{2023, v1}, {2024, v1}, {2025, v2}} {
		ys := strconv.Itoa(y.year)
		if err := run("qingzhou-county-"+ys, ys+"年度县（市、区）领导班子综合考核", cycle.Annual, y.version, ys, ys+"-12-31"); err != nil {
			return err
		}
	}
	for k, q := range demoQuarters {
		if err := run("qingzhou-county-"+q.period, fmt.Sprintf("2026年第%d季度县（市、区）领导班子平时考核", k+1), cycle.Ordinary,
			v2, q.period, q.ends); err != nil {
			return err
		}
	}
	b.logf("cycles: %d published cycles of %d county teams", 3+len(demoQuarters), len(ids))
	return nil
}

// evaluationID returns the closed evaluation organised by unit with title.
func evaluationID(ctx context.Context, d *db.DB, unit int64, title string) (int64, error) {
	var id int64
	err := d.View(ctx, func(tx *db.Tx) error {
		return tx.QueryRowContext(ctx, `SELECT id FROM evaluations WHERE unit_id = $1 AND title = $2 AND status = 'closed'`,
			unit, title).Scan(&id)
	})
	if err != nil {
		return 0, fmt.Errorf("evaluation %s: %w", title, err)
	}
	return id, nil
}

// countyVersions returns the county scheme's first and second versions.
func countyVersions(ctx context.Context, d *db.DB) (v1, v2 int64, err error) {
	err = d.View(ctx, func(tx *db.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT v.id FROM scheme_versions v JOIN schemes s ON s.id = v.scheme_id
			WHERE s.code = 'qingzhou-county-team' ORDER BY v.number`)
		if err != nil {
			return err
		}
		defer rows.Close()
		var vs []int64
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				return err
			}
			vs = append(vs, id)
		}
		if len(vs) < 2 {
			return fmt.Errorf("the county scheme has %d versions, want 2", len(vs))
		}
		v1, v2 = vs[0], vs[1]
		return rows.Err()
	})
	return v1, v2, err
}

// quarterlyValues writes the quarters' values of the counties: each 2025
// value times 1 + a drift of up to ±3 % per quarter, rounded as the 2025
// value is.
func quarterlyValues(ctx context.Context, b *builder, counties []int64) error {
	r := b.rand("cycles")
	return b.d.InTx(ctx, func(tx *db.Tx) error {
		type val struct {
			entity int64
			item   string
			v      float64
		}
		var base []val
		for _, id := range counties {
			rows, err := tx.QueryContext(ctx, `SELECT item_code, value FROM data_values
				WHERE entity_id = $1 AND period = '2025' AND is_current AND item_code IN ('`+strings.Join(quarterlyItems, "', '")+`')
				ORDER BY item_code`, id)
			if err != nil {
				return err
			}
			for rows.Next() {
				v := val{entity: id}
				if err := rows.Scan(&v.item, &v.v); err != nil {
					rows.Close()
					return err
				}
				base = append(base, v)
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return err
			}
		}
		now := tx.Now.UnixMicro()
		for _, q := range demoQuarters {
			for k := range base {
				v := &base[k]
				v.v = math.Round(v.v*(1+0.06*(r.Float64()-0.5))*100) / 100
				if _, err := tx.ExecContext(ctx, `INSERT INTO data_values (id, entity_kind, entity_id, item_code, period, value, source,
					submitter_id, status, version, is_current, reason, flagged, created_at)
					VALUES ($1, 'unit', $2, $3, $4, $5, 'api', 0, 'verified', 1, TRUE, '', FALSE, $6)`,
					db.NewID(), v.entity, v.item, q.period, v.v, now); err != nil {
					return fmt.Errorf("quarterly value: %w", err)
				}
			}
		}
		return nil
	})
}
