package cycle_test

import (
	"bytes"
	"context"
	"math"
	"testing"

	"kaohe/internal/auth"
	"kaohe/internal/cycle"
	"kaohe/internal/db"
	"kaohe/internal/db/dbtest"
	"kaohe/internal/errs"
)

func TestValidate(t *testing.T) {
	ok := cycle.Cycle{Code: "c1", Name: "2025年度考核", Kind: cycle.Annual, Subject: cycle.SubjectPerson, Period: "2025"}
	for _, tc := range []struct {
		name  string
		mod   func(c *cycle.Cycle)
		field string
	}{
		{"ok", func(c *cycle.Cycle) {}, ""},
		{"bad code", func(c *cycle.Cycle) { c.Code = "a b" }, "code"},
		{"no name", func(c *cycle.Cycle) { c.Name = " " }, "name"},
		{"bad kind", func(c *cycle.Cycle) { c.Kind = "weekly" }, "kind"},
		{"special needs a task", func(c *cycle.Cycle) { c.Kind = cycle.Special }, "task"},
		{"task only for special", func(c *cycle.Cycle) { c.Task = "防汛" }, "task"},
		{"bad period", func(c *cycle.Cycle) { c.Period = "2025Q5" }, "period"},
		{"quarter", func(c *cycle.Cycle) { c.Period = "2025Q3" }, ""},
		{"month", func(c *cycle.Cycle) { c.Period = "2025-13" }, "period"},
		{"dates", func(c *cycle.Cycle) { c.StartsOn, c.EndsOn = "2025-12-31", "2025-01-01" }, "ends_on"},
		{"draws", func(c *cycle.Cycle) { c.Draws = cycle.MaxDraws + 1 }, "draws"},
		{"parts need annual", func(c *cycle.Cycle) {
			c.Kind, c.FoldIndicator, c.Parts = cycle.Ordinary, "I01", []cycle.Part{{CycleID: 1, Weight: 1}}
		}, "parts"},
		{"parts need indicator", func(c *cycle.Cycle) { c.Parts = []cycle.Part{{CycleID: 1, Weight: 1}} }, "fold_indicator"},
		{"part weight", func(c *cycle.Cycle) { c.FoldIndicator, c.Parts = "I01", []cycle.Part{{CycleID: 1, Weight: 0}} }, "parts"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := ok
			tc.mod(&c)
			err := c.Validate()
			if tc.field == "" {
				if err != nil {
					t.Fatalf("got %v, want nil", err)
				}
				return
			}
			var e *errs.Error
			if !errorsAs(err, &e) || e.Code != errs.Invalid || e.Field != tc.field {
				t.Fatalf("got %v, want invalid %s", err, tc.field)
			}
		})
	}
}

func errorsAs(err error, e **errs.Error) bool {
	if err == nil {
		return false
	}
	x, ok := err.(*errs.Error)
	if ok {
		*e = x
	}
	return ok
}

