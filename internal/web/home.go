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
	// ShowCadres is true for an actor who may read cadres' records.
	ShowCadres bool
	Teams      int
	Grants     []homeGrant
	// ShowAudit is true for an actor who may read the audit log.
	ShowAudit bool
	Events    []auditRow
	// The sections of the actor's work, nil for a role it does not hold.
	Office    *homeOfficeData
	Provider  *homeProviderData
	Team      *homeTeamData
	FollowUps *homeFollowUpsData
	Cadre     *homeCadreData
	Viewer    *homeViewerData
	Body      *homeBodyData
}

type homeGrant struct{ Role, Unit string }

// homeEvents is the number of recent audit events on the dashboard.
const homeEvents = 10

// home shows the actor's workbench: a section of work per role it holds
// (office, provider, assessment team, assessed cadre), then its
// jurisdiction with counts of units, serving cadres and leadership teams
// in it, its roles, and for the assessment office the latest audit events.
func (h *Handler) home(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	ctx := r.Context()
	roots, err := h.org.Roots(ctx, a)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	p := h.newPage(r, "home")
	data := homeData{Roots: nodes(p, roots, nil), ShowCadres: !h.policy.Scope(a, auth.ActPersonRead).Empty()}
	if len(roots) > 0 {
		if _, data.Units, err = h.org.FindUnits(ctx, a, org.UnitFilter{Limit: 1}); err != nil {
			h.fail(w, r, err)
			return
		}
		if data.Cadres, err = h.org.CountPeople(ctx, a, org.PersonFilter{Serving: true}); err != nil {
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
	// Who submits values (a provider, the office) has collection work.
	if p.Menu.Collect {
		ts, err := h.collect.Tasks(ctx, a)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		if data.Office, err = h.homeOffice(ctx, p, a, ts); err != nil {
			h.fail(w, r, err)
			return
		}
		data.Provider = homeProvider(p, ts)
	}
	if data.Team, err = h.homeTeam(ctx, a); err != nil {
		h.fail(w, r, err)
		return
	}
	if data.FollowUps, err = h.homeFollowUps(ctx, p, a); err != nil {
		h.fail(w, r, err)
		return
	}
	if data.Cadre, err = h.homeCadre(ctx, p, a); err != nil {
		h.fail(w, r, err)
		return
	}
	if data.Body, err = h.homeBody(ctx, a); err != nil {
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
