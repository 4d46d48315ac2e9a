package server

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"kaohe/internal/auth"
	"kaohe/internal/collect"
	"kaohe/internal/db"
	"kaohe/internal/db/dbtest"
)

// postForm posts a form and returns the response with its body.
func (f *fixture) postForm(t *testing.T, c *http.Client, path string, form url.Values) (*http.Response, string) {
	t.Helper()
	return f.send(t, c, path, "application/x-www-form-urlencoded", []byte(form.Encode()))
}

// itemForm is a valid item form for 甲市统计局, changed by set.
func (f *fixture) itemForm(set map[string]string) url.Values {
	v := url.Values{"code": {"TAX"}, "name": {"税收收入"}, "measure": {"亿元"}, "owner_id": {fmt.Sprint(f.units["330100-TJJ"].ID)},
		"frequency": {"annual"}, "type": {"number"}, "entity_kind": {"unit"}, "unit_kind": {"region"}, "unit_level": {"county"},
		"min": {"0"}, "max": {""}, "required": {"1"}, "description": {"一般公共预算中的税收收入"}}
	for k, s := range set {
		v.Set(k, s)
	}
	return v
}

func auditRows(t *testing.T, d *db.DB, action string) int {
	t.Helper()
	var n int
	if err := d.SQL.QueryRow(`SELECT count(*) FROM audit_log WHERE action = $1`, action).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestItemForm creates and edits data items through the pages: each bad
// field shows its own Chinese message and nothing is written; a good form
// is saved and audited; only the office may post.
func TestItemForm(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		collectFixture(t, f)
		outItemFixture(t, f)
		office := f.signIn(t, "office")

		for _, tt := range []struct {
			name string
			set  map[string]string
			want []string // field messages shown
		}{
			{"bad code and empty name", map[string]string{"code": "9税", "name": ""},
				[]string{"数据项代码须为 1 至 40 个字母", "请填写数据项名称。"}},
			{"bounds", map[string]string{"min": "abc", "max": "-1"},
				[]string{"请填写数值，如 0、100 或 3.5。"}},
			{"bounds reversed", map[string]string{"min": "10", "max": "1"}, []string{"最大值小于最小值。"}},
			{"no owner, bad frequency", map[string]string{"owner_id": "", "frequency": "daily"},
				[]string{"请指定报送部门。", "报送频度须为年度、季度或月度。"}},
			{"person with level", map[string]string{"entity_kind": "person", "unit_kind": ""},
				[]string{"以个人为对象的数据项不设单位类型和层级。"}},
			{"code taken", map[string]string{"code": "GDP"}, []string{"数据项代码 GDP 已被使用。"}},
		} {
			t.Run(tt.name, func(t *testing.T) {
				res, body := f.postForm(t, office, "/items", f.itemForm(tt.set))
				if res.StatusCode != 422 && res.StatusCode != 409 {
					t.Fatalf("got %d, want 422 or 409\n%.500s", res.StatusCode, body)
				}
				if n := strings.Count(body, `class="field-error"`); n != len(tt.want) {
					t.Errorf("got %d field errors, want %d\n%s", n, len(tt.want), body)
				}
				for _, w := range tt.want {
					if !strings.Contains(body, w) {
						t.Errorf("the form lacks %q", w)
					}
				}
				if !strings.Contains(body, `value="税收收入"`) && tt.set["name"] == "" && !strings.Contains(body, `name="name" value=""`) {
					t.Errorf("the form does not keep what was typed")
				}
			})
		}
		if n := auditRows(t, d, "item.create"); n != 3 { // the fixtures' GDP, FOREST, FAR_GDP
			t.Fatalf("after bad forms: %d item.create events, want 3", n)
		}

		// A good form is saved and listed; the list filters.
		res, _ := f.postForm(t, office, "/items", f.itemForm(nil))
		if res.StatusCode != 303 || !strings.HasPrefix(res.Header.Get("Location"), "/items?flash=item_saved") {
			t.Fatalf("good form: %d to %q, want 303 to the list", res.StatusCode, res.Header.Get("Location"))
		}
		for _, tt := range []struct {
			path      string
			want, not []string
		}{
			{"/items?flash=item_saved", []string{"TAX", "税收收入", "GDP", "FOREST", "数据项已保存"}, []string{"FAR_GDP"}},
			{"/items?frequency=monthly", []string{"没有符合条件的数据项"}, []string{"TAX"}},
			{fmt.Sprintf("/items?owner=%d", f.units["330100-STHJ"].ID), []string{"FOREST"}, []string{"TAX", "GDP"}},
		} {
			res, body := f.get(t, office, tt.path)
			if res.StatusCode != 200 {
				t.Fatalf("GET %s: %d", tt.path, res.StatusCode)
			}
			for _, w := range tt.want {
				if !strings.Contains(body, w) {
					t.Errorf("GET %s lacks %q", tt.path, w)
				}
			}
			for _, w := range tt.not {
				if strings.Contains(body, `>`+w+`<`) {
					t.Errorf("GET %s shows %q", tt.path, w)
				}
			}
		}

		// Edit: the code stays, other fields change; a bad edit shows its field.
		res, body := f.postForm(t, office, "/items/TAX", f.itemForm(map[string]string{"code": "IGNORED", "name": "税收收入（修订）", "max": "x"}))
		if res.StatusCode != 422 || !strings.Contains(body, "请填写数值") {
			t.Fatalf("bad edit: %d\n%.500s", res.StatusCode, body)
		}
		res, _ = f.postForm(t, office, "/items/TAX", f.itemForm(map[string]string{"code": "IGNORED", "name": "税收收入（修订）", "frequency": "quarterly"}))
		if res.StatusCode != 303 {
			t.Fatalf("edit: %d, want 303", res.StatusCode)
		}
		it, err := collect.NewService(d, auth.Policy{}).Item(t.Context(), f.users[auth.RoleOffice].Actor(), "TAX")
		if err != nil || it.Name != "税收收入（修订）" || it.Frequency != collect.Quarterly {
			t.Fatalf("after edit: %+v %v", it, err)
		}
		if n := auditRows(t, d, "item.update"); n != 1 {
			t.Fatalf("item.update events: %d, want 1", n)
		}

		// Deadlines: a bad period and a bad date show at their fields; a
		// good one is listed.
		for _, tt := range []struct {
			period, due string
			status      int
			want        string
		}{
			{"2025", "2026-03-31", 303, ""},
			{"2025-13", "2026-03-31", 422, "期间"},
			{"2025Q1", "2026-02-30", 422, "截止日期须为 YYYY-MM-DD 格式的日期。"},
		} {
			res, body := f.postForm(t, office, "/items/GDP/deadlines", url.Values{"period": {tt.period}, "due": {tt.due}})
			if res.StatusCode != tt.status || !strings.Contains(body, tt.want) {
				t.Errorf("deadline %s %s: %d, want %d with %q\n%.300s", tt.period, tt.due, res.StatusCode, tt.status, tt.want, body)
			}
		}
		if _, body := f.get(t, office, "/items/GDP"); !strings.Contains(body, "2026-03-31") {
			t.Errorf("the item page does not list the deadline")
		}

		// Only the office may write: others are refused and nothing changes;
		// the department's provider, who submits GDP, hears 403, who may
		// do nothing with items 404 (decision 0161).
		for _, tt := range []struct {
			login, path string
			want        int
		}{
			{"tongji", "/items", 403},
			{"tongji", "/items/GDP", 403},
			{"tongji", "/items/GDP/deadlines", 403},
			{"viewer", "/items/GDP", 404},
			{"provider", "/items/GDP", 404},
			{"office", "/items/FAR_GDP", 404},
			{"office", "/items/FAR_GDP/deadlines", 404},
		} {
			c := f.signIn(t, tt.login)
			form := f.itemForm(map[string]string{"code": "NEW1", "name": "改名"})
			form.Set("period", "2025")
			form.Set("due", "2026-01-01")
			if res, _ := f.postForm(t, c, tt.path, form); res.StatusCode != tt.want {
				t.Errorf("POST %s as %s: got %d, want %d", tt.path, tt.login, res.StatusCode, tt.want)
			}
		}
		if n := auditRows(t, d, "item.create") + auditRows(t, d, "item.update") + auditRows(t, d, "deadline.set"); n != 4+1+1 {
			t.Errorf("after refused posts: %d item and deadline events, want 6", n)
		}

		// The nav entry shows for the office only.
		for login, want := range map[string]bool{"office": true, "viewer": false, "tongji": false} {
			_, body := f.get(t, f.signIn(t, login), "/")
			if got := strings.Contains(body, `href="/items"`); got != want {
				t.Errorf("nav for %s: 数据项 shown %v, want %v", login, got, want)
			}
		}
	})
}

