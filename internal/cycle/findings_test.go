package cycle_test

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"

	"kaohe/internal/auth"
	"kaohe/internal/cycle"
	"kaohe/internal/db"
	"kaohe/internal/db/dbtest"
	"kaohe/internal/score"
	"kaohe/internal/sources"
)

// fakeFindings stands in for package finding: fixed records, of which it
// returns those about the entities asked for.
type fakeFindings struct {
	recs []cycle.FindingRecord
	// asked records the subject and period of the last call.
	asked string
}

func (f *fakeFindings) Findings(_ context.Context, _ *db.Tx, subject, period string, ids []int64) ([]cycle.FindingRecord, error) {
	f.asked = subject + " " + period
	var out []cycle.FindingRecord
	for _, r := range f.recs {
		if slices.Contains(ids, r.EntityID) {
			out = append(out, r)
		}
	}
	return out, nil
}

// setStatus sets the status of finding id for every entity it is about.
func (f *fakeFindings) setStatus(id string, st score.FindingStatus) {
	for k := range f.recs {
		if f.recs[k].ID == id {
			f.recs[k].Status = st
		}
	}
}

// rulesDoc is a cadre scheme with one leaf, I01, scored as it is (goal
// posts 0–100, so the base total is the raw value), a dimension of
// deductions DED capped at 5 over 党风廉政 DED_CLEAN (capped at 4) and 作风
// 建设 DED_WORK, a veto, and rules for four kinds of finding. 优秀 needs
// 80 and a veto bars it.
func rulesDoc() *score.Scheme {
	return &score.Scheme{
		Code: "rules", Name: "问题线索扣分测试方案",
		Indicators: []score.Indicator{
			{Code: "D1", Name: "工作实绩", Kind: score.KindDimension, Weight: 100},
			{Code: "I01", Name: "指标1", Parent: "D1", Kind: score.KindQuantitative, Weight: 100,
				Normalise: score.Normalisation{Method: score.Goalposts, Low: ptr(0), High: ptr(100)}},
			{Code: "DED", Name: "发现问题扣分", Kind: score.KindDeduction, Cap: 5},
			{Code: "DED_CLEAN", Name: "党风廉政问题扣分", Parent: "DED", Kind: score.KindDeduction, Cap: 4},
			{Code: "DED_WORK", Name: "作风建设问题扣分", Parent: "DED", Kind: score.KindDeduction},
			{Code: "VETO", Name: "重特大安全生产事故", Kind: score.KindVeto},
		},
		FindingRules: []score.FindingRule{
			{Category: "integrity", Severity: "minor", Indicator: "DED_CLEAN", Points: 1},
			{Category: "integrity", Severity: "severe", Indicator: "DED_CLEAN", Points: 3},
			{Category: "work_style", Severity: "major", Indicator: "DED_WORK", Points: 2},
			{Category: "safety", Severity: "severe", Indicator: "VETO"},
		},
		Grading: score.Grading{
			Bands:  []score.Band{{Grade: "优秀", Min: 80}, {Grade: "称职", Min: 0}},
			Blocks: []score.Block{{When: score.BlockVeto, Grades: []string{"优秀"}}},
		},
	}
}

func ptr(x float64) *float64 { return &x }

