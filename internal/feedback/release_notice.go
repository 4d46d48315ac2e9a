package feedback

import (
	"context"
	"strconv"

	"kaohe/internal/audit"
	"kaohe/internal/auth"
	"kaohe/internal/db"
)

// ReleaseAction is the audit action of a report's release.
const ReleaseAction = "feedback.release"

// ReleaseOf reads, within tx, the report whose release audit entry e
// records, for a: nil when e is no release or a may not read the results
// the report is about (a reader of published results hears that a report
// went out, not what it says). The webhooks of sharing tokens tell of it.
func (s *Service) ReleaseOf(ctx context.Context, tx *db.Tx, e audit.Entry, a *auth.Actor) (*Report, error) {
	if e.Action != ReleaseAction {
		return nil, nil
	}
	id, err := strconv.ParseInt(e.ObjectID, 10, 64)
	if err != nil {
		return nil, nil
	}
	r, err := getReport(ctx, tx, id)
	if err != nil {
		return nil, err
	}
	read := auth.ActResultRead
	if r.Team() {
		read = auth.ActTeamResultRead
	}
	if r.Status == Draft || s.authorize(a, read, r) != nil {
		return nil, nil
	}
	return r, nil
}
