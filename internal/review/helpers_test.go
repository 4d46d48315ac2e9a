package review_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"kaohe/internal/auth"
	"kaohe/internal/collect"
	"kaohe/internal/db"
	"kaohe/internal/db/dbtest"
	"kaohe/internal/errs"
	"kaohe/internal/locale"
	"kaohe/internal/org"
	"kaohe/internal/review"
)

var sys = auth.SystemActor("test")

func must[T any](t testing.TB) func(v T, err error) T {
	return func(v T, err error) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

// fixture is two cities of a province:
//
//	江南省 910000
//	├── 甲市 910100                 ← office, viewer, team, provider
//	│   ├── 甲县 910102             ← county.office, reviewer (好差评管理员)
//	│   │   └── 城关镇 910102001
//	│   └── 丙县 910103             ← other.reviewer
//	└── 乙市 910200
//	    └── 乙县 910202
//
// 甲县 has the items 110 (不动产登记) and 120 (营业执照办理) and the cases
// C001…C010 of item 110 finished on 2026-02-27 (three days before the
// clock's epoch, 2026-03-02, a Monday), 丙县 item 110 and case B001.
type fixture struct {
	d      *db.DB
	clock  *dbtest.Clock
	svc    *review.Service
	units  map[string]*org.Unit
	actors map[string]*auth.Actor
	items  map[string]*review.Item // "<unit code>/<item code>"
}

func newFixture(t testing.TB, d *db.DB) *fixture {
	t.Helper()
	ctx := context.Background()
	f := &fixture{d: d, clock: dbtest.NewClock(), units: map[string]*org.Unit{}, actors: map[string]*auth.Actor{}, items: map[string]*review.Item{}}
	d.Clock = f.clock.Now
	f.svc = review.NewService(d, auth.Policy{}, collect.NewService(d, auth.Policy{}))
	orgs := org.NewService(d, auth.Policy{})
	unit := func(parent, code, name string, kind org.Kind, level org.Level) {
		t.Helper()
		u := org.Unit{Code: code, Name: name, Kind: kind, Level: level}
		if parent != "" {
			u.ParentID = f.units[parent].ID
		}
		f.units[code] = must[*org.Unit](t)(orgs.CreateUnit(ctx, sys, u))
	}
	unit("", "910000", "江南省", org.KindRegion, org.LevelProvince)
	unit("910000", "910100", "甲市", org.KindRegion, org.LevelCity)
	unit("910100", "910102", "甲县", org.KindRegion, org.LevelCounty)
	unit("910102", "910102001", "城关镇", org.KindRegion, org.LevelTownship)
	unit("910100", "910103", "丙县", org.KindRegion, org.LevelCounty)
	unit("910000", "910200", "乙市", org.KindRegion, org.LevelCity)
	unit("910200", "910202", "乙县", org.KindRegion, org.LevelCounty)
	grant := func(login string, role auth.Role, code string) {
		u := f.units[code]
		f.actors[login] = &auth.Actor{UserID: int64(100 + len(f.actors)), Login: login, Name: "用户" + login,
			Grants: []auth.Grant{{Role: role, UnitID: u.ID, UnitPath: u.Path}}}
	}
	grant("office", auth.RoleOffice, "910100")
	grant("county.office", auth.RoleOffice, "910102")
	grant("team", auth.RoleTeam, "910100")
	grant("provider", auth.RoleProvider, "910100")
	grant("viewer", auth.RoleViewer, "910100")
	grant("supervisor", auth.RoleSupervisor, "910100")
	grant("cadre", auth.RoleCadre, "910102")
	grant("reviewer", auth.RoleServiceReview, "910102")
	grant("other.reviewer", auth.RoleServiceReview, "910103")
	grant("province", auth.RoleOffice, "910000")

	item := func(code, number, name, window string) {
		t.Helper()
		f.items[code+"/"+number] = must[*review.Item](t)(f.svc.SaveItem(ctx, sys, review.Item{UnitID: f.units[code].ID, Code: number,
			Name: name, Window: window}))
	}
	item("910102", "110", "不动产登记", "综合受理3号窗口")
	item("910102", "120", "营业执照办理", "市场监管窗口")
	item("910103", "110", "不动产登记", "1号窗口")
	var cases []review.CaseIn
	for i := 1; i <= 10; i++ {
		cases = append(cases, review.CaseIn{Number: fmt.Sprintf("C%03d", i), Item: "110", FinishedOn: "2026-02-27", Channel: "窗口评价器"})
	}
	must[*review.ImportReport](t)(f.svc.ImportCases(ctx, sys, f.units["910102"].ID, cases, "测试"))
	must[*review.ImportReport](t)(f.svc.ImportCases(ctx, sys, f.units["910103"].ID,
		[]review.CaseIn{{Number: "B001", Item: "110", FinishedOn: "2026-02-27", Channel: "qr"}}, "测试"))
	return f
}

// submit is a QR review of 甲县's case number at item 110.
func (f *fixture) submit(number string, level review.Level, comment string) review.Submission {
	return review.Submission{ItemID: f.items["910102/110"].ID, Number: number, Channel: review.ChannelQR, Level: level, Comment: comment,
		Device: "device-" + number, Addr: "10.0.0." + number[len(number)-1:]}
}

// count returns the number of rows of table.
func (f *fixture) count(t testing.TB, table string) int {
	t.Helper()
	var n int
	if err := f.d.SQL.QueryRow(`SELECT count(*) FROM ` + table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// written counts the rows of the review tables and their audit events.
func (f *fixture) written(t testing.TB) int {
	t.Helper()
	n := 0
	for _, tb := range []string{"service_items", "review_cases", "reviews", "review_orders", "review_order_steps", "review_appeals",
		"review_holidays", "review_config", "data_values", "audit_log"} {
		n += f.count(t, tb)
	}
	return n
}

// value returns the current value of item for unit code in period, and
// whether there is one.
func (f *fixture) value(t testing.TB, code, item, period string) (float64, bool) {
	t.Helper()
	var v float64
	err := f.d.SQL.QueryRow(`SELECT v.value FROM data_values v WHERE v.entity_id = $1 AND v.item_code = $2 AND v.period = $3
		ORDER BY v.version DESC LIMIT 1`, f.units[code].ID, item, period).Scan(&v)
	if err != nil {
		return 0, false
	}
	return v, true
}

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
		s := fmt.Sprintf("%s@%d:%s", e.Key, e.Row, e.Field)
		if !localized(e.Key) {
			s += "(no message)"
		}
		out = append(out, s)
	}
	return strings.Join(out, " ")
}

func localized(key string) bool {
	for _, lang := range locale.Languages {
		if !slices.Contains(messages.Keys(lang), key) {
			return false
		}
	}
	return true
}

var messages = func() *locale.Bundle {
	b, err := locale.Load()
	if err != nil {
		panic(err)
	}
	return b
}()
