package track_test

import (
	"context"
	"testing"

	"kaohe/internal/auth"
	"kaohe/internal/db"
	"kaohe/internal/db/dbtest"
	"kaohe/internal/track"
)

// TestPolicy tries every action of the package as every role inside and
// outside its jurisdiction, on 甲县 and its county head 张三: y allowed, f
// Forbidden (seen, not allowed), n NotFound (out of sight, like an object
// that does not exist). A refused call writes nothing.
func TestPolicy(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)

		approved := func() *track.Commitment {
			t.Helper()
			c := must[*track.Commitment](t)(f.svc.File(ctx, sys, f.teamDraft()))
			must[*track.Commitment](t)(f.svc.Approve(ctx, sys, c.ID, ""))
			return c
		}
		proved := approved()
		must[*track.Report](t)(f.svc.Prove(ctx, sys, proved.ID, "完成", "121", nil))
		actions := []struct {
			name string
			do   func(a *auth.Actor) error
		}{
			{"file the team's", func(a *auth.Actor) error { _, err := f.svc.File(ctx, a, f.teamDraft()); return err }},
			{"file 张三's", func(a *auth.Actor) error { _, err := f.svc.File(ctx, a, f.cadreDraft()); return err }},
			{"read", func(a *auth.Actor) error { _, err := f.svc.Get(ctx, a, proved.ID); return err }},
			{"approve", func(a *auth.Actor) error {
				c := must[*track.Commitment](t)(f.svc.File(ctx, sys, f.teamDraft()))
				_, err := f.svc.Approve(ctx, a, c.ID, "")
				return err
			}},
			{"report", func(a *auth.Actor) error {
				_, err := f.svc.Progress(ctx, a, approved().ID, "进展", "", nil)
				return err
			}},
			{"verify", func(a *auth.Actor) error { _, err := f.svc.Verify(ctx, a, proved.ID, track.Done, "核实"); return err }},
			{"set a monitor", func(a *auth.Actor) error {
				_, err := f.svc.SetMonitor(ctx, a, track.MonitorDraft{UnitID: f.units["910102"].ID, ItemCode: "IND_VALUE", Year: 2025,
					Method: track.Linear, Target: "100"})
				return err
			}},
		}
		want := map[string]string{
			"office":        "yyyyyfy",
			"county.office": "yyyyyfy",
			"yi.office":     "nnnnnnn",
			"team":          "ffyffyf",
			"yi.team":       "nnnnnnn",
			"provider":      "nnnnnnn",
			"viewer":        "ffyffff",
			"cadre":         "yyyfyff",
			"wang":          "nnnnnnn",
		}
		for login, w := range want {
			for i, act := range actions {
				before := f.written(t)
				err := act.do(f.actors[login])
				if got := answer(err); got != w[i] {
					t.Errorf("%s: %s: got %c (%v), want %c", login, act.name, got, err, w[i])
				}
				if err != nil && i != 3 && i != 4 && f.written(t) != before {
					t.Errorf("%s: %s: refused, but wrote rows", login, act.name)
				}
			}
		}
		// The board: each sees the commitments of its scope only.
		for login, n := range map[string]int{"office": 1, "yi.office": 0, "viewer": 1, "wang": 0, "provider": 0, "cadre": 1} {
			cs, _, err := f.svc.Board(ctx, f.actors[login], track.Filter{Stage: track.StageVerified})
			if err != nil || len(cs) != n {
				t.Errorf("%s's board: %d verified (%v), want %d", login, len(cs), err, n)
			}
		}
	})
}
