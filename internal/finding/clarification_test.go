package finding_test

import (
	"context"
	"testing"

	"kaohe/internal/auth"
	"kaohe/internal/db"
	"kaohe/internal/db/dbtest"
	"kaohe/internal/errs"
	"kaohe/internal/finding"
)

// clearing is a good clarification.
var clearing = finding.Clarification{Kind: finding.AccusationFalse, Alleged: "违规收受礼金", Found: "经查，举报内容与事实不符",
	Conclusion: "属于诬告，予以澄清正名", PublishedOn: "2026-03-01", Audience: finding.AudienceSystem}

// TestClarify has the body or the office clear a false accusation: the
// finding is voided for good — no edit, notice, evidence, exemption or
// second clarification — the cycle's records list it voided, and each
// change is audited with its reason. Bad input and the wrong roles are
// refused and write nothing.
func TestClarify(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		fd := f.notified(t, "张三")
		written := func() int { return f.written(t) + f.count(t, "finding_clarifications") }
		before := written()
		for _, tt := range []struct {
			name string
			a    *auth.Actor
			c    finding.Clarification
			want string
		}{
			{"nothing", f.actors["jiwei"], finding.Clarification{}, "finding.kind_required@0:kind finding.clarification.alleged_required@0:alleged " +
				"finding.clarification.found_required@0:found finding.clarification.conclusion_required@0:conclusion " +
				"finding.clarification.published_on_required@0:published_on finding.audience_required@0:audience"},
			{"off the lists", f.actors["jiwei"], func() finding.Clarification {
				c := clearing
				c.Kind, c.Audience = "rumour", "world"
				return c
			}(), "finding.kind_invalid@0:kind finding.audience_invalid@0:audience"},
			{"published before the finding", f.actors["jiwei"], func() finding.Clarification {
				c := clearing
				c.PublishedOn = "2025-07-01"
				return c
			}(), "finding.clarification.published_on_early@0:published_on"},
			{"the cadre", f.actors["cadre"], clearing, "error.forbidden@0:"},
			{"another body", f.actors["shenji"], clearing, "error.not_found@0:"},
			{"the team", f.actors["team"], clearing, "error.not_found@0:"},
			{"a viewer", f.actors["viewer"], clearing, "error.not_found@0:"},
			{"a provider", f.actors["provider"], clearing, "error.not_found@0:"},
			{"an office outside", f.outsider(), clearing, "error.not_found@0:"},
		} {
			if got := problems(second(f.svc.Clarify(ctx, tt.a, fd.ID, tt.c))); got != tt.want {
				t.Errorf("%s: got %s, want %s", tt.name, got, tt.want)
			}
		}
		if n := written(); n != before {
			t.Fatalf("refused clarifications wrote %d rows", n-before)
		}

		// An exemption under review when the accusation is found false stops there.
		office := f.actors["county.office"]
		e := must[*finding.Exemption](t)(f.svc.ApplyExemption(ctx, f.actors["cadre"], fd.ID,
			finding.Application{PersonID: f.people["张三"].ID, Statement: "申请免责"}))
		c := must[*finding.Clarification](t)(f.svc.Clarify(ctx, f.actors["jiwei"], fd.ID, clearing))
		if c.Recorder != "用户jiwei" {
			t.Errorf("recorder: %q", c.Recorder)
		}
		dt := must[*finding.Detail](t)(f.svc.Get(ctx, office, fd.ID))
		if dt.Status != finding.Voided || dt.History[0].Action != "finding.void" || dt.History[1].Action != "finding.clarify" ||
			dt.History[0].Reason != clearing.Conclusion || dt.History[1].Reason != clearing.Conclusion {
			t.Fatalf("voided: %s, history %+v", dt.Status, dt.History[:2])
		}
		var recs []finding.Record
		err := d.View(ctx, func(tx *db.Tx) error {
			var err error
			recs, err = finding.Records(ctx, tx, "unit", "2025", []int64{f.units["910102"].ID})
			return err
		})
		if err != nil || len(recs) != 1 || recs[0].Status != string(finding.Voided) {
			t.Fatalf("records: %+v (%v)", recs, err)
		}

		// Voided for good: every later change is refused, and writes nothing.
		before = written() + f.count(t, "finding_exemption_steps")
		for name, err := range map[string]error{
			"update":        second(f.svc.Update(ctx, f.actors["jiwei"], fd.ID, f.draft("910102"), "复核")),
			"attach":        second(f.svc.AttachEvidence(ctx, f.actors["jiwei"], fd.ID, []finding.Upload{{Name: "a.pdf", Data: pdf}}, "")),
			"clarify again": second(f.svc.Clarify(ctx, office, fd.ID, clearing)),
			"apply":         second(f.svc.ApplyExemption(ctx, office, fd.ID, finding.Application{Statement: "申请"})),
			"verify":        second(f.svc.VerifyExemption(ctx, office, e.ID, "属实")),
		} {
			if problems(err) != "finding.closed@0:" {
				t.Errorf("%s a voided finding: got %v, want finding.closed", name, err)
			}
		}
		if n := written() + f.count(t, "finding_exemption_steps"); n != before {
			t.Errorf("changes of a voided finding wrote %d rows", n-before)
		}
		r := must[*finding.Review](t)(f.svc.Review(ctx, office, fd.ID))
		if r.Clarification == nil || r.Clarify || r.Apply || r.Next != "" {
			t.Errorf("review of a voided finding: %+v", r)
		}

		// An exempted finding may still be cleared by the office; a voided one never exempted.
		fd2 := f.notified(t, "张三")
		e2 := must[*finding.Exemption](t)(f.svc.ApplyExemption(ctx, office, fd2.ID, finding.Application{Statement: "申请"}))
		st := steps(f)
		for _, s := range finding.Steps[1:3] {
			if err := st[s](office, e2.ID); err != nil {
				t.Fatal(err)
			}
		}
		must[*finding.Clarification](t)(f.svc.Clarify(ctx, office, fd2.ID, clearing))
		if err := st[finding.StepDecided](office, e2.ID); problems(err) != "finding.closed@0:" {
			t.Errorf("exempting a voided finding: got %v", err)
		}
	})
}

