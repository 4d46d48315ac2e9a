package server

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"kaohe/internal/auth"
	"kaohe/internal/db"
	"kaohe/internal/db/dbtest"
)

// TestSanctionPages records a 警告 of 张三 through the office's form,
// refuses a bad one with its problems, and shows the sanction, its
// follow-ups and the overdue reminder to who may see them: the office on
// the sanctions page, her page and its home page, the cadre on her own
// page; nobody else. Today (the service's clock) is 2026-03-02, so the
// talk due 2026-01-01 is overdue.
func TestSanctionPages(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		office := f.signIn(t, "office")
		zhang := db.FormatID(f.inPerson.ID)
		form := url.Values{"person": {zhang}, "kind": {"warning"}, "decided_on": {"2025-12-01"},
			"reference": {"甲纪发〔2025〕12号"}, "body": {"甲市纪委监委"}}

		// The form offers the cadre by name and each kind's period.
		res, body := f.get(t, office, "/sanctions")
		if res.StatusCode != 200 || !strings.Contains(body, "张三 · 甲县") || !strings.Contains(body, "警告（影响期 6 个月）") ||
			!strings.Contains(body, "记大过（影响期 18 个月）") {
			t.Fatalf("sanctions page: %d\n%.600s", res.StatusCode, body)
		}
		// A bad form: its problems, nothing written.
		bad := url.Values{"person": {zhang}, "kind": {"warning"}, "decided_on": {"2026-03-09"}, "reference": {""}, "body": {"甲市纪委监委"}}
		res, body = f.postForm(t, office, "/sanctions", bad)
		if res.StatusCode != http.StatusUnprocessableEntity && res.StatusCode != http.StatusBadRequest {
			t.Errorf("bad form: %d", res.StatusCode)
		}
		if !strings.Contains(body, "决定日期不能晚于今天") || !strings.Contains(body, "请填写决定文号") {
			t.Errorf("bad form's problems missing:\n%.800s", body)
		}
		// Someone outside the office may not record, and is not told
		// that the cadre exists (decision 0161).
		if res := f.post(t, f.signIn(t, "team"), "/sanctions", form); res.StatusCode != http.StatusNotFound {
			t.Errorf("team records: %d, want 404", res.StatusCode)
		}
		var n int
		if err := d.SQL.QueryRow(`SELECT count(*) FROM sanctions`).Scan(&n); err != nil || n != 0 {
			t.Fatalf("%d sanctions after refusals (%v)", n, err)
		}
		if res := f.post(t, office, "/sanctions", form); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("record: %d", res.StatusCode)
		}
		_, body = f.get(t, office, "/sanctions")
		for _, want := range []string{"甲纪发〔2025〕12号", "2025年12月1日", "2026年5月31日", "谈心谈话", "已逾期"} {
			if !strings.Contains(body, want) {
				t.Errorf("sanctions page lacks %q", want)
			}
		}
		// The office's home: the reminder, each count a link.
		_, body = f.get(t, office, "/")
		if !strings.Contains(body, `id="home-follow-ups"`) || !strings.Contains(body, `href="/sanctions#overdue"`) ||
			!strings.Contains(body, `href="/people/`+zhang+`#sanctions"`) {
			t.Errorf("home lacks the overdue follow-ups:\n%.2000s", body)
		}
		// Her page: the section for the office and for her; not for others.
		for _, role := range auth.Roles {
			c := f.signIn(t, string(role))
			res, body := f.get(t, c, "/people/"+zhang)
			shown := strings.Contains(body, `id="sanctions"`) && strings.Contains(body, "甲纪发〔2025〕12号")
			if want := role == auth.RoleOffice || role == auth.RoleCadre; shown != want {
				t.Errorf("%s: her page shows the sanction: %t, want %t (%d)", role, shown, want, res.StatusCode)
			}
			_, home := f.get(t, c, "/")
			if strings.Contains(home, `id="home-follow-ups"`) != (role == auth.RoleOffice) {
				t.Errorf("%s: home shows follow-ups: %t", role, !(role == auth.RoleOffice))
			}
		}
		// The talk done: no longer overdue.
		var fu string
		if err := d.SQL.QueryRow(`SELECT id FROM follow_ups WHERE kind = 'talk'`).Scan(&fu); err != nil {
			t.Fatal(err)
		}
		if res := f.post(t, office, "/follow-ups/"+fu, url.Values{"done_on": {"2026-01-05"}, "notes": {"本人认识深刻，已整改。"}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("follow-up: %d", res.StatusCode)
		}
		_, body = f.get(t, office, "/")
		if !strings.Contains(body, "没有逾期的回访") {
			t.Errorf("home after the talk still reminds:\n%.2000s", body)
		}
	})
}
