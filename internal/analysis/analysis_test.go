package analysis_test

import (
	"errors"
	"math"
	"slices"
	"sort"
	"testing"

	"kaohe/internal/analysis"
	"kaohe/internal/auth"
	"kaohe/internal/cycle"
	"kaohe/internal/db"
	"kaohe/internal/db/dbtest"
	"kaohe/internal/demo"
	"kaohe/internal/errs"
	"kaohe/internal/org"
)

// demoWorld is the demo jurisdiction with its published annual cycles of
// 2023–2025 and the actors of its sign-ins by role.
type demoWorld struct {
	d      *db.DB
	actors map[auth.Role]*auth.Actor
	// city is 青州市, the office's jurisdiction; other is a unit outside
	// it (at scale 1 the province above it).
	city, other *org.Unit
}

func newDemo(t *testing.T, d *db.DB) *demoWorld {
	t.Helper()
	sum, err := demo.Build(t.Context(), d, demo.Options{Seed: 1, Scale: 1})
	if err != nil {
		t.Fatalf("build demo: %v", err)
	}
	w := &demoWorld{d: d, actors: map[auth.Role]*auth.Actor{}}
	as := auth.NewService(d, auth.Policy{}, org.GrantUnits{})
	sys := auth.SystemActor("test")
	for _, l := range sum.Logins {
		if w.actors[l.Role] != nil {
			continue
		}
		u, err := as.UserByLogin(t.Context(), sys, l.Login)
		if err != nil {
			t.Fatal(err)
		}
		w.actors[l.Role] = u.Actor()
	}
	all, _, err := org.NewService(d, auth.Policy{}).FindUnits(t.Context(), sys, org.UnitFilter{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	office := w.actors[auth.RoleOffice].Grants[0]
	for _, u := range all {
		if u.ID == office.UnitID {
			w.city = u
		}
	}
	for _, u := range all {
		if w.other == nil && !isUnder(u.Path, w.city.Path) {
			w.other = u
		}
	}
	if w.city == nil || w.other == nil {
		t.Fatal("demo has no office unit or no unit outside it")
	}
	return w
}

func isUnder(p, root string) bool { return len(p) >= len(root) && p[:len(root)] == root }

// TestReportOnDemo checks the analysis of the demo's agricultural counties
// against the published snapshots recomputed by sorting.
func TestReportOnDemo(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		w := newDemo(t, d)
		svc := analysis.NewService(d, auth.Policy{}, 0)
		office := w.actors[auth.RoleOffice]
		rep, err := svc.Report(t.Context(), office, analysis.Filter{Category: "agri"})
		if err != nil {
			t.Fatal(err)
		}
		if len(rep.Cycles) != 3 || rep.Units != 3 || len(rep.Rows) == 0 {
			t.Fatalf("got %d cycles, %d units, %d rows; want 3 annual cycles of 3 agricultural counties", len(rep.Cycles), rep.Units, len(rep.Rows))
		}
		if !slices.Equal(rep.Categories, []string{"agri", "eco", "urban"}) {
			t.Errorf("categories %v", rep.Categories)
		}
		for k := 1; k < len(rep.Rows); k++ {
			a, b := rep.Rows[k-1], rep.Rows[k]
			if key(a.PersistentShare) < key(b.PersistentShare) {
				t.Errorf("row %d %s (%.2f) ranked before %s (%.2f)", k, a.Indicator.Code, a.PersistentShare, b.Indicator.Code, b.PersistentShare)
			}
		}
		// Recompute one box from the snapshot by sorting.
		var sn *cycle.Snapshot
		var rows []cycle.LeafValues
		err = d.View(t.Context(), func(tx *db.Tx) error {
			if sn, err = cycle.PublishedSnapshot(t.Context(), tx, rep.Cycles[2].ID); err != nil {
				return err
			}
			rows, err = cycle.PublishedLeaves(t.Context(), tx, sn, auth.Scope{Subtrees: []string{w.city.Path}}, "agri")
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		for _, row := range rep.Rows {
			j := slices.Index(sn.Header.Leaves, row.Indicator.Code)
			if j < 0 {
				continue
			}
			var vs []float64
			for _, r := range rows {
				if v := float64(r.Normalised[j]); !math.IsNaN(v) {
					vs = append(vs, v)
				}
			}
			sort.Float64s(vs)
			b := row.Boxes[2]
			if b.N != len(vs) {
				t.Fatalf("%s: n %d, want %d", row.Indicator.Code, b.N, len(vs))
			}
			if len(vs) == 3 && (b.Min != vs[0] || b.Median != vs[1] || b.Max != vs[2] || b.Q1 != (vs[0]+vs[1])/2) {
				t.Errorf("%s: box %+v, want from %v", row.Indicator.Code, b, vs)
			}
		}
	})
}

func key(x float64) float64 {
	if math.IsNaN(x) {
		return -1
	}
	return x
}

// TestReportScope tries every role inside and outside its jurisdiction
// and bad filters: nothing but the readers of the whole subtree's results
// gets an analysis.
func TestReportScope(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		w := newDemo(t, d)
		svc := analysis.NewService(d, auth.Policy{}, 0)
		cases := []struct {
			name  string
			actor *auth.Actor
			f     analysis.Filter
			code  errs.Code
			field string
		}{
			{"office in scope", w.actors[auth.RoleOffice], analysis.Filter{}, "", ""},
			{"team in scope", w.actors[auth.RoleTeam], analysis.Filter{Category: "eco"}, "", ""},
			{"viewer in scope", w.actors[auth.RoleViewer], analysis.Filter{}, "", ""},
			{"office outside", w.actors[auth.RoleOffice], analysis.Filter{UnitID: w.other.ID}, errs.NotFound, ""},
			{"viewer outside", w.actors[auth.RoleViewer], analysis.Filter{UnitID: w.other.ID}, errs.NotFound, ""},
			{"provider", w.actors[auth.RoleProvider], analysis.Filter{UnitID: w.city.ID}, errs.NotFound, ""},
			{"supervisor", w.actors[auth.RoleSupervisor], analysis.Filter{UnitID: w.city.ID}, errs.NotFound, ""},
			{"cadre on its unit", w.actors[auth.RoleCadre], analysis.Filter{UnitID: w.actors[auth.RoleCadre].Grants[0].UnitID}, errs.Forbidden, ""},
			{"provider, own scope", w.actors[auth.RoleProvider], analysis.Filter{}, errs.NotFound, ""},
			{"cadre, own scope", w.actors[auth.RoleCadre], analysis.Filter{}, errs.Forbidden, ""},
			{"system without a unit", auth.SystemActor("test"), analysis.Filter{}, errs.Invalid, "unit"},
			{"signed out", nil, analysis.Filter{}, errs.Unauthorized, ""},
			{"unknown category", w.actors[auth.RoleOffice], analysis.Filter{Category: "nope"}, errs.Invalid, "category"},
			{"unknown cycle", w.actors[auth.RoleOffice], analysis.Filter{CycleIDs: []int64{42}}, errs.Invalid, "cycles"},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				_, err := svc.Report(t.Context(), tc.actor, tc.f)
				if tc.code == "" {
					if err != nil {
						t.Fatalf("got %v, want a report", err)
					}
					return
				}
				if !errs.Is(err, tc.code) {
					t.Fatalf("got %v, want %s", err, tc.code)
				}
				var e *errs.Error
				if tc.field != "" && (!errors.As(err, &e) || e.Field != tc.field) {
					t.Errorf("got %v, want field %s", err, tc.field)
				}
			})
		}
	})
}

