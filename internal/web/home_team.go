package web

import (
	"context"

	"kaohe/internal/auth"
	"kaohe/internal/db"
)

// homeTeamData is the assessment team's section of the home page: its
// verification and interview tasks in the cycles open for field work.
type homeTeamData struct {
	fieldListData
	// Todo, Verified and Interviewed add up the cycles' counts.
	Todo, Verified, Interviewed int
	// Link is where the totals lead: the one cycle's task list, or the
	// field work page when there are several.
	Link string
}

// homeTeam returns the home section of an actor who records field work,
// nil for any other.
func (h *Handler) homeTeam(ctx context.Context, a *auth.Actor) (*homeTeamData, error) {
	if h.policy.Scope(a, auth.ActFieldWrite).Empty() {
		return nil, nil
	}
	cs, err := h.field.Overview(ctx, a)
	if err != nil {
		return nil, err
	}
	out := &homeTeamData{fieldListData: fieldListData{Cycles: cs, Interviews: !h.policy.Scope(a, auth.ActInterviewRead).Empty()}, Link: "/field"}
	for _, c := range cs {
		out.Todo += c.Todo
		out.Verified += c.Verified
		out.Interviewed += c.Interviewed
	}
	if len(cs) == 1 {
		out.Link = "/cycles/" + db.FormatID(cs[0].Cycle.ID) + "/field"
	}
	return out, nil
}
