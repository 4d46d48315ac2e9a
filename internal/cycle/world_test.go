package cycle_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"kaohe/internal/sources"
	"math"
	"strconv"
	"strings"
	"testing"

	"kaohe/internal/auth"
	"kaohe/internal/cycle"
	"kaohe/internal/db"
	"kaohe/internal/errs"
	"kaohe/internal/score"
)

var sys = auth.SystemActor("test")

// world is a city whose counties (units) each have a leadership team of
// cadres, a cadre scheme version made from score.Synth, data items I01…
// and the values of period 2025 (and 2025Q1, 2025Q2 for quarterly cycles).
type world struct {
	d       *db.DB
	svc     *cycle.Service
	city    unitRow
	units   []unitRow
	people  []personRow
	version int64
	// unitVersion is a unit (leadership team) scheme version.
	unitVersion int64
	in          *score.Input
}

type unitRow struct {
	id         int64
	path, name string
	group      string
}

type personRow struct {
	id   int64
	unit int
	name string
}

// bulk writes rows with multi-row inserts.
func bulk(ctx context.Context, tx *db.Tx, table string, cols []string, n int, row func(i int) []any) error {
	per := max(1, 30000/len(cols))
	var text string
	textRows := -1
	args := make([]any, 0, per*len(cols))
	for start := 0; start < n; start += per {
		end := min(n, start+per)
		if end-start != textRows {
			var b strings.Builder
			fmt.Fprintf(&b, "INSERT INTO %s (%s) VALUES ", table, strings.Join(cols, ", "))
			k := 0
			for i := start; i < end; i++ {
				if i > start {
					b.WriteByte(',')
				}
				b.WriteByte('(')
				for c := range cols {
					if c > 0 {
						b.WriteByte(',')
					}
					k++
					if tx.Engine == db.SQLite {
						b.WriteByte('?')
					} else {
						b.WriteByte('$')
						b.WriteString(strconv.Itoa(k))
					}
				}
				b.WriteByte(')')
			}
			text, textRows = b.String(), end-start
		}
		args = args[:0]
		for i := start; i < end; i++ {
			args = append(args, row(i)...)
		}
		if _, err := tx.ExecContext(ctx, text, args...); err != nil {
			return fmt.Errorf("insert %s: %w", table, err)
		}
	}
	return nil
}

// newWorld builds units × perUnit cadres in groups categories with
// indicators synthetic indicators.
func newWorld(t testing.TB, d *db.DB, units, perUnit, groups, indicators int) *world {
	t.Helper()
	ctx := context.Background()
	w := &world{d: d, svc: cycle.NewService(d, auth.Policy{}, sources.Cycle())}
	n := units * perUnit
	w.in = score.Synth(n, indicators, groups, 7)
	err := d.InTx(ctx, func(tx *db.Tx) error {
		now := tx.Now.UnixMicro()
		catIDs := make([]int64, groups)
		if err := bulk(ctx, tx, "categories", []string{"id", "code", "name", "applies_to", "created_at", "updated_at"}, groups,
			func(i int) []any {
				catIDs[i] = db.NewID()
				return []any{catIDs[i], fmt.Sprintf("G%02d", i+1), fmt.Sprintf("类别%d", i+1), "region", now, now}
			}); err != nil {
			return err
		}
		w.city = unitRow{id: db.NewID(), name: "青州市"}
		w.city.path = fmt.Sprintf("/%d/", w.city.id)
		if _, err := tx.ExecContext(ctx, `INSERT INTO units (id, parent_id, path, code, name, kind, level, created_at, updated_at)
			VALUES ($1, NULL, $2, '910100', $3, 'region', 'city', $4, $4)`, w.city.id, w.city.path, w.city.name, now); err != nil {
			return err
		}
		w.units = make([]unitRow, units)
		if err := bulk(ctx, tx, "units", []string{"id", "parent_id", "path", "code", "name", "kind", "level", "category_id", "created_at", "updated_at"}, units,
			func(i int) []any {
				id := db.NewID()
				w.units[i] = unitRow{id: id, path: fmt.Sprintf("%s%d/", w.city.path, id), name: fmt.Sprintf("县%d", i+1), group: fmt.Sprintf("G%02d", i%groups+1)}
				return []any{id, w.city.id, w.units[i].path, fmt.Sprintf("91%07d", i+1), w.units[i].name, "region", "county", catIDs[i%groups], now, now}
			}); err != nil {
			return err
		}
		w.people = make([]personRow, n)
		if err := bulk(ctx, tx, "people", []string{"id", "name", "gender", "birth_date", "ethnicity", "party", "education", "unit_id", "created_at", "updated_at"}, n,
			func(i int) []any {
				u := i / perUnit
				w.people[i] = personRow{id: db.NewID(), unit: u, name: fmt.Sprintf("干部%d", i+1)}
				return []any{w.people[i].id, w.people[i].name, "male", "1975-04-01", "汉族", "cpc", "university", w.units[u].id, now, now}
			}); err != nil {
			return err
		}
		if err := bulk(ctx, tx, "posts", []string{"id", "person_id", "unit_id", "title", "rank", "team", "sort_order", "concurrent", "start_date", "created_at", "updated_at"}, n,
			func(i int) []any {
				return []any{db.NewID(), w.people[i].id, w.units[w.people[i].unit].id, "副县长", "division", true, i % perUnit, false, "2023-03-01", now, now}
			}); err != nil {
			return err
		}
		cols := w.in.Values.Cols
		if err := bulk(ctx, tx, "data_items", []string{"id", "code", "name", "owner_unit_id", "frequency", "value_type", "required", "entity_kind", "created_at", "updated_at"}, 2*len(cols),
			func(j int) []any {
				kind := "person"
				code := cols[j%len(cols)]
				if j >= len(cols) {
					kind, code = "unit", "U"+code
				}
				return []any{db.NewID(), code, code, w.city.id, "annual", "number", false, kind, now, now}
			}); err != nil {
			return err
		}
		var err error
		if w.version, err = insertScheme(ctx, tx, w.city.id, "cadre", "person", w.in.Scheme); err != nil {
			return err
		}
		us := *w.in.Scheme
		us.Indicators = nil
		for _, ind := range w.in.Scheme.Indicators {
			if ind.Parent != "" {
				ind.Code = "U" + ind.Code
			}
			us.Indicators = append(us.Indicators, ind)
		}
		us.Code = "team"
		if w.unitVersion, err = insertScheme(ctx, tx, w.city.id, "team", "unit", &us); err != nil {
			return err
		}
		return w.insertValues(ctx, tx, "2025", 0)
	})
	if err != nil {
		t.Fatalf("build world: %v", err)
	}
	return w
}

