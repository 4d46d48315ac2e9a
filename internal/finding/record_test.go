package finding_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"kaohe/internal/db"
	"kaohe/internal/db/dbtest"
	"kaohe/internal/errs"
	"kaohe/internal/finding"
)

// TestCreateBadInput refuses every bad field of a finding with a coded
// error naming the field, all at once, and writes nothing.
func TestCreateBadInput(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		jiwei := f.actors["jiwei"]
		before := f.written(t)
		for _, tt := range []struct {
			name  string
			edit  func(d *finding.Draft)
			files []finding.Upload
			want  string
		}{
			{"nothing", func(d *finding.Draft) { *d = finding.Draft{} }, nil,
				"finding.source_required@0:source finding.category_required@0:category finding.severity_required@0:severity " +
					"finding.found_on_required@0:found_on finding.title_required@0:title finding.description_required@0:description " +
					"finding.unit_required@0:unit_id"},
			{"codes off the lists", func(d *finding.Draft) { d.Source, d.Category, d.Severity = "rumour", "weather", "fatal" }, nil,
				"finding.source_invalid@0:source finding.category_invalid@0:category finding.severity_invalid@0:severity"},
			{"not a date", func(d *finding.Draft) { d.FoundOn = "2025-7-15" }, nil, "finding.found_on_invalid@0:found_on"},
			{"a day to come", func(d *finding.Draft) { d.FoundOn = "2026-03-03" }, nil, "finding.found_on_future@0:found_on"},
			{"too long", func(d *finding.Draft) {
				d.Title, d.Reference, d.Description = strings.Repeat("问", 101), strings.Repeat("号", 101), strings.Repeat("述", 5001)
			}, nil, "finding.reference_too_long@0:reference finding.title_too_long@0:title finding.description_too_long@0:description"},
			{"bad files", nil, []finding.Upload{{Name: "x.exe", Data: []byte("MZ")}, {Name: "a/b.pdf", Data: pdf}, {Name: "空.pdf"}},
				"finding.evidence.type@0:files finding.evidence.name_invalid@0:files finding.evidence.empty@0:files"},
			{"too many files", nil, slices.Repeat([]finding.Upload{{Name: "a.pdf", Data: pdf}}, finding.MaxFiles+1),
				"finding.evidence.too_many@0:files"},
			{"a unit outside", func(d *finding.Draft) { d.UnitID = f.units["910202"].ID }, nil, "finding.unit_unknown@0:unit_id"},
			{"no such unit", func(d *finding.Draft) { d.UnitID = 12345 }, nil, "finding.unit_unknown@0:unit_id"},
			{"a cadre of elsewhere", func(d *finding.Draft) { d.PersonIDs = []int64{f.people["李四"].ID} }, nil, "finding.person_unknown@0:people"},
			{"nobody", func(d *finding.Draft) { d.PersonIDs = []int64{999} }, nil, "finding.person_unknown@0:people"},
			{"another body's", func(d *finding.Draft) { d.BodyID = f.bodyIDs["shenji"] }, nil, "error.not_found@0:"},
		} {
			dr := f.draft("910102", "张三")
			if tt.edit != nil {
				tt.edit(&dr)
			}
			_, err := f.svc.Create(ctx, jiwei, dr, tt.files)
			if got := problems(err); got != tt.want {
				t.Errorf("%s: got %s, want %s", tt.name, got, tt.want)
			}
		}
		if n := f.written(t); n != before {
			t.Fatalf("refused findings wrote %d rows", n-before)
		}
		// Repeated people are named once; the evidence is kept.
		dr := f.draft("910102", "张三", "赵六", "张三")
		fd := must[*finding.Finding](t)(f.svc.Create(ctx, jiwei, dr, []finding.Upload{{Name: " 反馈意见.pdf ", Data: pdf}}))
		if len(fd.People) != 2 || f.count(t, "finding_people") != 2 || f.count(t, "finding_evidence") != 1 {
			t.Fatalf("recorded: %+v", fd.People)
		}
		dt := must[*finding.Detail](t)(f.svc.Get(ctx, jiwei, fd.ID))
		if len(dt.Files) != 1 || dt.Files[0].Name != "反馈意见.pdf" || dt.Files[0].ContentType != "application/pdf" {
			t.Fatalf("files: %+v", dt.Files)
		}
	})
}

