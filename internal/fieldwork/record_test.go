package fieldwork_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"kaohe/internal/collect"
	"kaohe/internal/cycle"
	"kaohe/internal/db"
	"kaohe/internal/db/dbtest"
	"kaohe/internal/errs"
	"kaohe/internal/fieldwork"
)

// problems lists err's errors as "key@row:field".
func problems(err error) string {
	var l errs.List
	if !errors.As(err, &l) {
		var e *errs.Error
		if !errors.As(err, &e) {
			return "not coded: " + fmt.Sprint(err)
		}
		l = errs.List{e}
	}
	var out []string
	for _, e := range l {
		out = append(out, fmt.Sprintf("%s@%d:%s", e.Key, e.Row, e.Field))
	}
	return strings.Join(out, " ")
}

// TestVerify records verifications: bad input is refused whole and writes
// nothing; a value that agrees confirms the stored one; a value that
// differs becomes a correction in collect for the office to review; the
// evidence is read back; a published cycle takes nothing more.
func TestVerify(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		team := f.team()
		good := fieldwork.NewVerification{CheckedOn: "2026-01-10", Checked: "工作实绩统计台账", Finding: "台账与报送数一致",
			Files: []fieldwork.Upload{{Name: "台账.pdf", Data: pdf}}}
		written := func() int {
			return f.count(t, "verifications") + f.count(t, "verification_evidence") + f.count(t, "data_values")
		}
		before := written()
		for _, tt := range []struct {
			name string
			edit func(v *fieldwork.NewVerification)
			want string
		}{
			{"nothing", func(v *fieldwork.NewVerification) { *v = fieldwork.NewVerification{} },
				"fieldwork.verification.checked_on_required@0:checked_on fieldwork.verification.checked_required@0:checked fieldwork.verification.finding_required@0:finding"},
			{"a day to come and a bad file", func(v *fieldwork.NewVerification) {
				v.CheckedOn = "2099-01-01"
				v.Files = []fieldwork.Upload{{Name: "x.exe", Data: []byte("MZ")}, {Name: "a/b.pdf", Data: pdf}}
			}, "fieldwork.verification.checked_on_future@0:checked_on fieldwork.evidence.type@0:files fieldwork.evidence.name_invalid@0:files"},
			{"not a date", func(v *fieldwork.NewVerification) { v.CheckedOn = "2026-1-10" }, "fieldwork.verification.checked_on_invalid@0:checked_on"},
			{"a value without its item", func(v *fieldwork.NewVerification) { v.Value = "65" }, "fieldwork.verification.item_required@0:item"},
			{"an item without its value", func(v *fieldwork.NewVerification) { v.Item = "PERF" }, "fieldwork.verification.value_required@0:value"},
			{"a value without a reason", func(v *fieldwork.NewVerification) { v.Item, v.Value = "PERF", "65" }, "fieldwork.verification.reason_required@0:reason"},
			{"an item the scheme does not read", func(v *fieldwork.NewVerification) { v.Item, v.Value, v.Reason = "GDP", "65", "核实" },
				"fieldwork.verification.item_unknown@0:item"},
			{"a value that is no number", func(v *fieldwork.NewVerification) { v.Item, v.Value, v.Reason = "PERF", "六十五", "核实" },
				"collect.value.not_number@0:value"},
		} {
			v := good
			tt.edit(&v)
			_, err := f.field.Verify(ctx, team, f.cycleA.ID, f.keyA, v)
			if got := problems(err); got != tt.want {
				t.Errorf("%s: got %s, want %s", tt.name, got, tt.want)
			}
		}
		if n := written(); n != before {
			t.Fatalf("refused verifications wrote %d rows", n-before)
		}

		v := must[*fieldwork.Verification](t)(f.field.Verify(ctx, team, f.cycleA.ID, f.keyA, good))
		if v.Item != "" || v.Found != nil || len(v.Files) != 1 || v.Files[0].ContentType != "application/pdf" {
			t.Fatalf("plain verification: %+v", v)
		}
		file, data := must2[*fieldwork.File, []byte](t)(f.field.EvidenceFile(ctx, f.actors["office"], v.Files[0].ID))
		if file.Name != "台账.pdf" || string(data) != string(pdf) {
			t.Fatalf("evidence read back: %+v %q", file, data)
		}
		confirmed := good
		confirmed.Item, confirmed.Value, confirmed.Reason, confirmed.Files = "PERF", "70", "与统计台账一致", nil
		v = must[*fieldwork.Verification](t)(f.field.Verify(ctx, team, f.cycleA.ID, f.keyA, confirmed))
		if v.Corrected || *v.Previous != f.perfA || *v.Found != f.perfA || v.Period != "2025" {
			t.Fatalf("confirming verification: %+v", v)
		}
		corrected := confirmed
		corrected.Value, corrected.Reason, corrected.Finding = "65", "重复计入一项已验收工程", "实绩数多报5分"
		v = must[*fieldwork.Verification](t)(f.field.Verify(ctx, team, f.cycleA.ID, f.keyA, corrected))
		if !v.Corrected || *v.Previous != f.perfA || *v.Found != 65 {
			t.Fatalf("correcting verification: %+v", v)
		}
		hist := must[[]*collect.Value](t)(f.values.History(ctx, sys, f.countyA.ID, "PERF", "2025"))
		if len(hist) != 2 || hist[0].Value != 65 || hist[0].Source != collect.SourceVerification || hist[0].Status != collect.StatusSubmitted ||
			hist[0].Reason != corrected.Reason {
			t.Fatalf("collect's history after the correction: %+v", hist[0])
		}
		r := must[*fieldwork.Record](t)(f.field.Record(ctx, team, f.cycleA.ID, f.keyA))
		if len(r.Verifications) != 3 || len(r.Items) != 1 || r.Items[0].Code != "PERF" || r.Items[0].Indicator != "工作实绩" ||
			len(r.People) != 1 || r.People[0].ID != f.zhang.ID || !r.Write || !r.Open {
			t.Fatalf("record: %d verifications, items %+v, %d people, write %v, open %v", len(r.Verifications), r.Items, len(r.People), r.Write, r.Open)
		}
		if n := auditCount(t, d, "verification.record"); n != 3 {
			t.Fatalf("verification.record events: %d, want 3", n)
		}

		publish(t, f, f.cycleA.ID)
		_, err := f.field.Verify(ctx, team, f.cycleA.ID, f.keyA, good)
		if !errs.Is(err, errs.Conflict) {
			t.Fatalf("verifying in a published cycle: got %v, want Conflict", err)
		}
	})
}

