package feedback

import (
	"context"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"time"

	"kaohe/internal/audit"
	"kaohe/internal/auth"
	"kaohe/internal/collect"
	"kaohe/internal/db"
	"kaohe/internal/errs"
)

// TaskStatus is where a rectification task is.
type TaskStatus string

// The task statuses.
const (
	TaskOpen      TaskStatus = "open"      // under way
	TaskSubmitted TaskStatus = "submitted" // reported done, awaiting verification
	TaskDone      TaskStatus = "done"      // verified 整改到位
)

// Task is a rectification task (整改任务) made from a problem of a
// released report.
type Task struct {
	ID, ReportID int64
	// Problem is the problem as the report words it; Responsible the party
	// (责任人/责任单位); Target the measurable target; Steps the measures.
	Problem, Responsible, Target, Steps string
	// Deadline is 'YYYY-MM-DD'.
	Deadline string
	Status   TaskStatus
	// SubmittedOn is the day it was reported done; VerifiedOn the day the
	// office verified it; Verdict the office's last verdict (到位 / 未到位
	// with why).
	SubmittedOn, VerifiedOn, Verdict string
	// Reminded and Escalated say whether the reminder and the notice to
	// the superior unit went out.
	Reminded, Escalated bool
	CreatedAt           time.Time
	// Loaded: the report's entity, for lists.
	Name, DocNo, UnitPath string
	CycleID               int64
	Updates               []Update
}

// Overdue reports whether t is past its deadline on day today and not done.
func (t *Task) Overdue(today string) bool { return t.Status != TaskDone && t.Deadline < today }

// OnTime reports whether t was completed by its deadline.
func (t *Task) OnTime() bool { return t.Status == TaskDone && t.SubmittedOn <= t.Deadline }

// Update is a progress report of a task with its evidence.
type Update struct {
	ID   int64
	Note string
	// Done marks the update that reported the task completed.
	Done bool
	// FileName is the evidence file's name, "" for none.
	FileName  string
	Actor     string
	CreatedAt time.Time
}

// TaskForm is a new task as the office writes it.
type TaskForm struct {
	Problem, Responsible, Deadline, Target, Steps string
}

// Validate checks the form's fields, naming the first bad one.
func (f *TaskForm) Validate() error {
	for _, c := range []struct {
		field, v string
		max      int
	}{{"problem", f.Problem, 500}, {"responsible", f.Responsible, 200}, {"target", f.Target, 500}, {"steps", f.Steps, 2000}} {
		if e := errs.CheckText(c.field, "feedback.task."+c.field, c.field, c.v, c.max, true); e != nil {
			return e
		}
	}
	if t, err := time.Parse(time.DateOnly, f.Deadline); err != nil || t.Format(time.DateOnly) != f.Deadline {
		return invalid("deadline", "feedback.task.deadline_invalid", "the deadline is not a date YYYY-MM-DD")
	}
	return nil
}

const taskCols = `t.id, t.report_id, t.problem, t.responsible, t.deadline, t.target, t.steps, t.status, t.submitted_on, t.verdict,
	t.verified_on, t.reminded_at, t.escalated_at, t.created_at, r.name, r.doc_no, r.unit_path, r.cycle_id`

const taskFrom = ` FROM rectification_tasks t JOIN feedback_reports r ON r.id = t.report_id`

func scanTask(row interface{ Scan(...any) error }) (*Task, error) {
	var t Task
	var reminded, escalated, created int64
	if err := row.Scan(&t.ID, &t.ReportID, &t.Problem, &t.Responsible, &t.Deadline, &t.Target, &t.Steps, &t.Status, &t.SubmittedOn,
		&t.Verdict, &t.VerifiedOn, &reminded, &escalated, &created, &t.Name, &t.DocNo, &t.UnitPath, &t.CycleID); err != nil {
		return nil, err
	}
	t.Reminded, t.Escalated, t.CreatedAt = reminded != 0, escalated != 0, db.Micros(created)
	return &t, nil
}

