package server

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/chromedp/chromedp"

	"kaohe/internal/auth"
	"kaohe/internal/cycle"
	"kaohe/internal/db/dbtest"
	"kaohe/internal/demo"
	"kaohe/internal/sources"
)

// box is a rectangle on the page or on a chart's canvas, in CSS pixels.
type box struct {
	T string  `json:"t"`
	X float64 `json:"x"`
	Y float64 `json:"y"`
	W float64 `json:"w"`
	H float64 `json:"h"`
}

// overlaps reports whether b and o share more than a pixel's sliver.
func (b box) overlaps(o box) bool {
	const eps = 0.5
	return b.X+b.W > o.X+eps && o.X+o.W > b.X+eps && b.Y+b.H > o.Y+eps && o.Y+o.H > b.Y+eps
}

// nameCell is a table cell holding a name: how many lines its text takes,
// the cell's height and the text's line height.
type nameCell struct {
	Lines  int     `json:"lines"`
	Height float64 `json:"height"`
	Line   float64 `json:"line"`
}

// chartTexts is a script answering the texts an ECharts chart drew — the
// ones shown, not those hidden to avoid overlap — each with its box on
// the canvas.
const chartTexts = `(function (id) {
  var c = echarts.getInstanceByDom(document.getElementById(id));
  var out = [];
  c.getZr().storage.getDisplayList().forEach(function (el) {
    if (!el.style || typeof el.style.text !== "string" || el.invisible || el.style.opacity === 0) { return; }
    var r = el.getBoundingRect().clone();
    var m = el.getComputedTransform();
    if (m) { r.applyTransform(m); }
    out.push({ t: el.style.text, x: r.x, y: r.y, w: r.width, h: r.height });
  });
  return out;
})`

// componentBox is a script answering the box of a chart's component (its
// legend or colour scale) on the canvas.
const componentBox = `(function (id, kind) {
  var c = echarts.getInstanceByDom(document.getElementById(id));
  var g = c.getViewOfComponentModel(c.getModel().getComponent(kind)).group;
  var r = g.getBoundingRect().clone();
  var m = g.getComputedTransform();
  if (m) { r.applyTransform(m); }
  return { t: kind, x: r.x, y: r.y, w: r.width, h: r.height };
})`

