package track_test

import (
	"context"
	"strings"
	"testing"

	"kaohe/internal/collect"
	"kaohe/internal/db"
	"kaohe/internal/db/dbtest"
	"kaohe/internal/track"
)

// TestCommitmentYear takes a team's and a cadre's commitment through the
// year: filed, returned with comments, revised, approved; a change with its
// reason approved as version 2; progress with evidence; proof; the team's
// verdict; and the delivery rates published as values of source track.
func TestCommitmentYear(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		cadre, office, team := f.actors["cadre"], f.actors["office"], f.actors["team"]

		c := must[*track.Commitment](t)(f.svc.File(ctx, cadre, f.teamDraft()))
		if c.Status != track.Submitted || c.Version != 1 || c.Item != "规上工业增加值（亿元）" {
			t.Fatalf("filed: got %s v%d %q", c.Status, c.Version, c.Item)
		}
		must[*track.Commitment](t)(f.svc.Return(ctx, office, c.ID, "目标偏低，请对标全市平均增速"))
		d2 := f.teamDraft()
		d2.TargetValue = "126"
		must[*track.Commitment](t)(f.svc.Revise(ctx, cadre, c.ID, d2))
		must[*track.Commitment](t)(f.svc.Approve(ctx, office, c.ID, ""))
		d3 := d2
		d3.TargetValue = "130"
		must[*track.Version](t)(f.svc.Propose(ctx, cadre, c.ID, d3, "新签约项目提前投产"))
		if _, err := f.svc.Propose(ctx, cadre, c.ID, d3, "再改一次"); problems(err) != "track.change_pending@0:" {
			t.Errorf("a second change: got %s", problems(err))
		}
		must[*track.Commitment](t)(f.svc.DecideChange(ctx, office, c.ID, true, "同意"))
		det := must[*track.Detail](t)(f.svc.Get(ctx, cadre, c.ID))
		if det.Version != 2 || *det.TargetValue != 130 || len(det.Versions) != 2 || det.Proposed != nil || det.Versions[1].Reason != "新签约项目提前投产" {
			t.Fatalf("after the change: v%d target %v, %d versions", det.Version, *det.TargetValue, len(det.Versions))
		}
		must[*track.Report](t)(f.svc.Progress(ctx, cadre, c.ID, "上半年完成62亿元", "62", []track.Upload{{Name: "上半年统计快报.pdf", Data: pdf}}))
		must[*track.Report](t)(f.svc.Prove(ctx, cadre, c.ID, "全年完成131亿元", "131", nil))
		if _, err := f.svc.Verify(ctx, office, c.ID, track.Done, "统计数据核实"); answer(err) != 'f' {
			t.Errorf("the office verifies: got %v, want forbidden", err)
		}
		must[*track.Commitment](t)(f.svc.Verify(ctx, team, c.ID, track.Done, "与统计年报一致"))

		p := must[*track.Commitment](t)(f.svc.File(ctx, cadre, f.cadreDraft()))
		must[*track.Commitment](t)(f.svc.Approve(ctx, office, p.ID, "同意"))
		must[*track.Report](t)(f.svc.Prove(ctx, cadre, p.ID, "平台10月上线", "", []track.Upload{{Name: "上线通知.pdf", Data: pdf}}))
		must[*track.Commitment](t)(f.svc.Verify(ctx, team, p.ID, track.Mostly, "上线但事项覆盖率未达预期"))

		// The board carries a milestone commitment's milestones, as its
		// page does: its target reads "2 个工作节点", not 0.
		board, _, err := f.svc.Board(ctx, office, track.Filter{Year: 2025})
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range board {
			if c.ID == p.ID && len(c.Milestones) != 2 {
				t.Errorf("the board's milestone commitment has %d milestones, want 2", len(c.Milestones))
			}
		}
		det = must[*track.Detail](t)(f.svc.Get(ctx, f.actors["viewer"], p.ID))
		if det.Stage != track.StageVerified || det.Verdict != track.Mostly || len(det.Reports) != 1 || len(det.Reports[0].Files) != 1 {
			t.Fatalf("the cadre's commitment: %s %s, %d reports", det.Stage, det.Verdict, len(det.Reports))
		}
		file, data := must2(t)(f.svc.EvidenceFile(ctx, office, det.Reports[0].Files[0].ID))
		if file.ContentType != "application/pdf" || string(data) != string(pdf) {
			t.Errorf("evidence: got %s %q", file.ContentType, data)
		}
		if _, _, err := f.svc.EvidenceFile(ctx, f.actors["yi.office"], file.ID); answer(err) != 'n' {
			t.Errorf("evidence out of scope: got %v", err)
		}

		for _, tc := range []struct {
			item   string
			entity int64
			want   float64
		}{
			{track.ItemTeamDelivery, f.units["910102"].ID, 100},
			{track.ItemCadreDelivery, f.people["张三"].ID, 50},
		} {
			var v float64
			var src, status string
			if err := d.SQL.QueryRow(`SELECT value, source, status FROM data_values WHERE item_code = $1 AND entity_id = $2 AND period = '2025'
				AND is_current`, tc.item, tc.entity).Scan(&v, &src, &status); err != nil {
				t.Fatalf("%s: %v", tc.item, err)
			}
			if v != tc.want || src != string(collect.SourceTrack) || status != string(collect.StatusVerified) {
				t.Errorf("%s: got %v from %s (%s), want %v from track, verified", tc.item, v, src, status, tc.want)
			}
		}
	})
}

