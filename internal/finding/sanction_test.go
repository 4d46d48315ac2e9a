package finding_test

import (
	"context"
	"maps"
	"strings"
	"testing"

	"kaohe/internal/auth"
	"kaohe/internal/db"
	"kaohe/internal/db/dbtest"
	"kaohe/internal/finding"
)

// TestEffectPeriods checks the default effect periods, the end computed
// from them, the visits scheduled and the override of the defaults.
func TestEffectPeriods(t *testing.T) {
	svc := finding.NewService(nil, auth.Policy{})
	for _, tt := range []struct {
		kind      finding.SanctionKind
		months    int
		from, end string
		schedule  string
	}{
		{finding.KindAdmonish, 6, "2025-03-10", "2025-09-09", "talk 2025-04-10, visit 2025-09-09"},
		{finding.KindOrganisational, 6, "2025-03-10", "2025-09-09", "talk 2025-04-10, visit 2025-09-09"},
		{finding.KindWarning, 6, "2025-08-31", "2026-02-27", "talk 2025-09-30, visit 2026-02-27"},
		{finding.KindDemerit, 12, "2025-01-01", "2025-12-31", "talk 2025-02-01, visit 2025-07-01, visit 2025-12-31"},
		{finding.KindGraveDemerit, 18, "2024-02-29", "2025-08-28",
			"talk 2024-03-29, visit 2024-08-29, visit 2025-02-28, visit 2025-08-28"},
		{finding.KindDemotion, 24, "2025-01-15", "2027-01-14",
			"talk 2025-02-15, visit 2025-07-15, visit 2026-01-15, visit 2026-07-15, visit 2027-01-14"},
		{finding.KindDismissal, 24, "2025-01-15", "2027-01-14",
			"talk 2025-02-15, visit 2025-07-15, visit 2026-01-15, visit 2026-07-15, visit 2027-01-14"},
		{finding.KindInvestigation, 0, "2025-01-15", "", "talk 2025-02-15"},
	} {
		if got := svc.Period(tt.kind); got != tt.months {
			t.Errorf("%s: period %d months, want %d", tt.kind, got, tt.months)
		}
		end := ""
		if tt.months > 0 {
			var err error
			if end, err = finding.EffectEnd(tt.from, tt.months); err != nil {
				t.Fatal(err)
			}
		}
		if end != tt.end {
			t.Errorf("%s from %s: ends %s, want %s", tt.kind, tt.from, end, tt.end)
		}
		var parts []string
		for _, fu := range finding.ScheduleFor(&finding.Sanction{Kind: tt.kind, DecidedOn: tt.from, EffectiveFrom: tt.from, EffectiveTo: end}) {
			parts = append(parts, string(fu.Kind)+" "+fu.DueOn)
		}
		if got := strings.Join(parts, ", "); got != tt.schedule {
			t.Errorf("%s: schedule %q, want %q", tt.kind, got, tt.schedule)
		}
	}
	// Configuration overrides a default, and refuses nonsense.
	if err := svc.SetPeriods(map[finding.SanctionKind]int{finding.KindWarning: 12}); err != nil {
		t.Fatal(err)
	}
	if svc.Period(finding.KindWarning) != 12 || svc.Period(finding.KindDemerit) != 12 || svc.Period(finding.KindAdmonish) != 6 {
		t.Errorf("after SetPeriods: 警告 %d, 记过 %d, 诫勉 %d; want 12, 12, 6", svc.Period(finding.KindWarning),
			svc.Period(finding.KindDemerit), svc.Period(finding.KindAdmonish))
	}
	for _, bad := range []map[finding.SanctionKind]int{{finding.KindInvestigation: 6}, {"fine": 6}, {finding.KindWarning: 0},
		{finding.KindWarning: 121}} {
		if err := svc.SetPeriods(bad); err == nil {
			t.Errorf("SetPeriods(%v) is accepted", bad)
		}
	}
	if finding.DefaultPeriods[finding.KindWarning] != 6 {
		t.Error("SetPeriods changed the defaults")
	}
}

