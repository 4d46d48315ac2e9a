package server

import (
	"bytes"
	"context"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"kaohe/internal/auth"
	"kaohe/internal/db"
	"kaohe/internal/db/dbtest"
	"kaohe/internal/scheme"
	"kaohe/internal/score"
)

// schemeRead is who may read schemes: the office, the inspection team and
// viewers; the other roles are refused.
var schemeRead = map[auth.Role]int{office: 200, team: 200, viewer: 200, provider: 403, supervisor: 403, cadre: 403, serviceReview: 403}

// schemeObject answers a scheme of 甲市: the supervisor sees 甲市 but
// may not read its schemes, the provider and the cadre, granted in 甲县
// below it, do not see it; all three get 404, as for no scheme.
var schemeObject = map[auth.Role]int{office: 200, team: 200, viewer: 200, provider: 404, supervisor: 404, cadre: 404, serviceReview: 404}

// schemeObjects adds a library, a scheme of 甲市 with two versions and one
// of 乙市 with one, and returns their ids.
func schemeObjects(t *testing.T, f *fixture) (in, out int64) {
	t.Helper()
	ctx := context.Background()
	sys := auth.SystemActor("test")
	s := scheme.NewService(f.db, auth.Policy{})
	for _, ind := range []scheme.Indicator{
		{Code: "SAT", Name: "群众满意度", Kind: score.KindQualitative},
		{Code: "TEAM", Name: "班子建设", Kind: score.KindQualitative},
	} {
		if _, err := s.SaveIndicator(ctx, sys, ind); err != nil {
			t.Fatal(err)
		}
	}
	doc := func(w float64) *score.Scheme {
		return &score.Scheme{Indicators: []score.Indicator{
			{Code: "D1", Name: "综合评价", Weight: 100},
			{Code: "SAT", Parent: "D1", Weight: w}, {Code: "TEAM", Parent: "D1", Weight: 100 - w},
		}}
	}
	add := func(unit, code, name string, versions int) int64 {
		sc, err := s.CreateScheme(ctx, sys, scheme.Scheme{Code: code, Name: name, Subject: scheme.SubjectUnit,
			OwnerUnitID: f.units[unit].ID})
		if err != nil {
			t.Fatal(err)
		}
		for k := 0; k < versions; k++ {
			if _, err := s.CreateVersion(ctx, sys, sc.ID, scheme.Draft{Doc: doc(float64(50 + 10*k)), Reason: "调整"}); err != nil {
				t.Fatal(err)
			}
		}
		return sc.ID
	}
	return add("330100", "jia", "甲市县区考核", 2), add("330200", "yi", "乙市县区考核", 1)
}

