package finding

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"kaohe/internal/auth"
	"kaohe/internal/db"
	"kaohe/internal/errs"
	"kaohe/internal/org"
)

// Filter selects findings; zero fields do not filter.
type Filter struct {
	// Under keeps the findings about units in the subtree of this unit.
	Under    int64
	Body     int64
	Source   Source
	Category Category
	Severity Severity
	Status   Status
	// Transfer keeps the findings whose latest transfer has this status;
	// TransferNone those never transferred.
	Transfer TransferStatus
	// From and To bound the day found, both included, 'YYYY-MM-DD'.
	From, To string
	// PersonID keeps the findings that name this person.
	PersonID int64
	// Limit is the page size (50 by default, at most MaxLimit); Offset
	// skips rows.
	Limit, Offset int
}

// Page sizes of List.
const (
	DefaultLimit = 50
	MaxLimit     = 10000
)

// List is a page of findings.
type List struct {
	Findings []*Finding
	// Total counts every finding the filter selects; BySeverity counts
	// them per severity and Notified those notified.
	Total      int
	BySeverity map[Severity]int
	Notified   int
}

// problems checks the filter's codes and days.
func (f *Filter) problems() errs.List {
	var l errs.List
	add := func(e *errs.Error) {
		if e != nil {
			l.Add(e)
		}
	}
	add(choice("source", false, f.Source == "" || f.Source.Valid()))
	add(choice("category", false, f.Category == "" || f.Category.Valid()))
	add(choice("severity", false, f.Severity == "" || f.Severity.Valid()))
	add(choice("status", false, f.Status == "" || f.Status.Valid()))
	add(choice("transfer", false, f.Transfer == "" || f.Transfer == TransferNone || f.Transfer.Valid()))
	for _, d := range []struct{ field, v string }{{"from", f.From}, {"to", f.To}} {
		if d.v != "" && !validDay(d.v) {
			e := errs.Field(d.field, "finding.filter.day_invalid", fmt.Sprintf("%s %q is not a date YYYY-MM-DD", d.field, d.v))
			e.Args = map[string]any{"value": d.v}
			add(e)
		}
	}
	if f.Limit < 0 || f.Limit > MaxLimit || f.Offset < 0 {
		add(errs.Field("limit", "finding.filter.page_invalid", fmt.Sprintf("limit is 1 to %d and offset not below 0", MaxLimit)))
	}
	return l
}

// List returns the findings f selects among those the actor may read —
// its bodies' own, those about units in its ActFindingRead scope, and
// for a cadre those that name her once notified — the latest found first.
// An actor who reads no findings at all gets Forbidden (NotFound without
// any grant); a unit filter outside its sight NotFound.
func (s *Service) List(ctx context.Context, a *auth.Actor, f Filter) (*List, error) {
	if err := signedIn(a); err != nil {
		return nil, err
	}
	if l := f.problems(); len(l) > 0 {
		return nil, l
	}
	sg := s.sightOf(a)
	if f.Limit == 0 {
		f.Limit = DefaultLimit
	}
	out := &List{BySeverity: map[Severity]int{}}
	err := s.db.View(ctx, func(tx *db.Tx) error {
		// A unit outside the actor's sight is not found, whatever it reads.
		var under *org.Unit
		if f.Under != 0 {
			var err error
			if under, err = s.filterUnit(ctx, tx, a, f.Under); err != nil {
				return err
			}
		}
		if sg.empty() {
			return s.pol.RequireAny(a, auth.ActFindingRead)
		}
		args := []any{}
		where := []string{sg.sql(&args)}
		if under != nil {
			where = append(where, org.UnitQuerySQL("f.unit_id", org.UnitQuery{Under: under.Path}, &args))
		}
		if f.Body != 0 {
			where = append(where, "f.body_unit_id = "+db.Arg(&args, f.Body))
		}
		for _, c := range []struct{ col, v string }{{"source", string(f.Source)}, {"category", string(f.Category)},
			{"severity", string(f.Severity)}, {"status", string(f.Status)}} {
			if c.v != "" {
				where = append(where, "f."+c.col+" = "+db.Arg(&args, c.v))
			}
		}
		switch f.Transfer {
		case "":
		case TransferNone:
			where = append(where, "NOT EXISTS (SELECT 1 FROM finding_transfers t WHERE t.finding_id = f.id)")
		default:
			where = append(where, "(SELECT t.status FROM finding_transfers t WHERE t.finding_id = f.id ORDER BY t.sent_at DESC, t.id DESC LIMIT 1) = "+
				db.Arg(&args, string(f.Transfer)))
		}
		if f.From != "" {
			where = append(where, "f.found_on >= "+db.Arg(&args, f.From))
		}
		if f.To != "" {
			where = append(where, "f.found_on <= "+db.Arg(&args, f.To))
		}
		if f.PersonID != 0 {
			where = append(where, "f.id IN (SELECT finding_id FROM finding_people WHERE person_id = "+db.Arg(&args, f.PersonID)+")")
		}
		cond := strings.Join(where, " AND ")
		err := db.EachRow(ctx, tx, `SELECT f.severity, count(*), sum(CASE WHEN f.notified_on <> '' THEN 1 ELSE 0 END)
			FROM findings f WHERE `+cond+` GROUP BY f.severity`, args, func(scan func(...any) error) error {
			var sev Severity
			var n, notified int
			if err := scan(&sev, &n, &notified); err != nil {
				return err
			}
			out.BySeverity[sev] = n
			out.Total += n
			out.Notified += notified
			return nil
		})
		if err != nil {
			return fmt.Errorf("count findings: %w", err)
		}
		out.Findings, err = queryFindings(ctx, tx, `SELECT `+findingCols+` FROM findings f WHERE `+cond+
			` ORDER BY f.found_on DESC, f.created_at DESC, f.id DESC LIMIT `+strconv.Itoa(f.Limit)+` OFFSET `+strconv.Itoa(f.Offset), args)
		if err != nil {
			return err
		}
		for _, fd := range out.Findings {
			if !s.readsWhole(a, fd) {
				fd.People = onlyMe(fd.People, a.PersonID)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// onlyMe keeps the actor's own person among the people a finding names:
// a cadre who reads a finding because it names her does not learn whom
// else it names.
func onlyMe(people []Named, me int64) []Named {
	var out []Named
	for _, n := range people {
		if n.ID == me {
			out = append(out, n)
		}
	}
	return out
}

// filterUnit reads unit id for a list filter: it must lie in the actor's
// sight — a unit it reads, one of its finding scope, or one of its
// bodies' jurisdictions — else NotFound.
func (s *Service) filterUnit(ctx context.Context, tx *db.Tx, a *auth.Actor, id int64) (*org.Unit, error) {
	u, err := org.GetUnit(ctx, tx, id)
	if err != nil {
		return nil, err
	}
	if s.pol.Authorize(a, auth.ActUnitRead, u.Path) == nil || s.pol.Scope(a, auth.ActFindingRead).Contains(u.Path) {
		return u, nil
	}
	bodies, err := actorBodies(ctx, tx, a)
	if err != nil {
		return nil, err
	}
	for _, b := range bodies {
		if b.Covers(u.Path) {
			return u, nil
		}
	}
	return nil, errs.NoSuch("unit")
}

func validDay(s string) bool {
	_, err := time.Parse(time.DateOnly, s)
	return err == nil
}
