package fieldwork_test

import (
	"context"
	"testing"

	"kaohe/internal/auth"
	"kaohe/internal/db"
	"kaohe/internal/db/dbtest"
	"kaohe/internal/errs"
	"kaohe/internal/fieldwork"
)

// answer is y allowed, f Forbidden, n NotFound.
func answer(err error) byte {
	switch {
	case err == nil:
		return 'y'
	case errs.Is(err, errs.Forbidden):
		return 'f'
	case errs.Is(err, errs.NotFound):
		return 'n'
	}
	return '?'
}

// fieldWant is the expected answer per role for each operation, on 甲县 of
// cycle A (inside every grant of 甲市) then on 乙县 of cycle B (outside):
// the task list, the entity's record, its interviews (y when the record
// shows them), a verification, an interview, a judgement and an evidence
// file. Written out by hand from the brief: the team records; the office
// and leaders read; interviews only the team and the office; the others
// nothing.
var fieldWant = map[auth.Role]map[string]string{
	auth.RoleOffice: {"tasks": "yn", "record": "yn", "interviews": "yn", "verify": "fn", "interview": "fn", "judge": "fn", "file": "yn"},
	auth.RoleTeam:   {"tasks": "yn", "record": "yn", "interviews": "yn", "verify": "yn", "interview": "yn", "judge": "yn", "file": "yn"},
	auth.RoleViewer: {"tasks": "yn", "record": "yn", "interviews": "fn", "verify": "fn", "interview": "fn", "judge": "fn", "file": "yn"},
	// Who may do nothing with field work is told of none, in its sight or
	// not (decision 0161).
	auth.RoleProvider:      {"tasks": "nn", "record": "nn", "interviews": "nn", "verify": "nn", "interview": "nn", "judge": "nn", "file": "nn"},
	auth.RoleSupervisor:    {"tasks": "nn", "record": "nn", "interviews": "nn", "verify": "nn", "interview": "nn", "judge": "nn", "file": "nn"},
	auth.RoleCadre:         {"tasks": "nn", "record": "nn", "interviews": "nn", "verify": "nn", "interview": "nn", "judge": "nn", "file": "nn"},
	auth.RoleServiceReview: {"tasks": "nn", "record": "nn", "interviews": "nn", "verify": "nn", "interview": "nn", "judge": "nn", "file": "nn"},
}

// TestPolicy tries every operation as every role on an entity inside its
// jurisdiction and one outside, and checks that a refused change writes
// nothing.
func TestPolicy(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		// One verification with a file and one interview on each side, by
		// the system, for the reads.
		files := map[int64]int64{}
		for _, c := range []struct {
			cycle  int64
			key    string
			person int64
		}{{f.cycleA.ID, f.keyA, f.zhang.ID}, {f.cycleB.ID, f.keyB, f.li.ID}} {
			v := must[*fieldwork.Verification](t)(f.field.Verify(ctx, sys, c.cycle, c.key, fieldwork.NewVerification{CheckedOn: "2026-01-10",
				Checked: "党建工作台账", Finding: "台账齐全", Files: []fieldwork.Upload{{Name: "台账.pdf", Data: pdf}}}))
			files[c.cycle] = v.Files[0].ID
			must[*fieldwork.Interview](t)(f.field.Interview(ctx, sys, c.cycle, c.key, fieldwork.NewInterview{PersonID: c.person,
				HeldOn: "2026-01-11", Interviewer: "考核组 王五", Notes: "谈话内容"}))
		}
		written := func() int {
			return f.count(t, "verifications") + f.count(t, "interviews") + f.count(t, "judgements") + f.count(t, "data_values")
		}
		for _, role := range auth.Roles {
			a := f.actors[role]
			for side, target := range []struct {
				cycle  int64
				key    string
				person int64
			}{{f.cycleA.ID, f.keyA, f.zhang.ID}, {f.cycleB.ID, f.keyB, f.li.ID}} {
				before := written()
				ops := map[string]func() error{
					"tasks":  func() error { _, err := f.field.Tasks(ctx, a, target.cycle, fieldwork.ShowAll); return err },
					"record": func() error { _, err := f.field.Record(ctx, a, target.cycle, target.key); return err },
					"interviews": func() error {
						r, err := f.field.Record(ctx, a, target.cycle, target.key)
						if err != nil {
							return err
						}
						if !r.MayInterviews || len(r.Interviews) == 0 {
							if len(r.Interviews) != 0 {
								t.Errorf("%s: interviews listed without the right to read them", role)
							}
							return errs.New(errs.Forbidden, auth.KeyForbidden, "hidden")
						}
						return nil
					},
					"verify": func() error {
						_, err := f.field.Verify(ctx, a, target.cycle, target.key, fieldwork.NewVerification{CheckedOn: "2026-01-12",
							Checked: "工作实绩", Finding: "与台账不符", Item: "PERF", Value: "65", Reason: "重复统计"})
						return err
					},
					"interview": func() error {
						_, err := f.field.Interview(ctx, a, target.cycle, target.key, fieldwork.NewInterview{PersonID: target.person,
							HeldOn: "2026-01-12", Interviewer: "王五", Notes: "谈话"})
						return err
					},
					"judge": func() error {
						_, err := f.field.Judge(ctx, a, target.cycle, target.key, []fieldwork.JudgementRow{{Row: 1, Indicator: "PARTY", Score: "80", Basis: "依据"}})
						return err
					},
					"file": func() error { _, _, err := f.field.EvidenceFile(ctx, a, files[target.cycle]); return err },
				}
				for _, op := range []string{"tasks", "record", "interviews", "verify", "interview", "judge", "file"} {
					want := fieldWant[role][op]
					err := ops[op]()
					if got := answer(err); got != want[side] {
						t.Errorf("%s %s on side %d: got %c (%v), want %c", role, op, side, got, err, want[side])
					}
				}
				if role != auth.RoleTeam || side == 1 {
					if n := written(); n != before {
						t.Errorf("%s on side %d: refused changes wrote %d rows", role, side, n-before)
					}
				}
			}
		}
	})
}
