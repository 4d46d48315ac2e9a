package review_test

import (
	"context"
	"testing"
	"time"

	"kaohe/internal/db"
	"kaohe/internal/db/dbtest"
	"kaohe/internal/review"
)

// TestSubmit reviews 甲县's cases at the QR code of item 110: a review is
// accepted once per case and channel with one follow-up; an unknown case,
// a case of another item or unit, a second review, a second follow-up and
// a review after the window are refused with their reason and write
// nothing; bad input names its field; a 差评 opens a work order.
func TestSubmit(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		good := must[*review.Receipt](t)(f.svc.Submit(ctx, f.submit("C001", review.VerySatisfied, "")))
		if good.Order != "" || good.Held {
			t.Errorf("a 非常满意 review: %+v", good)
		}
		bad := must[*review.Receipt](t)(f.svc.Submit(ctx, f.submit("C002", review.Unsatisfied, "排队一个多小时")))
		if bad.Order == "" {
			t.Errorf("a 不满意 review opened no work order")
		}
		follow := f.submit("C001", review.Satisfied, "")
		follow.FollowUp = true
		must[*review.Receipt](t)(f.svc.Submit(ctx, follow))
		other := f.submit("C003", review.Satisfied, "")
		other.ItemID = f.items["910102/120"].ID
		late := f.submit("C004", review.Satisfied, "")
		for _, tt := range []struct {
			name string
			sub  review.Submission
			want string
		}{
			{"unknown case", f.submit("X999", review.Satisfied, ""), review.KeyCaseUnknown + "@0:number"},
			{"another unit's case", f.submit("B001", review.Satisfied, ""), review.KeyCaseUnknown + "@0:number"},
			{"another item's case", other, review.KeyWrongItem + "@0:number"},
			{"second review", f.submit("C001", review.Fair, ""), review.KeyReviewed + "@0:"},
			{"second follow-up", follow, review.KeyFollowedUp + "@0:"},
			{"no level", f.submit("C005", "", ""), "review.submit.level_required@0:level"},
			{"差评 without a comment", f.submit("C005", review.VeryUnsatisfied, ""), "review.submit.comment_required@0:comment"},
			{"bad phone", func() review.Submission { s := f.submit("C005", review.Fair, ""); s.Contact = "12ab"; return s }(),
				"review.submit.contact_invalid@0:contact"},
		} {
			before := f.written(t)
			_, err := f.svc.Submit(ctx, tt.sub)
			if got := problems(err); got != tt.want {
				t.Errorf("%s: got %s, want %s", tt.name, got, tt.want)
			}
			if f.written(t) != before {
				t.Errorf("%s: a refused review wrote rows", tt.name)
			}
		}
		// The window is 30 days from the day finished (2026-02-27).
		f.clock.Advance(27 * 24 * time.Hour)
		must[*review.Receipt](t)(f.svc.Submit(ctx, f.submit("C006", review.Satisfied, "")))
		f.clock.Advance(24 * time.Hour)
		if _, err := f.svc.Submit(ctx, late); problems(err) != review.KeyWindowClosed+"@0:" {
			t.Errorf("after the window: got %s", problems(err))
		}
		if n := f.count(t, "review_orders"); n != 1 {
			t.Errorf("work orders: got %d, want 1", n)
		}
	})
}

// TestContactHashed keeps a reviewer's phone only as a salted hash unless
// the jurisdiction keeps contacts.
func TestContactHashed(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		s := f.submit("C001", review.Unsatisfied, "材料被退回三次")
		s.Contact = "13800001111"
		must[*review.Receipt](t)(f.svc.Submit(ctx, s))
		var contact, hash string
		var named int
		if err := d.SQL.QueryRow(`SELECT contact, contact_hash, named FROM reviews`).Scan(&contact, &hash, &named); err != nil {
			t.Fatal(err)
		}
		if contact != "" || len(hash) != 64 || named != 1 {
			t.Errorf("stored contact %q, hash %q, named %d: want only a hash, named", contact, hash, named)
		}
		cfg := review.DefaultConfig()
		cfg.KeepContact = true
		if err := f.svc.SetConfig(ctx, f.actors["office"], f.units["910100"].ID, cfg); err != nil {
			t.Fatal(err)
		}
		s = f.submit("C002", review.Satisfied, "")
		s.Contact = "13800002222"
		must[*review.Receipt](t)(f.svc.Submit(ctx, s))
		if err := d.SQL.QueryRow(`SELECT contact FROM reviews WHERE contact <> ''`).Scan(&contact); err != nil || contact != "13800002222" {
			t.Errorf("with contacts kept: got %q (%v)", contact, err)
		}
	})
}
