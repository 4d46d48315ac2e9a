package review_test

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"

	"kaohe/internal/db"
	"kaohe/internal/db/dbtest"
	"kaohe/internal/review"
)

// TestImportCaseFiles imports case files in UTF-8, GBK and .xlsx; a file
// with bad rows writes nothing and names each problem by row and field.
func TestImportCaseFiles(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		unit := f.units["910102"].ID
		good := "办件编号,事项编码,办结日期,办理渠道\nU001,110,2026-02-20,窗口评价器\nU002,120,2026/02/21,网站\n"
		gbk, err := simplifiedchinese.GBK.NewEncoder().Bytes([]byte("办件编号,事项编码,办结日期,办理渠道\nG001,110,2026-02-20,12345热线\n"))
		if err != nil {
			t.Fatal(err)
		}
		wb := excelize.NewFile()
		for i, row := range [][]any{{"办件编号", "事项编码", "办结日期", "办理渠道"}, {"X001", "120", "2026-02-22", "qr"}} {
			if err := wb.SetSheetRow("Sheet1", "A"+string(rune('1'+i)), &row); err != nil {
				t.Fatal(err)
			}
		}
		var xlsx bytes.Buffer
		if err := wb.Write(&xlsx); err != nil {
			t.Fatal(err)
		}
		for name, data := range map[string][]byte{"utf-8": []byte(good), "gbk": gbk, "xlsx": xlsx.Bytes()} {
			rows, err := review.ParseCases(data)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			must[*review.ImportReport](t)(f.svc.ImportCases(ctx, f.actors["reviewer"], unit, rows, name))
		}
		if n := f.count(t, "review_cases"); n != 11+4 {
			t.Errorf("cases: got %d, want 15", n)
		}
		bad := "办件编号,事项编码,办结日期,办理渠道\nU001,110,2026-02-20,窗口评价器\nV002,999,2026-02-20,窗口评价器\n" +
			"V003,110,2026-13-01,传真\nV003,110,2027-01-01,qr\n"
		rows, err := review.ParseCases([]byte(bad))
		if err != nil {
			t.Fatal(err)
		}
		before := f.written(t)
		_, err = f.svc.ImportCases(ctx, f.actors["reviewer"], unit, rows, "bad")
		want := "review.case.number_taken@2:number review.case.item_unknown@3:item review.case.day_invalid@4:finished_on " +
			"review.case.channel_invalid@4:channel review.case.number_repeated@5:number review.case.day_future@5:finished_on"
		if got := problems(err); got != want {
			t.Errorf("bad file:\n got %s\nwant %s", got, want)
		}
		if f.written(t) != before {
			t.Errorf("a bad file wrote rows")
		}
		if _, err := review.ParseCases([]byte("编号,事项\nA,B\n")); problems(err) != "review.import.column_missing@1:number" {
			t.Errorf("no number column: got %s", problems(err))
		}
	})
}

// TestCaseDayIsBeijings imports, at 01:30 in Beijing (17:30 UTC the day
// before), a case finished that Beijing day: it is today's, not the
// future's, and a case finished the next Beijing day still is refused.
func TestCaseDayIsBeijings(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		unit := f.units["910102"].ID
		f.clock.Advance(8 * time.Hour) // 2026-03-02 17:30 UTC, 2026-03-03 01:30 in Beijing
		must[*review.ImportReport](t)(f.svc.ImportCases(ctx, f.actors["reviewer"], unit,
			[]review.CaseIn{{Number: "N001", Item: "110", FinishedOn: "2026-03-03", Channel: "device"}}, "night import"))
		_, err := f.svc.ImportCases(ctx, f.actors["reviewer"], unit,
			[]review.CaseIn{{Number: "N002", Item: "110", FinishedOn: "2026-03-04", Channel: "device"}}, "night import")
		if got := problems(err); got != "review.case.day_future@1:finished_on" {
			t.Errorf("a case finished tomorrow in Beijing: got %q", got)
		}
	})
}

// TestImportReviews imports a channel's reviews: a 差评 opens a work order
// dated the day it was given, a review outside its window is held, and a
// bad row — unknown case, second review, bad level — writes nothing.
func TestImportReviews(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		unit := f.units["910102"].ID
		rows, err := review.ParseReviews([]byte("办件编号,评价渠道,评价等级,评价时间,评价意见\nC001,窗口评价器,非常满意,2026-02-27 10:05,\n" +
			"C002,12345热线,不满意,2026-02-28 09:00,电话无人接听\nC003,短信,满意,2026-05-01 09:00,\n"))
		if err != nil {
			t.Fatal(err)
		}
		rep := must[*review.ImportReport](t)(f.svc.ImportReviews(ctx, f.actors["reviewer"], unit, rows, "评价器导入"))
		if rep.Added != 3 {
			t.Errorf("added %d, want 3", rep.Added)
		}
		var opened string
		if err := d.SQL.QueryRow(`SELECT opened_on FROM review_orders`).Scan(&opened); err != nil || opened != "2026-02-28" {
			t.Errorf("the 差评's order opened %q (%v), want 2026-02-28", opened, err)
		}
		var held int
		if err := d.SQL.QueryRow(`SELECT count(*) FROM reviews WHERE status = 'held' AND flags LIKE '%window%'`).Scan(&held); err != nil || held != 1 {
			t.Errorf("held out-of-window reviews: %d (%v), want 1", held, err)
		}
		before := f.written(t)
		_, err = f.svc.ImportReviews(ctx, f.actors["reviewer"], unit, []review.ReviewIn{
			{Number: "C001", Channel: "device", Level: "满意", ReviewedAt: "2026-02-27"},
			{Number: "C999", Channel: "device", Level: "满意", ReviewedAt: "2026-02-27"},
			{Number: "C004", Channel: "device", Level: "很好", ReviewedAt: "昨天"},
		}, "bad")
		want := "review.submit.reviewed@1:number review.submit.case_unknown@2:number review.import.level_invalid@3:level " +
			"review.import.time_invalid@3:reviewed_at"
		if got := problems(err); got != want {
			t.Errorf("bad batch:\n got %s\nwant %s", got, want)
		}
		if f.written(t) != before {
			t.Errorf("a bad batch wrote rows")
		}
	})
}
