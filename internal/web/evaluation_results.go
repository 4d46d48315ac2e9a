package web

import (
	"fmt"
	"math"
	"net/http"

	"kaohe/internal/auth"
	"kaohe/internal/survey"
)

// evaluationResultsData is the content of a closed evaluation's results.
type evaluationResultsData struct {
	ID     int64
	Groups []resultGroup
	// Shown are the labels of the groups that have columns.
	Shown    []string
	Hidden   bool
	Subjects []resultSubject
}

type resultGroup struct {
	Label                string
	Cast, Valid, Invalid int
	Shown                bool
}

type resultSubject struct {
	Name, Detail string
	Items        []resultItem
}

type resultItem struct {
	Label string
	// Groups and Combined are formatted tallies: value, favourable share
	// and the votes per grade.
	Groups   []resultCell
	Combined resultCell
}

type resultCell struct {
	Value, Favourable, Counts string
}

// evaluationResults shows the tallies of a closed evaluation: per rater
// group that reached the minimum size, and combined with the group weights.
func (h *Handler) evaluationResults(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	id, err := pathID(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	res, err := h.survey.Results(r.Context(), a, id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	p := h.newPage(r, "evaluations")
	p.Title = res.Evaluation.Title + " · " + p.loc.T("results.title")
	data := evaluationResultsData{ID: id}
	for _, g := range res.Groups {
		label := p.loc.T("survey.group." + string(g.Group.Code))
		data.Groups = append(data.Groups, resultGroup{Label: label, Cast: g.Cast, Valid: g.Valid, Invalid: g.Invalid, Shown: g.Shown})
		if g.Shown {
			data.Shown = append(data.Shown, label)
		} else {
			data.Hidden = true
		}
	}
	for _, s := range res.Subjects {
		rs := resultSubject{Name: s.Subject.Name, Detail: s.Subject.Detail}
		for _, it := range s.Items {
			ri := resultItem{Label: p.loc.T(it.Item.Key), Combined: h.resultCell(p, it.Item, it.Combined)}
			for _, c := range it.Groups {
				ri.Groups = append(ri.Groups, h.resultCell(p, it.Item, c))
			}
			rs.Items = append(rs.Items, ri)
		}
		data.Subjects = append(data.Subjects, rs)
	}
	p.Crumbs = []crumb{{Name: p.loc.T("evaluations.title"), URL: "/evaluations"},
		{Name: res.Evaluation.Title, URL: fmt.Sprintf("/evaluations/%d", id)}, {Name: p.loc.T("results.title")}}
	p.Data = data
	h.render(w, r, http.StatusOK, "evaluation_results", p)
}

// resultCell formats one tally.
func (h *Handler) resultCell(p *page, it survey.Item, c survey.Cell) resultCell {
	out := resultCell{Value: decimal(c.Value), Favourable: "–"}
	if !math.IsNaN(c.Favourable) {
		out.Favourable = percent(c.Favourable)
	}
	if it.Scale != nil && c.Votes > 0 {
		for k := range it.Scale.Grades {
			if k > 0 {
				out.Counts += " · "
			}
			out.Counts += fmt.Sprintf("%s %d", p.loc.T(fmt.Sprintf("survey.grade.%s.%d", it.Scale.Code, k)), c.Counts[k])
		}
	}
	return out
}

// decimal formats a tally to two places, "–" when there is none.
func decimal(v float64) string {
	if math.IsNaN(v) {
		return "–"
	}
	return fmt.Sprintf("%.2f", v)
}

// percent formats a share as a percentage with one decimal.
func percent(v float64) string {
	if math.IsNaN(v) {
		return "–"
	}
	return fmt.Sprintf("%.1f%%", 100*v)
}
