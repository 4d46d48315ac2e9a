package server

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"kaohe/internal/auth"
	"kaohe/internal/db"
	"kaohe/internal/db/dbtest"
	"kaohe/internal/finding"
	"kaohe/internal/org"
)

// findingObjects records the findings the route table asks about, as the
// system: one of 甲市 (the supervisor's body, a region) about 甲县 naming
// 张三, notified; and one of 乙市 about 乙县, which nobody of the fixture
// reads.
func findingObjects(t *testing.T, f *fixture) (in, out int64) {
	t.Helper()
	ctx := context.Background()
	svc := finding.NewService(f.db, auth.Policy{})
	sys := auth.SystemActor("test")
	rec := func(body, unit string, people ...int64) int64 {
		t.Helper()
		fd, err := svc.Create(ctx, sys, finding.Draft{BodyID: f.units[body].ID, Source: finding.SourcePatrol, Category: finding.CategoryWorkStyle,
			Severity: finding.SeverityMinor, FoundOn: "2025-07-15", Title: "会议记录不全", Description: "党组会议记录缺少议题。",
			UnitID: f.units[unit].ID, PersonIDs: people}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Notify(ctx, sys, fd.ID, "2025-08-01", ""); err != nil {
			t.Fatal(err)
		}
		return fd.ID
	}
	return rec("330100", "330102", f.inPerson.ID), rec("330200", "330202", f.outPerson.ID)
}

// multipartBody writes fields, and files under the field "files" (or
// "file" for a workbook), as a browser posts them.
func multipartBody(fields map[string][]string, fileField string, files map[string][]byte) (string, []byte) {
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, vs := range fields {
		for _, v := range vs {
			mw.WriteField(k, v)
		}
	}
	for name, data := range files {
		fw, _ := mw.CreateFormFile(fileField, name)
		fw.Write(data)
	}
	mw.Close()
	return mw.FormDataContentType(), body.Bytes()
}

// TestFindingPages is a supervisory body's work on the pages, with what
// each other role sees of it: the body records a finding (first refused
// with localized errors naming each field, writing nothing), attaches
// evidence, changes it with a reason and notifies it; the history lists
// each step; the cadre it names reads it on her page only once notified;
// an Excel upload with bad rows names each row and column and writes
// nothing, a good one records every row; the export holds what the list
// holds; the team, leaders and providers see nothing.
func TestFindingPages(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		county := f.units["330102"]
		body := f.signIn(t, "supervisor")
		cadreC := f.signIn(t, "cadre")
		officeC := f.signIn(t, "office")
		count := func() int {
			var n int
			if err := d.SQL.QueryRow(`SELECT (SELECT count(*) FROM findings) + (SELECT count(*) FROM finding_people) +
				(SELECT count(*) FROM finding_evidence)`).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		expect := func(c *http.Client, path string, status int, want ...string) string {
			t.Helper()
			res, page := f.get(t, c, path)
			if res.StatusCode != status {
				t.Fatalf("GET %s: got %d, want %d\n%.600s", path, res.StatusCode, status, page)
			}
			for _, w := range want {
				if !strings.Contains(page, w) {
					t.Errorf("GET %s: no %q in the page", path, w)
				}
			}
			return page
		}

		// The record form offers the units of the jurisdiction, then the
		// chosen unit's cadres.
		expect(body, "/findings", 200, `id="finding-unit"`, "甲县", "城关镇", "请先选择被监督单位", `href="/findings/template.xlsx"`)
		record := fmt.Sprintf("/findings?record=%d", county.ID)
		expect(body, record, 200, `id="finding-form"`, fmt.Sprintf(`name="people" value="%d"`, f.inPerson.ID), "张三", "巡视巡察", "作风建设", "一般")
		expect(body, fmt.Sprintf("/findings?record=%d", f.units["330202"].ID), 200, "请先选择被监督单位")

		before := count()
		ctype, raw := multipartBody(map[string][]string{"unit": {db.FormatID(county.ID)}, "found_on": {"2099-01-01"},
			"title": {strings.Repeat("长", 101)}}, "files", map[string][]byte{"反馈.exe": []byte("MZ")})
		res, page := f.send(t, body, "/findings", ctype, raw)
		if res.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("a bad finding: got %d\n%.600s", res.StatusCode, page)
		}
		for _, w := range []string{"未保存，请修改以下问题", "请选择问题来源。", "请选择问题类别。", "请选择严重程度。", "发现日期不能晚于今天。",
			"问题标题不能超过 100 字。", "请填写问题描述。", "佐证材料：文件“反馈.exe”不是 PDF"} {
			if !strings.Contains(page, w) {
				t.Errorf("a bad finding: no %q in the page", w)
			}
		}
		if count() != before {
			t.Fatal("a refused finding wrote rows")
		}
		// A unit outside the jurisdiction is not found, as no unit at all.
		ctype, raw = multipartBody(map[string][]string{"unit": {db.FormatID(f.units["330202"].ID)}, "source": {"audit"}, "category": {"finance"},
			"severity": {"major"}, "found_on": {"2025-08-05"}, "title": {"资金闲置"}, "description": {"专项资金闲置"}}, "files", nil)
		if res, page = f.send(t, body, "/findings", ctype, raw); res.StatusCode != 404 || !strings.Contains(page, "被监督单位不存在，或不在本机关监督范围内") {
			t.Fatalf("a unit outside: got %d\n%.400s", res.StatusCode, page)
		}

		ctype, raw = multipartBody(map[string][]string{"unit": {db.FormatID(county.ID)}, "source": {"patrol"}, "category": {"work_style"},
			"severity": {"minor"}, "found_on": {"2025-09-12"}, "reference": {"甲巡反〔2025〕7号"}, "title": {"重大事项请示报告不及时"},
			"description": {"两项重大投资事项未及时请示报告。"}, "people": {db.FormatID(f.inPerson.ID)}}, "files",
			map[string][]byte{"反馈意见.pdf": []byte("%PDF-1.4\n%%EOF\n")})
		res, _ = f.send(t, body, "/findings", ctype, raw)
		loc := regexp.MustCompile(`^/findings/(\d+)\?flash=finding_saved$`).FindStringSubmatch(res.Header.Get("Location"))
		if res.StatusCode != http.StatusSeeOther || loc == nil {
			t.Fatalf("record: got %d to %q", res.StatusCode, res.Header.Get("Location"))
		}
		page = "/findings/" + loc[1]
		shown := expect(body, page, 200, "重大事项请示报告不及时", "甲县", "巡视巡察", "作风建设", "甲巡反〔2025〕7号", "未通报",
			fmt.Sprintf(`<a href="/people/%d">张三</a>`, f.inPerson.ID), "反馈意见.pdf", "记录问题线索", `id="notify-form"`, `id="edit"`)
		file := regexp.MustCompile(`href="(/findings/\d+/evidence/\d+)"`).FindStringSubmatch(shown)
		if file == nil {
			t.Fatal("no evidence link")
		}
		if res, data := f.get(t, body, file[1]); res.StatusCode != 200 || data != "%PDF-1.4\n%%EOF\n" {
			t.Fatalf("evidence: %d %q", res.StatusCode, data)
		}

		// Not notified yet: the cadre does not see it; the office does.
		expect(cadreC, page, 404)
		expect(cadreC, file[1], 404)
		expect(officeC, page, 200, "重大事项请示报告不及时", "记录问题线索")
		for _, login := range []string{"team", "viewer", "provider"} {
			c := f.signIn(t, login)
			expect(c, page, 404)
			expect(c, file[1], 404)
			expect(c, "/findings", 403)
			person := expect(c, fmt.Sprintf("/people/%d", f.inPerson.ID), map[string]int{"team": 200, "viewer": 200, "provider": 404}[login])
			if strings.Contains(person, `id="findings"`) {
				t.Errorf("%s sees findings on the person page", login)
			}
		}

		// The change: refused without a reason, then recorded.
		edit := url.Values{"unit": {db.FormatID(county.ID)}, "source": {"patrol"}, "category": {"work_style"}, "severity": {"major"},
			"found_on": {"2025-09-12"}, "reference": {"甲巡反〔2025〕7号"}, "title": {"重大事项请示报告不及时"},
			"description": {"两项重大投资事项未及时请示报告。"}, "people": {db.FormatID(f.inPerson.ID)}}
		if res, shown = postForm(t, f, body, page, edit); res.StatusCode != 422 || !strings.Contains(shown, "更正原因：请说明修改的原因。") {
			t.Fatalf("a change without a reason: got %d\n%.400s", res.StatusCode, shown)
		}
		edit.Set("reason", "复核后认定情节较重")
		if res := f.post(t, body, page, edit); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("change: got %d", res.StatusCode)
		}
		if res, shown = postForm(t, f, officeC, page+"/notify", url.Values{"notified_on": {"2025-10-09"}}); res.StatusCode != 403 {
			t.Fatalf("the office notifies: got %d", res.StatusCode)
		}
		if res, shown = postForm(t, f, body, page+"/notify", url.Values{"notified_on": {"2025-09-01"}}); res.StatusCode != 422 ||
			!strings.Contains(shown, "通报日期不能早于发现日期") {
			t.Fatalf("notified before it was found: got %d", res.StatusCode)
		}
		if res := f.post(t, body, page+"/notify", url.Values{"notified_on": {"2025-10-09"}, "reason": {"书面反馈"}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("notify: got %d", res.StatusCode)
		}
		expect(body, page, 200, "修改问题线索", "严重程度", "复核后认定情节较重", "通报问题线索", "书面反馈", "较重")

		// Notified: the cadre reads it, on the list, the page and her own
		// person page (in her integrity archive), without its history.
		shown = expect(cadreC, page, 200, "重大事项请示报告不及时", "反馈意见.pdf")
		if strings.Contains(shown, `id="history"`) || strings.Contains(shown, `id="edit"`) {
			t.Error("the cadre sees the history or the edit form")
		}
		expect(cadreC, "/findings", 200, "重大事项请示报告不及时")
		expect(cadreC, fmt.Sprintf("/people/%d", f.inPerson.ID), 200, `id="integrity"`, "重大事项请示报告不及时")
		expect(cadreC, file[1], 200)

		// Excel: a workbook with bad rows writes nothing and names each
		// row and column; a good one records every row.
		res, tpl := f.get(t, body, "/findings/template.xlsx")
		if res.StatusCode != 200 || res.Header.Get("Content-Type") != "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" {
			t.Fatalf("template: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
		}
		fill := func(rows [][]any) []byte {
			t.Helper()
			x, err := excelize.OpenReader(strings.NewReader(tpl))
			if err != nil {
				t.Fatal(err)
			}
			defer x.Close()
			for i, r := range rows {
				x.SetSheetRow(finding.SheetFindings, fmt.Sprintf("A%d", i+2), &r)
			}
			var b bytes.Buffer
			x.WriteTo(&b)
			return b.Bytes()
		}
		good := []any{"330102", "甲县", "审计", "财经纪律", "较重", "2025-08-05", "甲审〔2025〕3号", "专项资金闲置", "乡村振兴资金闲置。", "张三"}
		before = count()
		ctype, raw = multipartBody(nil, "file", map[string][]byte{"问题.xlsx": fill([][]any{good,
			{"330202", "", "审计", "财经纪律", "较重", "2025-08-05", "", "标题", "描述", ""},
			{"330102", "", "传闻", "财经纪律", "较重", "2025-08-05", "", "", "描述", "李四"}})})
		res, shown = f.send(t, body, "/findings/upload", ctype, raw)
		if res.StatusCode != 422 {
			t.Fatalf("a bad workbook: got %d", res.StatusCode)
		}
		for _, w := range []string{"第 3 行 A3 单元格：单位代码“330202”不存在，或不在本机关监督范围内。", "第 4 行 C4 单元格：“传闻”不在可选范围内",
			"第 4 行 H4 单元格：请填写问题标题。", "第 4 行 J4 单元格：“李四”不是甲县（含下级单位）任职或曾任职的干部。"} {
			if !strings.Contains(shown, w) {
				t.Errorf("a bad workbook: no %q in the page", w)
			}
		}
		if count() != before {
			t.Fatal("a refused workbook wrote rows")
		}
		ctype, raw = multipartBody(nil, "file", map[string][]byte{"问题.xlsx": fill([][]any{good, good})})
		if res, _ = f.send(t, body, "/findings/upload", ctype, raw); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("a good workbook: got %d", res.StatusCode)
		}
		expect(body, "/findings?source=audit", 200, "专项资金闲置", "共 2 条问题线索")
		expect(officeC, "/findings", 200, "共 3 条问题线索")

		res, xlsx := f.get(t, officeC, "/findings/export.xlsx?source=patrol")
		x, err := excelize.OpenReader(strings.NewReader(xlsx))
		if res.StatusCode != 200 || err != nil {
			t.Fatalf("export: %d %v", res.StatusCode, err)
		}
		rows, _ := x.GetRows("问题线索")
		x.Close()
		if len(rows) != 2 || rows[0][1] != "问题标题" || rows[1][1] != "重大事项请示报告不及时" || rows[1][6] != "较重" {
			t.Fatalf("export rows: %v", rows)
		}
		// The audit log names each step by its label and links the finding.
		expect(officeC, "/audit?object_type=finding", 200, "记录问题线索", "修改问题线索", "通报问题线索",
			`<a href="`+page+`">重大事项请示报告不及时</a>`, "复核后认定情节较重")

		// Nobody else records.
		for _, login := range []string{"office", "team", "cadre", "viewer", "provider"} {
			ctype, raw = multipartBody(map[string][]string{"unit": {db.FormatID(county.ID)}, "source": {"audit"}, "category": {"finance"},
				"severity": {"major"}, "found_on": {"2025-08-05"}, "title": {"资金闲置"}, "description": {"专项资金闲置"}}, "files", nil)
			if res, _ = f.send(t, f.signIn(t, login), "/findings", ctype, raw); res.StatusCode != 403 {
				t.Errorf("%s records a finding: got %d, want 403", login, res.StatusCode)
			}
		}
		// The cadre named reads the finding but changes nothing of it; the
		// body of another city does not even see it.
		if _, err := auth.NewService(d, auth.Policy{}, org.GrantUnits{}).AddUser(context.Background(), auth.SystemActor("test"),
			auth.NewUser{Login: "yi.jiwei", Name: "乙市纪委监委", Password: password,
				Grants: []auth.Grant{{Role: auth.RoleSupervisor, UnitID: f.units["330200"].ID}}}); err != nil {
			t.Fatal(err)
		}
		other := f.signIn(t, "yi.jiwei")
		edit.Set("title", "另一标题")
		for who, c := range map[int]*http.Client{403: cadreC, 404: other} {
			if res := f.post(t, c, page, edit); res.StatusCode != who {
				t.Errorf("edit as %d-answerer: got %d", who, res.StatusCode)
			}
			ctype, raw = multipartBody(nil, "files", map[string][]byte{"a.pdf": []byte("%PDF-1.4\n%%EOF\n")})
			if res, _ := f.send(t, c, page+"/evidence", ctype, raw); res.StatusCode != who {
				t.Errorf("evidence as %d-answerer: got %d", who, res.StatusCode)
			}
		}
		expect(other, page, 404)
		expect(other, file[1], 404)
		expect(other, "/findings", 200, "共 0 条问题线索")
		expect(other, fmt.Sprintf("/findings?unit=%d", county.ID), 404)
		ctype, raw = multipartBody(map[string][]string{"unit": {db.FormatID(county.ID)}, "source": {"audit"}, "category": {"finance"},
			"severity": {"major"}, "found_on": {"2025-08-05"}, "title": {"资金闲置"}, "description": {"专项资金闲置"}}, "files", nil)
		if res, _ = f.send(t, other, "/findings", ctype, raw); res.StatusCode != 404 {
			t.Errorf("乙市's body records about 甲县: got %d, want 404", res.StatusCode)
		}
	})
}

