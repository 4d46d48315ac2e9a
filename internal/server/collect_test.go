package server

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/xuri/excelize/v2"

	"kaohe/internal/auth"
	"kaohe/internal/collect"
	"kaohe/internal/db"
	"kaohe/internal/db/dbtest"
	"kaohe/internal/demo"
	"kaohe/internal/org"
)

// collectFixture adds to f 甲市生态环境局, an item of 甲市统计局 (GDP) and
// one of 生态环境局 (FOREST) about county-level regions, and a provider
// sign-in for each department: "tongji" and "huanjing".
func collectFixture(t *testing.T, f *fixture) {
	t.Helper()
	ctx := context.Background()
	sys := auth.SystemActor("test")
	eco, err := org.NewService(f.db, auth.Policy{}).CreateUnit(ctx, sys, org.Unit{ParentID: f.units["330100"].ID,
		Code: "330100-STHJ", Name: "甲市生态环境局", Kind: org.KindDepartment, Level: org.LevelCity})
	if err != nil {
		t.Fatal(err)
	}
	f.units[eco.Code] = eco
	cs := collect.NewService(f.db, auth.Policy{})
	zero, hundred := 0.0, 100.0
	for _, it := range []collect.Item{
		{Code: "GDP", Name: "地区生产总值", Measure: "亿元", OwnerID: f.units["330100-TJJ"].ID, Min: &zero},
		{Code: "FOREST", Name: "森林覆盖率", Measure: "%", OwnerID: eco.ID, Min: &zero, Max: &hundred, Type: collect.TypePercent},
	} {
		it.Frequency, it.EntityKind, it.UnitKind, it.UnitLevel, it.Required = collect.Annual, collect.EntityUnit, org.KindRegion, org.LevelCounty, true
		if it.Type == "" {
			it.Type = collect.TypeNumber
		}
		if _, err := cs.CreateItem(ctx, sys, it); err != nil {
			t.Fatal(err)
		}
	}
	as := auth.NewService(f.db, auth.Policy{}, org.GrantUnits{})
	for login, unit := range map[string]string{"tongji": "330100-TJJ", "huanjing": "330100-STHJ"} {
		if _, err := as.AddUser(ctx, sys, auth.NewUser{Login: login, Name: login, Password: password,
			Grants: []auth.Grant{{Role: auth.RoleProvider, UnitID: f.units[unit].ID}}}); err != nil {
			t.Fatal(err)
		}
	}
}

