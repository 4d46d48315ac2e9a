package server

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"kaohe/internal/auth"
	"kaohe/internal/collect"
	"kaohe/internal/db"
	"kaohe/internal/db/dbtest"
	"kaohe/internal/finding"
	"kaohe/internal/outcome"
	"kaohe/internal/track"
)

// TestPersonArchiveAsOf opens 张三's page as of a day: a finding recorded
// two days after his recorded grades is absent from the view of the day
// before it and present in the view of its day and of now; so are the
// verdict on his commitment filed with the grades (whose stage shows
// meanwhile), with the year's delivery rate, a second commitment he files
// then and his 潜绩 of that day, the ledger saying it has none before. The
// office and the cadre read the archive, a leader its grades, commitments
// and ledger but no finding, a supervisory body the commitments but
// neither the grades nor the ledger; a day that is not a date is refused.
func TestPersonArchiveAsOf(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		sys := auth.SystemActor("test")
		out := outcome.NewService(d, auth.Policy{})
		for y, g := range map[int]string{2024: "称职", 2025: "优秀"} {
			if err := out.RecordGrade(ctx, sys, f.inPerson.ID, y, g, fmt.Sprintf("甲组考〔%d〕3号", y)); err != nil {
				t.Fatal(err)
			}
		}
		tracks := track.NewService(d, auth.Policy{}, collect.NewService(d, auth.Policy{}))
		county := f.units["330102"].ID
		pledge := func(title string) *track.Commitment {
			c, err := tracks.File(ctx, sys, track.Draft{Owner: track.OwnerPerson, UnitID: county, PersonID: f.inPerson.ID, Year: 2025,
				Title: title, Dimension: "governance", Target: track.TargetMilestones,
				Milestones: []track.Milestone{{Title: "完成平台招标", DueOn: "2025-04-30"}, {Title: "平台上线运行", DueOn: "2025-10-31"}}})
			if err != nil {
				t.Fatal(err)
			}
			return c
		}
		pledged := pledge("建成县域营商环境一网通办平台")
		if _, err := tracks.Approve(ctx, sys, pledged.ID, ""); err != nil {
			t.Fatal(err)
		}
		if _, err := tracks.Prove(ctx, sys, pledged.ID, "平台10月上线运行", "", nil); err != nil {
			t.Fatal(err)
		}
		f.clock.Advance(48 * time.Hour) // 2026-03-04 17:30 in Beijing
		if _, err := tracks.Verify(ctx, sys, pledged.ID, track.Done, "与平台验收报告一致"); err != nil {
			t.Fatal(err)
		}
		pledge("推动县域医共体建设")
		if _, err := tracks.AddEntries(ctx, sys, []track.EntryDraft{{UnitID: county, PersonID: f.inPerson.ID, Day: "2026-03-04",
			Kind: "task", Title: "推动高标准农田土壤改良", Latent: true, RevisitOn: "2028-03-04"}}); err != nil {
			t.Fatal(err)
		}
		body := &auth.Actor{UserID: 1, Login: "jiwei", Name: "甲市纪委监委",
			Grants: []auth.Grant{{Role: auth.RoleSupervisor, UnitID: f.units["330100"].ID, UnitPath: f.units["330100"].Path}}}
		fs := finding.NewService(d, auth.Policy{})
		fd, err := fs.Create(ctx, body, finding.Draft{Source: finding.SourcePatrol, Category: finding.CategoryWorkStyle,
			Severity: finding.SeverityMinor, FoundOn: "2026-03-01", Reference: "甲巡反〔2026〕1号", Title: "调研报告照抄照搬",
			Description: "抽查发现调研报告大段照抄外地材料。", UnitID: f.units["330102"].ID, PersonIDs: []int64{f.inPerson.ID}}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := fs.Notify(ctx, body, fd.ID, "2026-03-04", "书面通报"); err != nil {
			t.Fatal(err)
		}
		page := fmt.Sprintf("/people/%d", f.inPerson.ID)
		for _, tt := range []struct {
			role    auth.Role
			asOf    string
			finding bool
		}{
			{auth.RoleOffice, "2026-03-03", false},
			{auth.RoleOffice, "2026-03-04", true},
			{auth.RoleOffice, "", true},
			{auth.RoleCadre, "2026-03-03", false},
			{auth.RoleCadre, "", true},
			{auth.RoleViewer, "", false},
		} {
			path := page
			if tt.asOf != "" {
				path += "?asof=" + tt.asOf
			}
			res, html := f.get(t, f.signIn(t, string(tt.role)), path)
			if res.StatusCode != http.StatusOK {
				t.Fatalf("%s %s: got %d", tt.role, path, res.StatusCode)
			}
			if got := strings.Contains(html, "调研报告照抄照搬"); got != tt.finding {
				t.Errorf("%s %s: shows the finding %v, want %v", tt.role, path, got, tt.finding)
			}
			if !strings.Contains(html, `id="archive-grade-list"`) || !strings.Contains(html, "甲组考〔2025〕3号") {
				t.Errorf("%s %s: no recorded grades", tt.role, path)
			}
			if tt.asOf != "" && !strings.Contains(html, `id="asof-note"`) {
				t.Errorf("%s %s: no as-of note", tt.role, path)
			}
			if want := fmt.Sprintf(`<a href="/commitments/%d">建成县域营商环境一网通办平台</a>`, pledged.ID); !strings.Contains(html, want) {
				t.Errorf("%s %s: lacks %s", tt.role, path, want)
			}
			later := tt.asOf != "2026-03-03"
			for _, want := range []string{"与平台验收报告一致", "亮诺践诺率 100%", "推动县域医共体建设", "推动高标准农田土壤改良", "2028-03-04"} {
				if got := strings.Contains(html, want); got != later {
					t.Errorf("%s %s: shows %q %v, want %v", tt.role, path, want, got, later)
				}
			}
			if got := strings.Contains(html, "已亮效待核实"); got == later {
				t.Errorf("%s %s: shows the stage before the verdict %v, want %v", tt.role, path, got, !later)
			}
			if got := strings.Contains(html, "暂无本人的工作台账记录"); got == later {
				t.Errorf("%s %s: says the ledger is empty %v, want %v", tt.role, path, got, !later)
			}
		}
		_, html := f.get(t, f.signIn(t, "supervisor"), page)
		if strings.Contains(html, `id="archive-grades"`) {
			t.Error("the supervisor reads the archive")
		}
		if !strings.Contains(html, "推动县域医共体建设") || strings.Contains(html, `id="archive-ledger"`) {
			t.Error("the supervisor does not read the commitments, or reads the ledger")
		}
		res, html := f.get(t, f.signIn(t, "office"), page+"?asof=3月3日")
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(html, "查询日期须为") {
			t.Errorf("a bad day: got %d", res.StatusCode)
		}
	})
}
