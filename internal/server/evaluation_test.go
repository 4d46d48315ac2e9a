package server

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"kaohe/internal/auth"
	"kaohe/internal/db"
	"kaohe/internal/db/dbtest"
	"kaohe/internal/survey"
)

// evalFixture adds to the fixture an evaluation of 甲县's team (in every
// signed-in role's sight) and one of 乙县's (outside it), both closed with
// ballots, and an open one of 甲县 with unused codes.
type evalFixture struct {
	*fixture
	s                 *survey.Service
	in, out, open     *survey.Evaluation
	codes             []survey.Code
	inCodes, outCodes []survey.Code
}

func newEvalFixture(t *testing.T, d *db.DB) *evalFixture {
	t.Helper()
	ctx := context.Background()
	f := &evalFixture{fixture: newFixture(t, d), s: survey.NewService(d, auth.Policy{})}
	sys := auth.SystemActor("test")
	mk := func(code string, n int, close bool) (*survey.Evaluation, []survey.Code) {
		t.Helper()
		unit := f.units[code]
		subjects, err := f.s.TeamSubjects(ctx, sys, unit.ID)
		if err != nil {
			t.Fatal(err)
		}
		e, err := f.s.Create(ctx, sys, survey.Evaluation{UnitID: unit.ID, Kind: survey.KindEvaluation,
			Title: unit.Name + "2025年度民主测评", Period: "2025", Rules: survey.Rules{MinGroupSize: 1},
			Groups:   []survey.Group{{Code: survey.GroupSuperior, Weight: 0.6}, {Code: survey.GroupPeer, Weight: 0.4}},
			Subjects: subjects})
		if err != nil {
			t.Fatal(err)
		}
		codes, err := f.s.IssueCodes(ctx, sys, e.ID, survey.GroupSuperior, n)
		if err != nil {
			t.Fatal(err)
		}
		if e, err = f.s.Open(ctx, sys, e.ID); err != nil {
			t.Fatal(err)
		}
		if close {
			if err := f.s.Submit(ctx, codes[0].Code, survey.Submission{Answers: answersFor(e, "好", "优秀")}); err != nil {
				t.Fatal(err)
			}
			if e, err = f.s.Close(ctx, sys, e.ID); err != nil {
				t.Fatal(err)
			}
		}
		return e, codes
	}
	f.in, f.inCodes = mk("330102", 2, true)
	f.out, f.outCodes = mk("330202", 2, true)
	f.open, f.codes = mk("330102", 5, false)
	return f
}

// answersFor rates every subject of e: the team with team, the cadres'
// overall with cadre, their other items 较好.
func answersFor(e *survey.Evaluation, team, cadre string) []survey.Answer {
	var out []survey.Answer
	for _, s := range e.Subjects {
		for _, it := range s.Q().Items {
			a := survey.Answer{Subject: s.ID, Item: it.Code, Grade: "较好"}
			switch {
			case s.Kind == survey.SubjectTeam:
				a.Grade = team
			case it.Overall:
				a.Grade = cadre
			}
			out = append(out, a)
		}
	}
	return out
}

// ballotForm is answersFor as the phone's form fields.
func ballotForm(e *survey.Evaluation, team, cadre string) url.Values {
	v := url.Values{}
	for _, a := range answersFor(e, team, cadre) {
		v.Set(fmt.Sprintf("a.%d.%s", a.Subject, a.Item), a.Grade)
	}
	return v
}

