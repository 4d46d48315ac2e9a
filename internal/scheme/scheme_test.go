package scheme_test

import (
	"bytes"
	"context"
	"errors"
	"math"
	"strings"
	"testing"

	"kaohe/internal/auth"
	"kaohe/internal/collect"
	"kaohe/internal/db"
	"kaohe/internal/db/dbtest"
	"kaohe/internal/errs"
	"kaohe/internal/org"
	"kaohe/internal/scheme"
	"kaohe/internal/score"
)

var sys = auth.SystemActor("test")

// fixture is a city with two counties in two categories, a sibling city,
// a library of five indicators and a county scheme.
type fixture struct {
	d                 *db.DB
	s                 *scheme.Service
	city, other       *org.Unit
	countyA, countyB  *org.Unit
	urban, eco        *org.Category
	county            *scheme.Scheme
	office, viewer    *auth.Actor
	outsider, cadre   *auth.Actor
	provider, teamAct *auth.Actor
}

func must[T any](t testing.TB) func(v T, err error) T {
	return func(v T, err error) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

func actor(role auth.Role, u *org.Unit) *auth.Actor {
	return &auth.Actor{UserID: 7, Login: "u7", Name: "u7", Grants: []auth.Grant{{Role: role, UnitID: u.ID, UnitPath: u.Path}}}
}

// library is the test library: two data items, a formula, a rating, a veto.
func library() []scheme.Indicator {
	return []scheme.Indicator{
		{Code: "GDP", Name: "地区生产总值增速", Unit: "%", DataItem: "GDP_GROWTH", Key: true},
		{Code: "RD", Name: "研发经费投入强度", Unit: "%", Formula: "RD_SPEND / GDP_TOTAL * 100", Leading: true},
		{Code: "FOREST", Name: "森林覆盖率", Unit: "%", DataItem: "FOREST_COVER"},
		{Code: "PETITION", Name: "信访总量", Unit: "件", Direction: score.Lower, DataItem: "PETITIONS"},
		{Code: "SAT", Name: "群众满意度", Kind: score.KindQualitative},
		{Code: "SAFETY", Name: "重大安全事故", Kind: score.KindVeto},
	}
}

// doc is a valid county document: three dimensions, urban and eco weights.
func doc() *score.Scheme {
	return &score.Scheme{
		Name: "县（市、区）领导班子考核方案",
		Indicators: []score.Indicator{
			{Code: "D1", Name: "经济发展", Weight: 40, Weights: map[string]float64{"eco": 30}},
			{Code: "GDP", Parent: "D1", Weight: 60, Weights: map[string]float64{"urban": 40}},
			{Code: "RD", Parent: "D1", Weight: 40, Weights: map[string]float64{"urban": 60}},
			{Code: "D2", Name: "生态环保", Weight: 30, Weights: map[string]float64{"eco": 40}},
			{Code: "FOREST", Parent: "D2", Weight: 100},
			{Code: "D3", Name: "群众评价", Weight: 30},
			{Code: "PETITION", Parent: "D3", Weight: 50},
			{Code: "SAT", Parent: "D3", Weight: 50},
			{Code: "SAFETY"},
		},
	}
}

func newFixture(t *testing.T, d *db.DB) *fixture {
	t.Helper()
	ctx := context.Background()
	o := org.NewService(d, auth.Policy{})
	f := &fixture{d: d, s: newService(d)}
	f.urban = must[*org.Category](t)(o.CreateCategory(ctx, sys, org.Category{Code: "urban", Name: "经济发达地区", AppliesTo: org.KindRegion}))
	f.eco = must[*org.Category](t)(o.CreateCategory(ctx, sys, org.Category{Code: "eco", Name: "生态功能区", AppliesTo: org.KindRegion}))
	unit := func(parent *org.Unit, code, name string, level org.Level, cat *org.Category) *org.Unit {
		u := org.Unit{Code: code, Name: name, Kind: org.KindRegion, Level: level}
		if parent != nil {
			u.ParentID = parent.ID
		}
		if cat != nil {
			u.CategoryID = cat.ID
		}
		return must[*org.Unit](t)(o.CreateUnit(ctx, sys, u))
	}
	prov := unit(nil, "910000", "江南省", org.LevelProvince, nil)
	f.city = unit(prov, "910100", "青州市", org.LevelCity, nil)
	f.other = unit(prov, "910200", "白州市", org.LevelCity, nil)
	f.countyA = unit(f.city, "910102", "清河区", org.LevelCounty, f.urban)
	f.countyB = unit(f.city, "910121", "云溪县", org.LevelCounty, f.eco)
	f.office = actor(auth.RoleOffice, f.city)
	f.viewer = actor(auth.RoleViewer, f.city)
	f.teamAct = actor(auth.RoleTeam, f.city)
	f.provider = actor(auth.RoleProvider, f.city)
	f.cadre = actor(auth.RoleCadre, f.countyA)
	f.outsider = actor(auth.RoleOffice, f.other)
	for _, code := range []string{"GDP_GROWTH", "RD_SPEND", "GDP_TOTAL", "FOREST_COVER", "PETITIONS"} {
		addItem(t, d, code, f.city.ID)
	}
	for _, ind := range library() {
		must[*scheme.Indicator](t)(f.s.SaveIndicator(ctx, f.office, ind))
	}
	f.county = must[*scheme.Scheme](t)(f.s.CreateScheme(ctx, f.office, scheme.Scheme{Code: "county-team", Name: "县区领导班子考核",
		Subject: scheme.SubjectUnit, OwnerUnitID: f.city.ID, Categories: []string{"urban", "eco"}}))
	return f
}

// newService returns a scheme service that reads the data collection
// through package collect's functions, as the server wires it.
func newService(d *db.DB) *scheme.Service {
	return scheme.NewService(d, auth.Policy{},
		scheme.WithItemChecker(scheme.ItemCheckerFunc(collect.KnownItems)),
		scheme.WithValueReader(scheme.ValueReaderFunc(collect.CurrentUnitValues)))
}

// addItem puts an annual data item about units in the catalogue of
// package collect.
func addItem(t testing.TB, d *db.DB, code string, owner int64) {
	t.Helper()
	if _, err := collect.NewService(d, auth.Policy{}).CreateItem(context.Background(), sys, collect.Item{Code: code, Name: code,
		OwnerID: owner, Frequency: collect.Annual, Type: collect.TypeNumber, EntityKind: collect.EntityUnit}); err != nil {
		t.Fatal(err)
	}
}

func wantCode(t *testing.T, err error, code errs.Code) {
	t.Helper()
	if got := errs.CodeOf(err); got != code {
		t.Fatalf("got error %v (code %q), want code %q", err, got, code)
	}
}

func TestVersions(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		v1 := must[*scheme.Version](t)(f.s.CreateVersion(ctx, f.office, f.county.ID, scheme.Draft{Doc: doc(), Reason: "初始版本",
			EffectiveCycle: "2024年度", EffectiveFrom: "2024-01-01"}))
		if v1.Number != 1 || v1.Status != scheme.StatusDraft || v1.Locked {
			t.Fatalf("v1: got number %d status %s locked %v", v1.Number, v1.Status, v1.Locked)
		}
		// The library fills the leaves.
		if got := v1.Doc.Indicators[1]; got.Name != "地区生产总值增速" || !got.Key || got.Unit != "%" || got.Kind != score.KindQuantitative {
			t.Errorf("GDP in the document: got %+v", got)
		}
		if v1.Doc.Code != "county-team" {
			t.Errorf("document code: got %q", v1.Doc.Code)
		}
		// Canonical: the same scheme gives the same bytes.
		canon := must[[]byte](t)(scheme.Canonical(v1.Doc))
		if !bytes.Equal(canon, v1.Document) {
			t.Errorf("stored document is not canonical:\n%s\n%s", v1.Document, canon)
		}
		got := must[*scheme.Version](t)(f.s.Version(ctx, f.viewer, v1.ID))
		if !bytes.Equal(got.Document, v1.Document) || got.Digest != v1.Digest {
			t.Errorf("read back: documents differ")
		}

		// A draft can change; an active or locked version cannot.
		d2 := doc()
		d2.Indicators[1].Weight, d2.Indicators[2].Weight = 50, 50
		must[*scheme.Version](t)(f.s.UpdateVersion(ctx, f.office, v1.ID, scheme.Draft{Doc: d2, Reason: "初始版本"}))
		must[*scheme.Version](t)(f.s.Activate(ctx, f.office, v1.ID))
		_, err := f.s.UpdateVersion(ctx, f.office, v1.ID, scheme.Draft{Doc: doc(), Reason: "x"})
		wantCode(t, err, errs.Conflict)

		d3 := doc()
		d3.Indicators[0].Weights = map[string]float64{"urban": 50, "eco": 30}
		d3.Indicators[3].Weights = map[string]float64{"urban": 20, "eco": 40}
		v2 := must[*scheme.Version](t)(f.s.CreateVersion(ctx, f.office, f.county.ID, scheme.Draft{Doc: d3, Reason: "提高科技创新权重",
			EffectiveCycle: "2025年度"}))
		if err := d.InTx(ctx, func(tx *db.Tx) error { return scheme.LockVersion(ctx, tx, v2.ID) }); err != nil {
			t.Fatal(err)
		}
		_, err = f.s.UpdateVersion(ctx, f.office, v2.ID, scheme.Draft{Doc: doc(), Reason: "x"})
		wantCode(t, err, errs.Conflict)
		if err := d.InTx(ctx, func(tx *db.Tx) error { return scheme.LockVersion(ctx, tx, v2.ID) }); err != nil {
			t.Errorf("locking twice: %v", err)
		}
		if err := d.InTx(ctx, func(tx *db.Tx) error { return scheme.LockVersion(ctx, tx, 12345) }); !errs.Is(err, errs.NotFound) {
			t.Errorf("locking nothing: got %v, want NotFound", err)
		}
		locked := must[*scheme.Version](t)(f.s.Version(ctx, f.office, v2.ID))
		if !locked.Locked || !bytes.Equal(locked.Document, v2.Document) {
			t.Errorf("locked version changed")
		}
		// Activating v2 retires v1.
		must[*scheme.Version](t)(f.s.Activate(ctx, f.office, v2.ID))
		vs := must[[]*scheme.Version](t)(f.s.Versions(ctx, f.office, f.county.ID))
		if len(vs) != 2 || vs[0].Status != scheme.StatusActive || vs[1].Status != scheme.StatusRetired {
			t.Fatalf("versions: got %d, statuses %s %s", len(vs), vs[0].Status, vs[1].Status)
		}

		// The diff shows the weight changes per category with effective weights.
		diff := must[*scheme.Diff](t)(f.s.Compare(ctx, f.viewer, v1.ID, v2.ID))
		if diff.From != 1 || diff.To != 2 || len(diff.Added)+len(diff.Removed)+len(diff.Renamed) != 0 {
			t.Fatalf("diff: %+v", diff)
		}
		found := false
		for _, w := range diff.Weights {
			if w.Code == "D1" && w.Category == "urban" {
				found = true
				if w.Old != 40 || w.New != 50 || math.Abs(w.OldEffective-0.4) > 1e-12 || math.Abs(w.NewEffective-0.5) > 1e-12 {
					t.Errorf("D1 urban: got %+v", w)
				}
			}
		}
		if !found {
			t.Errorf("diff lacks D1 urban: %+v", diff.Weights)
		}

		// Permissions.
		_, err = f.s.Version(ctx, f.outsider, v1.ID)
		wantCode(t, err, errs.NotFound)
		// A provider reads no scheme: it is not told that one exists.
		_, err = f.s.Version(ctx, f.provider, v1.ID)
		wantCode(t, err, errs.NotFound)
		_, err = f.s.CreateVersion(ctx, f.viewer, f.county.ID, scheme.Draft{Doc: doc(), Reason: "x"})
		wantCode(t, err, errs.Forbidden)
		_, err = f.s.Activate(ctx, f.teamAct, v1.ID)
		wantCode(t, err, errs.Forbidden)
		if l := must[[]*scheme.Scheme](t)(f.s.Schemes(ctx, f.outsider)); len(l) != 0 {
			t.Errorf("outsider lists %d schemes", len(l))
		}
		if l := must[[]*scheme.Scheme](t)(f.s.Schemes(ctx, f.viewer)); len(l) != 1 || strings.Join(l[0].Categories, ",") != "eco,urban" {
			t.Errorf("viewer lists %+v", l)
		}
		var n int
		if err := d.SQL.QueryRow(`SELECT count(*) FROM audit_log WHERE action LIKE 'scheme.version.%'`).Scan(&n); err != nil || n < 5 {
			t.Errorf("audit events: %d (%v)", n, err)
		}
	})
}

