package web

import (
	"net/http"
	"strconv"

	"kaohe/internal/auth"
	"kaohe/internal/scheme"
	"kaohe/internal/score"
)

// schemeVersionData is the content of a version's page: the indicator
// tree with weights per category, the AHP panels and the actions.
type schemeVersionData struct {
	Scheme  *scheme.Scheme
	Version versionRow
	Cats    []catColumn
	Rows    []treeRow
	AHP     []ahpPanel
	// Editable: a draft no cycle uses, and the actor may write.
	Editable bool
	CanWrite bool
	Errors   []string
}

type catColumn struct{ Key, Name string }

type treeRow struct {
	Code, Name, Kind string
	Depth            int
	Source           string
	Key, Leading     bool
	Scored           bool
	Weighting        string
	Cells            []weightCell
}

type weightCell struct {
	Field, Value, Local, Effective string
}

// defaultCatKey stands for the default weights in form fields.
const defaultCatKey = "*"

// weightField is the form field of a node's weight in a category.
func weightField(code, cat string) string {
	if cat == scheme.DefaultCategory {
		cat = defaultCatKey
	}
	return "w:" + code + ":" + cat
}

// schemeVersionShow shows one version of a scheme.
func (h *Handler) schemeVersionShow(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	h.renderVersion(w, r, a, http.StatusOK, nil, nil)
}

// loadVersion reads the scheme and version of a version route.
func (h *Handler) loadVersion(r *http.Request, a *auth.Actor) (*scheme.Scheme, *scheme.Version, error) {
	id, err := schemeID(r)
	if err != nil {
		return nil, nil, err
	}
	n, err := versionNumber(r)
	if err != nil {
		return nil, nil, err
	}
	s, err := h.scheme.Scheme(r.Context(), a, id)
	if err != nil {
		return nil, nil, err
	}
	v, err := h.scheme.VersionByNumber(r.Context(), a, id, n)
	if err != nil {
		return nil, nil, err
	}
	return s, v, nil
}

// renderVersion renders the version page; submitted holds form values to
// show again after a refused change.
func (h *Handler) renderVersion(w http.ResponseWriter, r *http.Request, a *auth.Actor, status int, fail error, submitted map[string]string) {
	s, v, err := h.loadVersion(r, a)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	ctx := r.Context()
	names, err := h.categoryCodes(ctx, a)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	lib, err := h.scheme.Indicators(ctx, a)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	libByCode := map[string]*scheme.Indicator{}
	for _, ind := range lib {
		libByCode[ind.Code] = ind
	}
	nodes, err := scheme.Tree(v.Doc, s.Categories)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	p := h.newPage(r, "schemes")
	p.Title = s.Name + " · " + p.loc.T("scheme.version_label", "Number", v.Number)
	p.Crumbs = []crumb{{Name: p.loc.T("schemes.title"), URL: "/schemes"}, {Name: s.Name, URL: "/schemes/" + strconv.FormatInt(s.ID, 10)}}
	canWrite := h.policy.Authorize(a, auth.ActSchemeWrite, s.OwnerPath) == nil
	data := schemeVersionData{Scheme: s, CanWrite: canWrite, Editable: canWrite && v.Status == scheme.StatusDraft && !v.Locked,
		Errors: h.errorLines(p, fail),
		Version: versionRow{Number: v.Number, Status: string(v.Status), StatusLabel: p.loc.T("scheme.status." + string(v.Status)),
			Locked: v.Locked, Reason: v.Reason, Cycle: v.EffectiveCycle, From: v.EffectiveFrom, Author: actorName(p, v.AuthorID, v.AuthorName, v.Author),
			Digest: v.Digest, Created: p.loc.DateTime(v.CreatedAt)}}
	cats := append([]string{scheme.DefaultCategory}, s.Categories...)
	for _, c := range cats {
		name := names[c]
		if c == scheme.DefaultCategory {
			name = p.loc.T("scheme.default_weights")
		} else if name == "" {
			name = c
		}
		data.Cats = append(data.Cats, catColumn{Key: c, Name: name})
	}
	for _, n := range nodes {
		row := treeRow{Code: n.Code, Name: n.Name, Kind: p.loc.T("scheme.kind." + string(n.Kind)), Depth: n.Depth,
			Key: n.Key, Leading: n.Leading, Scored: n.Scored}
		if n.Children > 0 && n.Weighting != "" {
			row.Weighting = p.loc.T("scheme.weighting." + string(n.Weighting))
		}
		if def, ok := libByCode[n.Code]; ok && n.Children == 0 {
			row.Source = def.DataItem
			if def.Formula != "" {
				row.Source = def.Formula
			}
		}
		if n.Scored {
			for _, c := range cats {
				f := weightField(n.Code, c)
				val, ok := submitted[f]
				if !ok {
					val = strconv.FormatFloat(n.Weight[c], 'f', -1, 64)
				}
				row.Cells = append(row.Cells, weightCell{Field: f, Value: val, Local: scheme.Percent(n.Local[c]),
					Effective: scheme.Percent(n.Effective[c])})
			}
		}
		data.Rows = append(data.Rows, row)
	}
	data.AHP = ahpPanels(p, v.Doc)
	p.Data = data
	h.render(w, r, status, "scheme_version", p)
}

// ahpPanels returns a pairwise comparison panel for the root and every
// dimension with at least two scored children.
func ahpPanels(p *page, doc *score.Scheme) []ahpPanel {
	var out []ahpPanel
	parents := map[string]bool{}
	for _, ind := range doc.Indicators {
		if ind.Parent != "" {
			parents[ind.Parent] = true
		}
	}
	panel := func(code, name string, weighting score.Weighting, m [][]float64) {
		var kids []string
		for _, ind := range doc.Indicators {
			k := ind.Kind
			if k == "" && parents[ind.Code] {
				k = score.KindDimension
			}
			if ind.Parent == code && (k == "" || k == score.KindDimension || k == score.KindQuantitative || k == score.KindQualitative) {
				kids = append(kids, ind.Name)
			}
		}
		if len(kids) < 2 || len(kids) > len(score.RandomIndex) {
			return
		}
		if len(m) != len(kids) {
			m = nil
		}
		out = append(out, newAHPPanel(p, code, name, weighting == score.WeightAHP, kids, m))
	}
	panel("", p.loc.T("scheme.root"), doc.Weighting, doc.AHP)
	for _, ind := range doc.Indicators {
		if parents[ind.Code] && (ind.Kind == "" || ind.Kind == score.KindDimension) {
			panel(ind.Code, ind.Name, ind.Weighting, ind.AHP)
		}
	}
	return out
}