// TestInterview records interviews: the person must be one the team may
// read; bad input writes nothing.
func TestInterview(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		team := f.team()
		for _, tt := range []struct {
			name string
			in   fieldwork.NewInterview
			want string
		}{
			{"nothing", fieldwork.NewInterview{},
				"fieldwork.interview.person_required@0:person fieldwork.interview.held_on_required@0:held_on fieldwork.interview.interviewer_required@0:interviewer fieldwork.interview.notes_required@0:notes"},
			{"someone of another city", fieldwork.NewInterview{PersonID: f.li.ID, HeldOn: "2026-01-11", Interviewer: "王五", Notes: "谈话"},
				"fieldwork.interview.person_unknown@0:person"},
			{"nobody", fieldwork.NewInterview{PersonID: 12345, HeldOn: "2026-01-11", Interviewer: "王五", Notes: "谈话"},
				"fieldwork.interview.person_unknown@0:person"},
			{"notes too long", fieldwork.NewInterview{PersonID: f.zhang.ID, HeldOn: "2026-01-11", Interviewer: "王五", Notes: strings.Repeat("谈", 5001)},
				"fieldwork.interview.notes_too_long@0:notes"},
		} {
			_, err := f.field.Interview(ctx, team, f.cycleA.ID, f.keyA, tt.in)
			if got := problems(err); got != tt.want {
				t.Errorf("%s: got %s, want %s", tt.name, got, tt.want)
			}
		}
		if n := f.count(t, "interviews"); n != 0 {
			t.Fatalf("refused interviews wrote %d rows", n)
		}
		iv := must[*fieldwork.Interview](t)(f.field.Interview(ctx, team, f.cycleA.ID, f.keyA,
			fieldwork.NewInterview{PersonID: f.zhang.ID, HeldOn: "2026-01-11", Interviewer: "考核组 王五、赵六", Notes: "认为班子团结，重大事项集体决策。"}))
		r := must[*fieldwork.Record](t)(f.field.Record(ctx, f.actors["office"], f.cycleA.ID, f.keyA))
		if len(r.Interviews) != 1 || r.Interviews[0].ID != iv.ID || r.Interviews[0].Person != "张三" || r.Interviews[0].PersonUnit != "甲县" {
			t.Fatalf("the office's view of the interviews: %+v", r.Interviews)
		}
		var after string
		if err := d.SQL.QueryRow(`SELECT after_json FROM audit_log WHERE action = 'interview.record'`).Scan(&after); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(after, "班子团结") || !strings.Contains(after, "notes_sha256") {
			t.Fatalf("the audit event holds the notes or not their digest: %s", after)
		}
	})
}