func TestComposeErrors(t *testing.T) {
	lib := map[string]*scheme.Indicator{}
	for _, ind := range library() {
		ind := ind
		if err := ind.Validate(); err != nil {
			t.Fatal(err)
		}
		lib[ind.Code] = &ind
	}
	cats := []string{"eco", "urban"}
	tests := []struct {
		name string
		edit func(s *score.Scheme)
		want string
	}{
		{"sum off", func(s *score.Scheme) { s.Indicators[1].Weight = 50 },
			`the weights of the children of 经济发展 (D1) sum to 90, want 100`},
		{"sum off in a category", func(s *score.Scheme) { s.Indicators[2].Weights["urban"] = 70 },
			`the weights of the children of 经济发展 (D1) sum to 110 in category "urban", want 100`},
		{"top-level sum", func(s *score.Scheme) { s.Indicators[5].Weight = 20 },
			`the weights of the top-level dimensions sum to 90, want 100`},
		{"unknown category", func(s *score.Scheme) { s.Indicators[4].Weights = map[string]float64{"farm": 100} },
			`indicator "FOREST": weights.farm: category "farm" is not one the scheme applies to`},
		{"not in library", func(s *score.Scheme) { s.Indicators[4].Code = "WATER" },
			`indicator "WATER": code: not in the indicator library`},
		{"engine rule", func(s *score.Scheme) { s.Indicators[1].Weight = -60 },
			`indicator "GDP": weight: must not be negative`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := doc()
			tt.edit(s)
			err := scheme.Compose(s, lib, cats)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("got %v, want %q", err, tt.want)
			}
			if !errs.Is(err, errs.Invalid) {
				t.Errorf("code: got %q", errs.CodeOf(err))
			}
		})
	}
	s := doc()
	if err := scheme.Compose(s, lib, cats); err != nil {
		t.Fatal(err)
	}
	nodes, err := scheme.Tree(s, cats)
	if err != nil {
		t.Fatal(err)
	}
	eff := map[string]float64{}
	for _, n := range nodes {
		eff[n.Code+"/"+n.Name] = n.Effective["urban"]
	}
	// urban: D1 40 % × RD 60 % = 24 %.
	if got := eff["RD/研发经费投入强度"]; math.Abs(got-0.24) > 1e-12 {
		t.Errorf("RD effective weight in urban: got %g, want 0.24", got)
	}
}

