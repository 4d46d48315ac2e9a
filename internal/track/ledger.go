package track

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"kaohe/internal/audit"
	"kaohe/internal/auth"
	"kaohe/internal/db"
	"kaohe/internal/errs"
	"kaohe/internal/org"
)

// EntryKind is what a ledger entry records.
type EntryKind string

// The entry kinds.
const (
	EntryTask    EntryKind = "task"    // 重点任务
	EntryProject EntryKind = "project" // 重大项目
	EntryIssue   EntryKind = "issue"   // 问题办理
)

// EntryKinds lists the kinds in the order the interface shows them.
var EntryKinds = []EntryKind{EntryTask, EntryProject, EntryIssue}

// Entry is a dated record of the work ledger (工作台账) of a unit or of one
// of its cadres.
type Entry struct {
	ID     int64
	UnitID int64
	// PersonID is the cadre the entry is of, 0 for the unit's.
	PersonID     int64
	Unit, Person string
	Day          string
	Kind         EntryKind
	Title        string
	Detail       string
	// Investment is a project's investment in 万元, nil for none;
	// Milestone the project's stage.
	Investment *float64
	Milestone  string
	// CommitmentID is the commitment the entry serves, 0 for none;
	// Commitment its title (loaded).
	CommitmentID int64
	Commitment   string
	// Latent marks 潜绩 — groundwork whose results come later — to be
	// revisited on RevisitOn.
	Latent    bool
	RevisitOn string
	// Files are its evidence files (loaded, without content).
	Files     []*EntryFile
	CreatedAt time.Time
	unitPath  string
}

// EntryDraft is a ledger entry as written: on a form, or a row of a
// workbook (Row, for messages).
type EntryDraft struct {
	Row                int
	UnitID, PersonID   int64
	Day, Kind, Title   string
	Detail, Investment string
	Milestone          string
	CommitmentID       int64
	Latent             bool
	RevisitOn          string
}

// check returns the entry a draft describes and its problems, each with
// the draft's row.
func (d *EntryDraft) check() (*Entry, errs.List) {
	e := &Entry{UnitID: d.UnitID, PersonID: d.PersonID, Day: strings.TrimSpace(d.Day), Kind: EntryKind(strings.TrimSpace(d.Kind)),
		Title: strings.TrimSpace(d.Title), Detail: strings.TrimSpace(d.Detail), Milestone: strings.TrimSpace(d.Milestone),
		CommitmentID: d.CommitmentID, Latent: d.Latent, RevisitOn: strings.TrimSpace(d.RevisitOn)}
	var l errs.List
	add := func(x *errs.Error) {
		if x != nil {
			x.Row = d.Row
			l.Add(x)
		}
	}
	if d.UnitID == 0 {
		add(errs.Field("unit", "track.unit_required", "choose the unit"))
	}
	day, err := time.Parse(time.DateOnly, e.Day)
	if err != nil {
		add(errs.Field("day", "track.ledger.day_invalid", fmt.Sprintf("%q is not a date YYYY-MM-DD", e.Day)))
	}
	if !slices.Contains(EntryKinds, e.Kind) {
		add(errs.Field("kind", "track.ledger.kind_invalid", "choose a task, a project or an issue handled"))
	}
	add(errs.CheckText("title", "track.title", "the title", e.Title, maxTitle, true))
	add(errs.CheckText("detail", "track.ledger.detail", "the detail", e.Detail, maxText, false))
	add(errs.CheckText("milestone", "track.ledger.milestone", "the milestone", e.Milestone, maxTitle, false))
	if s := strings.TrimSpace(d.Investment); s != "" {
		v, err := strconv.ParseFloat(strings.ReplaceAll(s, ",", ""), 64)
		if err != nil || math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
			x := errs.Field("investment", "track.ledger.investment_invalid", fmt.Sprintf("%q is not an amount", s))
			x.Args = map[string]any{"value": s}
			add(x)
		} else {
			e.Investment = &v
		}
	}
	switch {
	case e.Latent && e.RevisitOn == "":
		add(errs.Field("revisit_on", "track.ledger.revisit_required", "a 潜绩 entry needs the day it is revisited"))
	case e.RevisitOn != "":
		rv, err := time.Parse(time.DateOnly, e.RevisitOn)
		if err != nil {
			add(errs.Field("revisit_on", "track.ledger.revisit_invalid", fmt.Sprintf("%q is not a date YYYY-MM-DD", e.RevisitOn)))
		} else if !day.IsZero() && !rv.After(day) {
			add(errs.Field("revisit_on", "track.ledger.revisit_before", "the revisit comes after the entry's day"))
		}
	}
	return e, l
}