// TestFindingAPI records and reads findings through the API: bad input
// answers 422 with every field, nothing written; a unit outside the body's
// jurisdiction 404; the finding recorded is read back with its file and
// history; each role lists what it reads.
func TestFindingAPI(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		body := f.signIn(t, "supervisor")
		send := func(c *http.Client, in string) (int, string) {
			t.Helper()
			res, answer := f.send(t, c, "/api/v1/findings", "application/json", []byte(in))
			return res.StatusCode, answer
		}
		status, answer := send(body, `{"source": "rumour", "found_on": "2025-7-1"}`)
		var bad struct {
			Errors []struct {
				Field string `json:"field"`
			} `json:"errors"`
		}
		json.Unmarshal([]byte(answer), &bad)
		var fields []string
		for _, e := range bad.Errors {
			fields = append(fields, e.Field)
		}
		if status != 422 || strings.Join(fields, " ") != "source category severity found_on title description unit_id" {
			t.Fatalf("bad finding: %d %s", status, answer)
		}
		if status, answer = send(body, `{"source": "audit", "category": "finance", "severity": "major", "found_on": "2025-08-05",
			"title": "资金闲置", "description": "专项资金闲置", "unit_id": "`+db.FormatID(f.units["330202"].ID)+`"}`); status != 404 ||
			!strings.Contains(answer, `"field":"unit_id"`) {
			t.Fatalf("a unit outside: %d %s", status, answer)
		}
		var n int
		if err := d.SQL.QueryRow(`SELECT count(*) FROM findings`).Scan(&n); err != nil || n != 0 {
			t.Fatalf("refused findings wrote %d rows (%v)", n, err)
		}
		pdf := base64.StdEncoding.EncodeToString([]byte("%PDF-1.4\n%%EOF\n"))
		status, answer = send(body, `{"source": "audit", "category": "finance", "severity": "major", "found_on": "2025-08-05",
			"reference": "甲审〔2025〕3号", "title": "资金闲置", "description": "专项资金闲置", "unit_id": "`+db.FormatID(f.units["330102"].ID)+`",
			"people": ["`+db.FormatID(f.inPerson.ID)+`"], "files": [{"name": "审计报告.pdf", "content": "`+pdf+`"}]}`)
		var got struct {
			ID      string                    `json:"id"`
			Body    string                    `json:"body"`
			Status  string                    `json:"status"`
			People  []struct{ Name string }   `json:"people"`
			Files   []struct{ Path string }   `json:"files"`
			History []struct{ Action string } `json:"history"`
		}
		json.Unmarshal([]byte(answer), &got)
		if status != 201 || got.Body != "甲市" || got.Status != "active" || len(got.People) != 1 || got.People[0].Name != "张三" ||
			len(got.Files) != 1 || len(got.History) != 1 || got.History[0].Action != "finding.create" {
			t.Fatalf("recorded: %d %s", status, answer)
		}
		if res, data := f.get(t, body, got.Files[0].Path); res.StatusCode != 200 || data != "%PDF-1.4\n%%EOF\n" {
			t.Fatalf("the file at its path: %d", res.StatusCode)
		}
		for role, want := range map[auth.Role][2]int{office: {200, 1}, supervisor: {200, 1}, cadre: {200, 0}, team: {403, -1},
			viewer: {403, -1}, provider: {403, -1}} {
			c := f.signIn(t, string(role))
			res, answer := f.get(t, c, "/api/v1/findings?category=finance")
			var l struct {
				Total int `json:"total"`
			}
			json.Unmarshal([]byte(answer), &l)
			if res.StatusCode != want[0] || (want[1] >= 0 && l.Total != want[1]) {
				t.Errorf("%s lists: %d %s, want %d with %d", role, res.StatusCode, answer, want[0], want[1])
			}
			res, _ = f.get(t, c, "/api/v1/findings/"+got.ID)
			if wantOne := map[bool]int{true: 200, false: 404}[want[1] == 1]; res.StatusCode != wantOne {
				t.Errorf("%s reads the finding: %d, want %d", role, res.StatusCode, wantOne)
			}
		}
		if status, _ = send(f.signIn(t, "office"), `{"source": "audit", "category": "finance", "severity": "major", "found_on": "2025-08-05",
			"title": "资金闲置", "description": "专项资金闲置", "unit_id": "`+db.FormatID(f.units["330102"].ID)+`"}`); status != 403 {
			t.Errorf("the office records: %d, want 403", status)
		}
	})
}
