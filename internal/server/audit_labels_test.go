package server

import (
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"kaohe/internal/db"
	"kaohe/internal/db/dbtest"
)

// tags and scripts find what pageText removes.
var (
	scripts = regexp.MustCompile(`(?s)<script.*?</script>`)
	tags    = regexp.MustCompile(`(?s)<[^>]*>`)
	// rawID finds an id as the database keeps it (db.NewID), or an
	// audit-style "#123".
	rawID = regexp.MustCompile(`#\d+|\d{12,}`)
)

// pageText is what a page shows: its text without tags or scripts.
func pageText(body string) string {
	return html.UnescapeString(tags.ReplaceAllString(scripts.ReplaceAllString(body, " "), " "))
}

// TestAuditLogNames reads the audit log as the office: actions, actors and
// object types by their labels, objects by their names linked to their
// pages, no code or raw id in sight, and filters that offer labelled
// choices.
func TestAuditLogNames(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		co := addCycles(t, f)
		c := f.signIn(t, "office")
		if res := f.post(t, c, fmt.Sprintf("/cycles/%d/results/%s/calibrate", co.in, co.me),
			url.Values{"grade": {"基本称职"}, "reason": {"经复核"}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("calibrate: got %d", res.StatusCode)
		}
		var scheme int64
		if err := d.SQL.QueryRow(`SELECT id FROM schemes WHERE code = 'jia-cadre'`).Scan(&scheme); err != nil {
			t.Fatal(err)
		}
		office := f.users[office].ID
		tests := []struct {
			query string
			want  []string
		}{
			{"", []string{"登录", "用户office", "调整考核等次",
				fmt.Sprintf(`<a href="/cycles/%d/results/%s">jia-cadre2025年度干部考核 · 张三</a>`, co.in, co.me)}},
			{"object_type=unit", []string{"新建单位", "系统", fmt.Sprintf(`单位 <a href="/units/%d">甲县</a>`, f.units["330102"].ID)}},
			{"object_type=person", []string{"新建干部", fmt.Sprintf(`<a href="/people/%d">张三</a>`, f.inPerson.ID)}},
			{"object_type=post", []string{"任职", fmt.Sprintf(`<a href="/people/%d">张三 · 甲县县委书记</a>`, f.inPerson.ID)}},
			{"object_type=cycle", []string{"考核周期阶段变更", "审定计分结果",
				fmt.Sprintf(`考核周期 <a href="/cycles/%d">jia-cadre2025年度干部考核</a>`, co.in)}},
			{"object_type=scheme", []string{"新建考核方案", fmt.Sprintf(`<a href="/schemes/%d">jia-cadre</a>`, scheme)}},
			{"object_type=scheme_version", []string{"新建方案版本", fmt.Sprintf(`<a href="/schemes/%d/versions/1">jia-cadre v1</a>`, scheme)}},
			{"object_type=user", []string{"添加用户", "用户 用户team"}},
			{fmt.Sprintf("actor=%d", office), []string{"登录", "调整考核等次"}},
		}
		for _, tt := range tests {
			res, body := f.get(t, c, "/audit?"+tt.query)
			if res.StatusCode != http.StatusOK {
				t.Fatalf("/audit?%s: got %d", tt.query, res.StatusCode)
			}
			table := afterFilters(body)
			for _, want := range tt.want {
				if !strings.Contains(table, want) && !strings.Contains(pageText(table), want) {
					t.Errorf("/audit?%s lacks %q", tt.query, want)
				}
			}
			text := pageText(table)
			for _, code := range []string{"session.signin", "cycle.move", "cycle_result", "scheme_version", "system:test"} {
				if strings.Contains(text, code) {
					t.Errorf("/audit?%s shows the code %q", tt.query, code)
				}
			}
			if id := rawID.FindString(text); id != "" {
				t.Errorf("/audit?%s shows the raw id %q", tt.query, id)
			}
		}
		_, body := f.get(t, c, fmt.Sprintf("/audit?actor=%d", office))
		if strings.Contains(pageText(afterFilters(body)), "新建单位") {
			t.Error("filtered by the office's user, the log shows what the system did")
		}
		for _, want := range []string{
			`<select name="action">`, `<option value="session.signin">登录</option>`,
			`<select name="object_type">`, `<option value="cycle" selected>考核周期</option>`,
			fmt.Sprintf(`<option value="%d" selected>用户office</option>`, office),
		} {
			if _, body := f.get(t, c, fmt.Sprintf("/audit?object_type=cycle&actor=%d", office)); !strings.Contains(body, want) {
				t.Errorf("the filters lack %q", want)
			}
		}
		if strings.Contains(body, `type="text" name="action"`) || strings.Contains(body, `type="text" name="object_type"`) {
			t.Error("the filters ask for codes in text boxes")
		}
		// The home page's recent events read the same.
		_, body = f.get(t, c, "/")
		if text := pageText(body); !strings.Contains(text, "调整考核等次") || strings.Contains(text, "result.calibrate") {
			t.Errorf("the home page's recent events lack the action's label or show its code:\n%s", text)
		}
	})
}

// afterFilters is the audit page after its filter form: the events.
func afterFilters(body string) string {
	form := strings.Index(body, `action="/audit"`)
	return body[form+strings.Index(body[form:], "</form>"):]
}