func countValues(t *testing.T, d *db.DB) int {
	t.Helper()
	var n int
	if err := d.SQL.QueryRow(`SELECT count(*) FROM data_values`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// upload posts a file to /collect/upload as the page's form does.
func (f *fixture) upload(t *testing.T, c *http.Client, owner int64, name string, data []byte) (*http.Response, string) {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mw.WriteField("owner", fmt.Sprint(owner))
	mw.WriteField("period", "2025")
	fw, _ := mw.CreateFormFile("file", name)
	fw.Write(data)
	mw.Close()
	return f.send(t, c, "/collect/upload", mw.FormDataContentType(), body.Bytes())
}

// send posts a body as a same-origin browser or client would.
func (f *fixture) send(t *testing.T, c *http.Client, path, ctype string, body []byte) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, f.ts.URL+path, bytes.NewReader(body))
	req.Header.Set("Content-Type", ctype)
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

// workbook returns 甲市统计局's template for 2025 with cells set.
func (f *fixture) workbook(t *testing.T, c *http.Client, cells map[string]any) []byte {
	t.Helper()
	res, body := f.get(t, c, fmt.Sprintf("/collect/template.xlsx?owner=%d&period=2025", f.units["330100-TJJ"].ID))
	if res.StatusCode != 200 {
		t.Fatalf("template: %d %.300s", res.StatusCode, body)
	}
	wb, err := excelize.OpenReader(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for cell, v := range cells {
		if err := wb.SetCellValue(collect.SheetValues, cell, v); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	wb.Write(&buf)
	return buf.Bytes()
}

// TestCollectPages submits values through the page, the upload and the
// API, and checks that a provider can write only its own department's
// items on each path, and that a bad file writes nothing.
func TestCollectPages(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		collectFixture(t, f)
		tongji, huanjing := f.signIn(t, "tongji"), f.signIn(t, "huanjing")
		tjj, eco := f.units["330100-TJJ"].ID, f.units["330100-STHJ"].ID
		county := f.units["330102"]

		res, body := f.get(t, tongji, "/collect")
		if res.StatusCode != 200 || !strings.Contains(body, "甲市统计局") || !strings.Contains(body, `name="v.`+fmt.Sprint(county.ID)+`.GDP"`) {
			t.Fatalf("collection page: %d %.500s", res.StatusCode, body)
		}
		// Another department's grid: 404, it is outside the provider's sight.
		if res, _ := f.get(t, tongji, fmt.Sprintf("/collect?owner=%d&period=2025", eco)); res.StatusCode != 404 {
			t.Fatalf("统计局 opening 生态环境局's grid: %d, want 404", res.StatusCode)
		}

		// A bad workbook: text in a number cell. Nothing is written.
		res, body = f.upload(t, tongji, tjj, "bad.xlsx", f.workbook(t, tongji, map[string]any{"C4": "约一千亿"}))
		if res.StatusCode != 422 || !strings.Contains(body, "第 4 行") || !strings.Contains(body, "不是数值") || countValues(t, d) != 0 {
			t.Fatalf("bad workbook: %d, %d values\n%.2000s", res.StatusCode, countValues(t, d), body)
		}
		// A good one.
		res, body = f.upload(t, tongji, tjj, "good.xlsx", f.workbook(t, tongji, map[string]any{"C4": 1234.5}))
		if res.StatusCode != 200 || !strings.Contains(body, `value="1234.5"`) || countValues(t, d) != 1 {
			t.Fatalf("good workbook: %d, %d values\n%.2000s", res.StatusCode, countValues(t, d), body)
		}
		// The template with another department's item code swapped in.
		res, body = f.upload(t, tongji, tjj, "foreign.xlsx", f.workbook(t, tongji, map[string]any{"C3": "FOREST", "C4": 60}))
		if res.StatusCode != 403 || !strings.Contains(body, "甲市生态环境局") || countValues(t, d) != 1 {
			t.Fatalf("foreign item upload: %d\n%.2000s", res.StatusCode, body)
		}
		// The grid form with a cell of another department's item.
		form := url.Values{"owner": {fmt.Sprint(tjj)}, "period": {"2025"}, "v." + fmt.Sprint(county.ID) + ".FOREST": {"60"}}
		if res := f.post(t, tongji, "/collect", form); res.StatusCode != 303 || countValues(t, d) != 1 {
			t.Fatalf("grid with a foreign cell: %d (want the unchanged redirect), %d values", res.StatusCode, countValues(t, d))
		}
		form = url.Values{"owner": {fmt.Sprint(eco)}, "period": {"2025"}, "v." + fmt.Sprint(county.ID) + ".FOREST": {"60"}}
		if res := f.post(t, tongji, "/collect", form); res.StatusCode != 404 || countValues(t, d) != 1 {
			t.Fatalf("grid of another department: %d, want 404", res.StatusCode)
		}
		// The grid of its own: a correction without a reason is refused.
		form = url.Values{"owner": {fmt.Sprint(tjj)}, "period": {"2025"}, "v." + fmt.Sprint(county.ID) + ".GDP": {"1300"}}
		if res := f.post(t, tongji, "/collect", form); res.StatusCode != 422 {
			t.Fatalf("correction without reason: %d, want 422", res.StatusCode)
		}
		form.Set("r."+fmt.Sprint(county.ID), "年报修订")
		if res := f.post(t, tongji, "/collect", form); res.StatusCode != 200 || countValues(t, d) != 2 {
			t.Fatalf("correction: %d, %d values", res.StatusCode, countValues(t, d))
		}

		// The API: JSON with another department's item is refused whole.
		js := `{"values": [{"entity": "330102", "item": "FOREST", "period": "2025", "value": "65.5%"}, {"entity": "330102", "item": "GDP", "period": "2024", "value": 1100}]}`
		res, body = f.send(t, tongji, "/api/v1/values", "application/json", []byte(js))
		if res.StatusCode != 403 || !strings.Contains(body, `"errors":[{"row":1,"field":"item","code":"forbidden"`) || countValues(t, d) != 2 {
			t.Fatalf("API foreign item: %d %s", res.StatusCode, body)
		}
		res, body = f.send(t, huanjing, "/api/v1/values", "application/json", []byte(`{"values": [{"entity": "330102", "item": "FOREST", "period": "2025", "value": "65.5%"}]}`))
		if res.StatusCode != 200 || !strings.Contains(body, `"inserted":1`) {
			t.Fatalf("API JSON: %d %s", res.StatusCode, body)
		}
		// CSV: a bad row is reported with its line; then a good file.
		res, body = f.send(t, tongji, "/api/v1/values", "text/csv", []byte("entity_code,item_code,period,value\n330102,GDP,2024,abc\n"))
		if res.StatusCode != 422 || !strings.Contains(body, `"row":2`) || countValues(t, d) != 3 {
			t.Fatalf("API bad CSV: %d %s", res.StatusCode, body)
		}
		res, body = f.send(t, tongji, "/api/v1/values", "text/csv", []byte("entity_code,item_code,period,value\n330102,GDP,2024,1100\n"))
		if res.StatusCode != 200 || countValues(t, d) != 4 {
			t.Fatalf("API CSV: %d %s", res.StatusCode, body)
		}
		// A CSV body over its limit is refused naming the limit (a JSON one
		// is decoded value by value: TestDecodeValuesJSONLimits).
		huge := append([]byte("entity_code,item_code,period,value\n"), make([]byte, 64<<20)...)
		res, body = f.send(t, tongji, "/api/v1/values", "text/csv", huge)
		if res.StatusCode != 422 || !strings.Contains(body, "请求体超过 64 MiB 的上限") || countValues(t, d) != 4 {
			t.Fatalf("API CSV over the limit: %d %s", res.StatusCode, body)
		}

		// The office sees the progress: 甲县 reported, 乙县 is another city's.
		office := f.signIn(t, "office")
		res, body = f.get(t, office, fmt.Sprintf("/collect/status?unit=%d&period=2025", f.units["330100"].ID))
		if res.StatusCode != 200 || !strings.Contains(body, "甲市统计局") || !strings.Contains(body, "1 / 1") {
			t.Fatalf("status: %d %.3000s", res.StatusCode, body)
		}
		// The office returns 甲县's GDP with a reason; the provider's grid shows it returned.
		city := fmt.Sprint(f.units["330100"].ID)
		res, body = f.get(t, office, "/collect/values?unit="+city+"&item=GDP&period=2025")
		if res.StatusCode != 200 || !strings.Contains(body, "1300") || !strings.Contains(body, "v2") {
			t.Fatalf("item values: %d %.3000s", res.StatusCode, body)
		}
		review := url.Values{"unit": {city}, "entity": {fmt.Sprint(county.ID)}, "item": {"GDP"}, "period": {"2025"}, "status": {"returned"}, "reason": {"与年鉴不符"}}
		if res := f.post(t, office, "/collect/values/review", review); res.StatusCode != 303 {
			t.Fatalf("return a value: %d", res.StatusCode)
		}
		if res := f.post(t, tongji, "/collect/values/review", review); res.StatusCode != 404 {
			t.Fatalf("a provider reviewing: %d, want 404", res.StatusCode)
		}
		if _, body = f.get(t, tongji, "/collect"); !strings.Contains(body, "已退回") {
			t.Fatalf("the provider's grid does not show the returned value")
		}

		// Evidence: a PDF for 甲县's GDP; a program disguised as a PDF is refused.
		evidence := func(c *http.Client, name string, data []byte) *http.Response {
			var body bytes.Buffer
			mw := multipart.NewWriter(&body)
			mw.WriteField("owner", fmt.Sprint(tjj))
			mw.WriteField("period", "2025")
			mw.WriteField("entity", fmt.Sprint(county.ID))
			mw.WriteField("item", "GDP")
			fw, _ := mw.CreateFormFile("file", name)
			fw.Write(data)
			mw.Close()
			res, _ := f.send(t, c, "/collect/evidence", mw.FormDataContentType(), body.Bytes())
			return res
		}
		if res := evidence(tongji, "report.pdf", []byte("MZ\x90\x00not a pdf")); res.StatusCode != 422 {
			t.Fatalf("a disguised program: %d, want 422", res.StatusCode)
		}
		if res := evidence(huanjing, "report.pdf", []byte("%PDF-1.4 x")); res.StatusCode != 403 {
			t.Fatalf("another department's evidence: %d, want 403", res.StatusCode)
		}
		if res := evidence(tongji, "统计公报.pdf", []byte("%PDF-1.4 x")); res.StatusCode != 303 {
			t.Fatalf("evidence: %d, want 303", res.StatusCode)
		}
		_, body = f.get(t, tongji, "/collect")
		i := strings.Index(body, `href="/collect/evidence/`)
		if i < 0 || !strings.Contains(body, "统计公报.pdf") {
			t.Fatalf("the grid lists no evidence")
		}
		link := body[i+6 : i+6+strings.IndexByte(body[i+6:], '"')]
		if res, b := f.get(t, office, link); res.StatusCode != 200 || res.Header.Get("Content-Type") != "application/pdf" || b != "%PDF-1.4 x" {
			t.Fatalf("office downloading evidence: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
		}
		if res, _ := f.get(t, huanjing, link); res.StatusCode != 404 {
			t.Fatalf("another department downloading evidence: %d, want 404", res.StatusCode)
		}
	})
}

// TestCollectBrowser uploads a bad workbook in the browser and sees the
// row errors, then a good one and sees the values in the grid.
func TestCollectBrowser(t *testing.T) {
	f := newFixture(t, dbtest.SQLite(t))
	collectFixture(t, f)
	c := f.signIn(t, "tongji")
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.xlsx")
	good := filepath.Join(dir, "good.xlsx")
	os.WriteFile(bad, f.workbook(t, c, map[string]any{"C4": "约一千亿"}), 0o644)
	os.WriteFile(good, f.workbook(t, c, map[string]any{"C4": 987.6}), 0o644)
	shots := artifacts(t)
	ctx := browser(t)
	var ce consoleErrors
	ce.listen(ctx)
	var errText, gridValue, reportText string
	shot := func(name string) chromedp.Action[chromedp.Void] {
		return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			buf, err := chromedp.FullScreenshot(100)(ctx, tg)
			if err != nil {
				return err
			}
			return os.WriteFile(filepath.Join(shots, "collect-"+name+".png"), buf, 0o644)
		})
	}
	text := func(sel string, dst *string) chromedp.Action[chromedp.Void] {
		return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			s, err := chromedp.Text(sel)(ctx, tg)
			*dst = s
			return err
		})
	}
	county := fmt.Sprint(f.units["330102"].ID)
	err := chromedp.Do(ctx,
		chromedp.Navigate(f.ts.URL+"/signin"),
		chromedp.WaitVisible(`input[name="login"]`),
		chromedp.SendKeys(`input[name="login"]`, "tongji"),
		chromedp.SendKeys(`input[name="password"]`, password),
		chromedp.Click(`.signin-box button[type="submit"]`),
		chromedp.WaitVisible(`.sidenav`),
		chromedp.Click(`.sidenav a[href="/collect"]`),
		chromedp.WaitVisible(`#collect-upload`),
		chromedp.SetUploadFiles(`#collect-upload input[type="file"]`, []string{bad}),
		chromedp.Click(`#collect-upload button[type="submit"]`),
		chromedp.WaitVisible(`#collect-errors`),
		text("#collect-errors", &errText),
		shot("1-bad"),
		chromedp.SetUploadFiles(`#collect-upload input[type="file"]`, []string{good}),
		chromedp.Click(`#collect-upload button[type="submit"]`),
		chromedp.WaitVisible(`#collect-report`),
		text("#collect-report", &reportText),
		chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			v, err := chromedp.Value(`input[name="v.`+county+`.GDP"]`)(ctx, tg)
			gridValue = v
			return err
		}),
		shot("2-good"),
	)
	if err != nil {
		t.Fatalf("upload in the browser: %v", err)
	}
	if !strings.Contains(errText, "第 4 行") || !strings.Contains(errText, "C4") || !strings.Contains(errText, "不是数值") {
		t.Errorf("errors of the bad workbook: %q", errText)
	}
	if gridValue != "987.6" || !strings.Contains(reportText, "新增 1 项") {
		t.Errorf("after the good workbook: grid %q, report %q", gridValue, reportText)
	}
	// The rejected upload answers 422, which the console notes; nothing else may.
	for _, e := range ce.take() {
		if !strings.Contains(e, "status of 422") {
			t.Errorf("console error: %s", e)
		}
	}
	_ = time.Second
}

