// Package demo builds a deterministic fictional jurisdiction in Chinese for
// trying Kaohe out and for benchmarks: 江南省 → 青州市 with its districts,
// counties and townships, city and county departments, about 500 cadres with
// three years of post history, and one sign-in per role.
//
// The build runs as steps (units, people and posts, sign-ins …), each in
// its own file with its own random stream derived from the seed, so that a
// step added by a later capability leaves the data of the earlier ones
// unchanged. Rows are written with multi-row INSERTs in a few transactions;
// one audit event records the build.
package demo

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"kaohe/internal/org"
	"math/rand/v2"
	"strconv"
	"time"

	"kaohe/internal/audit"
	"kaohe/internal/auth"
	"kaohe/internal/db"
)

// Options say what to build.
type Options struct {
	// Seed makes the build reproducible: the same seed and scale give the
	// same units, people, posts and passwords.
	Seed uint64
	// Scale multiplies the jurisdiction: 1 (the default) is one city of
	// about 500 cadres, 200 about 100,000 cadres. At most MaxScale.
	Scale int
	// Progress receives a line per step; nil for silence.
	Progress io.Writer
}

// MaxScale is the largest scale (about 300,000 cadres): the division codes
// of one province hold 90 cities of up to 99 counties each.
const MaxScale = 600

// Settings keys the build stores.
const (
	SettingSeed  = "demo_seed"
	SettingScale = "demo_scale"
)

// Summary tells what was built.
type Summary struct {
	Seed  uint64
	Scale int
	// Unit counts by kind and level.
	Categories, Units, Regions, Departments int
	Cities, Counties, Townships             int
	// People and Posts count cadres and their posts, past ones included.
	People, Posts int
	// Logins are the sign-ins, one per role, with their passwords.
	Logins  []Login
	Elapsed time.Duration

	// ShareToken is the sharing token the demo's consuming system reads
	// /api/v1/share with (sharing.go); shown only in this summary.
	ShareToken string
}

// Login is a demo sign-in.
type Login struct {
	Role     auth.Role
	Login    string
	Password string
	// Name is the account's display name.
	Name string
	// UnitID and Scope are the unit the role is granted in and its name.
	UnitID int64
	Scope  string
	// PersonID is the cadre's person for the cadre sign-in, else 0.
	PersonID int64
}

// ErrNotEmpty reports a database that already holds units.
var ErrNotEmpty = errors.New("the database already holds units")

// builder carries the state the steps share.
type builder struct {
	d        *db.DB
	opts     Options
	sum      *Summary
	started  time.Time
	actor    *auth.Actor
	j        *jurisdiction // built by the units step
	c        *cadres       // built by the people step
	progress io.Writer
}

// step is one part of the build.
type step struct {
	name string
	run  func(ctx context.Context, b *builder) error
}

// steps lists the build's steps in order. A capability that adds demo data
// appends its step here, in a file of its own.
var steps = []step{
	{"units", buildUnits},
	{"people", buildPeople},
	{"sign-ins", buildUsers},
	{"schemes", buildSchemes},
	{"values", buildValues},
	{"town values", buildTownValues},
	{"evaluations", buildEvaluations},
	{"findings", buildFindings},
	{"sanctions", buildSanctions},
	{"cycles", buildCycles},
	{"fieldwork", buildFieldwork},
	{"requests", buildRequests},
	{"sharing", buildSharing},
	{"track", buildTrack},
	{"reviews", buildReviews},
	{"feedback", buildFeedback},
	// The use of results reads what the steps before left open: the
	// handover passes on commitments and rectification tasks too.
	{"outcome", buildOutcome},
}

// Build fills an empty database with the demo jurisdiction. It refuses
// (ErrNotEmpty) a database that already holds units.
func Build(ctx context.Context, d *db.DB, opts Options) (*Summary, error) {
	if opts.Scale == 0 {
		opts.Scale = 1
	}
	if opts.Scale < 1 || opts.Scale > MaxScale {
		return nil, fmt.Errorf("demo scale %d is outside 1 to %d", opts.Scale, MaxScale)
	}
	b := &builder{
		d: d, opts: opts, started: time.Now(),
		sum:      &Summary{Seed: opts.Seed, Scale: opts.Scale},
		actor:    auth.SystemActor("demo"),
		progress: opts.Progress,
	}
	if b.progress == nil {
		b.progress = io.Discard
	}
	// The settings go first, so that a build cut short still marks the
	// database as the demo's, which kaohe demo may erase and rebuild.
	err := d.InTx(ctx, func(tx *db.Tx) error {
		n, err := org.CountUnits(ctx, tx)
		if err != nil {
			return err
		}
		if n > 0 {
			return fmt.Errorf("%w (%d)", ErrNotEmpty, n)
		}
		if err := db.SetSetting(ctx, tx, SettingSeed, strconv.FormatUint(b.opts.Seed, 10)); err != nil {
			return err
		}
		return db.SetSetting(ctx, tx, SettingScale, strconv.Itoa(b.opts.Scale))
	})
	if err != nil {
		return nil, err
	}
	for _, s := range steps {
		t := time.Now()
		if err := s.run(ctx, b); err != nil {
			return nil, fmt.Errorf("demo %s: %w", s.name, err)
		}
		b.logf("%s done in %s", s.name, time.Since(t).Round(time.Millisecond))
	}
	if err := b.finish(ctx); err != nil {
		return nil, err
	}
	// Fresh statistics let both engines' planners use the path index.
	for _, table := range []string{"units", "people", "posts"} {
		if _, err := d.SQL.ExecContext(ctx, `ANALYZE `+table); err != nil {
			return nil, fmt.Errorf("demo: analyze %s: %w", table, err)
		}
	}
	b.sum.Elapsed = time.Since(b.started)
	return b.sum, nil
}

// finish records the build in the audit log.
func (b *builder) finish(ctx context.Context) error {
	return b.d.InTx(ctx, func(tx *db.Tx) error {
		s := b.sum
		return auth.Record(ctx, tx, b.actor, audit.Event{
			Action: "demo.build", ObjectType: "demo", ObjectID: strconv.FormatUint(b.opts.Seed, 10),
			UnitPath: audit.GlobalPath,
			After: map[string]any{
				"seed": strconv.FormatUint(b.opts.Seed, 10), "scale": b.opts.Scale,
				"categories": s.Categories, "units": s.Units, "people": s.People, "posts": s.Posts,
				"users": len(s.Logins),
			},
			Reason: "kaohe demo",
		})
	})
}

// rand returns the random stream of a step: the same for the same seed and
// step name, whatever the other steps draw.
func (b *builder) rand(stepName string) *rand.Rand {
	h := fnv.New64a()
	h.Write([]byte(stepName))
	return rand.New(rand.NewPCG(b.opts.Seed, h.Sum64()))
}

// logf writes a progress line.
func (b *builder) logf(format string, args ...any) {
	fmt.Fprintf(b.progress, "demo: "+format+"\n", args...)
}
