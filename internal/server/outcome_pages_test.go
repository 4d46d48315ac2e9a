package server

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"kaohe/internal/auth"
	"kaohe/internal/db"
	"kaohe/internal/db/dbtest"
	"kaohe/internal/outcome"
)

// TestOutcomePages opens the use-of-results pages as every role: the
// office and the leader read the proposals, rules and the reserve pool,
// only the office sees the forms; the office nominates 张三, admits him,
// adjusts him for his 不称职 and records training; a refused form names
// its field in Chinese and writes nothing; the cadre reads neither the
// proposals nor the pool.
func TestOutcomePages(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		sys := auth.SystemActor("test")
		svc := outcome.NewService(d, auth.Policy{})
		for y, g := range map[int]string{2024: "称职", 2025: "不称职"} {
			if err := svc.RecordGrade(ctx, sys, f.inPerson.ID, y, g, fmt.Sprintf("甲组考〔%d〕3号", y)); err != nil {
				t.Fatal(err)
			}
		}
		office := f.signIn(t, "office")
		if res := f.post(t, office, "/outcome/run", url.Values{"unit": {db.FormatID(f.units["330100"].ID)}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("run: got %d", res.StatusCode)
		}
		for _, tt := range []struct {
			role       auth.Role
			path       string
			status     int
			want, hide string
		}{
			{auth.RoleOffice, "/outcome", http.StatusOK, "不称职调整工作岗位", ""},
			{auth.RoleViewer, "/outcome", http.StatusOK, "不称职调整工作岗位", `id="run-form"`},
			{auth.RoleCadre, "/outcome", http.StatusForbidden, "", "不称职调整工作岗位"},
			{auth.RoleOffice, "/outcome/rules", http.StatusOK, `id="rule-form"`, ""},
			{auth.RoleViewer, "/outcome/rules", http.StatusOK, "连续三年优秀记三等功", `id="rule-form"`},
			{auth.RoleOffice, "/reserve", http.StatusOK, `id="reserve-form"`, ""},
			{auth.RoleViewer, "/reserve", http.StatusOK, "在库干部", `id="reserve-form"`},
			{auth.RoleCadre, "/reserve", http.StatusForbidden, "", "在库干部"},
			{auth.RoleProvider, "/reserve", http.StatusForbidden, "", ""},
			{auth.RoleOffice, fmt.Sprintf("/people/%d", f.inPerson.ID), http.StatusOK, `id="adjust-form"`, ""},
			{auth.RoleViewer, fmt.Sprintf("/people/%d", f.inPerson.ID), http.StatusOK, "年度考核被确定为不称职", `id="adjust-form"`},
			{auth.RoleCadre, fmt.Sprintf("/people/%d", f.inPerson.ID), http.StatusOK, `id="training"`, "年度考核被确定为不称职"},
		} {
			res, body := f.get(t, f.signIn(t, string(tt.role)), tt.path)
			if res.StatusCode != tt.status {
				t.Errorf("%s %s: got %d, want %d", tt.role, tt.path, res.StatusCode, tt.status)
			}
			if tt.want != "" && !strings.Contains(body, tt.want) {
				t.Errorf("%s %s: lacks %q", tt.role, tt.path, tt.want)
			}
			if tt.hide != "" && strings.Contains(body, tt.hide) {
				t.Errorf("%s %s: shows %q", tt.role, tt.path, tt.hide)
			}
		}
		person := db.FormatID(f.inPerson.ID)
		res := f.post(t, office, "/reserve", url.Values{"person": {person}, "level": {"division_chief"}, "field": {"economy"}})
		if res.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("a nomination without a reason: got %d", res.StatusCode)
		}
		if res := f.post(t, office, "/reserve", url.Values{"person": {person}, "level": {"division_chief"}, "field": {"economy"},
			"reason": {"基层经验丰富"}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("nominate: got %d", res.StatusCode)
		}
		var entry int64
		if err := d.SQL.QueryRow(`SELECT id FROM reserve_entries`).Scan(&entry); err != nil {
			t.Fatal(err)
		}
		if res := f.post(t, office, fmt.Sprintf("/reserve/%d/admit", entry), url.Values{"reason": {"同意入库"}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("admit: got %d", res.StatusCode)
		}
		_, body := f.get(t, office, "/reserve")
		if i := strings.Index(body, `id="pool"`); i < 0 || !strings.Contains(body[i:], "县处级正职 · 经济") {
			t.Error("the pool does not list 张三 under 县处级正职 · 经济")
		}
		page := "/people/" + person
		res = f.post(t, office, page+"/adjustments", url.Values{"kind": {"transfer"}, "situation": {"grade_basic_twice"},
			"decided_on": {"2026-03-01"}, "reason": {"调整"}})
		if res.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("an adjustment for a situation that does not hold: got %d", res.StatusCode)
		}
		if res := f.post(t, office, page+"/adjustments", url.Values{"kind": {"transfer"}, "situation": {"grade_incompetent"},
			"decided_on": {"2026-03-01"}, "reason": {"年度考核不称职，调整工作岗位"}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("adjust: got %d", res.StatusCode)
		}
		if res := f.post(t, office, page+"/trainings", url.Values{"kind": {"training"}, "title": {"乡村振兴专题培训班"},
			"topic": {"乡村振兴"}, "organiser": {"甲市委党校"}, "started_on": {"2026-02-01"}, "ended_on": {"2026-02-10"},
			"completed": {"on"}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("training: got %d", res.StatusCode)
		}
		for _, role := range []auth.Role{auth.RoleOffice, auth.RoleCadre} {
			_, body := f.get(t, f.signIn(t, string(role)), page)
			for _, want := range []string{"年度考核不称职，调整工作岗位", "乡村振兴专题培训班"} {
				if !strings.Contains(body, want) {
					t.Errorf("%s: the page lacks %q", role, want)
				}
			}
		}
		// The pre-appointment report, for the office and the leader; for
		// the others it reads as not there (decision 0161).
		for role, want := range map[auth.Role]int{auth.RoleOffice: http.StatusOK, auth.RoleViewer: http.StatusOK,
			auth.RoleCadre: http.StatusNotFound, auth.RoleProvider: http.StatusNotFound} {
			res, body := f.get(t, f.signIn(t, string(role)), page+"/report")
			if res.StatusCode != want {
				t.Errorf("%s: the report: got %d, want %d", role, res.StatusCode, want)
				continue
			}
			if want == http.StatusOK {
				for _, s := range []string{"张三同志任前考察材料", "甲组考〔2025〕3号", "年度考核不称职，调整工作岗位", "乡村振兴专题培训班", "县处级正职"} {
					if !strings.Contains(body, s) {
						t.Errorf("%s: the report lacks %q", role, s)
					}
				}
			}
		}
		if res := f.post(t, f.signIn(t, "cadre"), page+"/trainings", url.Values{"kind": {"training"}, "title": {"自学"},
			"topic": {"学习"}, "organiser": {"本人"}, "started_on": {"2026-02-01"}}); res.StatusCode == http.StatusSeeOther {
			t.Error("the cadre recorded her own training")
		}
	})
}
