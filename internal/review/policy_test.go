package review_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"kaohe/internal/auth"
	"kaohe/internal/db"
	"kaohe/internal/db/dbtest"
	"kaohe/internal/errs"
	"kaohe/internal/review"
)

// TestPolicy tries every service call as every role on an object of 甲县
// (inside the city office's, the county's and its administrator's
// jurisdiction) and of 丙县 (outside the county's): y allowed, f
// Forbidden, n NotFound. A refused call writes nothing.
func TestPolicy(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		must[*review.Receipt](t)(f.svc.Submit(ctx, f.submit("C001", review.Unsatisfied, "慢")))
		bing := f.items["910103/110"]
		must[*review.Receipt](t)(f.svc.Submit(ctx, review.Submission{ItemID: bing.ID, Number: "B001", Channel: review.ChannelQR,
			Level: review.Unsatisfied, Comment: "慢"}))
		orderIn, orderOut := f.orderOf(t, "C001"), f.orderOf(t, "B001")
		var reviewIn, reviewOut int64
		for num, dst := range map[string]*int64{"C001": &reviewIn, "B001": &reviewOut} {
			if err := d.SQL.QueryRow(`SELECT r.id FROM reviews r JOIN review_cases c ON c.id = r.case_id WHERE c.number = $1`, num).Scan(dst); err != nil {
				t.Fatal(err)
			}
		}
		in, out := f.units["910102"].ID, f.units["910103"].ID
		n := 0
		type call struct {
			name string
			run  func(a *auth.Actor, unit, order, rv int64) error
		}
		calls := []call{
			{"save item", func(a *auth.Actor, unit, _, _ int64) error {
				_, err := f.svc.SaveItem(ctx, a, review.Item{UnitID: unit, Code: "990", Name: "测试事项"})
				return err
			}},
			{"import cases", func(a *auth.Actor, unit, _, _ int64) error {
				n++
				_, err := f.svc.ImportCases(ctx, a, unit, []review.CaseIn{{Number: fmt.Sprintf("N%d", n), Item: "110", FinishedOn: "2026-02-27",
					Channel: "qr"}}, "测试")
				return err
			}},
			{"items", func(a *auth.Actor, unit, _, _ int64) error { _, err := f.svc.Items(ctx, a, unit); return err }},
			{"invitations", func(a *auth.Actor, unit, _, _ int64) error { _, err := f.svc.Invitations(ctx, a, unit, 10); return err }},
			{"metrics", func(a *auth.Actor, unit, _, _ int64) error {
				_, err := f.svc.UnitMetrics(ctx, a, unit, "2026")
				return err
			}},
			{"order", func(a *auth.Actor, _, order, _ int64) error { _, err := f.svc.Order(ctx, a, order); return err }},
			{"advance", func(a *auth.Actor, _, order, _ int64) error {
				_, err := f.svc.Advance(ctx, a, order, review.Step{To: review.Rectifying, Note: "越级"})
				if errs.Is(err, errs.Conflict) {
					return nil // allowed, and refused as out of order
				}
				return err
			}},
			{"appeal", func(a *auth.Actor, _, _, rv int64) error {
				_, err := f.svc.FileAppeal(ctx, a, rv, review.Mistaken, "评价人办理的是其他事项")
				if errs.Is(err, errs.Conflict) {
					return nil // allowed, and the review already has its appeal
				}
				return err
			}},
			{"publish", func(a *auth.Actor, unit, _, _ int64) error {
				_, err := f.svc.PublishMetrics(ctx, a, unit, "2026")
				return err
			}},
			{"escalate", func(a *auth.Actor, unit, _, _ int64) error { _, err := f.svc.Escalate(ctx, a, unit); return err }},
			{"config", func(a *auth.Actor, unit, _, _ int64) error {
				return f.svc.SetConfig(ctx, a, unit, review.DefaultConfig())
			}},
		}
		// want per actor: per call, the answer in 甲县 and in 丙县.
		want := map[string]string{
			"office":         "yy yy yy yy yy yy yy yy yy yy yy",
			"county.office":  "yn yn yn yn yn yn yn yn yn yn yn",
			"reviewer":       "yn yn yn yn yn yn yn yn fn fn fn",
			"other.reviewer": "ny ny ny ny ny ny ny ny nf nf nf",
			"viewer":         "ff ff yy ff yy yy ff ff ff ff ff",
			// Who may do nothing with 好差评 is told of no unit's service
			// work, in its sight or not (decision 0161).
			"team":       "nn nn nn nn nn nn nn nn nn nn nn",
			"provider":   "nn nn nn nn nn nn nn nn nn nn nn",
			"supervisor": "nn nn nn nn nn nn nn nn nn nn nn",
			"cadre":      "nn nn nn nn nn nn nn nn nn nn nn",
		}
		for login, w := range want {
			w = strings.ReplaceAll(w, " ", "")
			for i, c := range calls {
				for k, obj := range []struct{ unit, order, rv int64 }{{in, orderIn, reviewIn}, {out, orderOut, reviewOut}} {
					before := f.written(t)
					err := c.run(f.actors[login], obj.unit, obj.order, obj.rv)
					if got := answer(err); got != w[2*i+k] {
						t.Errorf("%s %s on %s: got %c (%v), want %c", login, c.name, []string{"甲县", "丙县"}[k], got, err, w[2*i+k])
					}
					if err != nil && f.written(t) != before {
						t.Errorf("%s %s: a refused call wrote rows", login, c.name)
					}
				}
			}
		}
	})
}