// TestValueHistoryPage submits and corrects values, then reads the history
// from the review page's and the grid's links.
func TestValueHistoryPage(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		collectFixture(t, f)
		tongji, office := f.signIn(t, "tongji"), f.signIn(t, "office")
		county := f.units["330102"].ID
		for _, js := range []string{
			`{"values": [{"entity": "330102", "item": "GDP", "period": "2024", "value": "1000"}, {"entity": "330102", "item": "GDP", "period": "2025", "value": "1100"}]}`,
			`{"values": [{"entity": "330102", "item": "GDP", "period": "2025", "value": "5000", "reason": "按经济普查修订"}]}`,
		} {
			if res, body := f.send(t, tongji, "/api/v1/values", "application/json", []byte(js)); res.StatusCode != 200 {
				t.Fatalf("submit: %d %s", res.StatusCode, body)
			}
		}
		link := fmt.Sprintf("/collect/history?entity=%d&amp;item=GDP", county)
		if _, body := f.get(t, office, fmt.Sprintf("/collect/values?unit=%d&item=GDP&period=2025", f.units["330100"].ID)); !strings.Contains(body, link) {
			t.Fatalf("the review page lacks the history link %s", link)
		}
		if _, body := f.get(t, tongji, fmt.Sprintf("/collect?owner=%d&period=2025", f.units["330100-TJJ"].ID)); !strings.Contains(body, `action="/collect/history"`) {
			t.Fatalf("the collection grid lacks the history form")
		}
		for _, c := range []*http.Client{office, tongji} {
			res, body := f.get(t, c, fmt.Sprintf("/collect/history?entity=%d&item=GDP", county))
			if res.StatusCode != 200 {
				t.Fatalf("history: %d", res.StatusCode)
			}
			rows := strings.Split(body, "<tr")[2:] // after the header
			if len(rows) != 3 {
				t.Fatalf("history has %d rows, want 3\n%s", len(rows), body)
			}
			for i, want := range [][]string{
				{"2025", "v2", "5000", "接口", "tongji", "按经济普查修订", "待核"},
				{"2025", "v1", "1100", "接口", "tongji"},
				{"2024", "v1", "1000"},
			} {
				for _, w := range want {
					if !strings.Contains(rows[i], w) {
						t.Errorf("history row %d lacks %q\n%s", i, w, rows[i])
					}
				}
			}
		}
	})
}
