package server

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"kaohe/internal/auth"
	"kaohe/internal/db/dbtest"
	"kaohe/internal/org"
	"kaohe/internal/survey"
)

// phoneBallot adds four colleagues to 张三's team in 甲县 and opens an
// evaluation of the team and its five cadres with one code: a ballot of
// six subjects, 37 items.
func phoneBallot(t *testing.T, f *evalFixture) (*survey.Evaluation, string) {
	t.Helper()
	ctx := context.Background()
	sys := auth.SystemActor("test")
	orgs := org.NewService(f.db, auth.Policy{})
	county := f.units["330102"]
	for k, name := range []string{"王五", "赵六", "钱七", "孙八"} {
		p, err := orgs.CreatePerson(ctx, sys, org.Person{Name: name, Gender: org.Female, BirthDate: "1978-03-01", Ethnicity: "汉族",
			Party: org.PartyCPC, Education: org.EducationUniversity, UnitID: county.ID})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := orgs.AssignPost(ctx, sys, org.Post{PersonID: p.ID, UnitID: county.ID, Title: "副县长", Rank: org.RankDivision,
			Team: true, Start: "2022-01-01", Sort: k + 2}); err != nil {
			t.Fatal(err)
		}
	}
	subjects, err := f.s.TeamSubjects(ctx, sys, county.ID)
	if err != nil {
		t.Fatal(err)
	}
	e, err := f.s.Create(ctx, sys, survey.Evaluation{UnitID: county.ID, Kind: survey.KindEvaluation,
		Title: "甲县2026年度领导班子和领导干部民主测评", Period: "2026", Rules: survey.Rules{MinGroupSize: 1},
		Groups: []survey.Group{{Code: survey.GroupSuperior, Weight: 1}}, Subjects: subjects})
	if err != nil {
		t.Fatal(err)
	}
	codes, err := f.s.IssueCodes(ctx, sys, e.ID, survey.GroupSuperior, 1)
	if err != nil {
		t.Fatal(err)
	}
	if e, err = f.s.Open(ctx, sys, e.ID); err != nil {
		t.Fatal(err)
	}
	return e, codes[0].Code
}