// TestCollectDemo opens the collection pages on the demo: the office sees
// 青州市's progress with 信访局 overdue for 2025, and the grid of 统计局
// holds the demo's values.
func TestCollectDemo(t *testing.T) {
	d := dbtest.SQLite(t)
	sum, err := demo.Build(t.Context(), d, demo.Options{Seed: 1, Scale: 1})
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{db: d}
	f.start(t)
	var office demo.Login
	for _, l := range sum.Logins {
		if l.Login == "kaoheban" {
			office = l
		}
	}
	c := f.signInWith(t, office.Login, office.Password)
	res, body := f.get(t, c, "/collect/status?period=2025")
	if res.StatusCode != 200 || !strings.Contains(body, "青州市信访局") || !strings.Contains(body, "逾期") || !strings.Contains(body, "青州市统计局") {
		t.Fatalf("status: %d %.3000s", res.StatusCode, body)
	}
	var tjj int64
	if err := d.SQL.QueryRow(`SELECT id FROM units WHERE name = '青州市统计局'`).Scan(&tjj); err != nil {
		t.Fatal(err)
	}
	res, body = f.get(t, c, fmt.Sprintf("/collect?owner=%d&period=2025", tjj))
	if res.StatusCode != 200 || !strings.Contains(body, "地区生产总值") || strings.Count(body, `name="v.`) < 50 {
		t.Fatalf("grid: %d %.3000s", res.StatusCode, body)
	}
}
