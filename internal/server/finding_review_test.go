package server

import (
	"bytes"
	"context"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"kaohe/internal/auth"
	"kaohe/internal/db"
	"kaohe/internal/db/dbtest"
	"kaohe/internal/finding"
)

// TestFindingReviewPages walks a finding's exemption through the pages:
// each actor sees only the form of the step it may take (the cadre the
// application, the office the review's next step, the body the
// clarification, the others nothing or no page at all); refused forms show
// localized errors — the checklist's missing items by name — and write
// nothing; the cadre's page shows her integrity archive to her and the
// office only, with the exempted and the cleared findings.
func TestFindingReviewPages(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		sys := auth.SystemActor("test")
		f := newFixture(t, d)
		svc := finding.NewService(d, auth.Policy{})
		record := func(title string) *finding.Finding {
			t.Helper()
			fd, err := svc.Create(ctx, sys, finding.Draft{BodyID: f.units["330100"].ID, Source: finding.SourcePatrol,
				Category: finding.CategoryWorkStyle, Severity: finding.SeverityMinor, FoundOn: "2025-07-15", Title: title,
				Description: "党组会议记录缺少议题和表决情况。", UnitID: f.units["330102"].ID, PersonIDs: []int64{f.inPerson.ID}}, nil)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := svc.Notify(ctx, sys, fd.ID, "2025-08-01", "书面通报"); err != nil {
				t.Fatal(err)
			}
			return fd
		}
		fd := record("会议记录不全")
		page := fmt.Sprintf("/findings/%d/review", fd.ID)
		clients := map[auth.Role]*http.Client{}
		for _, role := range auth.Roles {
			clients[role] = f.signIn(t, string(role))
		}
		cadre, office, body := clients[auth.RoleCadre], clients[auth.RoleOffice], clients[auth.RoleSupervisor]
		rows := func() int {
			var n int
			if err := d.SQL.QueryRow(`SELECT (SELECT count(*) FROM finding_exemptions) + (SELECT count(*) FROM finding_exemption_steps) +
				(SELECT count(*) FROM finding_exemption_checks) + (SELECT count(*) FROM finding_clarifications) +
				(SELECT count(*) FROM audit_log WHERE object_type = 'finding')`).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		forms := []string{"exemption-apply-form", "exemption-verified-form", "exemption-deliberated-form", "exemption-decided-form",
			"exemption-fed_back-form", "clarification-form"}
		// expect fetches the review page as role and checks which forms it holds.
		expect := func(role auth.Role, status int, want ...string) string {
			t.Helper()
			res, b := f.get(t, clients[role], page)
			if res.StatusCode != status {
				t.Fatalf("%s GET %s: got %d, want %d\n%.600s", role, page, res.StatusCode, status, b)
			}
			for _, id := range forms {
				has, wanted := strings.Contains(b, `id="`+id+`"`), false
				for _, w := range want {
					wanted = wanted || w == id
				}
				if has != wanted {
					t.Errorf("%s: form %s shown %v, want %v", role, id, has, wanted)
				}
			}
			return b
		}
		expect(auth.RoleCadre, 200, "exemption-apply-form")
		expect(auth.RoleOffice, 200, "exemption-apply-form", "clarification-form")
		expect(auth.RoleSupervisor, 200, "clarification-form")
		for _, role := range []auth.Role{auth.RoleTeam, auth.RoleViewer, auth.RoleProvider} {
			expect(role, 404)
		}

		// The cadre applies: first refused with a localized error.
		before := rows()
		post := func(c *http.Client, path string, form url.Values) (*http.Response, string) {
			return f.send(t, c, path, "application/x-www-form-urlencoded", []byte(form.Encode()))
		}
		me := fmt.Sprint(f.inPerson.ID)
		res, b := post(cadre, fmt.Sprintf("/findings/%d/exemptions", fd.ID), url.Values{"person_id": {me}, "statement": {""}})
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(b, "请填写申请理由。") || !strings.Contains(b, `id="review-errors"`) {
			t.Fatalf("empty application: got %d\n%.600s", res.StatusCode, b)
		}
		if n := rows(); n != before {
			t.Fatalf("a refused application wrote %d rows", n-before)
		}
		res, _ = post(cadre, fmt.Sprintf("/findings/%d/exemptions", fd.ID), url.Values{"person_id": {me}, "statement": {"为推进项目先行先试，未谋私利"}})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("application: got %d", res.StatusCode)
		}
		r, err := svc.Review(ctx, sys, fd.ID)
		if err != nil || r.Open == nil {
			t.Fatalf("review: %+v %v", r, err)
		}
		step := func(name string) string { return fmt.Sprintf("/findings/%d/exemptions/%d/%s", fd.ID, r.Open.ID, name) }
		expect(auth.RoleCadre, 200)
		expect(auth.RoleOffice, 200, "exemption-verified-form", "clarification-form")
		b = expect(auth.RoleSupervisor, 200, "clarification-form")
		if !strings.Contains(b, "为推进项目先行先试，未谋私利") || !strings.Contains(b, "用户cadre") {
			t.Errorf("the timeline lacks the application")
		}

		// The wrong roles and the wrong order are refused and write nothing.
		before = rows()
		for _, tt := range []struct {
			c      *http.Client
			path   string
			status int
		}{
			{cadre, step("verified"), http.StatusForbidden},
			{body, step("verified"), http.StatusForbidden},
			{clients[auth.RoleTeam], step("verified"), http.StatusNotFound},
			{office, step("decided"), http.StatusConflict},
		} {
			if res, b := post(tt.c, tt.path, url.Values{"note": {"属实"}}); res.StatusCode != tt.status {
				t.Errorf("POST %s: got %d, want %d\n%.300s", tt.path, res.StatusCode, tt.status, b)
			}
		}
		if res, b := post(office, step("decided"), url.Values{"note": {"属实"}}); !strings.Contains(b, "免责审查须依次进行") {
			t.Errorf("out of order: %d, no localized error", res.StatusCode)
		}
		if n := rows(); n != before {
			t.Fatalf("refused steps wrote %d rows", n-before)
		}

		// The office reviews.
		for _, s := range []struct {
			name string
			form url.Values
		}{
			{"verified", url.Values{"note": {"调阅会议记录，情况属实"}}},
			{"deliberated", url.Values{"day": {"2026-03-02"}, "body": {"县委常委会"}, "note": {"符合容错情形"}}},
		} {
			if res, b := post(office, step(s.name), s.form); res.StatusCode != http.StatusSeeOther {
				t.Fatalf("%s: got %d\n%.600s", s.name, res.StatusCode, b)
			}
		}
		expect(auth.RoleOffice, 200, "exemption-decided-form", "clarification-form")
		decide := func(answers map[string]string) (*http.Response, string) {
			var buf bytes.Buffer
			mw := multipart.NewWriter(&buf)
			mw.WriteField("outcome", "exempt")
			mw.WriteField("note", "三个区分开来，予以免责")
			for c, a := range answers {
				mw.WriteField("answer_"+c, a)
				mw.WriteField("note_"+c, "经核实")
			}
			fw, _ := mw.CreateFormFile("files_exploratory", "试点方案.pdf")
			fw.Write([]byte("%PDF-1.4\n%%EOF\n"))
			mw.Close()
			return f.send(t, office, step("decided"), mw.FormDataContentType(), buf.Bytes())
		}
		before = rows()
		res, b = decide(map[string]string{"public_interest": "yes", "mistake": "yes", "exploratory": "yes"})
		if res.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("incomplete checklist: got %d", res.StatusCode)
		}
		for _, w := range []string{"三个区分开来清单未回答：“及时纠错、挽回损失”", "三个区分开来清单未回答：“未造成重大损失或恶劣影响”"} {
			if !strings.Contains(b, w) {
				t.Errorf("incomplete checklist: no %q in the page", w)
			}
		}
		if strings.Contains(b, "“出于公心、不为谋私”（") {
			t.Errorf("an answered item is named missing")
		}
		if n := rows(); n != before {
			t.Fatalf("a refused decision wrote %d rows", n-before)
		}
		all := map[string]string{}
		for _, c := range finding.Criteria {
			all[string(c)] = "yes"
		}
		if res, b := decide(all); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("decision: got %d\n%.600s", res.StatusCode, b)
		}
		if res, b := post(office, step("fed_back"), url.Values{"day": {"2026-03-02"}, "body": {"书面告知本人"}, "note": {"予以免责"}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("feedback: got %d\n%.600s", res.StatusCode, b)
		}
		b = expect(auth.RoleCadre, 200)
		for _, w := range []string{"予以免责", "三个区分开来", "试点方案.pdf", "县委常委会", "书面告知本人"} {
			if !strings.Contains(b, w) {
				t.Errorf("the cadre's review: no %q", w)
			}
		}

		// The body clears a second finding: refused first, then voided.
		cleared := record("收受礼金")
		clarify := fmt.Sprintf("/findings/%d/clarification", cleared.ID)
		before = rows()
		if res, b := post(body, clarify, url.Values{"kind": {"false"}, "audience": {"system"}}); res.StatusCode != http.StatusUnprocessableEntity ||
			!strings.Contains(b, "请填写反映的问题。") || !strings.Contains(b, "请填写公布日期。") {
			t.Fatalf("empty clarification: got %d\n%.600s", res.StatusCode, b)
		}
		if res, _ := post(cadre, clarify, url.Values{"kind": {"false"}}); res.StatusCode != http.StatusForbidden {
			t.Errorf("the cadre clears: got %d, want 403", res.StatusCode)
		}
		if n := rows(); n != before {
			t.Fatalf("refused clarifications wrote %d rows", n-before)
		}
		if res, b := post(body, clarify, url.Values{"kind": {"false"}, "alleged": {"违规收受礼金"}, "found": {"举报与事实不符"},
			"conclusion": {"属于诬告，予以澄清"}, "published_on": {"2026-03-01"}, "audience": {"system"}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("clarification: got %d\n%.600s", res.StatusCode, b)
		}

		// The integrity archive on the cadre's page: hers and the office's only.
		person := fmt.Sprintf("/people/%d", f.inPerson.ID)
		for _, role := range []auth.Role{auth.RoleCadre, auth.RoleOffice} {
			res, b := f.get(t, clients[role], person)
			if res.StatusCode != 200 {
				t.Fatalf("%s person page: %d", role, res.StatusCode)
			}
			for _, w := range []string{`id="integrity"`, "廉政档案", "已免责", "已澄清", "属于诬告，予以澄清"} {
				if !strings.Contains(b, w) {
					t.Errorf("%s person page: no %q", role, w)
				}
			}
		}
		for _, role := range []auth.Role{auth.RoleSupervisor, auth.RoleTeam, auth.RoleViewer} {
			if _, b := f.get(t, clients[role], person); strings.Contains(b, `id="integrity"`) {
				t.Errorf("%s sees the integrity archive", role)
			}
		}
	})
}
