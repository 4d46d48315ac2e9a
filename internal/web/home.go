package web

import (
	"net/http"

	"kaohe/internal/audit"
	"kaohe/internal/auth"
	"kaohe/internal/org"
)

// homeData is the content of the home dashboard.
type homeData struct {
	Roots  []unitNode
	Units  int
	Cadres int
	Teams  int
	Grants []homeGrant
	// ShowAudit is true for an actor who may read the audit log.
	ShowAudit bool
	Events    []auditRow
	Team      *homeTeamData
	Viewer    *homeViewerData
}

type homeGrant struct{ Role, Unit string }

// homeEvents is the number of recent audit events on the dashboard.
const homeEvents = 10

// home shows the dashboard: the actor's jurisdiction with counts of units,
// serving cadres and leadership teams in it, the actor's roles, and for the
// assessment office the latest audit events.
func (h *Handler) home(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	ctx := r.Context()
	roots, err := h.org.Roots(ctx, a)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	p := h.newPage(r, "home")
	data := homeData{Roots: nodes(p, roots, nil)}
	if len(roots) > 0 {
		if _, data.Units, err = h.org.FindUnits(ctx, a, org.UnitFilter{Limit: 1}); err != nil {
			h.fail(w, r, err)
			return
		}
		if _, data.Cadres, err = h.org.FindPeople(ctx, a, org.PersonFilter{Serving: true, Limit: 1}); err != nil {
			h.fail(w, r, err)
			return
		}
		// Every unit is led by one leadership team (领导班子).
		data.Teams = data.Units
	}
	names := map[int64]string{}
	for _, u := range roots {
		names[u.ID] = u.Name
	}
	for _, g := range a.Grants {
		data.Grants = append(data.Grants, homeGrant{Role: p.loc.Role(string(g.Role)), Unit: names[g.UnitID]})
	}
	if p.Menu.Audit {
		data.ShowAudit = true
		entries, err := h.auth.AuditLog(ctx, a, audit.Filter{Limit: homeEvents})
		if err != nil {
			h.fail(w, r, err)
			return
		}
		data.Events = auditRows(p, entries)
	}
	if data.Team, err = h.homeTeam(ctx, a); err != nil {
		h.fail(w, r, err)
		return
	}
	if data.Viewer, err = h.homeViewer(ctx, a, r); err != nil {
		h.fail(w, r, err)
		return
	}
	p.Data = data
	h.render(w, r, http.StatusOK, "home", p)
}
