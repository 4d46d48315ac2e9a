package web

import (
	"net/http"
	"strconv"

	"kaohe/internal/auth"
	"kaohe/internal/outcome"
)

// proposalShowData is a proposal with its evidence and the decision form.
type proposalShowData struct {
	R         proposalRow
	Condition string
	Pending   bool
	// MayDecide shows the form to the office.
	MayDecide bool
	Grades    []yearGrade
	Findings  []evidenceFinding
	Sanctions []evidenceSanction
	Vote      string
	// Errors are a refused decision's problems; Reason its text.
	Errors []string
	Reason string
}

// yearGrade is an annual grade and where it was read.
type yearGrade struct {
	Year          int
	Grade, Source string
	// Link is the published result in its cycle; "" for a grade
	// recorded from the paper archive.
	Link string
}

type evidenceFinding struct {
	ID                       int64
	Title, FoundOn, Severity string
}

type evidenceSanction struct{ Kind, DecidedOn, Until string }

// yearGradesOf labels grade records for page p.
func yearGradesOf(p *page, gs []outcome.GradeRecord) []yearGrade {
	var out []yearGrade
	for _, g := range gs {
		row := yearGrade{Year: g.Year, Grade: g.Grade, Source: g.Source}
		if g.CycleID != 0 {
			row.Source = g.Cycle
			row.Link = "/cycles/" + strconv.FormatInt(g.CycleID, 10) + "/results/" + g.Entity
		} else {
			row.Source = p.loc.T("outcome.grade.recorded", "source", g.Source)
		}
		out = append(out, row)
	}
	return out
}

// outcomeProposalShow shows proposal id with its evidence.
func (h *Handler) outcomeProposalShow(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	h.renderProposal(w, r, a, http.StatusOK, nil, "")
}

// renderProposal renders proposal {id} with a refused decision's problems.
func (h *Handler) renderProposal(w http.ResponseWriter, r *http.Request, a *auth.Actor, status int, problems []string, reason string) {
	id, err := pathID(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	pr, err := h.outcome.Proposal(r.Context(), a, id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	p := h.newPage(r, "outcome")
	data := proposalShowData{R: proposalRowOf(p, pr), Condition: pr.Condition, Pending: pr.Status == outcome.Pending,
		MayDecide: h.policy.Authorize(a, auth.ActOutcomeDecide, pr.UnitPath) == nil,
		Grades:    yearGradesOf(p, pr.Evidence.Grades), Errors: problems, Reason: reason}
	for _, f := range pr.Evidence.Findings {
		data.Findings = append(data.Findings, evidenceFinding{ID: f.ID, Title: f.Title, FoundOn: p.loc.Date(day(f.FoundOn)),
			Severity: p.loc.FindingSeverity(f.Severity)})
	}
	for _, s := range pr.Evidence.Sanctions {
		row := evidenceSanction{Kind: p.loc.T("sanction.kind." + s.Kind), DecidedOn: p.loc.Date(day(s.DecidedOn))}
		if s.Until != "" {
			row.Until = p.loc.Date(day(s.Until))
		}
		data.Sanctions = append(data.Sanctions, row)
	}
	if v := pr.Evidence.Vote; v != nil {
		data.Vote = p.loc.T("outcome.evidence.vote", "evaluation", v.Evaluation, "share", strconv.FormatFloat(v.Share*100, 'f', 1, 64), "votes", v.Votes)
	}
	p.Crumbs = []crumb{{Name: p.loc.T("outcome.title"), URL: "/outcome"}, {Name: pr.Person + " · " + pr.RuleName}}
	p.Title = pr.Person + " · " + data.R.Action
	p.Data = data
	h.render(w, r, status, "outcome_proposal_show", p)
}

// outcomeDecide records the decision on proposal {id}: 采纳 or 不采纳 with
// the reason.
func (h *Handler) outcomeDecide(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	id, err := pathID(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if err := r.ParseForm(); err != nil {
		h.fail(w, r, errBadForm())
		return
	}
	decision, reason := r.PostFormValue("decision"), r.PostFormValue("reason")
	if decision != "adopt" && decision != "reject" {
		h.fail(w, r, errBadForm())
		return
	}
	if _, err := h.outcome.Decide(r.Context(), a, id, decision == "adopt", reason); err != nil {
		if !formProblem(err) {
			h.fail(w, r, err)
			return
		}
		h.renderProposal(w, r, a, http.StatusUnprocessableEntity, rowErrors(h.localizer(r), err), reason)
		return
	}
	http.Redirect(w, r, "/outcome/proposals/"+strconv.FormatInt(id, 10)+"?flash=outcome_decided", http.StatusSeeOther)
}