// TestEvaluationScope asks the evaluation pages as every role about an
// evaluation in its jurisdiction and one outside it.
func TestEvaluationScope(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newEvalFixture(t, d)
		// A page refused is not found, as if the evaluation were not there.
		read := map[auth.Role]int{office: 200, team: 200, viewer: 200, provider: 404, supervisor: 404, cadre: 404}
		manage := map[auth.Role]int{office: 200, team: 404, viewer: 404, provider: 404, supervisor: 404, cadre: 404}
		read[serviceReview], manage[serviceReview] = 404, 404
		routes := []struct {
			path string
			want map[auth.Role]int
		}{
			{"/evaluations/%d", read},
			{"/evaluations/%d/results", read},
			{"/evaluations/%d/results.xlsx", read},
			{"/evaluations/%d/codes", manage},
			{"/evaluations/%d/codes.csv", manage},
			{"/evaluations/%d/participation", manage},
		}
		for _, role := range auth.Roles {
			c := f.signIn(t, string(role))
			for _, rt := range routes {
				res, body := f.get(t, c, fmt.Sprintf(rt.path, f.in.ID))
				if res.StatusCode != rt.want[role] {
					t.Errorf("%s GET %s in scope: got %d, want %d\n%.300s", role, rt.path, res.StatusCode, rt.want[role], body)
				}
				if res.StatusCode == 200 && (rt.path == "/evaluations/%d" || rt.path == "/evaluations/%d/results") && !strings.Contains(body, "甲县") {
					t.Errorf("%s GET %s: page lacks the unit", role, rt.path)
				}
				if res, _ := f.get(t, c, fmt.Sprintf(rt.path, f.out.ID)); res.StatusCode != 404 {
					t.Errorf("%s GET %s out of scope: got %d, want 404", role, rt.path, res.StatusCode)
				}
			}
			// The API: the same answers for results and ratings; the list
			// is empty, not refused, for roles that see no evaluation.
			for _, path := range []string{"/api/v1/evaluations/%d/results", "/api/v1/evaluations/%d/ratings"} {
				res, body := f.get(t, c, fmt.Sprintf(path, f.in.ID))
				if res.StatusCode != read[role] {
					t.Errorf("%s GET %s in scope: got %d, want %d\n%.300s", role, path, res.StatusCode, read[role], body)
				}
				if res, _ := f.get(t, c, fmt.Sprintf(path, f.out.ID)); res.StatusCode != 404 {
					t.Errorf("%s GET %s out of scope: got %d, want 404", role, path, res.StatusCode)
				}
			}
			res, body := f.get(t, c, "/api/v1/evaluations")
			if n := strings.Count(body, `"title"`); res.StatusCode != 200 || (read[role] == 200) != (n == 2) || (read[role] != 200 && n != 0) {
				t.Errorf("%s GET /api/v1/evaluations: got %d with %d evaluations\n%.300s", role, res.StatusCode, n, body)
			}
			// Actions: only the office of the jurisdiction; a refused
			// action is 403 for who reads the evaluation, not found for
			// the others, as a page refused is (decision 0161).
			act := map[auth.Role]int{office: 200, team: 403, viewer: 403, provider: 404, supervisor: 404, cadre: 404, serviceReview: 404}
			for _, action := range []string{"open", "close", "codes"} {
				for _, e := range []*survey.Evaluation{f.open, f.out} {
					want := act[role]
					if e == f.out {
						want = 404
					} else if want == 200 {
						continue // the office's actions are tried in TestEvaluationFlow
					}
					res := f.post(t, c, fmt.Sprintf("/evaluations/%d/%s", e.ID, action), url.Values{"group": {"superior"}, "count": {"1"}})
					if res.StatusCode != want {
						t.Errorf("%s POST %s of %s: got %d, want %d", role, action, e.Title, res.StatusCode, want)
					}
				}
			}
		}
	})
}