// CreateTask makes a rectification task of released report reportID. The
// deadline may not be before today. The actor needs ActFeedbackRelease.
func (s *Service) CreateTask(ctx context.Context, a *auth.Actor, reportID int64, f TaskForm) (*Task, error) {
	f.Problem, f.Responsible, f.Target, f.Steps = strings.TrimSpace(f.Problem), strings.TrimSpace(f.Responsible),
		strings.TrimSpace(f.Target), strings.TrimSpace(f.Steps)
	f.Deadline = strings.TrimSpace(f.Deadline)
	if err := f.Validate(); err != nil {
		return nil, err
	}
	var out *Task
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		r, err := s.readable(ctx, tx, a, reportID)
		if err != nil {
			return err
		}
		if err := s.pol.Authorize(a, auth.ActFeedbackRelease, r.UnitPath); err != nil {
			return err
		}
		if r.Status == Draft {
			return conflict("feedback.task_needs_release", "release the report before making its tasks")
		}
		if f.Deadline < day(tx.Now) {
			return invalid("deadline", "feedback.task.deadline_past", "the deadline is in the past")
		}
		id := db.NewID()
		now := tx.Now.UnixMicro()
		if _, err := tx.ExecContext(ctx, `INSERT INTO rectification_tasks (id, report_id, problem, responsible, deadline, target, steps,
			status, submitted_on, verdict, verified_on, reminded_at, escalated_at, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, '', '', '', 0, 0, $9, $9)`, id, reportID, f.Problem, f.Responsible, f.Deadline,
			f.Target, f.Steps, TaskOpen, now); err != nil {
			return fmt.Errorf("insert task: %w", err)
		}
		if err := auth.Record(ctx, tx, a, audit.Event{Action: "rectification.create", ObjectType: "rectification_task", ObjectID: db.FormatID(id),
			UnitPath: r.UnitPath, After: map[string]any{"report_id": reportID, "problem": f.Problem, "responsible": f.Responsible,
				"deadline": f.Deadline, "target": f.Target, "steps": f.Steps}}); err != nil {
			return err
		}
		if err := s.publishRate(ctx, tx, a, r, f.Deadline[:4]); err != nil {
			return err
		}
		out, err = getTask(ctx, tx, id)
		return err
	})
	return out, err
}

// getTask reads task id with its report's names; NotFound when none.
func getTask(ctx context.Context, tx *db.Tx, id int64) (*Task, error) {
	t, err := scanTask(tx.QueryRowContext(ctx, `SELECT `+taskCols+taskFrom+` WHERE t.id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("task")
	}
	if err != nil {
		return nil, fmt.Errorf("read task: %w", err)
	}
	return t, nil
}

// taskReport reads task id and its report if a may read them.
func (s *Service) taskReport(ctx context.Context, tx *db.Tx, a *auth.Actor, id int64) (*Task, *Report, error) {
	t, err := getTask(ctx, tx, id)
	if err != nil {
		return nil, nil, err
	}
	r, err := s.readable(ctx, tx, a, t.ReportID)
	if err != nil {
		return nil, nil, err
	}
	return t, r, nil
}

// Progress records a progress report of task id by its owner (the
// cadre, or a cadre of the team's unit) or the office, with an optional
// evidence file; done reports the task completed, which needs evidence and
// awaits the office's verification.
func (s *Service) Progress(ctx context.Context, a *auth.Actor, id int64, note string, done bool, fileName string, data []byte) (*Task, error) {
	note = strings.TrimSpace(note)
	if e := errs.CheckText("note", "feedback.progress.note", "note", note, 2000, true); e != nil {
		return nil, e
	}
	var ctype string
	if len(data) > 0 || fileName != "" {
		var e *errs.Error
		if ctype, e = collect.CheckUpload("file", "feedback.evidence.", fileName, data); e != nil {
			return nil, e
		}
	} else if done {
		return nil, invalid("file", "feedback.progress.evidence_needed", "a task reported done needs its evidence")
	}
	var out *Task
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		t, r, err := s.taskReport(ctx, tx, a, id)
		if err != nil {
			return err
		}
		if !s.IsOwner(a, r) && !s.MayRelease(a, r) {
			return s.authorize(a, r.appealAction(), r)
		}
		if t.Status == TaskDone {
			return conflict("feedback.task_done", "the task is verified done")
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO rectification_updates (id, task_id, note, done, file_name, content_type, content,
			actor_id, actor, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`, db.NewID(), id, note, done,
			strings.TrimSpace(fileName), ctype, base64.StdEncoding.EncodeToString(data), a.UserID, a.AuditName(), tx.Now.UnixMicro()); err != nil {
			return fmt.Errorf("insert progress: %w", err)
		}
		after := map[string]any{"note": note, "done": done, "file": strings.TrimSpace(fileName)}
		if done {
			if _, err := tx.ExecContext(ctx, `UPDATE rectification_tasks SET status = $1, submitted_on = $2, updated_at = $3 WHERE id = $4`,
				TaskSubmitted, day(tx.Now), tx.Now.UnixMicro(), id); err != nil {
				return fmt.Errorf("submit task: %w", err)
			}
			after["status"] = TaskSubmitted
		}
		if err := auth.Record(ctx, tx, a, audit.Event{Action: "rectification.progress", ObjectType: "rectification_task", ObjectID: db.FormatID(id),
			UnitPath: r.UnitPath, Before: map[string]any{"status": t.Status}, After: after}); err != nil {
			return err
		}
		out, err = getTask(ctx, tx, id)
		return err
	})
	return out, err
}