// TestJudge records judgements: every bad row is reported with its row
// and field and nothing is written; a new judgement replaces the old one,
// which the audit log keeps.
func TestJudge(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		team := f.team()
		_, err := f.field.Judge(ctx, team, f.cycleA.ID, f.keyA, []fieldwork.JudgementRow{
			{Row: 1, Indicator: "PARTY", Score: "101", Basis: "依据"},
			{Row: 2, Indicator: "TEAM", Grade: "优秀", Basis: "依据"},
			{Row: 3, Indicator: "PERF", Score: "80", Basis: "依据"},
			{Row: 4, Indicator: "PARTY", Score: "80", Basis: "依据"},
		})
		want := "fieldwork.judgement.score_range@1:score fieldwork.judgement.grade_unknown@2:grade " +
			"fieldwork.judgement.indicator_unknown@3:indicator fieldwork.judgement.duplicate@4:indicator"
		if got := problems(err); got != want {
			t.Fatalf("bad rows: got %s, want %s", got, want)
		}
		_, err = f.field.Judge(ctx, team, f.cycleA.ID, f.keyA, []fieldwork.JudgementRow{
			{Row: 1, Indicator: "PARTY", Score: "八十", Basis: "依据"}, {Row: 2, Indicator: "TEAM", Basis: "依据"}})
		if got, want := problems(err), "fieldwork.judgement.score_invalid@1:score fieldwork.judgement.grade_required@2:grade"; got != want {
			t.Fatalf("bad rows: got %s, want %s", got, want)
		}
		_, err = f.field.Judge(ctx, team, f.cycleA.ID, f.keyA, []fieldwork.JudgementRow{{Row: 1, Indicator: "PARTY", Score: "80"}, {Row: 2, Indicator: "TEAM"}})
		if got, want := problems(err), "fieldwork.judgement.basis_required@1:basis"; got != want {
			t.Fatalf("a score without basis: got %s, want %s", got, want)
		}
		_, err = f.field.Judge(ctx, team, f.cycleA.ID, f.keyA, []fieldwork.JudgementRow{{Row: 1, Indicator: "PARTY"}})
		if got, want := problems(err), "fieldwork.judgement.empty@0:"; got != want {
			t.Fatalf("an empty form: got %s, want %s", got, want)
		}
		if n := f.count(t, "judgements"); n != 0 {
			t.Fatalf("refused judgements wrote %d rows", n)
		}
		must[[]*fieldwork.Judgement](t)(f.field.Judge(ctx, team, f.cycleA.ID, f.keyA, []fieldwork.JudgementRow{
			{Row: 1, Indicator: "PARTY", Score: "80", Basis: "党建责任清单落实"}, {Row: 2, Indicator: "TEAM", Grade: "较好", Basis: "班子团结"}}))
		js := must[[]*fieldwork.Judgement](t)(f.field.Judge(ctx, team, f.cycleA.ID, f.keyA, []fieldwork.JudgementRow{
			{Row: 1, Indicator: "PARTY", Score: "85.5", Basis: "复核后上调"}, {Row: 2, Indicator: "TEAM"}}))
		if len(js) != 1 || js[0].Value != 85.5 {
			t.Fatalf("second judgement: %+v", js)
		}
		r := must[*fieldwork.Record](t)(f.field.Record(ctx, team, f.cycleA.ID, f.keyA))
		got := map[string]string{}
		for _, j := range r.Judgements {
			got[j.Indicator] = fmt.Sprintf("%s %v %s", j.Grade, j.Value, j.Basis)
		}
		if got["PARTY"] != " 85.5 复核后上调" || got["TEAM"] != "较好 80 班子团结" || len(r.Leaves) != 2 || len(r.Leaves[1].Grades) != 4 {
			t.Fatalf("judgements: %v, leaves %+v", got, r.Leaves)
		}
		var before string
		if err := d.SQL.QueryRow(`SELECT before_json FROM audit_log WHERE action = 'judgement.record' ORDER BY seq DESC LIMIT 1`).Scan(&before); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(before, "党建责任清单落实") {
			t.Fatalf("the audit log lost the replaced judgement: %s", before)
		}
	})
}