// TestBallotOnPhone casts a ballot in Chromium at the size of a phone
// (390 × 844, touch): one subject a screen, with its progress (第 n/N 项
// and a bar), a screen high and never wider; "next" waits for the step's
// answers, "back" finds them kept; every choice is a large tap target;
// and the ballot is counted.
func TestBallotOnPhone(t *testing.T) {
	const phoneW, phoneH = 390, 844
	f := newEvalFixture(t, dbtest.SQLite(t))
	e, code := phoneBallot(t, f)
	ctx := browser(t)
	dir := artifacts(t)
	var ce consoleErrors
	ce.listen(ctx)
	shot := func(name string) chromedp.Action[chromedp.Void] {
		return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			buf, err := chromedp.FullScreenshot(100)(ctx, tg)
			if err != nil {
				return err
			}
			return os.WriteFile(filepath.Join(dir, "ballot-"+name+".png"), buf, 0o644)
		})
	}
	// step is what a screen of the ballot shows.
	type step struct {
		Count  string  `json:"count"`
		Bar    float64 `json:"bar"`
		Max    float64 `json:"max"`
		Height int     `json:"height"`
		Width  int     `json:"width"`
		Shown  int     `json:"shown"`
		Text   string  `json:"text"`
	}
	var steps []step
	look := chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		s, err := chromedp.Evaluate[step](`(function () {
			var cur = document.querySelectorAll(".step").length ? document.querySelector(".step.current") : null;
			var bar = cur && cur.querySelector("progress");
			return { count: cur ? cur.querySelector(".step-count").innerText : "", bar: bar ? bar.value : 0, max: bar ? bar.max : 0,
				height: document.documentElement.scrollHeight, width: document.documentElement.scrollWidth,
				shown: Array.from(document.querySelectorAll("fieldset.subject")).filter(function (f) { return f.offsetHeight > 0; }).length,
				text: document.body.innerText };
		})()`)(ctx, tg)
		steps = append(steps, s)
		return err
	})
	var tapHeight float64
	var stayed step
	var kept bool
	actions := []chromedp.Action[chromedp.Void]{
		chromedp.EmulateViewport(phoneW, phoneH, chromedp.EmulateMobile, chromedp.EmulateScale(2)),
		chromedp.Navigate(f.ts.URL + "/b/" + code),
		chromedp.WaitVisible(`form.ballot.stepped .step.current`),
		chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			var err error
			tapHeight, err = chromedp.Evaluate[float64](`document.querySelector('.step.current .choice span').getBoundingClientRect().height`)(ctx, tg)
			return err
		}),
		shot("1-first"),
		// "Next" before answering stays on the step.
		chromedp.Click(`.step.current .step-next`),
		chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			var err error
			stayed, err = chromedp.Evaluate[step](`({ count: document.querySelector(".step.current .step-count").innerText })`)(ctx, tg)
			return err
		}),
	}
	for k, s := range e.Subjects {
		actions = append(actions, look)
		for _, it := range s.Q().Items {
			// The second grade of every item: 较好, 称职.
			actions = append(actions, chromedp.Click(fmt.Sprintf(`input[id="a.%d.%s.1"] + span`, s.ID, it.Code)))
		}
		if k == 1 {
			actions = append(actions, shot("2-cadre"))
		}
		if k < len(e.Subjects)-1 {
			actions = append(actions, chromedp.Click(`.step.current .step-next`))
		}
	}
	// Back to the previous subject: its answers are kept; then on again.
	prev, last := e.Subjects[len(e.Subjects)-2], e.Subjects[len(e.Subjects)-1]
	actions = append(actions,
		shot("3-last"),
		chromedp.Click(`.ballot-end-nav .step-prev`),
		chromedp.WaitVisible(fmt.Sprintf(`input[id="a.%d.%s.1"] + span`, prev.ID, prev.Q().Items[0].Code)),
		chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			var err error
			kept, err = chromedp.Evaluate[bool](fmt.Sprintf(`Array.from(document.querySelectorAll('.step.current input[type=radio]:checked')).length === %d &&
				document.getElementById("a.%d.%s.1").checked`, len(prev.Q().Items), last.ID, last.Q().Items[0].Code))(ctx, tg)
			return err
		}),
		chromedp.Click(`.step.current .step-next`),
		chromedp.Click(`button.ballot-submit`),
		chromedp.WaitVisible(`.ballot-state.state-done`),
		shot("4-done"),
	)
	if err := chromedp.Do(ctx, actions...); err != nil {
		t.Fatalf("cast a ballot on the phone: %v", err)
	}
	if want := fmt.Sprintf("第 1/%d 项", len(e.Subjects)); stayed.Count != want {
		t.Errorf("next before answering: got to %q, want to stay on %q", stayed.Count, want)
	}
	if !kept {
		t.Error("back to the previous subject: its answers are gone")
	}
	if tapHeight < 44 {
		t.Errorf("a choice is %.0f px high, want a tap target of at least 44", tapHeight)
	}
	var seen strings.Builder
	for k, s := range steps {
		n := len(e.Subjects)
		if want := fmt.Sprintf("第 %d/%d 项", k+1, n); s.Count != want || s.Bar != float64(k+1) || s.Max != float64(n) {
			t.Errorf("step %d shows %q, bar %v of %v; want %q, bar %d of %d", k+1, s.Count, s.Bar, s.Max, want, k+1, n)
		}
		if s.Shown != 1 {
			t.Errorf("step %d shows %d subjects, want 1", k+1, s.Shown)
		}
		if s.Width > phoneW {
			t.Errorf("step %d is %d px wide on a %d px screen: it scrolls sideways", k+1, s.Width, phoneW)
		}
		// A subject's screen fits the phone (give or take a font); the last
		// one also holds the privacy note and the button that casts the
		// ballot. On one page, the ballot was several screens high.
		limit := phoneH * 11 / 10
		if k == len(steps)-1 {
			limit = phoneH * 6 / 5
		}
		if s.Height > limit {
			t.Errorf("step %d is %d px high on a %d px screen, want at most %d", k+1, s.Height, phoneH, limit)
		}
		seen.WriteString(s.Text)
	}
	before := seen.String()
	var after string
	if err := chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		var err error
		after, err = chromedp.Text(`body`)(ctx, tg)
		return err
	})); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"张三", "县委书记", "优秀", "称职", "政治素质", "上级"} {
		if !strings.Contains(before, want) {
			t.Errorf("ballot lacks %q", want)
		}
	}
	if !strings.Contains(after, "提交成功") {
		t.Errorf("after casting: got %q, want 提交成功", after)
	}
	ps, err := f.s.Participation(context.Background(), auth.SystemActor("test"), e.ID)
	if err != nil || ps[0].Used != 1 {
		t.Errorf("participation after the phone ballot: got %+v %v, want 1 used", ps, err)
	}
	// The code is now used; the page says so.
	var again string
	if err := chromedp.Do(ctx,
		chromedp.Navigate(f.ts.URL+"/b/"+code),
		chromedp.WaitVisible(`.ballot-state`),
		chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			var err error
			again, err = chromedp.Text(`body`)(ctx, tg)
			return err
		}),
	); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(again, "测评码已使用") {
		t.Errorf("reopening a used code: got %q", again)
	}
	chromedp.Do(ctx, chromedp.Sleep(200*time.Millisecond))
	for _, e := range ce.take() {
		t.Errorf("browser console: %s", e)
	}
}