func must2(t testing.TB) func(f *track.File, data []byte, err error) (*track.File, []byte) {
	return func(f *track.File, data []byte, err error) (*track.File, []byte) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return f, data
	}
}

// TestCommitmentBadInput refuses bad drafts with every problem named, and
// writes nothing.
func TestCommitmentBadInput(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		cadre := f.actors["cadre"]
		for _, tc := range []struct {
			name string
			edit func(*track.Draft)
			want string
		}{
			{"no title", func(d *track.Draft) { d.Title = " " }, "track.title_required@0:title"},
			{"a dimension unknown", func(d *track.Draft) { d.Dimension = "sports" }, "track.dimension_invalid@0:dimension"},
			{"no number", func(d *track.Draft) { d.TargetValue = "很多" }, "track.target_value_invalid@0:target_value"},
			{"a day of another year", func(d *track.Draft) { d.DueOn = "2026-01-31" }, "track.due_on_year@0:due_on"},
			{"no item", func(d *track.Draft) { d.ItemCode = "" }, "track.item_required@0:item"},
			{"an unknown item", func(d *track.Draft) { d.ItemCode = "NOPE" }, "error.not_found@0:item"},
			{"an item the unit does not report", func(d *track.Draft) { d.ItemCode = "YI_ONLY" }, "track.item_not_reported@0:item"},
			{"an item of the city, not the county", func(d *track.Draft) { d.UnitID = f.units["910100"].ID }, "track.item_not_reported@0:item"},
			{"no target kind", func(d *track.Draft) { d.Target = "" }, "track.target_invalid@0:target"},
			{"milestones without a day", func(d *track.Draft) {
				d.Target = track.TargetMilestones
				d.Milestones = []track.Milestone{{Title: "招标", DueOn: "2025-04-30"}, {Title: "上线"}}
			}, "track.milestone_due_invalid@2:milestones"},
			{"a cadre of another unit", func(d *track.Draft) {
				d.Owner, d.PersonID = track.OwnerPerson, f.people["王五"].ID
			}, "track.person_not_in_unit@0:person"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				before := f.written(t)
				dr := f.teamDraft()
				tc.edit(&dr)
				actor := cadre
				if dr.Owner == track.OwnerPerson || dr.UnitID != f.units["910102"].ID {
					actor = f.actors["office"]
				}
				_, err := f.svc.File(ctx, actor, dr)
				if got := problems(err); got != tc.want {
					t.Errorf("got %s, want %s", got, tc.want)
				}
				if n := f.written(t); n != before {
					t.Errorf("wrote %d rows", n-before)
				}
			})
		}
		c := must[*track.Commitment](t)(f.svc.File(ctx, cadre, f.teamDraft()))
		must[*track.Commitment](t)(f.svc.Approve(ctx, f.actors["office"], c.ID, ""))
		before := f.written(t)
		for _, tc := range []struct {
			name  string
			files []track.Upload
			want  string
		}{
			{"a file that is no evidence", []track.Upload{{Name: "a.exe", Data: []byte("MZ\x90")}}, "track.evidence.type@0:files"},
			{"an empty file", []track.Upload{{Name: "a.pdf"}}, "track.evidence.empty@0:files"},
			{"a file too large", []track.Upload{{Name: "a.pdf", Data: append(append([]byte{}, pdf...), make([]byte, collect.MaxEvidence)...)}},
				"track.evidence.too_large@0:files"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				_, err := f.svc.Progress(ctx, cadre, c.ID, "进展", "", tc.files)
				if got := problems(err); got != tc.want {
					t.Errorf("got %s, want %s", got, tc.want)
				}
			})
		}
		if _, err := f.svc.Progress(ctx, cadre, c.ID, "", "x", nil); problems(err) != "track.report_body_required@0:body track.report_value_invalid@0:value" {
			t.Errorf("an empty report: got %s", problems(err))
		}
		if _, err := f.svc.Verify(ctx, f.actors["team"], c.ID, "perfect", ""); problems(err) != "track.verdict_invalid@0:verdict track.verdict_reason_required@0:reason" {
			t.Errorf("a bad verdict: got %s", problems(err))
		}
		if _, err := f.svc.Verify(ctx, f.actors["team"], c.ID, track.Done, "核实"); problems(err) != "track.not_proved@0:" {
			t.Errorf("verifying without proof: got %s", problems(err))
		}
		if n := f.written(t); n != before {
			t.Errorf("bad reports wrote %d rows", n-before)
		}
		if !strings.Contains(problems(nil), "not coded") {
			t.Fatal("problems(nil) should say not coded")
		}
	})
}