// TestLifecycle walks a cycle from draft to closed: the stage order, the
// blockers, the office-only moves, scoring, approval and publication, each
// recorded.
func TestLifecycle(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		w := newWorld(t, d, 4, 3, 2, 8)
		c := w.cycle(t, "2025-annual", cycle.Annual, "2025", nil)
		if c.Stage != cycle.Draft || c.Entities != 12 || c.Draws != 20 || c.Seed == 0 {
			t.Fatalf("got %+v", c)
		}
		var locked bool
		if err := d.SQL.QueryRow(`SELECT locked FROM scheme_versions WHERE id = $1`, w.version).Scan(&locked); err != nil || !locked {
			t.Fatalf("scheme version locked = %v (%v), want true", locked, err)
		}
		office := w.actor(auth.RoleOffice, w.city, 0)
		viewer := w.actor(auth.RoleViewer, w.city, 0)
		// Skipping a stage and moving without the right are refused.
		_, err := w.svc.Move(ctx, office, c.ID, cycle.Evaluating, "")
		wantCode(t, err, errs.Conflict)
		_, err = w.svc.Move(ctx, viewer, c.ID, cycle.Collecting, "")
		wantCode(t, err, errs.Forbidden)
		if c, err = w.svc.Move(ctx, office, c.ID, cycle.Collecting, "开始报送"); err != nil {
			t.Fatal(err)
		}
		// A missing required value blocks the end of collection.
		if _, err := d.SQL.Exec(`UPDATE data_items SET required = TRUE WHERE code = 'I01'`); err != nil {
			t.Fatal(err)
		}
		if _, err := d.SQL.Exec(`DELETE FROM data_values WHERE item_code = 'I01' AND entity_id = $1`, w.people[0].id); err != nil {
			t.Fatal(err)
		}
		bl, err := w.svc.Blockers(ctx, office, c.ID)
		if err != nil || len(bl) != 1 || bl[0].Key != "cycle.blocker.values_missing" {
			t.Fatalf("blockers = %+v, %v", bl, err)
		}
		_, err = w.svc.Move(ctx, office, c.ID, cycle.Evaluating, "")
		wantCode(t, err, errs.Conflict)
		if _, err := d.SQL.Exec(`UPDATE data_items SET required = FALSE WHERE code = 'I01'`); err != nil {
			t.Fatal(err)
		}
		if c, err = w.svc.Move(ctx, office, c.ID, cycle.Evaluating, ""); err != nil {
			t.Fatal(err)
		}
		if c, err = w.svc.Move(ctx, office, c.ID, cycle.Scoring, ""); err != nil {
			t.Fatal(err)
		}
		// No run yet: review is blocked.
		_, err = w.svc.Move(ctx, office, c.ID, cycle.Review, "")
		wantCode(t, err, errs.Conflict)
		sn, err := w.svc.Run(ctx, office, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if sn.Number != 1 || sn.Entities != 12 || sn.EngineVersion != cycle.EngineVersion || sn.Draws != 20 || len(sn.InputsHash) != 64 {
			t.Fatalf("snapshot %+v", sn)
		}
		if _, err := w.svc.Run(ctx, viewer, c.ID); !errs.Is(err, errs.Forbidden) {
			t.Fatalf("viewer run: got %v, want forbidden", err)
		}
		if c, err = w.svc.Move(ctx, office, c.ID, cycle.Review, ""); err != nil {
			t.Fatal(err)
		}
		// Not approved: publication is blocked.
		_, err = w.svc.Move(ctx, office, c.ID, cycle.Published, "")
		wantCode(t, err, errs.Conflict)
		if c, err = w.svc.Approve(ctx, office, c.ID, sn.ID, "审核无误"); err != nil {
			t.Fatal(err)
		}
		// Approved: no more runs.
		_, err = w.svc.Run(ctx, office, c.ID)
		wantCode(t, err, errs.Conflict)
		if c, err = w.svc.Move(ctx, office, c.ID, cycle.Published, "公示"); err != nil {
			t.Fatal(err)
		}
		if c.PublishedSnapshotID != sn.ID {
			t.Fatalf("published %d, want %d", c.PublishedSnapshotID, sn.ID)
		}
		if c, err = w.svc.Move(ctx, office, c.ID, cycle.Closed, ""); err != nil {
			t.Fatal(err)
		}
		_, err = w.svc.Move(ctx, office, c.ID, "", "")
		wantCode(t, err, errs.Conflict)
		hist, err := w.svc.History(ctx, office, c.ID)
		if err != nil || len(hist) != 6 || hist[0].From != cycle.Draft || hist[5].To != cycle.Closed || hist[0].Reason != "开始报送" {
			t.Fatalf("history %+v, %v", hist, err)
		}
		for action, n := range map[string]int{"cycle.create": 1, "cycle.move": 6, "cycle.score": 1, "cycle.approve": 1} {
			if got := auditCount(t, d, action); got != n {
				t.Errorf("audit %s: got %d, want %d", action, got, n)
			}
		}
	})
}