func TestAHP(t *testing.T) {
	// Saaty's consistent 3×3 matrix: weights 4/7, 2/7, 1/7, CR 0.
	r, err := score.AHP([][]float64{{1, 2, 4}, {0.5, 1, 2}, {0.25, 0.5, 1}})
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(r.Weights[0]-4.0/7) > 1e-9 || r.CR > 1e-9 || !r.Consistent {
		t.Errorf("consistent matrix: got %+v", r)
	}
	// An inconsistent one: CR above 0.1, and the engine rejects it too.
	m := [][]float64{{1, 9, 1.0 / 9}, {1.0 / 9, 1, 9}, {9, 1.0 / 9, 1}}
	r, err = score.AHP(m)
	if err != nil {
		t.Fatal(err)
	}
	if r.Consistent || r.CR < 0.1 {
		t.Errorf("inconsistent matrix: got CR %g", r.CR)
	}
	s := &score.Scheme{Weighting: score.WeightAHP, AHP: m, Indicators: []score.Indicator{{Code: "A"}, {Code: "B"}, {Code: "C"}}}
	if err := s.Validate(); err == nil || !strings.Contains(err.Error(), "inconsistent") {
		t.Errorf("engine: got %v, want inconsistent", err)
	}
	if _, err := score.AHP([][]float64{{1, 2}, {2, 1}}); err == nil {
		t.Errorf("non-reciprocal accepted")
	}
}

