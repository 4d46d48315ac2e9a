package web

import (
	"context"
	"slices"
	"strconv"
	"strings"

	"kaohe/internal/auth"
	"kaohe/internal/cycle"
	"kaohe/internal/score"
)

// partOption is an ordinary or special cycle the form offers to fold into
// an annual or term cycle, with its weight.
type partOption struct {
	ID, Name, Kind, Period, Weight string
	Checked                        bool
}

// foldGroup is the leaves of one scheme version that may receive the
// folded totals.
type foldGroup struct {
	Version string
	Leaves  []foldLeaf
}

type foldLeaf struct {
	Code, Name string
	Selected   bool
}

// foldChoices lists the cycles that can be folded in (ordinary and special
// cycles, published) and the leaves of each scheme version that can
// receive their totals, with form's choices marked.
func (h *Handler) foldChoices(ctx context.Context, a *auth.Actor, p *page, list []*cycle.Cycle, versions []versionLabel, form cycleForm) ([]partOption, []foldGroup, error) {
	var parts []partOption
	for _, c := range list {
		if (c.Kind != cycle.Ordinary && c.Kind != cycle.Special) || c.PublishedSnapshotID == 0 {
			continue
		}
		id := strconv.FormatInt(c.ID, 10)
		w := form.Weights[id]
		if w == "" {
			w = "1"
		}
		parts = append(parts, partOption{ID: id, Name: c.Name, Kind: p.loc.T("cycle.kind." + string(c.Kind)), Period: c.Period,
			Weight: w, Checked: slices.Contains(form.Parts, id)})
	}
	var groups []foldGroup
	for _, v := range versions {
		ver, err := h.scheme.Version(ctx, a, v.ID)
		if err != nil {
			return nil, nil, err
		}
		g := foldGroup{Version: v.Label}
		for _, ind := range leaves(ver.Doc) {
			g.Leaves = append(g.Leaves, foldLeaf{Code: ind.Code, Name: ind.Name, Selected: ind.Code == form.Fold})
		}
		groups = append(groups, g)
	}
	return parts, groups, nil
}

// versionLabel is a scheme version by its human name.
type versionLabel struct {
	ID    int64
	Label string
}

// leaves returns the quantitative and qualitative leaves of doc, named.
func leaves(doc *score.Scheme) []score.Indicator {
	parent := map[string]bool{}
	for _, ind := range doc.Indicators {
		parent[ind.Parent] = true
	}
	var out []score.Indicator
	for _, ind := range doc.Indicators {
		if parent[ind.Code] || ind.Kind == score.KindBonus || ind.Kind == score.KindDeduction || ind.Kind == score.KindVeto {
			continue
		}
		if strings.TrimSpace(ind.Name) == "" {
			ind.Name = ind.Code
		}
		out = append(out, ind)
	}
	return out
}