// warning is a good 警告 of the cadre, decided on day.
func (f *fixture) warning(name, day string) finding.Sanction {
	return finding.Sanction{PersonID: f.people[name].ID, Kind: finding.KindWarning, DecidedOn: day, Reference: "甲纪发〔2025〕12号",
		Body: "甲市纪委监委"}
}

// TestSanctions records sanctions, their follow-ups and reminders, and
// reads the flags a cycle sets from them. Today is 2026-03-02.
func TestSanctions(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		office, cadre := f.actors["office"], f.actors["cadre"]
		zhang := f.people["张三"].ID

		// A 警告 following a finding that names her: effect to 2026-05-31,
		// a talk due 2026-01-01 (overdue today) and a visit on 2026-05-31.
		fd := must[*finding.Finding](t)(f.svc.Create(ctx, f.actors["jiwei"], f.draft("910102", "张三"), nil))
		in := f.warning("张三", "2025-12-01")
		in.FindingID = fd.ID
		sn := must[*finding.Sanction](t)(f.svc.RecordSanction(ctx, office, in))
		if sn.EffectiveFrom != "2025-12-01" || sn.EffectiveTo != "2026-05-31" || sn.Status != finding.SanctionActive || len(sn.FollowUps) != 2 {
			t.Fatalf("recorded %+v", sn)
		}
		overdue := func(a *auth.Actor) string {
			t.Helper()
			fus := must[[]*finding.FollowUp](t)(f.svc.OverdueFollowUps(ctx, a))
			var parts []string
			for _, fu := range fus {
				parts = append(parts, fu.Person+" "+string(fu.Kind)+" "+fu.DueOn)
			}
			return strings.Join(parts, ", ")
		}
		if got := overdue(office); got != "张三 talk 2026-01-01" {
			t.Errorf("overdue: %q", got)
		}
		for _, login := range []string{"county.office", "team", "viewer", "cadre", "jiwei", "yi.jiwei"} {
			want := ""
			if login == "county.office" {
				want = "张三 talk 2026-01-01"
			}
			if got := overdue(f.actors[login]); got != want {
				t.Errorf("%s sees overdue %q, want %q", login, got, want)
			}
		}
		// The talk done: no longer overdue; a second record refuses.
		talk := sn.FollowUps[0].ID
		fu := must[*finding.FollowUp](t)(f.svc.RecordFollowUp(ctx, office, talk, "2026-01-05", "谈话中本人表示认识到错误，已整改。"))
		if fu.DoneOn != "2026-01-05" || fu.User != office.Name {
			t.Errorf("follow-up: %+v", fu)
		}
		if got := overdue(office); got != "" {
			t.Errorf("overdue after the talk: %q", got)
		}
		if _, err := f.svc.RecordFollowUp(ctx, office, talk, "2026-01-06", "再谈"); problems(err) != "sanction.follow_up_done@0:" {
			t.Errorf("second record: %s", problems(err))
		}
		for _, tt := range []struct{ day, notes, want string }{
			{"2025-11-30", "谈话", "sanction.done_on_early@0:done_on"},
			{"2026-03-03", "谈话", "sanction.done_on_future@0:done_on"},
			{"2026-03-01", "", "sanction.notes_required@0:notes"},
		} {
			if _, err := f.svc.RecordFollowUp(ctx, office, sn.FollowUps[1].ID, tt.day, tt.notes); problems(err) != tt.want {
				t.Errorf("follow-up %s %q: %s, want %s", tt.day, tt.notes, problems(err), tt.want)
			}
		}

		// Bad sanctions.
		for _, tt := range []struct {
			mod  func(s *finding.Sanction)
			want string
		}{
			{func(s *finding.Sanction) { s.Kind = "" }, "sanction.kind_required@0:kind"},
			{func(s *finding.Sanction) { s.Kind = "fine" }, "sanction.kind_invalid@0:kind"},
			{func(s *finding.Sanction) { s.DecidedOn = "2026-03-03" }, "sanction.decided_on_future@0:decided_on"},
			{func(s *finding.Sanction) { s.EffectiveFrom = "2025-11-30" }, "sanction.effective_from_early@0:effective_from"},
			{func(s *finding.Sanction) { s.Reference, s.Body = "", " " }, "sanction.reference_required@0:reference sanction.body_required@0:body"},
			{func(s *finding.Sanction) { s.FindingID = 42 }, "sanction.finding_unknown@0:finding_id"},
			{func(s *finding.Sanction) { s.PersonID = f.people["赵六"].ID; s.FindingID = fd.ID }, "sanction.finding_other@0:finding_id"},
		} {
			s := f.warning("张三", "2025-12-01")
			tt.mod(&s)
			if _, err := f.svc.RecordSanction(ctx, office, s); problems(err) != tt.want {
				t.Errorf("bad sanction: %s, want %s", problems(err), tt.want)
			}
		}

		// A configured period applies to sanctions recorded from then on.
		if err := f.svc.SetPeriods(map[finding.SanctionKind]int{finding.KindDemerit: 9}); err != nil {
			t.Fatal(err)
		}
		dm := f.warning("王五", "2025-02-01")
		dm.Kind = finding.KindDemerit
		if s := must[*finding.Sanction](t)(f.svc.RecordSanction(ctx, office, dm)); s.EffectiveTo != "2025-10-31" {
			t.Errorf("记过 of 9 months ends %s, want 2025-10-31", s.EffectiveTo)
		}
		// An investigation has no end until it is closed.
		inv := f.warning("赵六", "2026-02-01")
		inv.Kind = finding.KindInvestigation
		is := must[*finding.Sanction](t)(f.svc.RecordSanction(ctx, office, inv))
		if is.EffectiveTo != "" || len(is.FollowUps) != 1 {
			t.Errorf("investigation: %+v", is)
		}

		flags := func(period string) string {
			t.Helper()
			var out []string
			err := d.View(ctx, func(tx *db.Tx) error {
				fs, err := finding.SanctionFlagsOf(ctx, tx, period, []int64{zhang, f.people["王五"].ID, f.people["赵六"].ID})
				for _, fl := range fs {
					for n, p := range f.people {
						if p.ID == fl.PersonID {
							out = append(out, n+" "+fl.Flag)
						}
					}
				}
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			return strings.Join(out, ", ")
		}
		// By person ID: 张三, 赵六, 王五 as created. 王五's 记过 ran from
		// 2025-02-01 to 2025-10-31, 张三's 警告 from 2025-12-01.
		for _, tt := range []struct{ period, want string }{
			{"2024", ""},
			{"2025", "张三 sanction_warning, 王五 sanction_grave"},
			{"2025Q4", "张三 sanction_warning, 王五 sanction_grave"},
			{"2025-11", ""},
			{"2026", "张三 sanction_warning, 赵六 under_investigation"},
			{"2026Q3", "赵六 under_investigation"},
		} {
			if got := flags(tt.period); got != tt.want {
				t.Errorf("flags of %s: %q, want %q", tt.period, got, tt.want)
			}
		}

		// Closing the investigation ends its flag; lifting twice refuses.
		must[*finding.Sanction](t)(f.svc.LiftSanction(ctx, office, is.ID, "2026-03-01", "经审查，问题不成立，予以结案。"))
		if got := flags("2026"); got != "张三 sanction_warning" {
			t.Errorf("flags of 2026 after closing: %q", got)
		}
		if _, err := f.svc.LiftSanction(ctx, office, is.ID, "2026-03-02", "再次"); problems(err) != "sanction.lifted@0:" {
			t.Errorf("lift twice: %s", problems(err))
		}
		if _, err := f.svc.LiftSanction(ctx, office, sn.ID, "2025-11-01", ""); problems(err) !=
			"sanction.lifted_on_early@0:lifted_on sanction.reason_required@0:reason" {
			t.Errorf("bad lift: %s", problems(err))
		}

		// The cadre reads her own sanctions, with the follow-ups.
		mine := must[[]*finding.Sanction](t)(f.svc.Sanctions(ctx, cadre, 0))
		if len(mine) != 1 || mine[0].ID != sn.ID || len(mine[0].FollowUps) != 2 || mine[0].FollowUps[0].Notes == "" {
			t.Errorf("the cadre reads %+v", mine)
		}
		all := must[[]*finding.Sanction](t)(f.svc.Sanctions(ctx, office, 0))
		if len(all) != 3 {
			t.Errorf("the office reads %d sanctions, want 3", len(all))
		}
		var n int
		if err := d.SQL.QueryRow(`SELECT count(*) FROM audit_log WHERE object_type = 'sanction'`).Scan(&n); err != nil || n != 5 {
			t.Errorf("%d sanction audit events (%v), want 5: three records, one follow-up, one lift", n, err)
		}
	})
}