func TestFormula(t *testing.T) {
	known := func(c string) bool { return c == "GDP_1" || c == "GDP_2" }
	f, err := scheme.CompileFormula("(GDP_2 - GDP_1) / GDP_1 * 100", known)
	if err != nil {
		t.Fatal(err)
	}
	if v, ok := f.Eval(map[string]float64{"GDP_1": 100, "GDP_2": 105}); !ok || math.Abs(v-5) > 1e-12 {
		t.Errorf("eval: got %g %v", v, ok)
	}
	if _, ok := f.Eval(map[string]float64{"GDP_1": 0, "GDP_2": 105}); ok {
		t.Errorf("division by zero gave a value")
	}
	for src, want := range map[string]string{
		"GDP_3 * 2":        `unknown data item "GDP_3"`,
		"GDP_1 +":          "syntax",
		`now()`:            "",
		`"a" + GDP_1`:      "",
		"abs(GDP_1 - 100)": "-",
	} {
		_, err := scheme.CompileFormula(src, known)
		switch want {
		case "-":
			if err != nil {
				t.Errorf("%s: %v", src, err)
			}
		case "":
			if err == nil {
				t.Errorf("%s: accepted", src)
			}
		default:
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Errorf("%s: got %v, want %q", src, err, want)
			}
		}
	}
	ind := scheme.Indicator{Code: "X", Name: "x", Formula: "GDP_9 / 2"}
	var e *errs.Error
	if err := ind.Validate(); err != nil {
		t.Errorf("syntax-only validation: %v", err)
	}
	ind.Formula = "GDP_9 /"
	if err := ind.Validate(); !errors.As(err, &e) || e.Field != "formula" || !strings.Contains(e.Msg, "indicator X") {
		t.Errorf("bad formula: got %v", err)
	}
}

