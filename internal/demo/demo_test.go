package demo_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"kaohe/internal/auth"
	"kaohe/internal/db"
	"kaohe/internal/db/dbtest"
	"kaohe/internal/demo"
	"kaohe/internal/org"
)

// snapshot renders what a build produced without ids or times: units by
// code with their parent's code, people with their present unit, posts with
// their person and unit, sorted.
func snapshot(t *testing.T, d *db.DB) (units, people, posts []string) {
	t.Helper()
	ctx := context.Background()
	query := func(q string) []string {
		rows, err := d.SQL.QueryContext(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var out []string
		cols, _ := rows.Columns()
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			var b strings.Builder
			for i, v := range vals {
				if i > 0 {
					b.WriteByte('|')
				}
				if bs, ok := v.([]byte); ok {
					v = string(bs)
				}
				fmt.Fprint(&b, v)
			}
			out = append(out, b.String())
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		slices.Sort(out)
		return out
	}
	units = query(`SELECT u.code, u.name, u.kind, u.level, COALESCE(c.code, ''), COALESCE(p.code, ''), u.sort_order
		FROM units u LEFT JOIN units p ON p.id = u.parent_id LEFT JOIN categories c ON c.id = u.category_id`)
	people = query(`SELECT p.name, p.gender, p.birth_date, p.ethnicity, p.party, p.education, u.code
		FROM people p JOIN units u ON u.id = p.unit_id`)
	posts = query(`SELECT p.name, p.birth_date, u.code, po.title, po.rank, CASE WHEN po.team THEN 1 ELSE 0 END,
		CASE WHEN po.concurrent THEN 1 ELSE 0 END, po.sort_order, po.start_date, COALESCE(po.end_date, '')
		FROM posts po JOIN people p ON p.id = po.person_id JOIN units u ON u.id = po.unit_id`)
	return units, people, posts
}

func TestBuildDeterministic(t *testing.T) {
	ctx := context.Background()
	build := func(seed uint64) (*demo.Summary, [3][]string) {
		d := dbtest.SQLite(t)
		sum, err := demo.Build(ctx, d, demo.Options{Seed: seed, Scale: 1})
		if err != nil {
			t.Fatal(err)
		}
		u, p, po := snapshot(t, d)
		return sum, [3][]string{u, p, po}
	}
	s1, a := build(7)
	s2, b := build(7)
	_, c := build(8)
	for i, what := range []string{"units", "people", "posts"} {
		if !slices.Equal(a[i], b[i]) {
			t.Errorf("%s differ between two builds with seed 7", what)
		}
	}
	if slices.Equal(a[1], c[1]) {
		t.Errorf("people are the same with seeds 7 and 8, want different")
	}
	for i := range s1.Logins {
		if s1.Logins[i].Password != s2.Logins[i].Password || s1.Logins[i].Name != s2.Logins[i].Name {
			t.Errorf("login %s differs between builds with seed 7", s1.Logins[i].Login)
		}
	}
	if got := demo.Logins(7); got[0].Password != s1.Logins[0].Password {
		t.Errorf("Logins(7): got password %q, want the build's %q", got[0].Password, s1.Logins[0].Password)
	}
}

func TestBuildScale1(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		sum, err := demo.Build(ctx, d, demo.Options{Seed: 1, Scale: 1})
		if err != nil {
			t.Fatal(err)
		}
		checks := []struct {
			what     string
			got      int
			min, max int
		}{
			{"categories", sum.Categories, 6, 6},
			{"cities", sum.Cities, 1, 1},
			{"counties", sum.Counties, 10, 10},
			{"townships", sum.Townships, 50, 100},
			{"departments", sum.Departments, 60, 60},
			{"people", sum.People, 450, 600},
			{"posts", sum.Posts, sum.People + 50, sum.People + 250},
			{"logins", len(sum.Logins), 10, 10},
		}
		for _, c := range checks {
			if c.got < c.min || c.got > c.max {
				t.Errorf("%s: got %d, want %d to %d", c.what, c.got, c.min, c.max)
			}
		}
		s := org.NewService(d, auth.Policy{})
		sys := auth.SystemActor("test")
		// The cities and counties are spread over three region categories;
		// the city's 30 departments over three department categories.
		city, n, err := s.FindUnits(ctx, sys, org.UnitFilter{Query: "青州市", Level: org.LevelCity, Kind: org.KindRegion})
		if err != nil || n != 1 {
			t.Fatalf("青州市: got %d, %v", n, err)
		}
		kids, err := s.Children(ctx, sys, city[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		cats := map[int64]map[org.Kind]int{}
		var depts, counties int
		for _, k := range kids {
			if cats[k.CategoryID] == nil {
				cats[k.CategoryID] = map[org.Kind]int{}
			}
			cats[k.CategoryID][k.Kind]++
			if k.Kind == org.KindDepartment {
				depts++
			} else {
				counties++
			}
		}
		if depts != 30 || counties != 10 || len(cats) != 6 {
			t.Errorf("青州市's children: got %d departments, %d counties in %d categories; want 30, 10, 6", depts, counties, len(cats))
		}
		// Every unit with seats has a team; the city's is led by its 市委书记.
		team, err := s.Team(ctx, sys, city[0].ID, "")
		if err != nil {
			t.Fatal(err)
		}
		if len(team.Members) < 10 || team.Members[0].Post.Title != "市委书记" {
			t.Errorf("city team: got %d members led by %v, want 10+ led by 市委书记", len(team.Members), team.Members[0].Post.Title)
		}
		// Some cadres moved within the three years; every one holds one primary post.
		var moved, primary int
		err = d.View(ctx, func(tx *db.Tx) error {
			if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM posts WHERE end_date IS NOT NULL`).Scan(&moved); err != nil {
				return err
			}
			return tx.QueryRowContext(ctx, `SELECT count(*) FROM posts WHERE end_date IS NULL AND NOT concurrent`).Scan(&primary)
		})
		if err != nil {
			t.Fatal(err)
		}
		if moved < 50 || primary != sum.People {
			t.Errorf("got %d past posts and %d primary posts for %d people; want 50+ and one each", moved, primary, sum.People)
		}
		// The cadre sign-in is linked to 清河区's 区长.
		var cadre demo.Login
		for _, l := range sum.Logins {
			if l.Role == auth.RoleCadre {
				cadre = l
			}
		}
		p, err := s.Person(ctx, sys, cadre.PersonID)
		if err != nil || p.Title != "区长" || p.UnitName != "清河区" || p.Name != cadre.Name {
			t.Errorf("cadre sign-in's person: got %+v, %v; want 清河区区长 named %s", p, err, cadre.Name)
		}
		// A second build is refused.
		if _, err := demo.Build(ctx, d, demo.Options{Seed: 1}); !errors.Is(err, demo.ErrNotEmpty) {
			t.Errorf("second build: got %v, want ErrNotEmpty", err)
		}
		var events int
		if err := d.SQL.QueryRow(`SELECT count(*) FROM audit_log WHERE action = 'demo.build' AND actor = 'system:demo'`).Scan(&events); err != nil || events != 1 {
			t.Errorf("demo.build audit events: got %d (%v), want 1", events, err)
		}
	})
}

// TestBuildReopen builds into a file, closes it, and reads the same counts
// and settings after opening it again, as 'kaohe serve' would.
func TestBuildReopen(t *testing.T) {
	ctx := context.Background()
	dsn := "sqlite:" + filepath.Join(t.TempDir(), "demo.db")
	d, err := db.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	sum, err := demo.Build(ctx, d, demo.Options{Seed: 3, Scale: 1})
	if err != nil {
		t.Fatal(err)
	}
	u1, p1, po1 := snapshot(t, d)
	d.Close()

	d, err = db.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if n, err := d.Migrate(ctx); err != nil || n != 0 {
		t.Fatalf("migrate the built file: got %d, %v; want 0, nil", n, err)
	}
	u2, p2, po2 := snapshot(t, d)
	if len(u2) != sum.Units || len(p2) != sum.People || len(po2) != sum.Posts {
		t.Errorf("after reopening: got %d units, %d people, %d posts; want %d, %d, %d",
			len(u2), len(p2), len(po2), sum.Units, sum.People, sum.Posts)
	}
	if !slices.Equal(u1, u2) || !slices.Equal(p1, p2) || !slices.Equal(po1, po2) {
		t.Error("data differ after reopening")
	}
	err = d.View(ctx, func(tx *db.Tx) error {
		for k, want := range map[string]string{demo.SettingSeed: "3", demo.SettingScale: "1"} {
			v, ok, err := db.Setting(ctx, tx, k)
			if err != nil || !ok || v != want {
				t.Errorf("setting %s: got %q %v %v, want %q", k, v, ok, err, want)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
