package auth_test

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"testing"
	"time"

	"kaohe/internal/auth"
	"kaohe/internal/db"
	"kaohe/internal/db/dbtest"
	"kaohe/internal/errs"
)

// signinEvent is an audited failure or lock-out.
type signinEvent struct {
	Action string
	Login  string `json:"login"`
	Addr   string `json:"addr"`
	Reason string `json:"reason"`
}

func signinEvents(t *testing.T, d *db.DB) []signinEvent {
	t.Helper()
	rs, err := d.SQL.QueryContext(context.Background(),
		`SELECT action, after_json FROM audit_log WHERE action LIKE 'signin.%' ORDER BY seq`)
	if err != nil {
		t.Fatal(err)
	}
	defer rs.Close()
	var out []signinEvent
	for rs.Next() {
		var e signinEvent
		var after string
		if err := rs.Scan(&e.Action, &after); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal([]byte(after), &e); err != nil {
			t.Fatal(err)
		}
		out = append(out, e)
	}
	if err := rs.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestThrottleConcurrent fires hundreds of wrong guesses at once and
// checks that no more than the limit had their password checked — a
// checked guess answers KeySignInFailed, a refused one KeySignInThrottled —
// and that the right password is refused afterwards until the lock ends.
func TestThrottleConcurrent(t *testing.T) {
	const guesses = 200
	cases := []struct {
		name        string
		login, addr func(i int) string
		// verified is how many guesses may be checked; lockedLogin and
		// lockedAddr are then refused the right password.
		verified                int
		lockedLogin, lockedAddr string
		reason                  string
		// refused is the answer to a guess over the limit; freeAddr, when
		// set, is an address the right password still signs in from.
		refused, freeAddr string
	}{
		{
			name:     "one login from many addresses",
			login:    func(int) string { return "office" },
			addr:     func(i int) string { return fmt.Sprintf("203.0.113.%d:1", i%100) },
			verified: auth.DefaultThrottle.PerLogin, lockedLogin: "office", lockedAddr: "198.51.100.1:1",
			reason: auth.ReasonLoginLocked, refused: auth.KeySignInLocked,
		},
		{
			name:     "many logins from one address",
			login:    func(i int) string { return fmt.Sprintf("guess%d", i) },
			addr:     func(int) string { return "203.0.113.200:1" },
			verified: auth.DefaultThrottle.PerAddr, lockedLogin: "office", lockedAddr: "203.0.113.200:2",
			reason: auth.ReasonAddrLocked, refused: auth.KeySignInThrottled,
		},
		{
			// Guessing from one address does not lock the user out
			// elsewhere.
			name:     "one login from one address",
			login:    func(int) string { return "office" },
			addr:     func(int) string { return "203.0.113.7:1" },
			verified: auth.DefaultThrottle.PerPair, lockedLogin: "office", lockedAddr: "203.0.113.7:9",
			reason: auth.ReasonPairLocked, refused: auth.KeySignInThrottled, freeAddr: "198.51.100.2:1",
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dbtest.Each(t, func(t *testing.T, d *db.DB) {
				ctx := context.Background()
				f := setup(t, d)
				f.add(t, "office", g(auth.RoleOffice, countyID))

				var wg sync.WaitGroup
				keys := make([]string, guesses)
				start := make(chan struct{})
				for i := range guesses {
					wg.Add(1)
					go func() {
						defer wg.Done()
						<-start
						_, _, err := f.svc.SignIn(ctx, c.login(i), "wrong password", c.addr(i))
						if e, ok := err.(*errs.Error); ok {
							keys[i] = e.Key
						} else {
							keys[i] = fmt.Sprint(err)
						}
					}()
				}
				close(start)
				wg.Wait()
				got := map[string]int{}
				for _, k := range keys {
					got[k]++
				}
				want := map[string]int{auth.KeySignInFailed: c.verified, c.refused: guesses - c.verified}
				if fmt.Sprint(got) != fmt.Sprint(want) {
					t.Errorf("answers: got %v, want %v", got, want)
				}

				_, _, err := f.svc.SignIn(ctx, c.lockedLogin, pw, c.lockedAddr)
				wantKey(t, "right password after the limit", err, c.refused)
				if c.freeAddr != "" {
					if _, _, err := f.svc.SignIn(ctx, c.lockedLogin, pw, c.freeAddr); err != nil {
						t.Errorf("right password from another address: %v", err)
					}
				}

				// Each checked guess is audited, and the one that used up the
				// allowance locked out too.
				events := signinEvents(t, d)
				var fails, lockouts int
				for _, e := range events {
					switch e.Action {
					case "signin.fail":
						fails++
						if e.Login == "" || e.Addr == "" || e.Reason == "" {
							t.Errorf("failure event %+v: want login, address and reason", e)
						}
					case "signin.lockout":
						lockouts++
						if e.Reason != c.reason {
							t.Errorf("lock-out reason: got %q, want %q", e.Reason, c.reason)
						}
					}
				}
				if fails != c.verified || lockouts != 1 {
					t.Errorf("audited: got %d failures and %d lock-outs, want %d and 1", fails, lockouts, c.verified)
				}

				f.clock.Advance(auth.DefaultThrottle.Window + time.Second)
				if _, _, err := f.svc.SignIn(ctx, c.lockedLogin, pw, c.lockedAddr); err != nil {
					t.Errorf("right password after the lock: %v", err)
				}
				// The success clears the count, not the record.
				if after := signinEvents(t, d); len(after) != len(events) {
					t.Errorf("audited sign-in events after the success: got %d, want the %d from before", len(after), len(events))
				}
				verifyAudit(t, d, int64(c.verified+2+btoi(c.freeAddr != "")))
			})
		})
	}
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}