// Verify records the office's verification of submitted task id: ok is
// 整改到位 (done), otherwise 未到位 sends it back open with the reason. The
// rate of rectification on time is published again. The actor needs
// ActFeedbackRelease.
func (s *Service) Verify(ctx context.Context, a *auth.Actor, id int64, ok bool, reason string) (*Task, error) {
	reason = strings.TrimSpace(reason)
	if !ok {
		if e := errs.CheckText("reason", "feedback.verify.reason", "reason", reason, 1000, true); e != nil {
			return nil, e
		}
	}
	var out *Task
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		t, r, err := s.taskReport(ctx, tx, a, id)
		if err != nil {
			return err
		}
		if err := s.pol.Authorize(a, auth.ActFeedbackRelease, r.UnitPath); err != nil {
			return err
		}
		if t.Status != TaskSubmitted {
			return conflict("feedback.task_not_submitted", "the task has not been reported done")
		}
		status, verdict := TaskDone, "到位"
		if !ok {
			status, verdict = TaskOpen, "未到位"
		}
		if reason != "" {
			verdict += "：" + reason
		}
		q := `UPDATE rectification_tasks SET status = $1, verdict = $2, verified_on = $3, updated_at = $4`
		if !ok {
			q += `, submitted_on = ''`
		}
		if _, err := tx.ExecContext(ctx, q+` WHERE id = $5`, status, verdict, day(tx.Now), tx.Now.UnixMicro(), id); err != nil {
			return fmt.Errorf("verify task: %w", err)
		}
		if err := auth.Record(ctx, tx, a, audit.Event{Action: "rectification.verify", ObjectType: "rectification_task", ObjectID: db.FormatID(id),
			UnitPath: r.UnitPath, Before: map[string]any{"status": t.Status}, After: map[string]any{"status": status, "verdict": verdict},
			Reason: reason}); err != nil {
			return err
		}
		if err := s.publishRate(ctx, tx, a, r, t.Deadline[:4]); err != nil {
			return err
		}
		out, err = getTask(ctx, tx, id)
		return err
	})
	return out, err
}

// Task returns task id with its updates, for whoever reads its report.
func (s *Service) Task(ctx context.Context, a *auth.Actor, id int64) (*Task, error) {
	var out *Task
	err := s.db.View(ctx, func(tx *db.Tx) error {
		t, _, err := s.taskReport(ctx, tx, a, id)
		if err != nil {
			return err
		}
		out = t
		return loadUpdates(ctx, tx, []*Task{t})
	})
	return out, err
}