// AddEntries records ledger entries, all or none: the actor needs
// ActLedgerWrite on each entry's unit; a cadre's entry needs the cadre to
// hold a post in the unit, a linked commitment to be one of the unit's.
// Bad rows write nothing and return every problem with its row.
func (s *Service) AddEntries(ctx context.Context, a *auth.Actor, ds []EntryDraft) ([]*Entry, error) {
	if err := signedIn(a); err != nil {
		return nil, err
	}
	var out []*Entry
	var l errs.List
	for i := range ds {
		e, pl := ds[i].check()
		l = append(l, pl...)
		out = append(out, e)
	}
	if len(l) > 0 {
		return nil, l
	}
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		ids := map[int64]bool{}
		var units []int64
		for _, e := range out {
			if !ids[e.UnitID] {
				ids[e.UnitID] = true
				units = append(units, e.UnitID)
			}
		}
		us, err := org.UnitsByID(ctx, tx, units)
		if err != nil {
			return err
		}
		for i, e := range out {
			u := us[e.UnitID]
			if u == nil {
				x := errs.NoSuch("unit")
				x.Field, x.Row = "unit", ds[i].Row
				return x
			}
			if err := s.pol.Authorize(a, auth.ActLedgerWrite, u.Path); err != nil {
				return err
			}
			e.Unit = u.Name
			if e.PersonID != 0 {
				paths, err := org.PersonPaths(ctx, tx, []int64{e.PersonID}, false)
				if err != nil {
					return err
				}
				if !slices.Contains(paths[e.PersonID], u.Path) {
					x := errs.Field("person", "track.person_not_in_unit", "the cadre holds no post in the unit")
					x.Row = ds[i].Row
					return x
				}
			}
			if e.CommitmentID != 0 {
				c, err := get(ctx, tx, e.CommitmentID)
				if err != nil || c.UnitID != e.UnitID {
					x := errs.Field("commitment", "track.ledger.commitment_other", "the commitment is not one of the unit's")
					x.Row = ds[i].Row
					return x
				}
				e.Commitment = c.Title
			}
			e.ID, e.CreatedAt = db.NewID(), tx.Now
			if _, err := tx.ExecContext(ctx, `INSERT INTO ledger_entries (id, unit_id, person_id, day, kind, title, detail, investment,
				milestone, commitment_id, latent, revisit_on, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
				e.ID, e.UnitID, e.PersonID, e.Day, e.Kind, e.Title, e.Detail, e.Investment, e.Milestone, e.CommitmentID, e.Latent, e.RevisitOn,
				a.UserID, tx.Now.UnixMicro()); err != nil {
				return fmt.Errorf("insert ledger entry: %w", err)
			}
		}
		path := audit.GlobalPath
		if len(out) > 0 {
			path = us[out[0].UnitID].Path
		}
		return auth.Record(ctx, tx, a, audit.Event{Action: "ledger.add", ObjectType: "ledger", ObjectID: db.FormatID(out[0].UnitID),
			UnitPath: path, After: map[string]any{"entries": len(out), "units": len(units)}})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// LedgerFilter selects ledger entries. Zero fields do not filter.
type LedgerFilter struct {
	UnitID, PersonID int64
	// Latent keeps the 潜绩 entries; Due, with it, those to revisit by
	// that day.
	Latent bool
	Due    string
}

// MaxLedger is the most entries one read returns.
const MaxLedger = 2000

// Ledger lists the entries the actor may read, newest first, at most
// MaxLedger.
func (s *Service) Ledger(ctx context.Context, a *auth.Actor, f LedgerFilter) ([]*Entry, error) {
	if err := signedIn(a); err != nil {
		return nil, err
	}
	sc := s.pol.Scope(a, auth.ActLedgerRead)
	if sc.Empty() {
		return nil, nil
	}
	var out []*Entry
	err := s.db.View(ctx, func(tx *db.Tx) error {
		var args []any
		cond := org.UnitInScopeSQL("e.unit_id", sc, &args)
		if f.UnitID != 0 {
			cond += " AND e.unit_id = " + db.Arg(&args, f.UnitID)
		}
		if f.PersonID != 0 {
			cond += " AND e.person_id = " + db.Arg(&args, f.PersonID)
		}
		if f.Latent {
			cond += " AND e.latent"
			if f.Due != "" {
				cond += " AND e.revisit_on <= " + db.Arg(&args, f.Due)
			}
		}
		var err error
		out, err = entries(ctx, tx, cond, args)
		return err
	})
	return out, err
}

// entries reads the ledger entries of ledger_entries e that match cond,
// newest first, at most MaxLedger, with their names.
func entries(ctx context.Context, tx *db.Tx, cond string, args []any) ([]*Entry, error) {
	var out []*Entry
	err := db.EachRow(ctx, tx, `SELECT e.id, e.unit_id, e.person_id, e.day, e.kind, e.title, e.detail, e.investment, e.milestone,
		e.commitment_id, e.latent, e.revisit_on, e.created_at FROM ledger_entries e WHERE `+cond+
		fmt.Sprintf(` ORDER BY e.day DESC, e.id LIMIT %d`, MaxLedger), args, func(scan func(...any) error) error {
		e := &Entry{}
		var created int64
		if err := scan(&e.ID, &e.UnitID, &e.PersonID, &e.Day, &e.Kind, &e.Title, &e.Detail, &e.Investment, &e.Milestone,
			&e.CommitmentID, &e.Latent, &e.RevisitOn, &created); err != nil {
			return err
		}
		e.CreatedAt = db.Micros(created)
		out = append(out, e)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list ledger: %w", err)
	}
	if err := entryFiles(ctx, tx, out); err != nil {
		return nil, fmt.Errorf("list ledger evidence: %w", err)
	}
	return out, nameEntries(ctx, tx, out)
}

// nameEntries fills the names of the entries' units, cadres and
// commitments.
func nameEntries(ctx context.Context, tx *db.Tx, es []*Entry) error {
	var units, people, cids []int64
	for _, e := range es {
		units = append(units, e.UnitID)
		if e.PersonID != 0 {
			people = append(people, e.PersonID)
		}
		if e.CommitmentID != 0 {
			cids = append(cids, e.CommitmentID)
		}
	}
	us, err := org.UnitsByID(ctx, tx, slices.Compact(slices.Sorted(slices.Values(units))))
	if err != nil {
		return err
	}
	ps, err := org.PeopleByID(ctx, tx, slices.Compact(slices.Sorted(slices.Values(people))))
	if err != nil {
		return err
	}
	titles, err := db.Names(ctx, tx, `SELECT id, title FROM commitments WHERE id IN (%s)`, slices.Compact(slices.Sorted(slices.Values(cids))))
	if err != nil {
		return err
	}
	for _, e := range es {
		if u := us[e.UnitID]; u != nil {
			e.Unit, e.unitPath = u.Name, u.Path
		}
		if p := ps[e.PersonID]; p != nil {
			e.Person = p.Name
		}
		e.Commitment = titles[e.CommitmentID]
	}
	return nil
}