// TestSnapshotReproducible: identical inputs give byte-identical
// snapshots, whatever the order entities were selected in.
func TestSnapshotReproducible(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		w := newWorld(t, d, 5, 4, 2, 12)
		a := w.advance(t, w.cycle(t, "a", cycle.Annual, "2025", func(c *cycle.Cycle) { c.Seed = 42 }), cycle.Scoring)
		s1, err := w.svc.Run(ctx, sys, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		s2, err := w.svc.Run(ctx, sys, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if s1.Digest != s2.Digest || s1.InputsHash != s2.InputsHash || s2.Number != 2 {
			t.Fatalf("runs differ: %+v vs %+v", s1, s2)
		}
		e1, err := w.svc.Export(ctx, sys, a.ID, s1.ID)
		if err != nil {
			t.Fatal(err)
		}
		e2, err := w.svc.Export(ctx, sys, a.ID, s2.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(e1, e2) || len(e1) < 1000 {
			t.Fatalf("exports differ (%d, %d bytes)", len(e1), len(e2))
		}
		// The same inputs in another cycle with entities selected in reverse.
		ids := w.personIDs()
		for i, j := 0, len(ids)-1; i < j; i, j = i+1, j-1 {
			ids[i], ids[j] = ids[j], ids[i]
		}
		b, err := w.svc.Create(ctx, sys, cycle.Cycle{Code: "b", Name: "b", Kind: cycle.Annual, Subject: cycle.SubjectPerson,
			OwnerUnitID: w.city.id, SchemeVersionID: w.version, Period: "2025", Draws: 20, Seed: 42}, cycle.Selection{PersonIDs: ids})
		if err != nil {
			t.Fatal(err)
		}
		b = w.advance(t, b, cycle.Scoring)
		s3, err := w.svc.Run(ctx, sys, b.ID)
		if err != nil {
			t.Fatal(err)
		}
		if s3.Digest != s1.Digest {
			t.Fatalf("reordered selection: digest %s, want %s", s3.Digest, s1.Digest)
		}
		e3, _ := w.svc.Export(ctx, sys, b.ID, s3.ID)
		if !bytes.Equal(e1, e3) {
			t.Fatal("reordered selection: exports differ")
		}
		// A changed value changes the inputs and the snapshot.
		if _, err := d.SQL.Exec(`UPDATE data_values SET value = value + 1 WHERE entity_id = $1 AND item_code = 'I02'`, w.people[3].id); err != nil {
			t.Fatal(err)
		}
		s4, err := w.svc.Run(ctx, sys, b.ID)
		if err != nil {
			t.Fatal(err)
		}
		if s4.InputsHash == s3.InputsHash || s4.Digest == s3.Digest {
			t.Fatal("a changed value did not change the snapshot")
		}
	})
}

// TestSnapshotImmutable: the service never changes a snapshot — an
// approved cycle refuses new runs, calibration is recorded beside the
// snapshot — and a change made behind its back is detected.
func TestSnapshotImmutable(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		w := newWorld(t, d, 5, 4, 1, 8)
		c := w.advance(t, w.cycle(t, "a", cycle.Annual, "2025", nil), cycle.Published)
		sn := c.PublishedSnapshotID
		ok, err := w.svc.Verify(ctx, sys, c.ID, sn)
		if err != nil || !ok {
			t.Fatalf("verify fresh snapshot: %v %v", ok, err)
		}
		_, err = w.svc.Run(ctx, sys, c.ID)
		wantCode(t, err, errs.Conflict)
		rk, err := w.svc.Ranking(ctx, sys, c.ID, cycle.RankFilter{})
		if err != nil {
			t.Fatal(err)
		}
		last := rk.Rows[len(rk.Rows)-1]
		if _, err := w.svc.Calibrate(ctx, sys, c.ID, last.Entity.ID, "不称职", "经核实履职不力"); err != nil && !errs.Is(err, errs.Conflict) {
			t.Fatal(err)
		}
		if ok, err := w.svc.Verify(ctx, sys, c.ID, sn); err != nil || !ok {
			t.Fatalf("verify after calibration: %v %v", ok, err)
		}
		if _, err := d.SQL.Exec(`UPDATE snapshot_results SET total = total + 1 WHERE snapshot_id = $1 AND entity = $2`, sn, last.Entity.ID); err != nil {
			t.Fatal(err)
		}
		if ok, err := w.svc.Verify(ctx, sys, c.ID, sn); err != nil || ok {
			t.Fatalf("verify after tampering: got %v (%v), want false", ok, err)
		}
	})
}