// TestChartsBrowser opens the demo city's charts in Chromium, as its
// assessment office does, and measures what they draw: the trend chart
// names every cycle on its x axis without overlap and ranks on an axis
// from 1 (on top) to the group's size; the heatmap's colour scale keeps
// clear of the rotated indicator names, which stay inside the chart, and
// the table beside it keeps each name on one line.
func TestChartsBrowser(t *testing.T) {
	d := dbtest.SQLite(t)
	sum, err := demo.Build(t.Context(), d, demo.Options{Seed: 1, Scale: 1})
	if err != nil {
		t.Fatalf("build demo: %v", err)
	}
	f := &fixture{db: d}
	f.start(t)
	var office demo.Login
	for _, l := range sum.Logins {
		if l.Role == auth.RoleOffice && office.Login == "" {
			office = l
		}
	}
	sys := auth.SystemActor("test")
	cs := cycle.NewService(d, auth.Policy{}, sources.Cycle())
	cycles, err := cs.Cycles(t.Context(), sys, cycle.Filter{})
	if err != nil || len(cycles) == 0 {
		t.Fatalf("demo cycles: %v %v", len(cycles), err)
	}
	c := cycles[0] // the newest, with the longest history
	rk, err := cs.Ranking(t.Context(), sys, c.ID, cycle.RankFilter{Limit: 1})
	if err != nil || len(rk.Rows) == 0 {
		t.Fatalf("ranking of %s: %v", c.Name, err)
	}
	pr, err := cs.Profile(t.Context(), sys, c.ID, rk.Rows[0].Entity.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(pr.History) < 4 {
		t.Fatalf("the demo's %s has %d cycles of history, want several", rk.Rows[0].Entity.Name, len(pr.History))
	}
	groupSize := 0
	for _, pt := range pr.History {
		groupSize = max(groupSize, pt.GroupSize)
	}

	ctx := browser(t)
	var ce consoleErrors
	ce.listen(ctx)
	dir := artifacts(t)
	shot := func(name string) chromedp.Action[chromedp.Void] {
		return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			buf, err := chromedp.FullScreenshot(100)(ctx, tg)
			if err != nil {
				return err
			}
			return os.WriteFile(filepath.Join(dir, "charts-"+name+".png"), buf, 0o644)
		})
	}
	if err := chromedp.Do(ctx,
		chromedp.EmulateViewport(1280, 860),
		chromedp.Navigate(f.ts.URL+"/signin"),
		chromedp.WaitVisible(`input[name="login"]`),
		chromedp.SendKeys(`input[name="login"]`, office.Login),
		chromedp.SendKeys(`input[name="password"]`, office.Password),
		chromedp.Click(`.signin-box button[type="submit"]`),
		chromedp.WaitVisible(`.sidenav`),
	); err != nil {
		t.Fatalf("sign in as %s: %v", office.Login, err)
	}

	t.Run("trend", func(t *testing.T) {
		var texts []box
		var canvas box
		err := chromedp.Do(ctx,
			chromedp.Navigate(fmt.Sprintf("%s/cycles/%d/results/%s", f.ts.URL, c.ID, rk.Rows[0].Entity.ID)),
			chromedp.WaitVisible(`#trend[data-drawn="true"] canvas`),
			chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
				var err error
				if texts, err = chromedp.Evaluate[[]box](chartTexts+`("trend")`)(ctx, tg); err != nil {
					return err
				}
				canvas, err = chromedp.Evaluate[box](`(function () { var e = document.getElementById("trend"); return { t: "", x: 0, y: 0, w: e.clientWidth, h: e.clientHeight }; })()`)(ctx, tg)
				return err
			}),
			shot("trend"),
		)
		if err != nil {
			t.Fatalf("open the profile: %v", err)
		}
		// Every cycle's period is on the x axis, below the plot, and no
		// two overlap.
		var labels []box
		axisTop := canvas.H
		for _, pt := range pr.History {
			var b box
			ok := false
			for _, x := range texts {
				if x.T == pt.Period && x.Y > canvas.H/2 {
					b, ok = x, true
				}
			}
			if !ok {
				t.Errorf("the x axis does not show %s (drawn: %v)", pt.Period, texts)
				continue
			}
			for _, o := range labels {
				if b.overlaps(o) {
					t.Errorf("x labels %s %v and %s %v overlap", b.T, b, o.T, o)
				}
			}
			labels = append(labels, b)
			axisTop = min(axisTop, b.Y)
		}
		// The ranks are the numbers right of the plot, above the x axis.
		drawn := map[string]box{}
		for _, b := range texts {
			if _, err := strconv.Atoi(b.T); err == nil && b.X+b.W/2 > canvas.W/2 && b.Y+b.H <= axisTop {
				drawn["rank:"+b.T] = b
			}
		}
		// The rank axis runs from 1 on top to the group's size at the
		// bottom, with the ranks between ticked.
		top, okTop := drawn["rank:1"]
		bottom, okBottom := drawn["rank:"+strconv.Itoa(groupSize)]
		if !okTop || !okBottom || top.Y >= bottom.Y {
			t.Errorf("rank axis: got 1 at %v (%v) and %d at %v (%v), want 1 above %d (drawn: %v)",
				top, okTop, groupSize, bottom, okBottom, groupSize, texts)
		}
		for r := 2; r < groupSize && groupSize <= 10; r++ {
			if _, ok := drawn["rank:"+strconv.Itoa(r)]; !ok {
				t.Errorf("rank axis lacks the tick %d (drawn: %v)", r, texts)
			}
		}
		if _, ok := drawn["rank:0"]; ok {
			t.Errorf("rank axis shows rank 0")
		}
	})

	t.Run("heatmap", func(t *testing.T) {
		hm, err := cs.Heatmap(t.Context(), sys, c.ID, "", 0, 50)
		if err != nil {
			t.Fatal(err)
		}
		var (
			texts  []box
			scale  box
			canvas box
			names  []nameCell
		)
		err = chromedp.Do(ctx,
			chromedp.Navigate(fmt.Sprintf("%s/cycles/%d/heatmap", f.ts.URL, c.ID)),
			chromedp.WaitVisible(`#heatmap[data-drawn="true"] canvas`),
			chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
				var err error
				if texts, err = chromedp.Evaluate[[]box](chartTexts+`("heatmap")`)(ctx, tg); err != nil {
					return err
				}
				if scale, err = chromedp.Evaluate[box](componentBox+`("heatmap", "visualMap")`)(ctx, tg); err != nil {
					return err
				}
				if canvas, err = chromedp.Evaluate[box](`(function () { var e = document.getElementById("heatmap"); return { t: "", x: 0, y: 0, w: e.clientWidth, h: e.clientHeight }; })()`)(ctx, tg); err != nil {
					return err
				}
				names, err = chromedp.Evaluate[[]nameCell](`Array.from(document.querySelectorAll("table.heat tbody tr > :nth-child(2)")).map(function (td) {
					var a = td.querySelector("a") || td;
					return { lines: a.getClientRects().length, height: td.getBoundingClientRect().height,
						line: parseFloat(getComputedStyle(td).lineHeight) };
				})`)(ctx, tg)
				return err
			}),
			shot("heatmap"),
		)
		if err != nil {
			t.Fatalf("open the heatmap: %v", err)
		}
		leaves := map[string]bool{}
		for _, l := range hm.Leaves {
			leaves[l.Name] = true
		}
		seen := 0
		for _, b := range texts {
			if !leaves[b.T] {
				continue
			}
			seen++
			if b.overlaps(scale) {
				t.Errorf("the colour scale %v overlaps the indicator name %s %v", scale, b.T, b)
			}
			if b.X < -0.5 || b.Y < -0.5 || b.X+b.W > canvas.W+0.5 || b.Y+b.H > canvas.H+0.5 {
				t.Errorf("the indicator name %s %v runs off the %v×%v chart", b.T, b, canvas.W, canvas.H)
			}
		}
		if seen != len(hm.Leaves) {
			t.Errorf("the heatmap shows %d of %d indicator names", seen, len(hm.Leaves))
		}
		if scale.X < -0.5 || scale.Y < -0.5 || scale.X+scale.W > canvas.W+0.5 || scale.Y+scale.H > canvas.H+0.5 {
			t.Errorf("the colour scale %v runs off the %v×%v chart", scale, canvas.W, canvas.H)
		}
		if len(names) != len(hm.Rows) {
			t.Fatalf("the table has %d names, want %d", len(names), len(hm.Rows))
		}
		for k, n := range names {
			// One line of text plus the cell's padding (7 px above and below).
			if n.Lines != 1 || n.Height > n.Line+14+4 {
				t.Errorf("%s takes %d lines, %.0f px high (a line is %.0f px): want one line",
					hm.Rows[k].Entity.Name, n.Lines, n.Height, n.Line)
			}
		}
	})

	for _, e := range ce.take() {
		t.Errorf("browser console: %s", e)
	}
}