// TestSuppression withholds every aggregate over fewer units than the
// minimum cell: the two ecological counties are one short of three.
func TestSuppression(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		w := newDemo(t, d)
		for _, tc := range []struct {
			minCell    int
			category   string
			suppressed bool
		}{{3, "eco", true}, {3, "agri", false}, {4, "agri", true}, {2, "eco", false}} {
			rep, err := analysis.NewService(d, auth.Policy{}, tc.minCell).Report(t.Context(), w.actors[auth.RoleOffice], analysis.Filter{Category: tc.category})
			if err != nil {
				t.Fatal(err)
			}
			for _, row := range rep.Rows {
				for _, b := range row.Boxes {
					if b.N > 0 && b.Suppressed != tc.suppressed {
						t.Fatalf("min %d, %s, %s: suppressed %v, want %v", tc.minCell, tc.category, row.Indicator.Code, b.Suppressed, tc.suppressed)
					}
					if b.Suppressed && !(math.IsNaN(b.Median) && math.IsNaN(b.Share)) {
						t.Fatalf("%s: a withheld box shows %+v", row.Indicator.Code, b)
					}
				}
				if tc.suppressed && !math.IsNaN(row.PersistentShare) {
					t.Fatalf("%s: persistent share %v shown over too few units", row.Indicator.Code, row.PersistentShare)
				}
			}
		}
	})
}

// TestDrill follows a weak indicator to its units and one unit's values
// with their providers.
func TestDrill(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		w := newDemo(t, d)
		svc := analysis.NewService(d, auth.Policy{}, 0)
		office := w.actors[auth.RoleOffice]
		f := analysis.Filter{Category: "agri"}
		rep, err := svc.Report(t.Context(), office, f)
		if err != nil {
			t.Fatal(err)
		}
		var code string
		for _, row := range rep.Rows {
			if slices.Contains(row.Indicator.Items, "WATER_QUALITY") {
				code = row.Indicator.Code
			}
		}
		if code == "" {
			t.Fatal("no indicator reads WATER_QUALITY")
		}
		dr, err := svc.Indicator(t.Context(), office, f, code)
		if err != nil {
			t.Fatal(err)
		}
		if len(dr.Units) != 3 || !slices.Contains(dr.Providers, "青州市生态环境局") {
			t.Fatalf("drill of %s: %d units, providers %v", code, len(dr.Units), dr.Providers)
		}
		for k := 1; k < len(dr.Units); k++ {
			if dr.Units[k-1].WeakCycles < dr.Units[k].WeakCycles {
				t.Errorf("units not ordered by weak cycles: %+v", dr.Units)
			}
		}
		uc, err := svc.Unit(t.Context(), office, f, dr.Units[0].Unit.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(uc.Lines) != len(rep.Rows) || len(uc.Lines[0].Values) != 3 {
			t.Fatalf("unit comparison: %d lines", len(uc.Lines))
		}
		if _, err := svc.Indicator(t.Context(), office, f, "NOPE"); !errs.Is(err, errs.NotFound) {
			t.Errorf("unknown indicator: got %v", err)
		}
		if _, err := svc.Unit(t.Context(), office, f, w.other.ID); !errs.Is(err, errs.NotFound) {
			t.Errorf("unit outside: got %v", err)
		}
		if _, err := svc.Indicator(t.Context(), w.actors[auth.RoleProvider], analysis.Filter{UnitID: w.city.ID}, code); !errs.Is(err, errs.NotFound) {
			t.Errorf("provider drill: got %v", err)
		}
	})
}
