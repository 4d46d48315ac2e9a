package finding_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"kaohe/internal/db"
	"kaohe/internal/db/dbtest"
	"kaohe/internal/errs"
	"kaohe/internal/finding"
)

// TestBodyJurisdiction has every body record a finding about each unit,
// naming each cadre: inside its jurisdiction it is recorded; a unit or a
// cadre outside answers NotFound — as a unit that does not exist — and
// writes nothing. A department body's jurisdiction is its region (甲市
// for the city's 纪委监委 and 审计局, 甲县 for the county's 巡察办); a
// cadre must have served in the finding's unit (张三 was 丙县's deputy
// head, so a finding about 丙县 may name him).
func TestBodyJurisdiction(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		type target struct {
			unit   string
			person string
		}
		targets := []target{{"910102", ""}, {"910102001", ""}, {"910103", ""}, {"910100-SJJ", ""}, {"910202", ""},
			{"910102", "张三"}, {"910102", "赵六"}, {"910103", "张三"}, {"910103", "王五"}, {"910102", "王五"}, {"910102", "李四"},
			{"910202", "李四"}}
		// want is the answer per target, in the order of targets.
		want := map[string]string{
			"jiwei":    "yyyyn yyyyn nn",
			"shenji":   "yyyyn yyyyn nn",
			"xuncha":   "yynnn yynnn nn",
			"yi.jiwei": "nnnny nnnnn ny",
		}
		for login, w := range want {
			w = strings.ReplaceAll(w, " ", "")
			for i, tg := range targets {
				before := f.written(t)
				var people []string
				if tg.person != "" {
					people = []string{tg.person}
				}
				_, err := f.svc.Create(ctx, f.actors[login], f.draft(tg.unit, people...), nil)
				if got := answer(err); got != w[i] {
					t.Errorf("%s records about %s naming %q: got %c (%v), want %c", login, tg.unit, tg.person, got, err, w[i])
				}
				if err != nil && f.written(t) != before {
					t.Errorf("%s about %s: a refused finding wrote rows", login, tg.unit)
				}
				if err != nil && errs.Is(err, errs.Forbidden) {
					t.Errorf("%s about %s: Forbidden leaks that the unit exists", login, tg.unit)
				}
			}
		}
		// Other roles record nothing; the system names the body.
		for _, login := range []string{"office", "team", "provider", "viewer", "cadre"} {
			dr := f.draft("910102")
			if _, err := f.svc.Create(ctx, f.actors[login], dr, nil); !errs.Is(err, errs.Forbidden) {
				t.Errorf("%s without a body: got %v, want Forbidden", login, err)
			}
			dr.BodyID = f.bodyIDs["jiwei"]
			if _, err := f.svc.Create(ctx, f.actors[login], dr, nil); err == nil {
				t.Errorf("%s recorded a finding as 甲市纪委监委", login)
			}
		}
		dr := f.draft("910102")
		dr.BodyID = f.bodyIDs["xuncha"]
		fd := must[*finding.Finding](t)(f.svc.Create(ctx, sys, dr, nil))
		if fd.Body != "甲县委巡察办" || fd.Unit != "甲县" || fd.Status != finding.Active || fd.Notified() {
			t.Errorf("recorded by the system: %+v", fd)
		}
	})
}

