package server

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"kaohe/internal/auth"
	"kaohe/internal/db"
	"kaohe/internal/db/dbtest"
)

// TestFieldWorkAPI records field work through the API: bad judgements
// answer 422 with every row and field, nothing written; a verification
// with a base64 file, an interview and judgements are stored; the record
// shows interviews to the team and the office only; the task list answers
// each role as the pages do.
func TestFieldWorkAPI(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		_, c := fieldCycle(t, f)
		county := f.units["330102"]
		base := fmt.Sprintf("/api/v1/cycles/%d/field", c.ID)
		entity := base + "/" + db.FormatID(county.ID)
		teamC := f.signIn(t, "team")
		send := func(path, body string) (int, string) {
			t.Helper()
			res, answer := f.send(t, teamC, path, "application/json", []byte(body))
			return res.StatusCode, answer
		}

		status, body := send(entity+"/judgements", `{"judgements": [{"indicator": "PARTY", "score": 101, "basis": "依据"},
			{"indicator": "TEAM", "grade": "优秀", "basis": "依据"}]}`)
		var bad struct {
			Errors []struct {
				Row   int    `json:"row"`
				Field string `json:"field"`
			} `json:"errors"`
		}
		json.Unmarshal([]byte(body), &bad)
		if status != 422 || len(bad.Errors) != 2 || bad.Errors[0].Row != 1 || bad.Errors[0].Field != "score" ||
			bad.Errors[1].Row != 2 || bad.Errors[1].Field != "grade" {
			t.Fatalf("bad judgements: %d %s", status, body)
		}
		var n int
		if err := d.SQL.QueryRow(`SELECT count(*) FROM judgements`).Scan(&n); err != nil || n != 0 {
			t.Fatalf("refused judgements wrote %d rows (%v)", n, err)
		}
		if status, body = send(entity+"/judgements", `{"judgements": [{"indicator": "PARTY", "score": 85, "basis": "责任清单落实"},
			{"indicator": "TEAM", "grade": "较好", "basis": "班子团结"}]}`); status != 200 || !strings.Contains(body, `"value":80`) {
			t.Fatalf("judgements: %d %s", status, body)
		}
		pdf := base64.StdEncoding.EncodeToString([]byte("%PDF-1.4\n%%EOF\n"))
		if status, body = send(entity+"/verifications", `{"checked_on": "2026-01-10", "checked": "工作实绩统计台账", "finding": "重复计入",
			"item": "PERF", "value": "65", "reason": "扣除重复计入", "files": [{"name": "台账.pdf", "content": "`+pdf+`"}]}`); status != 201 ||
			!strings.Contains(body, `"corrected":true`) || !strings.Contains(body, `"type":"application/pdf"`) {
			t.Fatalf("verification: %d %s", status, body)
		}
		if status, body = send(entity+"/interviews", `{"person_id": "`+db.FormatID(f.inPerson.ID)+`", "held_on": "2026-01-11",
			"interviewer": "王五", "notes": "重大事项集体决策"}`); status != 201 {
			t.Fatalf("interview: %d %s", status, body)
		}
		if status, body = send(entity+"/interviews", `{"held_on": "2026-01-11", "nickname": "x"}`); status != 422 {
			t.Fatalf("an interview with an unknown field: %d %s", status, body)
		}

		for role, want := range map[auth.Role]struct {
			tasks, record int
			interviews    bool
		}{
			office: {200, 200, true}, team: {200, 200, true}, viewer: {200, 200, false},
			provider: {404, 404, false}, supervisor: {404, 404, false}, cadre: {404, 404, false},
		} {
			cl := f.signIn(t, string(role))
			res, body := f.get(t, cl, base+"?show=interviewed")
			if res.StatusCode != want.tasks {
				t.Errorf("%s tasks: got %d, want %d", role, res.StatusCode, want.tasks)
			}
			if want.tasks == 200 && strings.Contains(body, `"interviews":1`) != want.interviews {
				t.Errorf("%s tasks: interview counts shown %v, want %v: %s", role, !want.interviews, want.interviews, body)
			}
			res, body = f.get(t, cl, entity)
			if res.StatusCode != want.record {
				t.Errorf("%s record: got %d, want %d", role, res.StatusCode, want.record)
			}
			if want.record == 200 && !strings.Contains(body, "班子团结") {
				t.Errorf("%s record: no judgement basis: %s", role, body)
			}
			if want.record == 200 && strings.Contains(body, `"interviews"`) != want.interviews {
				t.Errorf("%s record: interviews shown %v, want %v", role, !want.interviews, want.interviews)
			}
		}
	})
}