// TestCalibration: a grade change needs a reason, keeps the quotas and the
// blocking rules, is recorded, and shows in the ranking and the profile.
func TestCalibration(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		w := newWorld(t, d, 5, 4, 1, 8) // one group of 20: 优秀 ≤ 4
		c := w.advance(t, w.cycle(t, "a", cycle.Annual, "2025", nil), cycle.Review)
		office := w.actor(auth.RoleOffice, w.city, 0)
		sns, _ := w.svc.Snapshots(ctx, office, c.ID)
		_, err := w.svc.Calibrate(ctx, office, c.ID, "x", "称职", "理由")
		wantCode(t, err, errs.Conflict) // not approved yet
		if c, err = w.svc.Approve(ctx, office, c.ID, sns[0].ID, ""); err != nil {
			t.Fatal(err)
		}
		rk, err := w.svc.Ranking(ctx, office, c.ID, cycle.RankFilter{})
		if err != nil {
			t.Fatal(err)
		}
		// Raise cadres to 优秀 until the quota (4 of 20) is full; the next
		// one is refused.
		var free []*cycle.Result
		excellent := 0
		for _, r := range rk.Rows {
			switch {
			case r.Grade == "优秀":
				excellent++
			case r.Grade != "不定等次" && !contains(r.Flags, "sanction") && !contains(r.Flags, "veto"):
				free = append(free, r)
			}
		}
		other := free[len(free)-1]
		_, err = w.svc.Calibrate(ctx, office, c.ID, other.Entity.ID, "优秀", "")
		wantCode(t, err, errs.Invalid)
		_, err = w.svc.Calibrate(ctx, office, c.ID, other.Entity.ID, "特等", "理由")
		wantCode(t, err, errs.Invalid)
		viewer := w.actor(auth.RoleViewer, w.city, 0)
		_, err = w.svc.Calibrate(ctx, viewer, c.ID, other.Entity.ID, "基本称职", "理由")
		wantCode(t, err, errs.Forbidden)
		calibrated := 0
		for k := 0; excellent < 4; k++ {
			if _, err := w.svc.Calibrate(ctx, office, c.ID, free[k].Entity.ID, "优秀", "表现突出"); err != nil {
				t.Fatal(err)
			}
			excellent++
			calibrated++
		}
		_, err = w.svc.Calibrate(ctx, office, c.ID, other.Entity.ID, "优秀", "群众公认")
		wantCode(t, err, errs.Conflict) // the quota is full
		rk, _ = w.svc.Ranking(ctx, office, c.ID, cycle.RankFilter{Grade: "优秀"})
		if rk.Total != 4 {
			t.Fatalf("优秀 after calibration: %d, want 4", rk.Total)
		}
		// Lowering one 优秀 frees a place.
		top := rk.Rows[0]
		if _, err := w.svc.Calibrate(ctx, office, c.ID, top.Entity.ID, "称职", "年中受到通报批评"); err != nil {
			t.Fatal(err)
		}
		cal, err := w.svc.Calibrate(ctx, office, c.ID, other.Entity.ID, "优秀", "抗洪抢险表现突出")
		if err != nil {
			t.Fatal(err)
		}
		if cal.From == "优秀" || cal.To != "优秀" {
			t.Fatalf("calibration %+v", cal)
		}
		if n := auditCount(t, d, "result.calibrate"); n != calibrated+2 {
			t.Fatalf("audit result.calibrate: got %d, want %d", n, calibrated+2)
		}
		var reason string
		if err := d.SQL.QueryRow(`SELECT reason FROM audit_log WHERE action = 'result.calibrate' ORDER BY seq DESC LIMIT 1`).Scan(&reason); err != nil || reason != "抗洪抢险表现突出" {
			t.Fatalf("audit reason %q (%v)", reason, err)
		}
		p, err := w.svc.Profile(ctx, office, c.ID, top.Entity.ID)
		if err != nil {
			t.Fatal(err)
		}
		if p.Result.Grade != "称职" || len(p.Calibrations) == 0 || p.Calibrations[len(p.Calibrations)-1].Reason != "年中受到通报批评" {
			t.Fatalf("profile result %+v, calibrations %+v", p.Result, p.Calibrations)
		}
		// After publication a change still goes through a calibration.
		if c, err = w.svc.Move(ctx, office, c.ID, cycle.Published, ""); err != nil {
			t.Fatal(err)
		}
		if _, err := w.svc.Calibrate(ctx, office, c.ID, top.Entity.ID, "基本称职", "申诉复核"); err != nil {
			t.Fatal(err)
		}
		if c, err = w.svc.Move(ctx, office, c.ID, cycle.Closed, ""); err != nil {
			t.Fatal(err)
		}
		_, err = w.svc.Calibrate(ctx, office, c.ID, top.Entity.ID, "称职", "再次复核")
		wantCode(t, err, errs.Conflict)
	})
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// TestScope: before publication only the office sees results; after it a
// cadre sees its own profile and nobody else's; viewers see rankings in
// their jurisdiction.
func TestScope(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		w := newWorld(t, d, 3, 2, 1, 8)
		c := w.advance(t, w.cycle(t, "a", cycle.Annual, "2025", nil), cycle.Review)
		me, other := w.people[0], w.people[1]
		cadre := w.actor(auth.RoleCadre, w.units[0], me.id)
		viewer := w.actor(auth.RoleViewer, w.city, 0)
		countyViewer := w.actor(auth.RoleViewer, w.units[1], 0)
		mine := idStr(me.id)
		if _, err := w.svc.Profile(ctx, cadre, c.ID, mine); !errs.Is(err, errs.NotFound) {
			t.Fatalf("cadre before publication: got %v, want not found", err)
		}
		if _, err := w.svc.Ranking(ctx, viewer, c.ID, cycle.RankFilter{}); !errs.Is(err, errs.NotFound) {
			t.Fatalf("viewer before publication: got %v, want not found", err)
		}
		if _, err := w.svc.Profile(ctx, w.actor(auth.RoleOffice, w.city, 0), c.ID, mine); err != nil {
			t.Fatalf("office before publication: %v", err)
		}
		// Before publication a cadre is told which cycles assess it, and
		// nobody else is: not a cadre the cycle leaves out, not the office.
		for _, tc := range []struct {
			name string
			a    *auth.Actor
			want int
		}{
			{"assessed cadre", cadre, 1},
			{"cadre not assessed", w.actor(auth.RoleCadre, w.units[2], db.NewID()), 0},
			{"office", w.actor(auth.RoleOffice, w.city, 0), 0},
			{"viewer", viewer, 0},
		} {
			cs, err := w.svc.Assessing(ctx, tc.a)
			if err != nil || len(cs) != tc.want || (tc.want == 1 && (cs[0].ID != c.ID || cs[0].OwnerName == "")) {
				t.Errorf("%s: assessing %+v %v, want %d", tc.name, cs, err, tc.want)
			}
		}
		c = w.advance(t, c, cycle.Published)
		if cs, err := w.svc.Assessing(ctx, cadre); err != nil || len(cs) != 0 {
			t.Errorf("after publication the cycle is not under way: %+v %v", cs, err)
		}
		p, err := w.svc.Profile(ctx, cadre, c.ID, mine)
		if err != nil {
			t.Fatalf("cadre own profile: %v", err)
		}
		if p.Result.Entity.PersonID != me.id {
			t.Fatalf("got profile of %d", p.Result.Entity.PersonID)
		}
		if _, err := w.svc.Profile(ctx, cadre, c.ID, idStr(other.id)); err == nil {
			t.Fatal("cadre sees a colleague's profile")
		}
		if _, err := w.svc.Profile(ctx, cadre, c.ID, idStr(w.people[5].id)); err == nil {
			t.Fatal("cadre sees another county's cadre")
		}
		rk, err := w.svc.Ranking(ctx, cadre, c.ID, cycle.RankFilter{})
		if err != nil || rk.Total != 1 || rk.Rows[0].Entity.ID != mine {
			t.Fatalf("cadre ranking: %+v %v", rk, err)
		}
		cs, err := w.svc.Cycles(ctx, cadre, cycle.Filter{})
		if err != nil || len(cs) != 1 {
			t.Fatalf("cadre cycles: %d %v", len(cs), err)
		}
		rk, err = w.svc.Ranking(ctx, viewer, c.ID, cycle.RankFilter{})
		if err != nil || rk.Total != 6 {
			t.Fatalf("city viewer ranking: %+v %v", rk, err)
		}
		// A county viewer sees the published results of its county only.
		rk, err = w.svc.Ranking(ctx, countyViewer, c.ID, cycle.RankFilter{})
		if err != nil || rk.Total != 2 {
			t.Fatalf("county viewer ranking: %+v %v", rk, err)
		}
		for _, r := range rk.Rows {
			if r.Entity.UnitID != w.units[1].id {
				t.Fatalf("county viewer sees %s of another unit", r.Entity.Name)
			}
		}
		if _, err := w.svc.Heatmap(ctx, countyViewer, c.ID, "", 0, 0); err == nil {
			t.Fatal("county viewer reads the city's heatmap")
		}
		if _, err := w.svc.Heatmap(ctx, cadre, c.ID, "", 0, 0); err == nil {
			t.Fatal("cadre reads the heatmap")
		}
	})
}