// TestFindingsCount runs a cadre cycle whose findings come from a fake
// finding source over a real database. Cadre i has I01 = 60 + 5i, so
// base totals 60, 65, 70, 75, 80, 85; the findings, by hand:
//
//	P0 60: F11, F12 生态环保·一般 — no rule: counts nothing, reported → 60
//	P1 65: F1 党风廉政·严重 3 (and F11, no rule) → 65 − 3 = 62
//	P2 70: F2 严重 3 + F3, F4 一般 1 + 1 = 5 on DED_CLEAN, capped at 4
//	       (cut 1) → 70 − 4 = 66: the per-indicator cap binds
//	P3 75: F5, F6 严重 3 + 3 = 6, capped at 4 (cut 2), + F7, F8 作风建设
//	       较重 2 + 2 = 4: DED 4 + 4 = 8, capped at 5 (cut 3) → 75 − 5 = 70:
//	       the per-dimension cap binds
//	P4 80: F10 作风建设·较重 voided, F13 党风廉政·严重 exempted → 80, 优秀
//	P5 85: F9 安全生产·严重 → veto: 85, but 优秀 is barred → 称职
//
// Then F1 is exempted and the cycle run again: P1's total rises by
// exactly 3, to 65, and the explanation says the finding is exempted.
func TestFindingsCount(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		w := newWorld(t, d, 2, 3, 1, 1)
		p := make([]int64, len(w.people))
		for i := range w.people {
			p[i] = w.people[i].id
		}
		var vid int64
		err := d.InTx(ctx, func(tx *db.Tx) error {
			if _, err := tx.ExecContext(ctx, `DELETE FROM data_values WHERE item_code = 'I01'`); err != nil {
				return err
			}
			now := tx.Now.UnixMicro()
			for i, id := range p {
				if _, err := tx.ExecContext(ctx, `INSERT INTO data_values (id, entity_kind, entity_id, item_code, period, value, source,
					submitter_id, status, version, is_current, reason, flagged, created_at)
					VALUES ($1, 'person', $2, 'I01', '2025', $3, 'api', 0, 'verified', 1, TRUE, '', FALSE, $4)`,
					db.NewID(), id, 60+5*float64(i), now); err != nil {
					return err
				}
			}
			var err error
			vid, err = insertScheme(ctx, tx, w.city.id, "rules", "person", rulesDoc())
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		rec := func(id string, who int, cat, sev string, st score.FindingStatus, title string) cycle.FindingRecord {
			return cycle.FindingRecord{ID: id, EntityID: p[who], Category: cat, Severity: sev, Status: st, Title: title}
		}
		src := &fakeFindings{recs: []cycle.FindingRecord{
			rec("F11", 0, "environment", "minor", score.Active, "秸秆焚烧管控不力"),
			rec("F12", 0, "environment", "minor", score.Active, "河道垃圾清理不及时"),
			rec("F1", 1, "integrity", "severe", score.Active, "违规发放津贴补贴"),
			rec("F11", 1, "environment", "minor", score.Active, "秸秆焚烧管控不力"),
			rec("F2", 2, "integrity", "severe", score.Active, "违规接受宴请"),
			rec("F3", 2, "integrity", "minor", score.Active, "公务用车登记不全"),
			rec("F4", 2, "integrity", "minor", score.Active, "廉政谈话记录缺失"),
			rec("F5", 3, "integrity", "severe", score.Active, "违规插手工程项目"),
			rec("F6", 3, "integrity", "severe", score.Active, "违规借用管理服务对象车辆"),
			rec("F7", 3, "work_style", "major", score.Active, "文山会海问题突出"),
			rec("F8", 3, "work_style", "major", score.Active, "督查检查过多过频"),
			rec("F10", 4, "work_style", "major", score.Voided, "反映其慵懒散问题"),
			rec("F13", 4, "integrity", "severe", score.Exempted, "改革试点中程序瑕疵"),
			rec("F9", 5, "safety", "severe", score.Active, "辖区发生较大安全生产事故"),
		}}
		ss := sources.Cycle()
		ss.Findings = src
		svc := cycle.NewService(d, auth.Policy{}, ss)
		c := w.cycle(t, "rules-2025", cycle.Annual, "2025", func(c *cycle.Cycle) { c.SchemeVersionID, c.Draws = vid, 0 })
		c = w.advance(t, c, cycle.Scoring)

		type want struct {
			total, deduction float64
			grade            string
			veto             bool
		}
		results := func() map[string]*cycle.Result {
			t.Helper()
			rk, err := svc.Ranking(ctx, sys, c.ID, cycle.RankFilter{})
			if err != nil {
				t.Fatal(err)
			}
			out := map[string]*cycle.Result{}
			for _, r := range rk.Rows {
				out[r.Entity.ID] = r
			}
			return out
		}
		check := func(res map[string]*cycle.Result, wants []want) {
			t.Helper()
			for i, wt := range wants {
				r := res[db.FormatID(p[i])]
				veto := slices.Contains(r.Flags, score.FlagVeto)
				if r.Base != 60+5*float64(i) || r.Total != wt.total || r.Deduction != wt.deduction || r.Grade != wt.grade || veto != wt.veto {
					t.Errorf("P%d: base %g, total %g, deduction %g, grade %s, veto %t; want base %g, %+v",
						i, r.Base, r.Total, r.Deduction, r.Grade, veto, 60+5*float64(i), wt)
				}
			}
		}

		s1, err := svc.Run(ctx, sys, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if src.asked != "person 2025" {
			t.Errorf("the source was asked for %q, want the cycle's subject and period", src.asked)
		}
		check(results(), []want{{60, 0, "称职", false}, {62, 3, "称职", false}, {66, 4, "称职", false},
			{70, 5, "称职", false}, {80, 0, "优秀", false}, {85, 0, "称职", true}})

		// The findings without a rule are on the snapshot and the dashboard:
		// two findings of 生态环保·一般, about three cadres.
		wantUnruled := []cycle.Unruled{{Category: "environment", Severity: "minor", Findings: 2, Entities: 3}}
		if !slices.Equal(s1.Header.Unruled, wantUnruled) {
			t.Errorf("snapshot's unruled findings: %+v, want %+v", s1.Header.Unruled, wantUnruled)
		}
		dash, err := svc.Dashboard(ctx, sys, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(dash.Unruled, wantUnruled) {
			t.Errorf("dashboard's unruled findings: %+v, want %+v", dash.Unruled, wantUnruled)
		}

		// P3's explanation: each finding, the cut of each cap, adding up.
		pr, err := svc.Profile(ctx, sys, c.ID, db.FormatID(p[3]))
		if err != nil {
			t.Fatal(err)
		}
		var lines []string
		sum := 0.0
		for _, it := range pr.Explanation.Items {
			sum += it.Contribution
			if it.Kind != "leaf" {
				lines = append(lines, fmt.Sprintf("%s %s %s %g %g %g", it.Kind, it.Indicator, it.Finding, it.Points, it.Contribution, it.Cap))
			}
		}
		wantLines := []string{"finding DED_CLEAN F5 3 -3 0", "finding DED_CLEAN F6 3 -3 0", "cap DED_CLEAN  2 2 4",
			"finding DED_WORK F7 2 -2 0", "finding DED_WORK F8 2 -2 0", "cap DED  3 3 5"}
		// The engine orders a node's lines before its parent's cap.
		slices.Sort(lines)
		slices.Sort(wantLines)
		if !slices.Equal(lines, wantLines) {
			t.Errorf("P3's lines:\n got %q\nwant %q", lines, wantLines)
		}
		if math.Abs(sum-70) > 1e-9 {
			t.Errorf("P3's explanation adds up to %g, want 70", sum)
		}
		// P4's exempted and voided findings are listed, counting nothing.
		pr4, err := svc.Profile(ctx, sys, c.ID, db.FormatID(p[4]))
		if err != nil {
			t.Fatal(err)
		}
		status := map[string]score.FindingStatus{}
		for _, it := range pr4.Explanation.Items {
			if it.Kind == string(score.LineFinding) {
				status[it.Finding] = it.Status
				if it.Contribution != 0 {
					t.Errorf("P4's %s contributes %g, want 0", it.Finding, it.Contribution)
				}
			}
		}
		if status["F10"] != score.Voided || status["F13"] != score.Exempted {
			t.Errorf("P4's finding lines: %v, want F10 voided and F13 exempted", status)
		}
		// P1's detail names each record's category and severity, the one
		// without a rule included.
		pr1, err := svc.Profile(ctx, sys, c.ID, db.FormatID(p[1]))
		if err != nil {
			t.Fatal(err)
		}
		var notes []string
		for _, n := range pr1.Detail.Findings {
			notes = append(notes, n.ID+" "+n.Category+"/"+n.Severity+" "+string(n.Status)+" "+n.Indicator+" "+n.Title)
		}
		if want := []string{"F1 integrity/severe active DED_CLEAN 违规发放津贴补贴", "F11 environment/minor active  秸秆焚烧管控不力"}; !slices.Equal(notes, want) {
			t.Errorf("P1's finding records:\n got %q\nwant %q", notes, want)
		}

		// Exempt F1 and run again: a new snapshot with other inputs, and
		// P1's total exactly 3 points higher; nothing else moves.
		src.setStatus("F1", score.Exempted)
		s2, err := svc.Run(ctx, sys, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if s2.Number != s1.Number+1 || s2.InputsHash == s1.InputsHash || s2.Digest == s1.Digest {
			t.Errorf("run after the exemption: number %d, same inputs %t, same digest %t; want a new, different snapshot",
				s2.Number, s2.InputsHash == s1.InputsHash, s2.Digest == s1.Digest)
		}
		check(results(), []want{{60, 0, "称职", false}, {65, 0, "称职", false}, {66, 4, "称职", false},
			{70, 5, "称职", false}, {80, 0, "优秀", false}, {85, 0, "称职", true}})
		pr1, err = svc.Profile(ctx, sys, c.ID, db.FormatID(p[1]))
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, it := range pr1.Explanation.Items {
			if it.Finding == "F1" {
				found = it.Status == score.Exempted && it.Contribution == 0 && it.Points == 3 && it.Note == "违规发放津贴补贴"
			}
		}
		if !found {
			t.Errorf("P1's explanation does not list F1 as exempted: %+v", pr1.Explanation.Items)
		}
		// The same inputs again give the same hash.
		s3, err := svc.Run(ctx, sys, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if s3.InputsHash != s2.InputsHash || s3.Digest != s2.Digest {
			t.Errorf("a rerun on the same findings changed the hashes")
		}
		// A recategorised finding without a rule changes the inputs too.
		src.recs[0].Category = "finance"
		s4, err := svc.Run(ctx, sys, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if s4.InputsHash == s3.InputsHash {
			t.Errorf("a finding without a rule changed category and the inputs hash did not")
		}
		// Published, who reads the result but not findings (a leader)
		// reads the points and the category, not what the finding says.
		if _, err := svc.Move(ctx, sys, c.ID, cycle.Review, ""); err != nil {
			t.Fatal(err)
		}
		sns, err := svc.Snapshots(ctx, sys, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Approve(ctx, sys, c.ID, sns[0].ID, "审核通过"); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Move(ctx, sys, c.ID, cycle.Published, ""); err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			name  string
			a     *auth.Actor
			title bool
		}{
			{"office", w.actor(auth.RoleOffice, w.city, 0), true},
			{"viewer", w.actor(auth.RoleViewer, w.city, 0), false},
		} {
			pr, err := svc.Profile(ctx, tc.a, c.ID, db.FormatID(p[1]))
			if err != nil {
				t.Fatalf("%s: %v", tc.name, err)
			}
			seen := 0
			for _, it := range pr.Explanation.Items {
				if it.Finding == "F1" {
					seen++
					if (it.Note != "") != tc.title || it.Points != 3 {
						t.Errorf("%s reads F1 as %q (%v points); want the title %t and 3 points", tc.name, it.Note, it.Points, tc.title)
					}
				}
			}
			if seen != 1 || len(pr.Detail.Findings) == 0 {
				t.Errorf("%s: F1 is on %d lines of the explanation, %d records; want 1 and some", tc.name, seen, len(pr.Detail.Findings))
			}
			for _, n := range pr.Detail.Findings {
				if (n.Title != "") != tc.title || n.Category == "" {
					t.Errorf("%s reads the record %+v; want the title %t and the category", tc.name, n, tc.title)
				}
			}
		}
	})
}

// TestFindingsRefused checks that records a cycle cannot place are an
// error, not silently dropped.
func TestFindingsRefused(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		w := newWorld(t, d, 1, 2, 1, 1)
		var vid int64
		if err := d.InTx(ctx, func(tx *db.Tx) (err error) {
			vid, err = insertScheme(ctx, tx, w.city.id, "rules", "person", rulesDoc())
			return err
		}); err != nil {
			t.Fatal(err)
		}
		c := w.cycle(t, "rules-2025", cycle.Annual, "2025", func(c *cycle.Cycle) { c.SchemeVersionID = vid })
		c = w.advance(t, c, cycle.Scoring)
		for _, tc := range []struct {
			name string
			rec  cycle.FindingRecord
			want string
		}{
			{"unknown status", cycle.FindingRecord{ID: "F1", EntityID: w.people[0].id, Category: "integrity", Severity: "minor", Status: "pending"},
				`finding F1: unknown status "pending"`},
			{"not assessed", cycle.FindingRecord{ID: "F2", EntityID: 42, Category: "integrity", Severity: "minor", Status: score.Active},
				`finding F2: entity 42 is not assessed`},
		} {
			t.Run(tc.name, func(t *testing.T) {
				ss := sources.Cycle()
				ss.Findings = stubFindings{tc.rec}
				_, err := cycle.NewService(d, auth.Policy{}, ss).Run(ctx, sys, c.ID)
				if err == nil || !strings.Contains(err.Error(), tc.want) {
					t.Fatalf("got %v, want %q", err, tc.want)
				}
			})
		}
	})
}

// stubFindings returns its records whatever is asked.
type stubFindings []cycle.FindingRecord

func (s stubFindings) Findings(context.Context, *db.Tx, string, string, []int64) ([]cycle.FindingRecord, error) {
	return s, nil
}
