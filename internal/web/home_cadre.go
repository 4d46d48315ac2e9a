package web

import (
	"context"

	"kaohe/internal/auth"
	"kaohe/internal/cycle"
	"kaohe/internal/db"
)

// homeCadreData is an assessed cadre's section of the home page: her
// latest published result and her unit team's, each with its radar and
// rank interval, the cycles under way that assess her, and her profile.
type homeCadreData struct {
	Latest    archiveView
	Assessing []homeCycle
	// Profile is her page with every result (实绩档案).
	Profile string
}

// homeCadre returns the home section of an actor with results of her own,
// nil for any other.
func (h *Handler) homeCadre(ctx context.Context, p *page, a *auth.Actor) (*homeCadreData, error) {
	if a.PersonID == 0 || !h.policy.Scope(a, auth.ActResultRead).Self {
		return nil, nil
	}
	all, err := h.cycle.Archive(ctx, a, cycle.ArchiveFilter{Own: true})
	if err != nil {
		return nil, err
	}
	// The archive is newest first: keep the first result of the person
	// and the first of a team.
	var latest []*cycle.ArchiveEntry
	var person, team bool
	for _, e := range all {
		if mine := e.Result.Entity.PersonID != 0; mine && !person || !mine && !team {
			latest = append(latest, e)
			person, team = person || mine, team || !mine
		}
	}
	cs, err := h.cycle.Assessing(ctx, a)
	if err != nil {
		return nil, err
	}
	out := &homeCadreData{Latest: archiveOf(p, "home", latest), Profile: "/people/" + db.FormatID(a.PersonID)}
	for _, c := range cs {
		out.Assessing = append(out.Assessing, homeCycle{Name: c.Name, Stage: p.loc.T("cycle.stage." + string(c.Stage)),
			Period: c.Period, EndsOn: c.EndsOn})
	}
	return out, nil
}