// TestReadPolicy records findings by each body and tries every read and
// change as every actor: a body reads and changes its own findings only;
// the office reads every finding about its scope, whichever body recorded
// it, and changes none; the cadre reads those that name her once they are
// notified; the team, leaders and providers read none. A finding the
// actor may not read answers NotFound, never Forbidden.
func TestReadPolicy(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		rec := func(login, code string, people ...string) *finding.Finding {
			t.Helper()
			return must[*finding.Finding](t)(f.svc.Create(ctx, f.actors[login], f.draft(code, people...), nil))
		}
		// The findings, in the order of the letters below.
		fs := []*finding.Finding{
			rec("jiwei", "910102", "张三"), // a: names the cadre, notified below
			rec("jiwei", "910102", "张三"), // b: names the cadre, not notified
			rec("shenji", "910103"),      // c
			rec("xuncha", "910102001", "赵六"),
			rec("yi.jiwei", "910202", "李四"), // e: another city
		}
		must[*finding.Finding](t)(f.svc.Notify(ctx, f.actors["jiwei"], fs[0].ID, "2025-08-01", "书面反馈"))
		must[*finding.Finding](t)(f.svc.Notify(ctx, f.actors["yi.jiwei"], fs[4].ID, "", ""))
		// want is, per actor, the answer of Get then of Update for each
		// finding a–e.
		want := map[string][2]string{
			"jiwei":         {"yynnn", "yynnn"},
			"shenji":        {"nnynn", "nnynn"},
			"xuncha":        {"nnnyn", "nnnyn"},
			"yi.jiwei":      {"nnnny", "nnnny"},
			"office":        {"yyyyn", "ffffn"},
			"county.office": {"yynyn", "ffnfn"},
			"cadre":         {"ynnnn", "fnnnn"},
			"team":          {"nnnnn", "nnnnn"},
			"provider":      {"nnnnn", "nnnnn"},
			"viewer":        {"nnnnn", "nnnnn"},
		}
		for login, w := range want {
			a := f.actors[login]
			var readable []int64
			for i, fd := range fs {
				_, err := f.svc.Get(ctx, a, fd.ID)
				if got := answer(err); got != w[0][i] {
					t.Errorf("%s reads finding %c: got %c (%v), want %c", login, 'a'+i, got, err, w[0][i])
				}
				if err == nil {
					readable = append(readable, fd.ID)
				}
				before := f.written(t)
				dr := finding.Draft{Source: fd.Source, Category: fd.Category, Severity: finding.SeverityMajor, FoundOn: fd.FoundOn,
					Reference: fd.Reference, Title: fd.Title, Description: fd.Description, UnitID: fd.UnitID, PersonIDs: fd.PersonIDs()}
				_, err = f.svc.Update(ctx, a, fd.ID, dr, "复核更正")
				if got := answer(err); got != w[1][i] {
					t.Errorf("%s changes finding %c: got %c (%v), want %c", login, 'a'+i, got, err, w[1][i])
				}
				if err != nil && f.written(t) != before {
					t.Errorf("%s: a refused change wrote rows", login)
				}
				for _, op := range []func() error{
					func() error { _, err := f.svc.Notify(ctx, a, fd.ID, "", ""); return err },
					func() error {
						_, err := f.svc.AttachEvidence(ctx, a, fd.ID, []finding.Upload{{Name: "a.pdf", Data: pdf}}, "")
						return err
					},
				} {
					if w[1][i] != 'y' {
						if err := op(); answer(err) != w[1][i] {
							t.Errorf("%s notifies or attaches to finding %c: got %v, want %c", login, 'a'+i, err, w[1][i])
						}
					}
				}
			}
			// The list holds exactly what the actor reads.
			l, err := f.svc.List(ctx, a, finding.Filter{})
			if len(readable) == 0 {
				if err == nil || !errs.Is(err, errs.Forbidden) {
					t.Errorf("%s lists findings: got %v, want Forbidden", login, err)
				}
				continue
			}
			if err != nil {
				t.Fatalf("%s lists findings: %v", login, err)
			}
			var got []int64
			for _, fd := range l.Findings {
				got = append(got, fd.ID)
			}
			slices.Sort(got)
			slices.Sort(readable)
			if !slices.Equal(got, readable) || l.Total != len(readable) {
				t.Errorf("%s lists %v (total %d), want %v", login, got, l.Total, readable)
			}
		}
		// The cadre sees herself alone among the people, and no history.
		dt := must[*finding.Detail](t)(f.svc.Get(ctx, f.actors["cadre"], fs[0].ID))
		if !dt.Named || dt.History != nil || len(dt.People) != 1 || dt.People[0].Name != "张三" || dt.Write {
			t.Errorf("the cadre's finding: named %v, history %d, people %+v, write %v", dt.Named, len(dt.History), dt.People, dt.Write)
		}
		// The office's list of the cadre's findings, by person.
		l := must[*finding.List](t)(f.svc.List(ctx, f.actors["office"], finding.Filter{PersonID: f.people["张三"].ID}))
		if l.Total != 2 || l.Notified != 1 {
			t.Errorf("the office's findings naming 张三: total %d, notified %d; want 2, 1", l.Total, l.Notified)
		}
		// A unit filter outside the actor's sight is not found.
		if _, err := f.svc.List(ctx, f.actors["xuncha"], finding.Filter{Under: f.units["910103"].ID}); !errs.Is(err, errs.NotFound) {
			t.Errorf("xuncha filters by 丙县: got %v, want NotFound", err)
		}
		// Evidence follows its finding.
		files := must[[]*finding.File](t)(f.svc.AttachEvidence(ctx, f.actors["jiwei"], fs[0].ID, []finding.Upload{{Name: "反馈意见.pdf", Data: pdf}}, "补充材料"))
		for login, w := range map[string]byte{"jiwei": 'y', "office": 'y', "cadre": 'y', "shenji": 'n', "team": 'n', "viewer": 'n', "yi.jiwei": 'n'} {
			_, data, err := f.svc.EvidenceFile(ctx, f.actors[login], files[0].ID)
			if got := answer(err); got != w || (err == nil && string(data) != string(pdf)) {
				t.Errorf("%s reads the evidence: got %c (%v), want %c", login, got, err, w)
			}
		}
	})
}