// TestIntegrity reads a cadre's integrity archive: her findings with
// their state (counted, exempted, cleared), exemptions and
// clarifications — for herself (notified findings only) and the office;
// nobody else reads it.
func TestIntegrity(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		office := f.actors["county.office"]
		counted := f.notified(t, "张三")
		exempted := f.notified(t, "张三")
		cleared := f.notified(t, "张三")
		hidden := must[*finding.Finding](t)(f.svc.Create(ctx, f.actors["jiwei"], f.draft("910102", "张三"), nil))
		e := must[*finding.Exemption](t)(f.svc.ApplyExemption(ctx, f.actors["cadre"], exempted.ID,
			finding.Application{PersonID: f.people["张三"].ID, Statement: "申请免责"}))
		for _, s := range finding.Steps[1:] {
			if err := steps(f)[s](office, e.ID); err != nil {
				t.Fatal(err)
			}
		}
		must[*finding.Clarification](t)(f.svc.Clarify(ctx, office, cleared.ID, clearing))
		zhang := f.people["张三"].ID
		states := func(ar *finding.Archive) map[int64]finding.State {
			out := map[int64]finding.State{}
			for _, en := range ar.Entries {
				out[en.Finding.ID] = en.State
			}
			return out
		}
		own := must[*finding.Archive](t)(f.svc.Integrity(ctx, f.actors["cadre"], zhang))
		want := map[int64]finding.State{counted.ID: finding.StateCounted, exempted.ID: finding.StateExempted, cleared.ID: finding.StateCleared}
		if got := states(own); len(got) != 3 || got[counted.ID] != want[counted.ID] || got[exempted.ID] != want[exempted.ID] ||
			got[cleared.ID] != want[cleared.ID] {
			t.Errorf("her archive: got %v, want %v", got, want)
		}
		for _, en := range own.Entries {
			switch en.Finding.ID {
			case exempted.ID:
				if len(en.Exemptions) != 1 || en.Exemptions[0].Outcome != finding.OutcomeExempt {
					t.Errorf("exemption in the archive: %+v", en.Exemptions)
				}
			case cleared.ID:
				if en.Clarification == nil || en.Clarification.Conclusion != clearing.Conclusion {
					t.Errorf("clarification in the archive: %+v", en.Clarification)
				}
			}
		}
		for _, login := range []string{"office", "county.office"} {
			ar := must[*finding.Archive](t)(f.svc.Integrity(ctx, f.actors[login], zhang))
			if got := states(ar); len(got) != 4 || got[hidden.ID] != finding.StateCounted {
				t.Errorf("%s reads the archive: got %v, want the 4 findings", login, got)
			}
		}
		for _, a := range []*auth.Actor{f.actors["jiwei"], f.actors["team"], f.actors["viewer"], f.actors["provider"], f.outsider()} {
			if _, err := f.svc.Integrity(ctx, a, zhang); !errs.Is(err, errs.NotFound) {
				t.Errorf("%s reads the archive: got %v, want NotFound", a.Login, err)
			}
		}
		// Another cadre's archive is not hers.
		if _, err := f.svc.Integrity(ctx, f.actors["cadre"], f.people["赵六"].ID); !errs.Is(err, errs.NotFound) {
			t.Errorf("the cadre reads another's archive: got %v, want NotFound", err)
		}
	})
}
