package server

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"kaohe/internal/auth"
	"kaohe/internal/db"
	"kaohe/internal/db/dbtest"
	"kaohe/internal/finding"
	"kaohe/internal/org"
)

// TestFindingTransfer walks a clue from the body that recorded it (甲市
// 统计局) to 甲市纪委监委, on the pages and the API: a refused transfer
// names its problems and writes nothing; the office and the cadre may not
// transfer it, another body does not know it exists; the receiving body
// finds it on its home and in its list, reads it and receives and
// concludes it, which nobody else may; the office reads the shared status
// in the list, the page and the API; the cadre sees no transfers; each
// step is audited with its reason.
func TestFindingTransfer(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		sys := auth.SystemActor("test")
		jw, err := org.NewService(d, auth.Policy{}).CreateUnit(ctx, sys, org.Unit{Code: "330100-JWJW", Name: "甲市纪委监委",
			Kind: org.KindDepartment, Level: org.LevelCity, ParentID: f.units["330100"].ID})
		if err != nil {
			t.Fatal(err)
		}
		tjj := f.units["330100-TJJ"]
		for login, u := range map[string]*org.Unit{"tjj": tjj, "jiwei": jw} {
			if _, err := auth.NewService(d, auth.Policy{}, org.GrantUnits{}).AddUser(ctx, sys, auth.NewUser{Login: login,
				Name: u.Name + "监督员", Password: password, Grants: []auth.Grant{{Role: auth.RoleSupervisor, UnitID: u.ID}}}); err != nil {
				t.Fatal(err)
			}
		}
		svc := finding.NewService(d, auth.Policy{})
		fd, err := svc.Create(ctx, sys, finding.Draft{BodyID: tjj.ID, Source: finding.SourceStatistics, Category: finding.CategoryStatistics,
			Severity: finding.SeverityMajor, FoundOn: "2025-07-15", Title: "统计数据不实", Description: "规上企业产值虚报。",
			UnitID: f.units["330102"].ID, PersonIDs: []int64{f.inPerson.ID}}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Notify(ctx, sys, fd.ID, "2025-08-01", ""); err != nil {
			t.Fatal(err)
		}
		id := fd.ID
		body, office, cadre, team, rcv := f.signIn(t, "tjj"), f.signIn(t, "office"), f.signIn(t, "cadre"), f.signIn(t, "team"),
			f.signIn(t, "jiwei")
		page := "/findings/" + db.FormatID(id)
		transfers := func() int {
			var n int
			if err := d.SQL.QueryRow(`SELECT count(*) FROM finding_transfers`).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		form := func(c *http.Client, path string, v url.Values) (int, string) {
			t.Helper()
			res, answer := f.send(t, c, path, "application/x-www-form-urlencoded", []byte(v.Encode()))
			return res.StatusCode, answer
		}

		// The body sees the form with the bodies it may transfer to.
		if res, html := f.get(t, body, page); res.StatusCode != 200 || !strings.Contains(html, `id="transfers"`) ||
			!strings.Contains(html, `id="transfer-form"`) || !strings.Contains(html, "甲市纪委监委") || !strings.Contains(html, "该线索尚未移送") {
			t.Fatalf("the body's page: %d %.600s", res.StatusCode, html)
		}
		if res, _ := f.get(t, rcv, page); res.StatusCode != 404 {
			t.Fatalf("the 纪委监委 before the transfer: %d", res.StatusCode)
		}
		send := url.Values{"to_body_id": {db.FormatID(jw.ID)}, "sent_on": {"2025-09-01"}, "reason": {"涉嫌违纪，移送纪委监委处置"}}
		if status, html := form(body, page+"/transfers", url.Values{"to_body_id": {db.FormatID(jw.ID)}, "sent_on": {"2025-09-01"}}); status != 422 ||
			!strings.Contains(html, "请填写移送理由") {
			t.Fatalf("a transfer without reason: %d %.600s", status, html)
		}
		for name, c := range map[string]*http.Client{"office": office, "cadre": cadre} {
			if status, _ := form(c, page+"/transfers", send); status != 403 {
				t.Errorf("the %s transfers: %d, want 403", name, status)
			}
		}
		if status, _ := form(team, page+"/transfers", send); status != 404 {
			t.Errorf("the team transfers: %d, want 404", status)
		}
		res, _ := f.send(t, office, "/api/v1"+page+"/transfers", "application/json", []byte(`{"to_body_id": "`+db.FormatID(jw.ID)+
			`", "sent_on": "2025-09-01", "reason": "移送"}`))
		if res.StatusCode != 403 {
			t.Errorf("the office transfers by the API: %d", res.StatusCode)
		}
		res, answer := f.send(t, body, "/api/v1"+page+"/transfers", "application/json", []byte(`{"to_body_id": "`+
			db.FormatID(f.units["330202"].ID)+`", "sent_on": "2025-09-01"}`))
		if res.StatusCode != 422 || !strings.Contains(answer, `"field":"reason"`) || !strings.Contains(answer, `"field":"to_body_id"`) {
			t.Errorf("a bad transfer by the API: %d %s", res.StatusCode, answer)
		}
		if n := transfers(); n != 0 {
			t.Fatalf("refused transfers wrote %d rows", n)
		}
		res, answer = f.send(t, body, "/api/v1"+page+"/transfers", "application/json", []byte(`{"to_body_id": "`+db.FormatID(jw.ID)+
			`", "sent_on": "2025-09-01", "reason": "涉嫌违纪，移送纪委监委处置"}`))
		var got struct {
			TransferStatus string `json:"transfer_status"`
			Transfers      []struct {
				ID     string `json:"id"`
				Status string `json:"status"`
				ToBody string `json:"to_body"`
			} `json:"transfers"`
		}
		json.Unmarshal([]byte(answer), &got)
		if res.StatusCode != 201 || got.TransferStatus != "sent" || len(got.Transfers) != 1 || got.Transfers[0].ToBody != "甲市纪委监委" {
			t.Fatalf("transferred by the API: %d %s", res.StatusCode, answer)
		}
		tr := page + "/transfers/" + got.Transfers[0].ID

		// The receiving body finds it on its home and its list, and receives and concludes it.
		if res, html := f.get(t, rcv, "/"); res.StatusCode != 200 || !strings.Contains(html, `id="home-body"`) ||
			!strings.Contains(html, `href="/findings?transfer=sent"`) {
			t.Fatalf("the receiving body's home: %d %.600s", res.StatusCode, html)
		}
		if res, html := f.get(t, rcv, "/findings?transfer=sent"); res.StatusCode != 200 || !strings.Contains(html, "统计数据不实") ||
			!strings.Contains(html, "已移送") {
			t.Fatalf("the receiving body's list: %d %.600s", res.StatusCode, html)
		}
		if res, html := f.get(t, rcv, page); res.StatusCode != 200 || !strings.Contains(html, "transfer-receive") ||
			strings.Contains(html, `id="transfer-form"`) {
			t.Fatalf("the receiving body's page: %d %.600s", res.StatusCode, html)
		}
		for name, c := range map[string]*http.Client{"the sender": body, "the office": office} {
			if status, _ := form(c, tr+"/receive", url.Values{"day": {"2025-09-03"}, "receiver": {"王明"}}); status != 403 {
				t.Errorf("%s receives: %d, want 403", name, status)
			}
		}
		if status, _ := form(team, tr+"/receive", url.Values{"day": {"2025-09-03"}, "receiver": {"王明"}}); status != 404 {
			t.Errorf("the team receives: %d, want 404", status)
		}
		if status, html := form(rcv, tr+"/handle", url.Values{"day": {"2025-09-03"}, "outcome": {"已查处"}}); status != 409 {
			t.Errorf("concluded before receipt: %d %.300s", status, html)
		}
		if status, html := form(rcv, tr+"/receive", url.Values{"day": {"2025-09-03"}}); status != 422 || !strings.Contains(html, "请填写签收人") {
			t.Errorf("a receipt without receiver: %d %.600s", status, html)
		}
		if status, _ := form(rcv, tr+"/receive", url.Values{"day": {"2025-09-03"}, "receiver": {"王明"}}); status != 303 {
			t.Fatalf("receive: %d", status)
		}
		if status, _ := form(rcv, tr+"/handle", url.Values{"day": {"2025-11-20"}, "outcome": {"立案查处，责令整改"}}); status != 303 {
			t.Fatalf("conclude: %d", status)
		}
		if status, _ := form(rcv, tr+"/return", url.Values{"day": {"2025-11-21"}, "reason": {"退回"}}); status != 409 {
			t.Errorf("returned once concluded: %d", status)
		}

		// The office reads the shared status; the cadre sees no transfers.
		if res, html := f.get(t, office, "/findings?transfer=handled"); res.StatusCode != 200 || !strings.Contains(html, "统计数据不实") ||
			!strings.Contains(html, "已办结") || !strings.Contains(html, "甲市纪委监委") {
			t.Errorf("the office's list: %d %.600s", res.StatusCode, html)
		}
		if res, html := f.get(t, office, page); res.StatusCode != 200 || !strings.Contains(html, "立案查处，责令整改") ||
			!strings.Contains(html, "王明") || strings.Contains(html, `/handle"`) {
			t.Errorf("the office's page: %d %.600s", res.StatusCode, html)
		}
		if _, answer := f.get(t, office, "/api/v1"+page); !strings.Contains(answer, `"transfer_status":"handled"`) ||
			!strings.Contains(answer, `"outcome":"立案查处，责令整改"`) {
			t.Errorf("the office's API: %s", answer)
		}
		if res, html := f.get(t, cadre, page); res.StatusCode != 200 || strings.Contains(html, `id="transfers"`) {
			t.Errorf("the cadre's page: %d, transfers shown", res.StatusCode)
		}
		var events int
		if err := d.SQL.QueryRow(`SELECT count(*) FROM audit_log WHERE object_type = 'finding' AND action LIKE 'finding.transfer%' AND reason <> ''`).
			Scan(&events); err != nil || events != 3 {
			t.Errorf("audited steps: %d (%v)", events, err)
		}
	})
}
