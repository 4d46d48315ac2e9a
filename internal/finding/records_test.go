package finding_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"kaohe/internal/db"
	"kaohe/internal/db/dbtest"
	"kaohe/internal/finding"
)

// TestRecords reads the findings of a period as a cycle does: every
// notified finding dated from the period's first day to its last, of every status,
// once per entity it is about — the unit, or each cadre it names.
func TestRecords(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		jiwei := f.actors["jiwei"]
		// One finding a day at the edges of the periods tried, about 甲县,
		// naming 张三 and 赵六, or 丙县, naming 王五 and 张三.
		days := []string{"2024-12-31", "2025-01-01", "2025-06-30", "2025-07-01", "2025-07-31", "2025-08-01", "2025-09-30",
			"2025-10-01", "2025-12-31", "2026-01-01"}
		title := map[string]string{}
		for i, day := range days {
			dr := f.draft("910102", "张三", "赵六")
			if i%2 == 1 {
				dr = f.draft("910103", "王五", "张三")
			}
			dr.FoundOn, dr.Title = day, "问题"+day
			fd := must[*finding.Finding](t)(f.svc.Create(ctx, jiwei, dr, nil))
			title[db.FormatID(fd.ID)] = day
		}
		if _, err := d.SQL.Exec(`UPDATE findings SET status = 'voided' WHERE found_on = '2025-07-31'`); err != nil {
			t.Fatal(err)
		}
		// Every finding but that of 2025-09-30 is notified: a finding not
		// yet notified counts nowhere.
		if _, err := d.SQL.Exec(`UPDATE findings SET notified_on = found_on WHERE found_on <> '2025-09-30'`); err != nil {
			t.Fatal(err)
		}
		records := func(subject, period string, ids []int64) (rs []finding.Record, err error) {
			err = d.View(ctx, func(tx *db.Tx) error {
				rs, err = finding.Records(ctx, tx, subject, period, ids)
				return err
			})
			return rs, err
		}
		jia, bing := f.units["910102"].ID, f.units["910103"].ID
		zhang, wang, zhao := f.people["张三"].ID, f.people["王五"].ID, f.people["赵六"].ID
		name := map[int64]string{jia: "甲县", bing: "丙县", zhang: "张三", wang: "王五", zhao: "赵六"}
		for _, tt := range []struct {
			subject, period string
			ids             []int64
			want            string
		}{
			{"unit", "2025", []int64{jia, bing}, "甲县 2025-06-30 2025-07-31v 2025-12-31 | 丙县 2025-01-01 2025-07-01 2025-08-01 2025-10-01"},
			{"unit", "2025Q3", []int64{jia, bing}, "甲县 2025-07-31v | 丙县 2025-07-01 2025-08-01"},
			{"unit", "2025Q1", []int64{jia, bing}, "丙县 2025-01-01"},
			{"unit", "2025-07", []int64{jia}, "甲县 2025-07-31v"},
			{"unit", "2025-12", []int64{bing, jia}, "甲县 2025-12-31"},
			{"unit", "2026", []int64{jia, bing}, "丙县 2026-01-01"},
			{"unit", "2025", nil, ""},
			// Each finding once per cadre it names.
			{"person", "2025Q3", []int64{zhang, wang, zhao}, "张三 2025-07-01 2025-07-31v 2025-08-01 | 王五 2025-07-01 2025-08-01 | 赵六 2025-07-31v"},
			{"person", "2024", []int64{zhang, wang, zhao}, "张三 2024-12-31 | 赵六 2024-12-31"},
			{"person", "2025-08", []int64{wang}, "王五 2025-08-01"},
		} {
			rs, err := records(tt.subject, tt.period, tt.ids)
			if err != nil {
				t.Fatalf("%s %s: %v", tt.subject, tt.period, err)
			}
			var parts []string
			var last int64 = -1
			for _, r := range rs {
				if r.EntityID != last {
					parts = append(parts, "|", name[r.EntityID])
					last = r.EntityID
				}
				s := r.FoundOn
				if r.Status == string(finding.Voided) {
					s += "v"
				}
				if title[r.ID] != r.FoundOn || r.Title != "问题"+r.FoundOn || r.Category != "work_style" || r.Severity != "minor" {
					t.Errorf("%s %s: record %+v", tt.subject, tt.period, r)
				}
				parts = append(parts, s)
			}
			got := strings.TrimPrefix(strings.Join(parts, " "), "| ")
			if got != orderOf(tt.want, name, jia, bing, zhang, wang, zhao) {
				t.Errorf("%s %s: got %q, want %q", tt.subject, tt.period, got, tt.want)
			}
		}
		for _, p := range []string{"", "2025Q5", "2025-13", "25", "2025-07-01"} {
			if _, err := records("unit", p, []int64{jia}); err == nil {
				t.Errorf("period %q: no error", p)
			}
		}
		if _, err := records("team", "2025", []int64{jia}); err == nil {
			t.Error("subject team: no error")
		}
	})
}

// orderOf puts the entity groups of want in the order Records gives them,
// by entity id.
func orderOf(want string, name map[int64]string, ids ...int64) string {
	if want == "" {
		return ""
	}
	groups := map[string]string{}
	for _, g := range strings.Split(want, " | ") {
		n, _, _ := strings.Cut(g, " ")
		groups[n] = g
	}
	var out []string
	for _, id := range slices.Sorted(slices.Values(ids)) {
		if g, ok := groups[name[id]]; ok {
			out = append(out, g)
		}
	}
	if len(out) != len(groups) {
		return fmt.Sprintf("bad want %q", want)
	}
	return strings.Join(out, " | ")
}
