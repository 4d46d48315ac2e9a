package web

import (
	"context"

	"kaohe/internal/auth"
)

// homeFollowUpsData is the office's reminder of overdue follow-ups of
// sanctioned cadres (跟踪回访, 谈心谈话) on its home page: how many are
// overdue, of how many cadres, and the earliest of them.
type homeFollowUpsData struct {
	Overdue, Cadres int
	Rows            []followUpView
}

// homeFollowUpShown is how many overdue follow-ups the section lists.
const homeFollowUpShown = 5

// homeFollowUps returns the follow-up reminders of an actor who records
// sanctions, nil for any other.
func (h *Handler) homeFollowUps(ctx context.Context, p *page, a *auth.Actor) (*homeFollowUpsData, error) {
	if h.policy.Scope(a, auth.ActSanctionWrite).Empty() {
		return nil, nil
	}
	fus, err := h.finding.OverdueFollowUps(ctx, a)
	if err != nil {
		return nil, err
	}
	out := &homeFollowUpsData{Overdue: len(fus)}
	seen := map[int64]bool{}
	today := todayText()
	for i, fu := range fus {
		if !seen[fu.PersonID] {
			seen[fu.PersonID] = true
			out.Cadres++
		}
		if i < homeFollowUpShown {
			out.Rows = append(out.Rows, followUpOf(p, fu, today))
		}
	}
	return out, nil
}
