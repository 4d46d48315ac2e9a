package feedback

import (
	"context"
	"fmt"

	"kaohe/internal/db"
)

// OpenTask is a rectification task not yet verified 整改到位, as a
// handover (离任交接) passes it on.
type OpenTask struct {
	ID, ReportID int64
	// Problem is the task's problem; DocNo the 文号 of its report.
	Problem, DocNo string
	// Deadline is the task's deadline ('YYYY-MM-DD').
	Deadline string
}

// OpenTasksOfPost lists, in tx, the tasks not done of the released
// reports on unit unitID's team and on person personID in that unit,
// the earliest deadline first. The caller checks who may.
func OpenTasksOfPost(ctx context.Context, tx *db.Tx, unitID, personID int64) ([]OpenTask, error) {
	var out []OpenTask
	err := db.EachRow(ctx, tx, `SELECT t.id, t.report_id, t.problem, r.doc_no, t.deadline FROM rectification_tasks t
		JOIN feedback_reports r ON r.id = t.report_id WHERE r.unit_id = $1 AND (r.person_id = 0 OR r.person_id = $2) AND t.status <> $3
		ORDER BY t.deadline, t.id`, []any{unitID, personID, string(TaskDone)}, func(scan func(...any) error) error {
		var t OpenTask
		if err := scan(&t.ID, &t.ReportID, &t.Problem, &t.DocNo, &t.Deadline); err != nil {
			return err
		}
		out = append(out, t)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read open tasks: %w", err)
	}
	return out, nil
}
