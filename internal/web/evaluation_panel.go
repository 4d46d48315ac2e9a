package web

import (
	"context"
	"slices"
	"strconv"
	"strings"

	"kaohe/internal/auth"
	"kaohe/internal/locale"
	"kaohe/internal/survey"
)

// evalPanel is one closed evaluation in the 民主测评结果 panel of a cadre's
// or team's page: the overall item's tally per rater group that reached the
// minimum size, and combined with the group weights. The numbers are the
// survey service's, computed by the scoring engine, so they are the very
// inputs a cycle's qualitative indicators take.
type evalPanel struct {
	ID            int64
	Title, Period string
	// Link is set when the actor may open the evaluation's full results.
	Link bool
	// Feeds marks the evaluation whose tallies feed the cycle shown.
	Feeds bool
	Item  string
	Rows  []evalRow
	All   evalRow
	// Hidden names the groups below the minimum size, without numbers.
	Hidden string
}

// evalRow is one rater group's tally, or the combined one.
type evalRow struct {
	Group, Weight                   string
	Valid                           int
	Value, Favourable, Unfavourable string
}

// evalPanels builds the evaluation panel of the team of unit id or the
// cadre id; feeds are the evaluations of the cycle shown.
func (h *Handler) evalPanels(ctx context.Context, p *page, a *auth.Actor, kind survey.SubjectKind, id int64, feeds []int64) ([]evalPanel, error) {
	tallies, err := h.survey.ResultsFor(ctx, a, kind, id)
	if err != nil {
		return nil, err
	}
	var out []evalPanel
	for _, st := range tallies {
		e := st.Evaluation
		ep := evalPanel{ID: e.ID, Title: e.Title, Period: e.Period, Feeds: slices.Contains(feeds, e.ID),
			Link: h.policy.Authorize(a, auth.ActEvalResults, e.UnitPath) == nil}
		for _, it := range st.Subject.Items {
			if !it.Item.Overall {
				continue
			}
			ep.Item = p.loc.T(it.Item.Key)
			k, valid := 0, 0
			var hidden []string
			for _, g := range st.Groups {
				label := p.loc.T("survey.group." + string(g.Group.Code))
				if !g.Shown {
					hidden = append(hidden, label)
					continue
				}
				ep.Rows = append(ep.Rows, evalRowOf(label, strconv.FormatFloat(g.Group.Weight, 'f', -1, 64), g.Valid, it.Groups[k]))
				valid += g.Valid
				k++
			}
			ep.All = evalRowOf(p.loc.T("results.combined"), "", valid, it.Combined)
			sep := ", "
			if p.loc.Lang == locale.Default {
				sep = "、"
			}
			ep.Hidden = strings.Join(hidden, sep)
			break
		}
		out = append(out, ep)
	}
	return out, nil
}

func evalRowOf(group, weight string, valid int, c survey.Cell) evalRow {
	return evalRow{Group: group, Weight: weight, Valid: valid, Value: decimal(c.Value),
		Favourable: percent(c.Favourable), Unfavourable: percent(c.Unfavourable)}
}