// TestJudgementsScore scores a cycle whose scheme has two qualitative
// indicators from the team's judgements. By hand, with the weights 30
// (工作实绩), 50 (党建工作) and 20 (班子建设) and every value on goalposts
// 0–100:
//
//	甲县: 0.3 × 70 + 0.5 × 85 + 0.2 × 80 (较好) = 21 + 42.5 + 16 = 79.5
//	丙县: 0.3 × 90 + 0.5 × 60 + 0.2 × 100 (好) = 27 + 30 + 20 = 77
//
// and the explanation carries the judgements as the indicators' raw values.
func TestJudgementsScore(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		team := f.team()
		for _, j := range []struct {
			key, party, team string
		}{{f.keyA, "85", "较好"}, {f.keyC, "60", "好"}} {
			must[[]*fieldwork.Judgement](t)(f.field.Judge(ctx, team, f.cycleA.ID, j.key, []fieldwork.JudgementRow{
				{Row: 1, Indicator: "PARTY", Score: j.party, Basis: "实地核查"}, {Row: 2, Indicator: "TEAM", Grade: j.team, Basis: "个别谈话"}}))
		}
		publish(t, f, f.cycleA.ID)
		for _, tt := range []struct {
			key         string
			party, team float64
			total       float64
			rank        int
		}{{f.keyA, 85, 80, 79.5, 1}, {f.keyC, 60, 100, 77, 2}} {
			p := must[*cycle.Profile](t)(f.cycles.Profile(ctx, sys, f.cycleA.ID, tt.key))
			raw := map[string]float64{}
			for _, it := range p.Explanation.Items {
				raw[it.Indicator] = float64(it.Raw)
			}
			if !near(p.Result.Total, tt.total) || p.Result.Rank != tt.rank || raw["PARTY"] != tt.party || raw["TEAM"] != tt.team {
				t.Errorf("%s: total %v rank %d, PARTY %v TEAM %v; want %v, %d, %v, %v",
					p.Result.Entity.Name, p.Result.Total, p.Result.Rank, raw["PARTY"], raw["TEAM"], tt.total, tt.rank, tt.party, tt.team)
			}
		}
		// Once published, the judgements stand.
		_, err := f.field.Judge(ctx, team, f.cycleA.ID, f.keyA, []fieldwork.JudgementRow{{Row: 1, Indicator: "PARTY", Score: "90", Basis: "改"}})
		if !errs.Is(err, errs.Conflict) {
			t.Fatalf("judging a published cycle: got %v, want Conflict", err)
		}
	})
}

// TestTasks lists a cycle's tasks by state and the open cycles' progress.
func TestTasks(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		team := f.team()
		must[*fieldwork.Interview](t)(f.field.Interview(ctx, team, f.cycleA.ID, f.keyA,
			fieldwork.NewInterview{PersonID: f.zhang.ID, HeldOn: "2026-01-11", Interviewer: "王五", Notes: "谈话"}))
		must[*fieldwork.Verification](t)(f.field.Verify(ctx, team, f.cycleA.ID, f.keyA,
			fieldwork.NewVerification{CheckedOn: "2026-01-10", Checked: "台账", Finding: "齐全"}))
		for _, tt := range []struct {
			show  fieldwork.Show
			actor string
			want  string
		}{
			{fieldwork.ShowAll, "team", "甲县 1/1/0 丙县 0/0/0"},
			{fieldwork.ShowTodo, "team", "丙县 0/0/0"},
			{fieldwork.ShowVerified, "team", "甲县 1/1/0"},
			{fieldwork.ShowInterviewed, "team", "甲县 1/1/0"},
			// Leaders see the verifications, not that anyone was interviewed.
			{fieldwork.ShowAll, "viewer", "甲县 1/0/0 丙县 0/0/0"},
			{fieldwork.ShowInterviewed, "viewer", ""},
		} {
			ts := must[*fieldwork.Tasks](t)(f.field.Tasks(ctx, f.actors[role(tt.actor)], f.cycleA.ID, tt.show))
			var got []string
			for _, r := range ts.Rows {
				got = append(got, fmt.Sprintf("%s %d/%d/%d", r.Entity.Name, r.Verifications, r.Interviews, r.Judged))
			}
			if g := strings.Join(got, " "); g != tt.want {
				t.Errorf("%s %q: got %q, want %q", tt.actor, tt.show, g, tt.want)
			}
			if ts.Entities != 2 || ts.Todo != 1 || ts.Verified != 1 || ts.Judgeable != 2 {
				t.Errorf("%s %q: progress %+v, judgeable %d", tt.actor, tt.show, ts.Progress, ts.Judgeable)
			}
		}
		ov := must[[]fieldwork.CycleProgress](t)(f.field.Overview(ctx, team))
		if len(ov) != 1 || ov[0].Cycle.ID != f.cycleA.ID || ov[0].Progress != (fieldwork.Progress{Entities: 2, Todo: 1, Verified: 1, Interviewed: 1}) {
			t.Fatalf("overview: %+v", ov)
		}
		publish(t, f, f.cycleA.ID)
		if ov := must[[]fieldwork.CycleProgress](t)(f.field.Overview(ctx, team)); len(ov) != 0 {
			t.Fatalf("overview after publication: %+v, want none", ov)
		}
	})
}
