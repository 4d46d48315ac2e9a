package feedback

import (
	"context"
	"encoding/json"
	"fmt"

	"kaohe/internal/auth"
	"kaohe/internal/cycle"
	"kaohe/internal/db"
)

// Report returns report id with its tasks and their progress, its
// appeals, the open tasks carried from the entity's earlier reports, the
// version that superseded its snapshot and the end of its appeal window.
// The office in scope reads every report, drafts included; the owner
// (the cadre, the team's cadres) reads it once released; nobody else.
func (s *Service) Report(ctx context.Context, a *auth.Actor, id int64) (*Report, error) {
	var out *Report
	err := s.db.View(ctx, func(tx *db.Tx) error {
		r, err := s.readable(ctx, tx, a, id)
		if err != nil {
			return err
		}
		c, err := cycle.Get(ctx, tx, r.CycleID)
		if err != nil {
			return err
		}
		r.CycleName = c.Name
		if r.Superseded, err = cycle.SupersededBy(ctx, tx, r.SnapshotID); err != nil {
			return err
		}
		if r.AppealUntil, err = s.appealWindow(ctx, tx, r); err != nil {
			return err
		}
		r.Today = day(tx.Now)
		r.AppealOpen = r.Status != Draft && r.Superseded == 0 && c.PublishedSnapshotID == r.SnapshotID && tx.Now.Before(r.AppealUntil)
		if r.Tasks, err = s.tasksOf(ctx, tx, `t.report_id = $1`, r.ID); err != nil {
			return err
		}
		if err := loadUpdates(ctx, tx, r.Tasks); err != nil {
			return err
		}
		// Tasks still open from the entity's earlier reports — of earlier
		// cycles, or of a superseded version — are carried into this one
		// (结转).
		cond, arg := `r.person_id = $1 AND r.id <> $2 AND t.status <> 'done' AND r.created_at <= $3`, any(r.PersonID)
		if r.Team() {
			cond, arg = `r.person_id = 0 AND r.unit_id = $1 AND r.id <> $2 AND t.status <> 'done' AND r.created_at <= $3`, r.UnitID
		}
		if r.Carried, err = s.tasksOf(ctx, tx, cond, arg, r.ID, r.CreatedAt.UnixMicro()); err != nil {
			return err
		}
		err = db.EachRow(ctx, tx, `SELECT `+appealCols+` FROM appeals WHERE report_id = $1 ORDER BY created_at, id`, []any{r.ID},
			func(scan func(...any) error) error {
				x, err := scanAppeal(rowScanner(scan))
				if err != nil {
					return err
				}
				r.Appeals = append(r.Appeals, x)
				return nil
			})
		if err != nil {
			return fmt.Errorf("read appeals: %w", err)
		}
		logins := []string{r.ReleasedBy, r.ReceivedBy}
		for _, x := range r.Appeals {
			logins = append(logins, x.Appellant, x.AnsweredBy)
		}
		for _, t := range append(r.Tasks, r.Carried...) {
			for _, u := range t.Updates {
				logins = append(logins, u.Actor)
			}
		}
		if r.Names, err = auth.NamesByLogin(ctx, tx, logins); err != nil {
			return err
		}
		out = r
		return nil
	})
	return out, err
}

// tasksOf lists the tasks matching cond, by deadline.
func (s *Service) tasksOf(ctx context.Context, tx *db.Tx, cond string, args ...any) ([]*Task, error) {
	var out []*Task
	err := db.EachRow(ctx, tx, `SELECT `+taskCols+taskFrom+` WHERE `+cond+` ORDER BY t.deadline, t.id`, args,
		func(scan func(...any) error) error {
			t, err := scanTask(rowScanner(scan))
			if err != nil {
				return err
			}
			out = append(out, t)
			return nil
		})
	if err != nil {
		return nil, fmt.Errorf("list tasks: %w", err)
	}
	return out, nil
}

// ReportFilter selects reports.
type ReportFilter struct {
	// CycleID keeps one cycle's reports; 0 for all.
	CycleID int64
	// Offset and Limit page them; Limit 0 for all.
	Offset, Limit int
}

// Summary is a report in a list.
type Summary struct {
	ID, CycleID, SnapshotID int64
	Entity, Name, DocNo     string
	PersonID                int64
	Status                  Status
	Grade                   string
	Total                   float64
	Rank, GroupSize         int
	// Current is false for a report on a superseded snapshot version.
	Current bool
	// Tasks and Open count its tasks and those not done; Appeals its
	// pending appeals.
	Tasks, Open, Appeals int
}

// Reports lists the reports the actor may read — the office's drafts and
// releases in its scope, the owner's released ones — newest cycle first,
// then in 文号 order, with the total count.
func (s *Service) Reports(ctx context.Context, a *auth.Actor, f ReportFilter) ([]Summary, int, error) {
	if err := signedIn(a); err != nil {
		return nil, 0, err
	}
	var out []Summary
	var total int
	err := s.db.View(ctx, func(tx *db.Tx) error {
		var args []any
		where := ` WHERE ` + s.reportScope(a, &args)
		draft := s.pol.Scope(a, auth.ActFeedbackDraft)
		where += ` AND (r.status <> 'draft' OR ` + draft.SQL("r.unit_path", &args) + `)`
		if f.CycleID != 0 {
			where += ` AND r.cycle_id = ` + db.Arg(&args, f.CycleID)
		}
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM feedback_reports r`+where, args...).Scan(&total); err != nil {
			return fmt.Errorf("count reports: %w", err)
		}
		q := `SELECT r.id, r.cycle_id, r.snapshot_id, r.entity, r.name, r.doc_no, r.person_id, r.status, r.content,
			(SELECT count(*) FROM rectification_tasks t WHERE t.report_id = r.id),
			(SELECT count(*) FROM rectification_tasks t WHERE t.report_id = r.id AND t.status <> 'done'),
			(SELECT count(*) FROM appeals p WHERE p.report_id = r.id AND p.status = 'pending')
			FROM feedback_reports r` + where + ` ORDER BY r.created_at DESC, r.cycle_id DESC, r.id`
		if f.Limit > 0 {
			q += ` LIMIT ` + db.Arg(&args, f.Limit) + ` OFFSET ` + db.Arg(&args, f.Offset)
		}
		err := db.EachRow(ctx, tx, q, args, func(scan func(...any) error) error {
			var x Summary
			var content string
			if err := scan(&x.ID, &x.CycleID, &x.SnapshotID, &x.Entity, &x.Name, &x.DocNo, &x.PersonID, &x.Status, &content,
				&x.Tasks, &x.Open, &x.Appeals); err != nil {
				return err
			}
			var c Content
			if err := json.Unmarshal([]byte(content), &c); err != nil {
				return fmt.Errorf("report %d: %w", x.ID, err)
			}
			x.Grade, x.Total, x.Rank, x.GroupSize = c.Grade, c.Total, c.Rank, c.GroupSize
			out = append(out, x)
			return nil
		})
		if err != nil {
			return fmt.Errorf("list reports: %w", err)
		}
		superseded := map[int64]int{}
		for i := range out {
			n, ok := superseded[out[i].SnapshotID]
			if !ok {
				if n, err = cycle.SupersededBy(ctx, tx, out[i].SnapshotID); err != nil {
					return err
				}
				superseded[out[i].SnapshotID] = n
			}
			out[i].Current = n == 0
		}
		return nil
	})
	return out, total, err
}