// TestSanctionRoles tries every call as every role, inside and outside
// its jurisdiction: y allowed, f forbidden, n not found. 张三 is a cadre
// of 甲县 (甲市); only the offices above her and she herself (reading)
// are allowed; who may do nothing with sanctions — the team, providers,
// leaders, the supervisory bodies — is not told that any exist.
func TestSanctionRoles(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		office := f.actors["office"]
		zhang := f.people["张三"].ID
		logins := []string{"office", "county.office", "team", "provider", "viewer", "cadre", "jiwei", "xuncha", "yi.jiwei"}
		calls := []struct {
			name string
			want string
			call func(a *auth.Actor) error
		}{
			{"record", "yynnnfnnn", func(a *auth.Actor) error {
				_, err := f.svc.RecordSanction(ctx, a, f.warning("张三", "2025-12-01"))
				return err
			}},
			{"read", "yynnnynnn", func(a *auth.Actor) error {
				_, err := f.svc.Sanctions(ctx, a, zhang)
				return err
			}},
			{"follow-up", "yynnnfnnn", func(a *auth.Actor) error {
				sn := must[*finding.Sanction](t)(f.svc.RecordSanction(ctx, office, f.warning("张三", "2025-12-01")))
				_, err := f.svc.RecordFollowUp(ctx, a, sn.FollowUps[0].ID, "2026-01-02", "谈话")
				return err
			}},
			{"lift", "yynnnfnnn", func(a *auth.Actor) error {
				sn := must[*finding.Sanction](t)(f.svc.RecordSanction(ctx, office, f.warning("张三", "2025-12-01")))
				_, err := f.svc.LiftSanction(ctx, a, sn.ID, "2026-03-01", "影响期内表现良好")
				return err
			}},
		}
		for _, c := range calls {
			var got []byte
			for _, l := range logins {
				got = append(got, answer(c.call(f.actors[l])))
			}
			if string(got) != c.want {
				t.Errorf("%s: %s, want %s (%s)", c.name, got, c.want, strings.Join(logins, " "))
			}
		}
		// Lists: only the offices and the cadre see any.
		for _, l := range logins {
			sns := must[[]*finding.Sanction](t)(f.svc.Sanctions(ctx, f.actors[l], 0))
			want := 0
			switch l {
			case "office", "county.office", "cadre":
				want = len(must[[]*finding.Sanction](t)(f.svc.Sanctions(ctx, office, 0)))
			}
			if len(sns) != want {
				t.Errorf("%s lists %d sanctions, want %d", l, len(sns), want)
			}
		}
		if _, err := f.svc.Sanctions(ctx, nil, 0); err == nil {
			t.Error("signed out: a list")
		}
	})
}

func TestParsePeriods(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want map[finding.SanctionKind]int
		bad  bool
	}{
		{"", map[finding.SanctionKind]int{}, false},
		{"warning=3, demerit=9", map[finding.SanctionKind]int{finding.KindWarning: 3, finding.KindDemerit: 9}, false},
		{"warning", nil, true},
		{"warning=x", nil, true},
		{"warning=0", nil, true},
		{"warning=121", nil, true},
		{"investigation=6", nil, true},
		{"probation=6", nil, true},
	} {
		got, err := finding.ParsePeriods(tc.in)
		if (err != nil) != tc.bad || (!tc.bad && !maps.Equal(got, tc.want)) {
			t.Errorf("ParsePeriods(%q) = %v, %v; want %v, error %t", tc.in, got, err, tc.want, tc.bad)
		}
	}
}