// loadUpdates fills the updates of ts.
func loadUpdates(ctx context.Context, tx *db.Tx, ts []*Task) error {
	if len(ts) == 0 {
		return nil
	}
	by := map[int64]*Task{}
	ids := make([]int64, len(ts))
	for i, t := range ts {
		by[t.ID], ids[i] = t, t.ID
	}
	var args []any
	return db.EachRow(ctx, tx, `SELECT id, task_id, note, done, file_name, actor, created_at FROM rectification_updates
		WHERE task_id IN (`+db.In(&args, ids)+`) ORDER BY created_at, id`, args, func(scan func(...any) error) error {
		var u Update
		var task, at int64
		if err := scan(&u.ID, &task, &u.Note, &u.Done, &u.FileName, &u.Actor, &at); err != nil {
			return err
		}
		u.CreatedAt = db.Micros(at)
		by[task].Updates = append(by[task].Updates, u)
		return nil
	})
}

// Evidence returns the evidence file of update updateID of task id: its
// name, type and content, for whoever reads the task.
func (s *Service) Evidence(ctx context.Context, a *auth.Actor, id, updateID int64) (string, string, []byte, error) {
	var name, ctype, content string
	err := s.db.View(ctx, func(tx *db.Tx) error {
		if _, _, err := s.taskReport(ctx, tx, a, id); err != nil {
			return err
		}
		err := tx.QueryRowContext(ctx, `SELECT file_name, content_type, content FROM rectification_updates WHERE id = $1 AND task_id = $2
			AND file_name <> ''`, updateID, id).Scan(&name, &ctype, &content)
		if errors.Is(err, sql.ErrNoRows) {
			return notFound("file")
		}
		return err
	})
	if err != nil {
		return "", "", nil, err
	}
	data, err := base64.StdEncoding.DecodeString(content)
	return name, ctype, data, err
}

// TaskFilter selects tasks.
type TaskFilter struct {
	// Overdue keeps the tasks past their deadline and not done.
	Overdue bool
}

// Tasks lists the tasks the actor may read, by deadline: the office's in
// its scope, the owner's own.
func (s *Service) Tasks(ctx context.Context, a *auth.Actor, f TaskFilter) ([]*Task, error) {
	if err := signedIn(a); err != nil {
		return nil, err
	}
	var out []*Task
	err := s.db.View(ctx, func(tx *db.Tx) error {
		var args []any
		q := `SELECT ` + taskCols + taskFrom + ` WHERE r.status <> 'draft' AND ` + s.reportScope(a, &args)
		if f.Overdue {
			q += ` AND t.status <> 'done' AND t.deadline < ` + db.Arg(&args, day(tx.Now))
		}
		rows, err := tx.QueryContext(ctx, q+` ORDER BY t.deadline, t.id`, args...)
		if err != nil {
			return fmt.Errorf("list tasks: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			t, err := scanTask(rows)
			if err != nil {
				return err
			}
			out = append(out, t)
		}
		return rows.Err()
	})
	return out, err
}

// reportScope is an SQL condition on feedback_reports r: the reports a
// may read.
func (s *Service) reportScope(a *auth.Actor, args *[]any) string {
	ps := s.pol.Scope(a, auth.ActFeedbackRead)
	ts := s.pol.Scope(a, auth.ActTeamFeedbackRead)
	parts := []string{
		"(r.person_id <> 0 AND " + ps.SQL("r.unit_path", args) + ")",
		"(r.person_id = 0 AND " + ts.SQL("r.unit_path", args) + ")",
	}
	if ps.Self && a.PersonID != 0 {
		parts = append(parts, "r.person_id = "+db.Arg(args, a.PersonID))
	}
	return "(" + strings.Join(parts, " OR ") + ")"
}