// TestDataItemsChecked: with an ItemChecker wired, a library indicator
// must name data items of the catalogue; without one, any well-formed
// code passes.
func TestDataItemsChecked(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		bare := scheme.NewService(d, auth.Policy{})
		tests := []struct {
			name  string
			ind   scheme.Indicator
			field string // of the error with the checker; "" for none
		}{
			{"known item", scheme.Indicator{Code: "K1", Name: "已知", DataItem: "GDP_GROWTH"}, ""},
			{"unknown item", scheme.Indicator{Code: "K2", Name: "未知", DataItem: "NO_SUCH_ITEM"}, "data_item"},
			{"known formula", scheme.Indicator{Code: "K3", Name: "公式", Formula: "RD_SPEND / GDP_TOTAL"}, ""},
			{"formula over an unknown item", scheme.Indicator{Code: "K4", Name: "公式", Formula: "RD_SPEND / NO_SUCH_ITEM"}, "formula"},
			{"qualitative reference", scheme.Indicator{Code: "K5", Name: "测评", Kind: score.KindQualitative, DataItem: "cadre.overall"}, ""},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				_, err := f.s.SaveIndicator(ctx, f.office, tt.ind)
				var e *errs.Error
				switch {
				case tt.field == "" && err != nil:
					t.Fatalf("with the checker: %v", err)
				case tt.field != "" && (!errors.As(err, &e) || e.Code != errs.Invalid || e.Field != tt.field):
					t.Fatalf("with the checker: got %v, want invalid %s", err, tt.field)
				}
				ind := tt.ind
				ind.Code += "B"
				if _, err := bare.SaveIndicator(ctx, f.office, ind); err != nil {
					t.Errorf("without a checker: %v", err)
				}
			})
		}
	})
}