// TestChanges edits, notifies and attaches to a finding: each refused
// for bad input or out of order, each recorded once in the history with
// its reason and the fields it changed; a closed finding changes no more.
func TestChanges(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		jiwei := f.actors["jiwei"]
		fd := must[*finding.Finding](t)(f.svc.Create(ctx, jiwei, f.draft("910102", "张三"), nil))
		edit := f.draft("910102", "张三", "赵六")
		edit.Severity, edit.Title = finding.SeverityMajor, "会议记录不全、议事规则执行不严"
		before := f.written(t)
		for _, tt := range []struct {
			name string
			err  error
			want string
		}{
			{"no reason", second(f.svc.Update(ctx, jiwei, fd.ID, edit, "")), "finding.reason_required@0:reason"},
			{"no change", second(f.svc.Update(ctx, jiwei, fd.ID, f.draft("910102", "张三"), "复核")), "finding.unchanged@0:"},
			{"a blank field and no reason", second(f.svc.Update(ctx, jiwei, fd.ID, finding.Draft{}, "")),
				"finding.source_required@0:source finding.category_required@0:category finding.severity_required@0:severity " +
					"finding.found_on_required@0:found_on finding.title_required@0:title finding.description_required@0:description " +
					"finding.unit_required@0:unit_id finding.reason_required@0:reason"},
			{"moved out of the jurisdiction", second(f.svc.Update(ctx, jiwei, fd.ID, f.draft("910202"), "更正单位")), "finding.unit_unknown@0:unit_id"},
			{"notified before it was found", second(f.svc.Notify(ctx, jiwei, fd.ID, "2025-07-14", "")), "finding.notified_on_early@0:notified_on"},
			{"notified tomorrow", second(f.svc.Notify(ctx, jiwei, fd.ID, "2026-03-03", "")), "finding.notified_on_future@0:notified_on"},
			{"no files", second(f.svc.AttachEvidence(ctx, jiwei, fd.ID, nil, "")), "finding.evidence.none@0:files"},
			{"no such finding", second(f.svc.Update(ctx, jiwei, 4242, edit, "复核")), "error.not_found@0:"},
		} {
			if got := problems(tt.err); got != tt.want {
				t.Errorf("%s: got %s, want %s", tt.name, got, tt.want)
			}
		}
		if n := f.written(t); n != before {
			t.Fatalf("refused changes wrote %d rows", n-before)
		}
		f.clock.Advance(60e9)
		got := must[*finding.Finding](t)(f.svc.Update(ctx, jiwei, fd.ID, edit, "巡察组复核后补充"))
		if got.Severity != finding.SeverityMajor || len(got.People) != 2 || !got.UpdatedAt.After(got.CreatedAt) {
			t.Fatalf("updated: %+v", got)
		}
		must[*finding.Finding](t)(f.svc.Notify(ctx, jiwei, fd.ID, "2025-08-01", "书面通报"))
		if _, err := f.svc.Notify(ctx, jiwei, fd.ID, "", ""); !errs.Is(err, errs.Conflict) {
			t.Errorf("notified twice: got %v, want Conflict", err)
		}
		late := edit
		late.FoundOn, late.Title = "2025-08-02", "另一标题"
		if got := problems(second(f.svc.Update(ctx, jiwei, fd.ID, late, "更正日期"))); got != "finding.found_on_after_notice@0:found_on" {
			t.Errorf("dated after its notice: got %s", got)
		}
		must[[]*finding.File](t)(f.svc.AttachEvidence(ctx, jiwei, fd.ID, []finding.Upload{{Name: "通报.pdf", Data: pdf}}, "通报原件"))

		dt := must[*finding.Detail](t)(f.svc.Get(ctx, f.actors["office"], fd.ID))
		var actions []string
		for _, c := range dt.History {
			actions = append(actions, c.Action+":"+c.Reason+":"+strings.Join(c.Fields, ","))
		}
		want := []string{"finding.attach:通报原件:", "finding.notify:书面通报:", "finding.update:巡察组复核后补充:severity,title,people", "finding.create::"}
		if !slices.Equal(actions, want) {
			t.Errorf("history: got %q, want %q", actions, want)
		}
		if dt.History[0].Actor != "jiwei" || dt.NotifiedOn != "2025-08-01" || dt.Body != "甲市纪委监委" || len(dt.Files) != 1 {
			t.Errorf("detail: actor %q, notified %q, body %q, files %d", dt.History[0].Actor, dt.NotifiedOn, dt.Body, len(dt.Files))
		}

		// An exempted finding (容错免责, recorded by a later workflow) is
		// closed: no edit, notice or evidence.
		if _, err := d.SQL.Exec(`UPDATE findings SET status = 'exempted' WHERE id = $1`, fd.ID); err != nil {
			t.Fatal(err)
		}
		for name, err := range map[string]error{
			"update": second(f.svc.Update(ctx, jiwei, fd.ID, f.draft("910102"), "复核")),
			"attach": second(f.svc.AttachEvidence(ctx, jiwei, fd.ID, []finding.Upload{{Name: "a.pdf", Data: pdf}}, "")),
		} {
			if !errs.Is(err, errs.Conflict) {
				t.Errorf("%s an exempted finding: got %v, want Conflict", name, err)
			}
		}
	})
}

func second[T any](_ T, err error) error { return err }
