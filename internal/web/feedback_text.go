package web

import (
	"fmt"
	"html/template"
	"math"
	"strings"

	"kaohe/internal/feedback"
	"kaohe/internal/locale"
	"kaohe/internal/score"
)

// pointText words an achievement or problem of a feedback report with its
// figures, e.g. 森林覆盖率 58.3%，得分 41.2，低于同组中位数 63.0，较上期下降 1.2 个百分点.
func pointText(loc *locale.Localizer, p feedback.Point) string {
	args := map[string]any{"name": p.Name, "unit": p.Unit, "value": num(p.Value, 2), "score": num(p.Score, 1),
		"median": num(p.Median, 1), "points": num(p.Points, 2), "note": p.Note, "raters": p.Raters}
	key := "feedback.point." + string(p.Kind)
	if p.Kind == feedback.FindingDeduction && p.Note != "" {
		key = "feedback.point.finding_note"
	}
	s := loc.TMap(key, args)
	if p.Kind == feedback.BelowGroup || p.Kind == feedback.AboveGroup || p.Kind == feedback.Declined {
		if c := changeText(loc, p); c != "" {
			s += loc.T("feedback.point.since", "change", c, "previous", num(p.Previous, 2), "unit", p.Unit)
		}
	}
	return s
}

// changeText words p's change since the previous cycle: 下降 1.2 个百分点
// for a percentage, 增加 35 件 otherwise; "" without one.
func changeText(loc *locale.Localizer, p feedback.Point) string {
	if math.IsNaN(float64(p.Change)) || p.Change == 0 {
		return ""
	}
	dir := "up"
	if p.Change < 0 {
		dir = "down"
	}
	key := "feedback.change." + dir
	if p.Unit == "%" {
		key += "_pct"
	}
	return loc.T(key, "n", num(score.Num(math.Abs(float64(p.Change))), 2), "unit", p.Unit)
}

// suggestions are the rule-generated drafts of a report's recommendations:
// one per problem, and one to keep the first strengths, which the 考核组
// edits before release.
func suggestions(loc *locale.Localizer, c *feedback.Content) []string {
	var out []string
	seen := map[string]bool{}
	add := func(s string) {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	for _, p := range c.Problems {
		add(loc.T("feedback.suggest."+string(p.Kind), "name", p.Name, "change", changeText(loc, p), "note", p.Note))
	}
	kept := 0
	for _, p := range c.Achievements {
		if p.Kind == feedback.AboveGroup && kept < 2 {
			add(loc.T("feedback.suggest.keep", "name", p.Name))
			kept++
		}
	}
	if len(out) == 0 {
		add(loc.T("feedback.suggest.general"))
	}
	return out
}

// radarSVG draws a report's radar — the entity's dimension scores against
// the group median, on 0–100 — as inline SVG, so that the page and the
// printed report show the same chart without script.
func radarSVG(loc *locale.Localizer, axes []feedback.Axis) template.HTML {
	n := len(axes)
	if n < 3 {
		return ""
	}
	const cx, cy, rad = 190.0, 165.0, 110.0
	pt := func(i int, v float64) (float64, float64) {
		a := -math.Pi/2 + 2*math.Pi*float64(i)/float64(n)
		if math.IsNaN(v) {
			v = 0
		}
		v = math.Max(0, math.Min(100, v))
		return cx + rad*v/100*math.Cos(a), cy + rad*v/100*math.Sin(a)
	}
	poly := func(vals func(int) float64) string {
		var b strings.Builder
		for i := range n {
			x, y := pt(i, vals(i))
			fmt.Fprintf(&b, "%.1f,%.1f ", x, y)
		}
		return strings.TrimSpace(b.String())
	}
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="radar-svg" viewBox="0 0 380 330" width="380" height="330" role="img" aria-label="%s">`,
		template.HTMLEscapeString(loc.T("feedback.radar")))
	for _, ring := range []float64{25, 50, 75, 100} {
		fmt.Fprintf(&b, `<polygon points="%s" fill="none" stroke="#d0d4da" stroke-width="1"/>`, poly(func(int) float64 { return ring }))
	}
	for i, ax := range axes {
		x, y := pt(i, 100)
		fmt.Fprintf(&b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#d0d4da"/>`, cx, cy, x, y)
		lx, ly := pt(i, 118)
		anchor := "middle"
		if lx < cx-5 {
			anchor = "end"
		} else if lx > cx+5 {
			anchor = "start"
		}
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" text-anchor="%s" font-size="12">%s</text>`, lx, ly+4, anchor, template.HTMLEscapeString(ax.Name))
	}
	fmt.Fprintf(&b, `<polygon points="%s" fill="rgba(150,150,150,0.15)" stroke="#888" stroke-dasharray="4 3" stroke-width="1.5"/>`,
		poly(func(i int) float64 { return float64(axes[i].Median) }))
	fmt.Fprintf(&b, `<polygon points="%s" fill="rgba(192,0,0,0.18)" stroke="#c00000" stroke-width="2"/>`,
		poly(func(i int) float64 { return float64(axes[i].Score) }))
	fmt.Fprintf(&b, `<g font-size="12"><rect x="10" y="308" width="14" height="4" fill="#c00000"/><text x="30" y="314">%s</text>`+
		`<rect x="120" y="308" width="14" height="4" fill="#888"/><text x="140" y="314">%s</text></g></svg>`,
		template.HTMLEscapeString(loc.T("feedback.radar_self")), template.HTMLEscapeString(loc.T("feedback.radar_median")))
	return template.HTML(b.String())
}

// notificationText words a notification of the inbox.
func notificationText(loc *locale.Localizer, kind feedback.Kind, args map[string]any) string {
	m := make(map[string]any, len(args))
	for k, v := range args {
		m[k] = v
	}
	if d, ok := args["decision"].(string); ok {
		m["decision"] = loc.T("feedback.appeal_status." + d)
	}
	return loc.TMap("inbox.kind."+string(kind), m)
}

// Wording words notifications in Chinese for the outgoing channel
// (feedback.Service.SetSender).
func (h *Handler) Wording() func(feedback.Kind, map[string]any) string {
	loc := h.loc.For(locale.Languages[0])
	return func(k feedback.Kind, args map[string]any) string { return notificationText(loc, k, args) }
}