// TestProfile: the decomposition adds up to the total, the radar axes come
// with the group mean and median, and the history runs over published
// cycles; annual cycles fold in quarterly totals with weights.
func TestProfile(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		w := newWorld(t, d, 4, 3, 2, 16)
		for _, q := range []string{"2025Q1", "2025Q2"} {
			if err := d.InTx(ctx, func(tx *db.Tx) error { return w.insertValues(ctx, tx, q, 1) }); err != nil {
				t.Fatal(err)
			}
		}
		q1 := w.advance(t, w.cycle(t, "q1", cycle.Ordinary, "2025Q1", func(c *cycle.Cycle) { c.EndsOn = "2025-03-31" }), cycle.Published)
		q2 := w.advance(t, w.cycle(t, "q2", cycle.Ordinary, "2025Q2", func(c *cycle.Cycle) { c.EndsOn = "2025-06-30" }), cycle.Published)
		// I08 takes the weighted mean of the quarters' totals.
		a := w.advance(t, w.cycle(t, "y", cycle.Annual, "2025", func(c *cycle.Cycle) {
			c.EndsOn, c.FoldIndicator = "2025-12-31", "I08"
			c.Parts = []cycle.Part{{CycleID: q1.ID, Weight: 1}, {CycleID: q2.ID, Weight: 3}}
		}), cycle.Published)
		office := w.actor(auth.RoleOffice, w.city, 0)
		e := idStr(w.people[2].id)
		p, err := w.svc.Profile(ctx, office, a.ID, e)
		if err != nil {
			t.Fatal(err)
		}
		sum := 0.0
		for _, it := range p.Explanation.Items {
			sum += it.Contribution
		}
		if math.Abs(sum-p.Result.Total) > 1e-9 || p.Explanation.Total != p.Result.Total {
			t.Fatalf("decomposition sums to %v, total %v", sum, p.Result.Total)
		}
		if len(p.Dimensions) < 3 {
			t.Fatalf("radar has %d axes", len(p.Dimensions))
		}
		for _, dm := range p.Dimensions {
			if math.IsNaN(float64(dm.Mean)) || math.IsNaN(float64(dm.Median)) {
				t.Fatalf("axis %+v has no group statistics", dm)
			}
		}
		if len(p.History) != 3 || p.History[0].CycleID != q1.ID || p.History[2].CycleID != a.ID || !p.History[2].Current {
			t.Fatalf("history %+v", p.History)
		}
		// The fold: raw I08 = (1·total(q1) + 3·total(q2)) / 4.
		var t1, t2 float64
		for _, pt := range p.History[:2] {
			if pt.CycleID == q1.ID {
				t1 = pt.Total
			} else {
				t2 = pt.Total
			}
		}
		var raw float64
		for k, l := range p.Snapshot.Header.Leaves {
			if l == "I08" {
				raw = float64(p.Detail.Raw[k])
			}
		}
		if want := (t1 + 3*t2) / 4; math.Abs(raw-want) > 1e-9 {
			t.Fatalf("folded I08 = %v, want %v", raw, want)
		}
		hm, err := w.svc.Heatmap(ctx, office, a.ID, "", 0, 0)
		if err != nil || len(hm.Rows) != 6 || len(hm.Rows[0].Cells) != 16 {
			t.Fatalf("heatmap %+v %v", hm, err)
		}
		ds, err := w.svc.Distributions(ctx, office, a.ID)
		if err != nil || len(ds) != 2 || ds[0].N != 6 {
			t.Fatalf("distributions %+v %v", ds, err)
		}
		n := 0
		for _, b := range ds[0].Bins {
			n += b.Count
		}
		if n != 6 {
			t.Fatalf("histogram counts %d, want 6", n)
		}
		// A folded cycle must be published before the annual scores.
		q3 := w.cycle(t, "q3", cycle.Ordinary, "2025Q2", nil)
		y2 := w.advance(t, w.cycle(t, "y2", cycle.Annual, "2025", func(c *cycle.Cycle) {
			c.FoldIndicator, c.Parts = "I08", []cycle.Part{{CycleID: q3.ID, Weight: 1}}
		}), cycle.Evaluating)
		bl, err := w.svc.Blockers(ctx, office, y2.ID)
		if err != nil || len(bl) != 1 || bl[0].Key != "cycle.blocker.part_unpublished" {
			t.Fatalf("blockers %+v %v", bl, err)
		}
	})
}