// TestSchemeImportPage uploads a bad workbook as the office and sees the
// row errors with nothing written, then a good one and sees the version;
// a viewer may not upload.
func TestSchemeImportPage(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		in, _ := schemeObjects(t, f)
		office := f.signIn(t, "office")
		id := itoa(in)
		res, good := f.get(t, office, "/schemes/"+id+"/versions/2/export.xlsx")
		if res.StatusCode != 200 || !strings.HasPrefix(good, "PK") {
			t.Fatalf("export: %d", res.StatusCode)
		}
		upload := func(c *http.Client, name string, data []byte) (*http.Response, string) {
			var body bytes.Buffer
			mw := multipart.NewWriter(&body)
			mw.WriteField("reason", "导入新版本")
			mw.WriteField("cycle", "2026年度")
			fw, _ := mw.CreateFormFile("file", name)
			fw.Write(data)
			mw.Close()
			req, _ := http.NewRequest("POST", f.ts.URL+"/schemes/"+id+"/versions", &body)
			req.Header.Set("Content-Type", mw.FormDataContentType())
			req.Header.Set("Origin", f.ts.URL)
			res, err := c.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			b, _ := io.ReadAll(res.Body)
			return res, string(b)
		}
		count := func() (n int) {
			d.SQL.QueryRow(`SELECT count(*) FROM scheme_versions`).Scan(&n)
			return n
		}
		before := count()
		res, body := upload(office, "scheme.json", []byte(`{"indicators":[{"code":"D1","weight":100},{"code":"SAT","parent":"D1","weight":30},{"code":"NEW","parent":"D1","weight":60}]}`))
		if res.StatusCode != 422 || !strings.Contains(body, "NEW") || !strings.Contains(body, "权重之和为 90") {
			t.Fatalf("bad upload: %d\n%.2000s", res.StatusCode, body)
		}
		if count() != before {
			t.Fatalf("a bad upload wrote a version")
		}
		// Text in a numeric cell of the workbook: the row and column, in Chinese.
		wb, err := excelize.OpenReader(strings.NewReader(good))
		if err != nil {
			t.Fatal(err)
		}
		wb.SetCellStr("指标", "K3", "六十")
		var spoilt bytes.Buffer
		wb.WriteTo(&spoilt)
		res, body = upload(office, "scheme.xlsx", spoilt.Bytes())
		if res.StatusCode != 422 || !strings.Contains(body, "第 3 行") || !strings.Contains(body, "单元格 K3（权重）的“六十”不是数字") {
			t.Fatalf("bad workbook: %d\n%.3000s", res.StatusCode, body)
		}
		if count() != before {
			t.Fatalf("a bad workbook wrote a version")
		}
		res, body = upload(office, "scheme.xlsx", []byte(good))
		if res.StatusCode != http.StatusSeeOther || !strings.Contains(res.Header.Get("Location"), "/versions/3") {
			t.Fatalf("good upload: %d %s\n%.1000s", res.StatusCode, res.Header.Get("Location"), body)
		}
		res, _ = upload(f.signIn(t, "viewer"), "scheme.xlsx", []byte(good))
		if res.StatusCode != http.StatusForbidden {
			t.Errorf("viewer upload: got %d, want 403", res.StatusCode)
		}
		// The API takes a version as JSON: a bare engine document of library leaves.
		post := func(body string) (*http.Response, string) {
			req, _ := http.NewRequest("POST", f.ts.URL+"/api/v1/schemes/"+id+"/versions", strings.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Origin", f.ts.URL)
			res, err := office.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			b, _ := io.ReadAll(res.Body)
			return res, string(b)
		}
		doc := `{"indicators":[{"code":"D1","weight":100},{"code":"SAT","parent":"D1","weight":70},{"code":"TEAM","parent":"D1","weight":30}]}`
		if res, body := post(`{"reason":"接口导入","scheme":` + doc + `}`); res.StatusCode != 201 || !strings.Contains(body, `"number":4`) {
			t.Errorf("API import: %d %s", res.StatusCode, body)
		}
		if res, body := post(`{"reason":"","scheme":` + doc + `}`); res.StatusCode != 422 || !strings.Contains(body, `"field":"reason"`) {
			t.Errorf("API import without reason: %d %s", res.StatusCode, body)
		}
		// The live consistency ratio of the AHP panel.
		req, _ := http.NewRequest("POST", f.ts.URL+"/schemes/"+id+"/versions/3/ahp",
			strings.NewReader("node=D1&m%3A0%3A1=3"))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("HX-Request", "true")
		req.Header.Set("Origin", f.ts.URL)
		res2, err := office.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res2.Body)
		res2.Body.Close()
		if res2.StatusCode != 200 || !strings.Contains(string(b), "CR = 0.000") || !strings.Contains(string(b), "75%") {
			t.Errorf("ahp partial: %d %s\n%s", res2.StatusCode, b, f.logs.String())
		}
		// Saving the matrix switches D1 of the draft to AHP weights: 3:1 gives 75 % and 25 %.
		req, _ = http.NewRequest("POST", f.ts.URL+"/schemes/"+id+"/versions/3/ahp",
			strings.NewReader("node=D1&m%3A0%3A1=3&save=1"))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Origin", f.ts.URL)
		res3, err := office.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res3.Body.Close()
		if res3.StatusCode != http.StatusSeeOther {
			t.Fatalf("ahp save: %d", res3.StatusCode)
		}
		if _, page := f.get(t, office, "/schemes/"+id+"/versions/3"); !strings.Contains(page, "(层次分析法)") || !strings.Contains(page, "75%") {
			t.Errorf("version page after the AHP save lacks the AHP weights")
		}
	})
}
