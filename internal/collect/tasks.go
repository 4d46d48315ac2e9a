package collect

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"kaohe/internal/auth"
	"kaohe/internal/db"
)

// Task is a request for data: the values of one item for one period, due
// on a deadline, counted over the part of the item's entities the actor
// answers for (a provider: the item's whole scope) or watches (the
// office: its region).
type Task struct {
	// ItemStatus holds the counts; a task names no missing entities.
	*ItemStatus
	Period string
	// RegionID is the unit whose subtree the counts cover: the watched
	// region for the office, 0 for a provider's own items.
	RegionID int64
}

// Missing is the number of expected values not submitted yet.
func (t *Task) Missing() int { return max(t.Expected-t.Submitted, 0) }

// DueWithin reports whether the task has values missing and falls due
// within days of today (both 'YYYY-MM-DD'), today included; an overdue
// task is not due within.
func (t *Task) DueWithin(today string, days int) bool {
	if t.Due == "" || t.Missing() == 0 || t.Due < today {
		return false
	}
	d, err := time.Parse(time.DateOnly, today)
	if err != nil {
		return false
	}
	return t.Due <= d.AddDate(0, 0, days).Format(time.DateOnly)
}

// Tasks is an actor's collection work: the requests it must answer and
// those it follows.
type Tasks struct {
	// Today is the date in Beijing that deadlines are compared with.
	Today string
	// Submit are the requests for the items the actor submits, and whose
	// collection it does not watch, with values missing or returned to
	// it, by deadline.
	Submit []*Task
	// Watch are the requests for the items collected in the regions the
	// actor watches (ActCollectStatus) with values missing or flagged
	// values awaiting review, by deadline.
	Watch []*Task
}

// Tasks returns the actor's collection work. A request is an item's
// period with a deadline: the office asks for data by setting one
// (SetDeadline), so periods without a deadline (history loaded once) are
// nobody's task. An actor with neither ActValueSubmit nor
// ActCollectStatus anywhere has empty lists.
func (s *Service) Tasks(ctx context.Context, a *auth.Actor) (*Tasks, error) {
	if err := signedIn(a); err != nil {
		return nil, err
	}
	out := &Tasks{}
	err := s.db.View(ctx, func(tx *db.Tx) error {
		out.Today = tx.Now.In(Beijing).Format(time.DateOnly)
		submits, regions := !s.pol.Scope(a, auth.ActValueSubmit).Empty(), s.watched(a)
		if !submits && len(regions) == 0 {
			return nil
		}
		requests, err := deadlines(ctx, tx)
		if err != nil {
			return err
		}
		items, err := queryItems(ctx, tx, "")
		if err != nil {
			return err
		}
		sortByOwner(items)
		for _, it := range items {
			reqs := requests[it.Code]
			if len(reqs) == 0 {
				continue
			}
			// Who watches the owner's collection (the office, which may
			// submit too) follows the item in Watch, not as its own work.
			if submits && s.pol.Authorize(a, auth.ActValueSubmit, it.OwnerPath) == nil &&
				s.pol.Authorize(a, auth.ActCollectStatus, it.OwnerPath) != nil {
				for _, r := range reqs {
					st, err := itemStatus(ctx, tx, it, r.period, it.ScopePath, out.Today, false)
					if err != nil {
						return err
					}
					if st.Submitted < st.Expected || st.Returned > 0 {
						out.Submit = append(out.Submit, &Task{ItemStatus: st, Period: r.period})
					}
				}
			}
			for _, g := range regions {
				scope := overlap(g.UnitPath, it.ScopePath)
				if scope == "" {
					continue
				}
				for _, r := range reqs {
					st, err := itemStatus(ctx, tx, it, r.period, scope, out.Today, false)
					if err != nil {
						return err
					}
					if st.Submitted < st.Expected || st.Unreviewed > 0 {
						out.Watch = append(out.Watch, &Task{ItemStatus: st, Period: r.period, RegionID: g.UnitID})
					}
				}
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	byDue := func(x, y *Task) int {
		return strings.Compare(x.Due+x.Period+x.Item.Code, y.Due+y.Period+y.Item.Code)
	}
	slices.SortStableFunc(out.Submit, byDue)
	slices.SortStableFunc(out.Watch, byDue)
	return out, nil
}

// watched returns the actor's grants that watch collection, leaving out
// those inside another one's subtree, so that no value is counted twice.
func (s *Service) watched(a *auth.Actor) []auth.Grant {
	var out []auth.Grant
	for _, g := range a.Grants {
		if s.pol.Authorize(a, auth.ActCollectStatus, g.UnitPath) != nil {
			continue
		}
		inside := slices.ContainsFunc(a.Grants, func(o auth.Grant) bool {
			return o.UnitPath != g.UnitPath && strings.HasPrefix(g.UnitPath, o.UnitPath) &&
				s.pol.Authorize(a, auth.ActCollectStatus, o.UnitPath) == nil
		})
		if !inside && !slices.ContainsFunc(out, func(o auth.Grant) bool { return o.UnitPath == g.UnitPath }) {
			out = append(out, g)
		}
	}
	return out
}

// request is a period of an item with its deadline.
type request struct{ period, due string }

// deadlines reads every deadline by item code.
func deadlines(ctx context.Context, tx *db.Tx) (map[string][]request, error) {
	rows, err := tx.QueryContext(ctx, `SELECT item_code, period, due_date FROM collect_deadlines ORDER BY item_code, due_date, period`)
	if err != nil {
		return nil, fmt.Errorf("read deadlines: %w", err)
	}
	defer rows.Close()
	out := map[string][]request{}
	for rows.Next() {
		var code string
		var r request
		if err := rows.Scan(&code, &r.period, &r.due); err != nil {
			return nil, fmt.Errorf("read deadlines: %w", err)
		}
		out[code] = append(out[code], r)
	}
	return out, rows.Err()
}
