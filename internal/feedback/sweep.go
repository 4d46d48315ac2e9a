package feedback

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"kaohe/internal/audit"
	"kaohe/internal/auth"
	"kaohe/internal/db"
)

// ReminderDays is how many days before its deadline a task's owner is
// reminded.
const ReminderDays = 7

// Swept tells what Sweep did.
type Swept struct {
	// Reminded counts the tasks whose owners were reminded, Escalated the
	// overdue tasks notified to the superior unit.
	Reminded, Escalated int
}

// Sweep reminds the owners of open tasks due within ReminderDays and
// escalates the overdue ones: the owner is told, and so is the office of
// the superior unit (the unit above the report's), once per task; the
// rate of rectification on time is published again for the overdue.
// It is run by the system (the server once an hour, the demo); the actor
// needs ActFeedbackRelease on every task it touches, so an office sweeps
// its scope only.
func (s *Service) Sweep(ctx context.Context, a *auth.Actor) (*Swept, error) {
	if err := signedIn(a); err != nil {
		return nil, err
	}
	out := &Swept{}
	var sent []*Notification
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		today := day(tx.Now)
		soon := day(tx.Now.Add(ReminderDays * 24 * time.Hour))
		var due, late []*Task
		err := db.EachRow(ctx, tx, `SELECT `+taskCols+taskFrom+` WHERE t.status <> 'done' AND
			((t.reminded_at = 0 AND t.deadline <= $1) OR (t.escalated_at = 0 AND t.deadline < $2)) ORDER BY t.deadline, t.id`,
			[]any{soon, today}, func(scan func(...any) error) error {
				t, err := scanTask(rowScanner(scan))
				if err != nil {
					return err
				}
				if s.pol.Authorize(a, auth.ActFeedbackRelease, t.UnitPath) != nil {
					return nil
				}
				if t.Deadline < today && !t.Escalated {
					late = append(late, t)
				} else if !t.Reminded {
					due = append(due, t)
				}
				return nil
			})
		if err != nil {
			return fmt.Errorf("read due tasks: %w", err)
		}
		now := tx.Now.UnixMicro()
		for _, t := range due {
			r, err := getReport(ctx, tx, t.ReportID)
			if err != nil {
				return err
			}
			users, err := ownerUsers(ctx, tx, r)
			if err != nil {
				return err
			}
			ns, err := notify(ctx, tx, users, KindTaskDue, map[string]any{"name": r.Name, "problem": t.Problem, "deadline": t.Deadline},
				reportLink(r.ID)+"#task-"+db.FormatID(t.ID))
			if err != nil {
				return err
			}
			sent = append(sent, ns...)
			if _, err := tx.ExecContext(ctx, `UPDATE rectification_tasks SET reminded_at = $1 WHERE id = $2`, now, t.ID); err != nil {
				return fmt.Errorf("mark reminded: %w", err)
			}
			if err := auth.Record(ctx, tx, a, audit.Event{Action: "rectification.remind", ObjectType: "rectification_task",
				ObjectID: db.FormatID(t.ID), UnitPath: t.UnitPath, After: map[string]any{"deadline": t.Deadline, "users": len(users)}}); err != nil {
				return err
			}
			out.Reminded++
		}
		for _, t := range late {
			r, err := getReport(ctx, tx, t.ReportID)
			if err != nil {
				return err
			}
			users, err := ownerUsers(ctx, tx, r)
			if err != nil {
				return err
			}
			args := map[string]any{"name": r.Name, "problem": t.Problem, "deadline": t.Deadline}
			link := reportLink(r.ID) + "#task-" + db.FormatID(t.ID)
			ns, err := notify(ctx, tx, users, KindTaskOverdue, args, link)
			if err != nil {
				return err
			}
			sent = append(sent, ns...)
			offices, err := auth.UsersWithRole(ctx, tx, auth.RoleOffice, superior(r.UnitPath))
			if err != nil {
				return err
			}
			if ns, err = notify(ctx, tx, offices, KindTaskEscalated, args, "/tasks?overdue=1"); err != nil {
				return err
			}
			sent = append(sent, ns...)
			if _, err := tx.ExecContext(ctx, `UPDATE rectification_tasks SET escalated_at = $1, reminded_at = CASE WHEN reminded_at = 0
				THEN $1 ELSE reminded_at END WHERE id = $2`, now, t.ID); err != nil {
				return fmt.Errorf("mark escalated: %w", err)
			}
			if err := auth.Record(ctx, tx, a, audit.Event{Action: "rectification.escalate", ObjectType: "rectification_task",
				ObjectID: db.FormatID(t.ID), UnitPath: t.UnitPath, After: map[string]any{"deadline": t.Deadline, "offices": len(offices)}}); err != nil {
				return err
			}
			if err := s.publishRate(ctx, tx, a, r, t.Deadline[:4]); err != nil {
				return err
			}
			out.Escalated++
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	s.send(ctx, sent)
	return out, nil
}

// superior returns the unit above the one at path ("/1/5/9/" → 5), none
// for a root.
func superior(path string) []int64 {
	ids := strings.Split(strings.Trim(path, "/"), "/")
	if len(ids) < 2 {
		return nil
	}
	id, err := strconv.ParseInt(ids[len(ids)-2], 10, 64)
	if err != nil {
		return nil
	}
	return []int64{id}
}

// rowScanner adapts EachRow's scan to a Scan method.
type rowScanner func(...any) error

func (f rowScanner) Scan(dest ...any) error { return f(dest...) }