func idStr(id int64) string {
	return string(appendInt(nil, id))
}

func appendInt(b []byte, v int64) []byte {
	if v == 0 {
		return append(b, '0')
	}
	var tmp [20]byte
	i := len(tmp)
	for v > 0 {
		i--
		tmp[i] = byte('0' + v%10)
		v /= 10
	}
	return append(b, tmp[i:]...)
}

// TestTeamScope: a unit (leadership team) cycle; once published, a cadre
// of a unit sees its own unit's team result and no other unit's.
func TestTeamScope(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		w := newWorld(t, d, 6, 1, 1, 8)
		// The units' values: the synthetic rows of the first six cadres.
		err := d.InTx(ctx, func(tx *db.Tx) error {
			now := tx.Now.UnixMicro()
			var rows [][]any
			for j, code := range w.in.Values.Cols {
				for i, u := range w.units {
					if v := w.in.Values.At(i, j); !math.IsNaN(v) {
						rows = append(rows, []any{db.NewID(), "unit", u.id, "U" + code, "2025", v, "api", 0, "verified", 1, true, "", false, now})
					}
				}
			}
			return bulk(ctx, tx, "data_values", []string{"id", "entity_kind", "entity_id", "item_code", "period", "value", "source",
				"submitter_id", "status", "version", "is_current", "reason", "flagged", "created_at"}, len(rows), func(k int) []any { return rows[k] })
		})
		if err != nil {
			t.Fatal(err)
		}
		var ids []int64
		for _, u := range w.units {
			ids = append(ids, u.id)
		}
		c, err := w.svc.Create(ctx, sys, cycle.Cycle{Code: "team", Name: "班子考核", Kind: cycle.Annual, Subject: cycle.SubjectUnit,
			OwnerUnitID: w.city.id, SchemeVersionID: w.unitVersion, Period: "2025", Draws: 10}, cycle.Selection{UnitIDs: ids})
		if err != nil {
			t.Fatal(err)
		}
		// A unit scheme cannot be used for cadres.
		_, err = w.svc.Create(ctx, sys, cycle.Cycle{Code: "bad", Name: "x", Kind: cycle.Annual, Subject: cycle.SubjectPerson,
			OwnerUnitID: w.city.id, SchemeVersionID: w.unitVersion, Period: "2025"}, cycle.Selection{PersonIDs: w.personIDs()})
		wantCode(t, err, errs.Invalid)
		cadre := w.actor(auth.RoleCadre, w.units[0], w.people[0].id)
		// The cadre is told its unit's team is being assessed.
		if cs, err := w.svc.Assessing(ctx, cadre); err != nil || len(cs) != 1 || cs[0].ID != c.ID {
			t.Fatalf("cadre's cycles under way: %+v %v", cs, err)
		}
		c = w.advance(t, c, cycle.Published)
		p, err := w.svc.Profile(ctx, cadre, c.ID, idStr(w.units[0].id))
		if err != nil {
			t.Fatalf("cadre reads its unit's team result: %v", err)
		}
		if p.Result.Entity.PersonID != 0 || p.Result.Entity.UnitID != w.units[0].id {
			t.Fatalf("got %+v", p.Result.Entity)
		}
		if _, err := w.svc.Profile(ctx, cadre, c.ID, idStr(w.units[1].id)); !errs.Is(err, errs.NotFound) {
			t.Fatalf("cadre reads another unit's team: got %v, want not found", err)
		}
		fb, err := w.svc.Feedback(ctx, cadre, c.ID, w.units[0].id)
		if err != nil || len(fb.Entries) != 1 {
			t.Fatalf("feedback %+v %v", fb, err)
		}
		if _, err := w.svc.Feedback(ctx, cadre, c.ID, w.units[2].id); !errs.Is(err, errs.NotFound) {
			t.Fatalf("feedback of another unit: got %v, want not found", err)
		}
	})
}
