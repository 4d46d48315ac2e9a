package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"kaohe/internal/auth"
	"kaohe/internal/errs"
	"kaohe/internal/scheme"
	"kaohe/internal/score"
)

// ahpPanel is the pairwise comparison input of one node's children.
type ahpPanel struct {
	// Node is the node's code, "" for the top-level dimensions.
	Node, Name string
	// Active is true when the node is weighted by AHP now.
	Active   bool
	Children []string
	Rows     [][]ahpCell
	Result   ahpResult
}

// ahpCell is one entry of the matrix: an input above the diagonal, the
// reciprocal shown below it.
type ahpCell struct {
	Field, Value string
	Input        bool
}

// ahpResult is the live outcome of a matrix.
type ahpResult struct {
	Node       string
	CR         string
	Consistent bool
	Weights    []ahpWeight
	Error      string
}

type ahpWeight struct{ Name, Weight string }

func ahpField(i, j int) string { return fmt.Sprintf("m:%d:%d", i, j) }

// newAHPPanel builds the panel of a node with matrix m (nil: all 1).
func newAHPPanel(p *page, code, name string, active bool, kids []string, m [][]float64) ahpPanel {
	n := len(kids)
	if m == nil {
		m = make([][]float64, n)
		for i := range m {
			m[i] = make([]float64, n)
			for j := range m[i] {
				m[i][j] = 1
			}
		}
	}
	panel := ahpPanel{Node: code, Name: name, Active: active, Children: kids}
	for i := 0; i < n; i++ {
		var row []ahpCell
		for j := 0; j < n; j++ {
			switch {
			case i == j:
				row = append(row, ahpCell{Value: "1"})
			case i < j:
				row = append(row, ahpCell{Field: ahpField(i, j), Value: ratio(m[i][j]), Input: true})
			default:
				row = append(row, ahpCell{Value: ratio(m[i][j])})
			}
		}
		panel.Rows = append(panel.Rows, row)
	}
	panel.Result = ahpOutcome(p, code, kids, m, nil)
	return panel
}

// ratio shows a judgement as Saaty writes it: 3, or 1/3 for a reciprocal.
func ratio(x float64) string {
	if x < 1 && x > 0 {
		inv := 1 / x
		if r := strconv.FormatFloat(inv, 'f', -1, 64); len(r) <= 4 {
			return "1/" + r
		}
		if near := float64(int(inv + 0.5)); abs(inv-near) < 0.01 {
			return "1/" + strconv.Itoa(int(near))
		}
	}
	return strconv.FormatFloat(x, 'f', -1, 64)
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}

// parseRatio reads a judgement: a positive number or a fraction "1/3".
func parseRatio(s string) (float64, bool) {
	s = strings.TrimSpace(s)
	if a, b, ok := strings.Cut(s, "/"); ok {
		x, err1 := strconv.ParseFloat(strings.TrimSpace(a), 64)
		y, err2 := strconv.ParseFloat(strings.TrimSpace(b), 64)
		if err1 != nil || err2 != nil || !(x > 0) || !(y > 0) {
			return 0, false
		}
		return x / y, true
	}
	x, err := strconv.ParseFloat(s, 64)
	return x, err == nil && x > 0 && x < 1e6
}

func ahpOutcome(p *page, code string, kids []string, m [][]float64, bad error) ahpResult {
	res := ahpResult{Node: code}
	if bad != nil {
		res.Error = p.loc.Error(bad)
		return res
	}
	r, err := score.AHP(m)
	if err != nil {
		res.Error = err.Error()
		return res
	}
	res.CR = strconv.FormatFloat(r.CR, 'f', 3, 64)
	res.Consistent = r.Consistent
	for i, w := range r.Weights {
		res.Weights = append(res.Weights, ahpWeight{Name: kids[i], Weight: scheme.Percent(w)})
	}
	return res
}

// readMatrix builds the full reciprocal matrix from the form's upper
// triangle.
func readMatrix(r *http.Request, n int) ([][]float64, error) {
	m := make([][]float64, n)
	for i := range m {
		m[i] = make([]float64, n)
		m[i][i] = 1
	}
	for i := 0; i < n; i++ {
		for j := i + 1; j < n; j++ {
			x, ok := parseRatio(r.PostFormValue(ahpField(i, j)))
			if !ok {
				e := errs.New(errs.Invalid, "scheme.ahp.entry_invalid", "a judgement must be a positive number or a fraction such as 1/3")
				e.Args = map[string]any{"row": i + 1, "col": j + 1}
				return nil, e
			}
			m[i][j], m[j][i] = x, 1/x
		}
	}
	return m, nil
}

// schemeAHP recomputes the consistency ratio of a node's matrix for htmx
// (the panel's result) or, with save, stores the matrix in the draft and
// switches the node to AHP weighting (scheme.Service.SetAHP checks it).
func (h *Handler) schemeAHP(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	s, v, err := h.loadVersion(r, a)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	node := r.PostFormValue("node")
	var panel *ahpPanel
	p := h.newPage(r, "schemes")
	for _, pa := range ahpPanels(p, v.Doc) {
		if pa.Node == node {
			panel = &pa
		}
	}
	if panel == nil {
		h.fail(w, r, notFound())
		return
	}
	m, bad := readMatrix(r, len(panel.Children))
	if r.PostFormValue("save") == "" {
		p.Data = ahpOutcome(p, node, panel.Children, m, bad)
		h.renderPartial(w, r, "scheme_version", "scheme_ahp_result", p)
		return
	}
	if bad != nil {
		h.renderVersion(w, r, a, errs.HTTPStatus(bad), bad, nil)
		return
	}
	if _, err := h.scheme.SetAHP(r.Context(), a, v.ID, node, m); err != nil {
		h.renderVersion(w, r, a, errs.HTTPStatus(err), err, nil)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/schemes/%d/versions/%d?flash=scheme_saved", s.ID, v.Number), http.StatusSeeOther)
}