// TestEvaluationFlow walks an evaluation through the pages: set up by the
// office, codes issued and printed, ballots cast on the phone page without
// sign-in, closed, results.
func TestEvaluationFlow(t *testing.T) {
	f := newEvalFixture(t, dbtest.SQLite(t))
	office := f.signIn(t, "office")
	res := f.post(t, office, "/evaluations", url.Values{"kind": {"evaluation"}, "unit": {"330102"}, "title": {"甲县年度民主测评"},
		"period": {"2025"}, "weight_superior": {"0.5"}, "weight_peer": {"0.5"}, "min_group_size": {"1"}, "max_top": {"1"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("create: got %d, want 303", res.StatusCode)
	}
	page := res.Header.Get("Location")
	page = page[:strings.Index(page, "?")]
	if res := f.post(t, office, page+"/codes", url.Values{"group": {"peer"}, "count": {"3"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("issue codes: got %d", res.StatusCode)
	}
	_, sheet := f.get(t, office, page+"/codes")
	if strings.Count(sheet, `class="slip"`) != 3 || !strings.Contains(sheet, "<svg") || !strings.Contains(sheet, "/b/") {
		t.Fatalf("code sheet: want 3 slips with QR codes:\n%.500s", sheet)
	}
	res, csv := f.get(t, office, page+"/codes.csv")
	if !strings.HasPrefix(res.Header.Get("Content-Type"), "text/csv") || strings.Count(csv, "\n") != 4 {
		t.Fatalf("csv: got %s %q", res.Header.Get("Content-Type"), csv)
	}
	line := strings.Split(csv, "\n")[1]
	code := strings.ReplaceAll(strings.Split(line, ",")[2], "-", "")
	if res := f.post(t, office, page+"/open", nil); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("open: got %d", res.StatusCode)
	}
	var id int64
	fmt.Sscanf(page, "/evaluations/%d", &id)
	e, err := f.s.Get(context.Background(), auth.SystemActor("test"), id)
	if err != nil {
		t.Fatal(err)
	}

	rater := f.client(t) // no sign-in
	res, body := f.get(t, rater, "/b/"+code)
	if res.StatusCode != 200 || !strings.Contains(body, "张三") || !strings.Contains(body, "县委书记") || !strings.Contains(body, "同级") {
		t.Fatalf("ballot page: got %d\n%.800s", res.StatusCode, body)
	}
	// An incomplete ballot comes back with the answers kept.
	form := ballotForm(e, "好", "优秀")
	partial := url.Values{}
	for k, v := range form {
		if strings.HasSuffix(k, ".overall") {
			partial[k] = v
		}
	}
	res, body = postForm(t, f.fixture, rater, "/b/"+code, partial)
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "还有未评价的项目") || !strings.Contains(body, "checked") {
		t.Fatalf("incomplete ballot: got %d\n%.600s", res.StatusCode, body)
	}
	// The team 好 and the only cadre 优秀: 1 top cadre grade ≤ 1, valid.
	res, body = postForm(t, f.fixture, rater, "/b/"+code, form)
	if res.StatusCode != 200 || !strings.Contains(body, "提交成功") {
		t.Fatalf("cast: got %d\n%.600s", res.StatusCode, body)
	}
	res, body = postForm(t, f.fixture, rater, "/b/"+code, form)
	if res.StatusCode != http.StatusConflict || !strings.Contains(body, "测评码已使用") {
		t.Fatalf("second cast: got %d\n%.600s", res.StatusCode, body)
	}
	if res, _ := f.get(t, rater, "/b/2222-2222-2222"); res.StatusCode != 404 {
		t.Errorf("unknown code: got %d, want 404", res.StatusCode)
	}
	if res, _ := f.get(t, rater, "/b?code="+strings.ToLower(code)); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/b/"+code {
		t.Errorf("typed code: got %d to %q", res.StatusCode, res.Header.Get("Location"))
	}
	// The code is not in the request log.
	if strings.Contains(f.logs.String(), code) {
		t.Error("the request log holds a ballot code")
	}
	_, show := f.get(t, office, page)
	if !strings.Contains(show, `hx-get="`+page+`/participation"`) {
		t.Errorf("evaluation page lacks the live participation table")
	}
	if res, _ := f.get(t, office, page+"/results"); res.StatusCode != http.StatusConflict {
		t.Errorf("results while open: got %d, want 409", res.StatusCode)
	}
	if res := f.post(t, office, page+"/close", nil); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("close: got %d", res.StatusCode)
	}
	res, body = f.get(t, office, page+"/results")
	if res.StatusCode != 200 || !strings.Contains(body, "张三") || !strings.Contains(body, "100.00") || !strings.Contains(body, "100.0%") {
		t.Fatalf("results: got %d\n%.800s", res.StatusCode, body)
	}
	res, _ = f.get(t, office, page+"/results.xlsx")
	if res.StatusCode != 200 || !strings.Contains(res.Header.Get("Content-Type"), "spreadsheetml") {
		t.Errorf("results workbook: got %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	// 上级 cast nothing: below the minimum of 1, never shown.
	if !strings.Contains(body, "人数不足") {
		t.Errorf("results do not say that 上级 is not shown")
	}
}

// TestPublicSurveyPages answers a public survey without sign-in, once per
// device.
func TestPublicSurveyPages(t *testing.T) {
	f := newEvalFixture(t, dbtest.SQLite(t))
	ctx := context.Background()
	sys := auth.SystemActor("test")
	e, err := f.s.Create(ctx, sys, survey.Evaluation{UnitID: f.units["330102"].ID, Kind: survey.KindSatisfaction,
		Title: "甲县群众满意度调查", Period: "2025", Groups: []survey.Group{{Code: survey.GroupPublic, Weight: 1}},
		Subjects: []survey.Subject{{Kind: survey.SubjectRegion, UnitID: f.units["330102"].ID}}})
	if err != nil {
		t.Fatal(err)
	}
	if e, err = f.s.Open(ctx, sys, e.ID); err != nil {
		t.Fatal(err)
	}
	c := f.client(t)
	res, body := f.get(t, c, "/s/"+e.PublicToken)
	if res.StatusCode != 200 || !strings.Contains(body, "对生态环境的满意度") {
		t.Fatalf("survey page: got %d\n%.500s", res.StatusCode, body)
	}
	form := url.Values{}
	form.Set(fmt.Sprintf("a.%d.ecology", e.Subjects[0].ID), "满意")
	form.Set(fmt.Sprintf("a.%d.services", e.Subjects[0].ID), "一般")
	if res, body := postForm(t, f.fixture, c, "/s/"+e.PublicToken, form); res.StatusCode != 200 || !strings.Contains(body, "提交成功") {
		t.Fatalf("answer: got %d\n%.500s", res.StatusCode, body)
	}
	form.Set(fmt.Sprintf("a.%d.services", e.Subjects[0].ID), "满意")
	if res, body := postForm(t, f.fixture, c, "/s/"+e.PublicToken, form); res.StatusCode != http.StatusConflict || !strings.Contains(body, "本设备已提交") {
		t.Fatalf("second answer from the device: got %d\n%.500s", res.StatusCode, body)
	}
	if res, _ := f.get(t, c, "/s/nope"); res.StatusCode != 404 {
		t.Errorf("unknown survey: got %d, want 404", res.StatusCode)
	}
}

// postForm posts a form as a same-origin browser and returns the body.
func postForm(t *testing.T, f *fixture, c *http.Client, path string, form url.Values) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, f.ts.URL+path, strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	req.Header.Set("Origin", f.ts.URL)
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, string(b)
}