// insertValues writes the synthetic values, shifted by shift, for period.
func (w *world) insertValues(ctx context.Context, tx *db.Tx, period string, shift float64) error {
	type cell struct {
		entity int64
		code   string
		v      float64
	}
	var cells []cell
	for j, code := range w.in.Values.Cols {
		for i := range w.people {
			if v := w.in.Values.At(i, j); !math.IsNaN(v) {
				cells = append(cells, cell{w.people[i].id, code, v + shift*float64(i%7)})
			}
		}
	}
	now := tx.Now.UnixMicro()
	return bulk(ctx, tx, "data_values", []string{"id", "entity_kind", "entity_id", "item_code", "period", "value", "source",
		"submitter_id", "status", "version", "is_current", "reason", "flagged", "created_at"}, len(cells), func(k int) []any {
		c := cells[k]
		return []any{db.NewID(), "person", c.entity, c.code, period, c.v, "api", 0, "verified", 1, true, "", false, now}
	})
}

// insertScheme stores a scheme and an active version of doc.
func insertScheme(ctx context.Context, tx *db.Tx, owner int64, code, subject string, doc *score.Scheme) (int64, error) {
	now := tx.Now.UnixMicro()
	sid, vid := db.NewID(), db.NewID()
	if _, err := tx.ExecContext(ctx, `INSERT INTO schemes (id, code, name, subject, owner_unit_id, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $6)`, sid, code, code, subject, owner, now); err != nil {
		return 0, err
	}
	b, err := json.Marshal(doc)
	if err != nil {
		return 0, err
	}
	sum := sha256.Sum256(b)
	if _, err := tx.ExecContext(ctx, `INSERT INTO scheme_versions (id, scheme_id, number, document, digest, reason, author_id, author,
		status, locked, created_at, updated_at) VALUES ($1, $2, 1, $3, $4, '初版', 0, 'test', 'active', FALSE, $5, $5)`,
		vid, sid, string(b), hex.EncodeToString(sum[:]), now); err != nil {
		return 0, err
	}
	return vid, nil
}

func (w *world) personIDs() []int64 {
	out := make([]int64, len(w.people))
	for i, p := range w.people {
		out[i] = p.id
	}
	return out
}

// cycle makes a cadre cycle of everyone for period.
func (w *world) cycle(t testing.TB, code string, kind cycle.Kind, period string, mod func(c *cycle.Cycle)) *cycle.Cycle {
	t.Helper()
	c := cycle.Cycle{Code: code, Name: code, Kind: kind, Subject: cycle.SubjectPerson, OwnerUnitID: w.city.id,
		SchemeVersionID: w.version, Period: period, Draws: 20}
	if mod != nil {
		mod(&c)
	}
	got, err := w.svc.Create(context.Background(), sys, c, cycle.Selection{PersonIDs: w.personIDs()})
	if err != nil {
		t.Fatalf("create cycle %s: %v", code, err)
	}
	return got
}

// advance moves c to stage to as the system.
func (w *world) advance(t testing.TB, c *cycle.Cycle, to cycle.Stage) *cycle.Cycle {
	t.Helper()
	ctx := context.Background()
	var err error
	for c.Stage != to {
		next := c.Stage.Next()
		switch next {
		case cycle.Review:
			if _, err := w.svc.Run(ctx, sys, c.ID); err != nil {
				t.Fatalf("run %s: %v", c.Code, err)
			}
		case cycle.Published:
			if c.ApprovedSnapshotID == 0 {
				sn, err := w.svc.Snapshots(ctx, sys, c.ID)
				if err != nil {
					t.Fatal(err)
				}
				if c, err = w.svc.Approve(ctx, sys, c.ID, sn[0].ID, "审核通过"); err != nil {
					t.Fatalf("approve %s: %v", c.Code, err)
				}
			}
		}
		if c, err = w.svc.Move(ctx, sys, c.ID, next, ""); err != nil {
			t.Fatalf("move %s to %s: %v", c.Code, next, err)
		}
	}
	return c
}

// office, viewer and cadre actors.
func (w *world) actor(role auth.Role, u unitRow, person int64) *auth.Actor {
	return &auth.Actor{UserID: 9, Login: "u9", Name: "u9", PersonID: person,
		Grants: []auth.Grant{{Role: role, UnitID: u.id, UnitPath: u.path}}}
}

func wantCode(t *testing.T, err error, code errs.Code) {
	t.Helper()
	if got := errs.CodeOf(err); got != code {
		t.Fatalf("got error %v (code %q), want code %q", err, got, code)
	}
}

func auditCount(t *testing.T, d *db.DB, action string) int {
	t.Helper()
	var n int
	if err := d.SQL.QueryRow(`SELECT count(*) FROM audit_log WHERE action = $1`, action).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
