package collect_test

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"kaohe/internal/collect"
	"kaohe/internal/db"
	"kaohe/internal/db/dbtest"
	"kaohe/internal/errs"
)

func TestStatusAndReminders(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		must[*collect.Report](t)(f.s.Submit(ctx, f.statsUser, collect.Batch{Source: collect.SourceForm, Rows: rows("910102 GDP 2025 100", "910121 GDP 2025 50")}))
		must[*collect.Report](t)(f.s.Submit(ctx, f.ecoUser, collect.Batch{Source: collect.SourceForm, Rows: rows("910121 FOREST 2025 70")}))
		// dbtest's clock stands at 2026-03-02.
		if err := f.s.SetDeadline(ctx, f.office, "FOREST", "2025", "2026-02-28"); err != nil {
			t.Fatal(err)
		}
		if err := f.s.SetDeadline(ctx, f.statsUser, "GDP", "2025", "2026-02-28"); !errs.Is(err, errs.Forbidden) {
			t.Fatalf("provider setting a deadline: got %v, want Forbidden", err)
		}
		st := must[*collect.CollectionStatus](t)(f.s.Status(ctx, f.office, f.city.ID, "2025"))
		if len(st.Departments) != 2 {
			t.Fatalf("%d departments, want 2", len(st.Departments))
		}
		stats, eco := st.Departments[0], st.Departments[1]
		if stats.Name != "青州市统计局" || stats.Expected != 2 || stats.Submitted != 2 || stats.Overdue {
			t.Fatalf("统计局: %+v", stats)
		}
		if eco.Expected != 2 || eco.Submitted != 1 || !eco.Overdue || eco.Items[0].Missing[0] != "清河区" {
			t.Fatalf("生态环境局: %+v %+v", eco, eco.Items[0])
		}
		rs := st.Reminders()
		if len(rs) != 1 || rs[0].Item.Code != "FOREST" || !rs[0].Overdue || rs[0].Missing != 1 {
			t.Fatalf("reminders %+v", rs)
		}
		var buf bytes.Buffer
		if err := collect.WriteReminders(&buf, st); err != nil {
			t.Fatal(err)
		}
		wb := must[*excelize.File](t)(excelize.OpenReader(&buf))
		if v, _ := wb.GetCellValue("催报清单", "C3"); v != "FOREST" {
			t.Fatalf("reminder workbook C3 = %q", v)
		}
		// Providers and cadres see no status.
		if _, err := f.s.Status(ctx, f.statsUser, f.city.ID, "2025"); err == nil {
			t.Fatal("a provider read the collection status")
		}
	})
}

func TestReviewAndEvidence(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		must[*collect.Report](t)(f.s.Submit(ctx, f.statsUser, collect.Batch{Source: collect.SourceForm, Rows: rows("910102 GDP 2025 100")}))
		hist := must[[]*collect.Value](t)(f.s.History(ctx, f.statsUser, f.countyA.ID, "GDP", "2025"))
		if _, err := f.s.Review(ctx, f.statsUser, f.countyA.ID, "GDP", "2025", collect.StatusVerified, ""); !errs.Is(err, errs.NotFound) {
			t.Fatalf("provider verifying: got %v, want NotFound (the county is outside its sight)", err)
		}
		if _, err := f.s.Review(ctx, f.office, f.countyA.ID, "GDP", "2025", collect.StatusReturned, ""); !errs.Is(err, errs.Invalid) {
			t.Fatalf("return without reason: got %v, want Invalid", err)
		}
		v := must[*collect.Value](t)(f.s.Review(ctx, f.office, f.countyA.ID, "GDP", "2025", collect.StatusReturned, "与统计年鉴不符"))
		if v.Status != collect.StatusReturned || v.ID != hist[0].ID {
			t.Fatalf("reviewed %+v", v)
		}
		pdf := []byte("%PDF-1.4\n% test\n")
		ev := must[*collect.Evidence](t)(f.s.AttachEvidence(ctx, f.statsUser, f.countyA.ID, "GDP", "2025", "统计公报.pdf", pdf))
		got, data := must2(t)(f.s.EvidenceFile(ctx, f.office, ev.ID))
		if got.ContentType != "application/pdf" || !bytes.Equal(data, pdf) {
			t.Fatalf("evidence %+v", got)
		}
		for name, bad := range map[string][]byte{"exe": []byte("MZ\x90\x00"), "html": []byte("<html>"), "big": append([]byte("%PDF-"), make([]byte, collect.MaxEvidence)...)} {
			if _, err := f.s.AttachEvidence(ctx, f.statsUser, f.countyA.ID, "GDP", "2025", name+".pdf", bad); !errs.Is(err, errs.Invalid) {
				t.Fatalf("%s evidence: got %v, want Invalid", name, err)
			}
		}
		if _, err := f.s.AttachEvidence(ctx, f.ecoUser, f.countyA.ID, "GDP", "2025", "a.pdf", pdf); !errs.Is(err, errs.Forbidden) {
			t.Fatalf("another department's evidence: got %v, want Forbidden", err)
		}
		_ = time.Now
	})
}

func must2(t *testing.T) func(ev *collect.Evidence, data []byte, err error) (*collect.Evidence, []byte) {
	return func(ev *collect.Evidence, data []byte, err error) (*collect.Evidence, []byte) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return ev, data
	}
}

func TestEvidenceOf(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		must[*collect.Report](t)(f.s.Submit(ctx, f.statsUser, collect.Batch{Source: collect.SourceForm, Rows: rows("910102 GDP 2025 100")}))
		png := []byte("\x89PNG\r\n\x1a\n....")
		must[*collect.Evidence](t)(f.s.AttachEvidence(ctx, f.statsUser, f.countyA.ID, "GDP", "2025", "监测报告.png", png))
		list, err := f.s.EvidenceOf(ctx, f.statsUser, f.stats.ID, "2025")
		if err != nil || len(list) != 1 || list[0].EntityName != "清河区" || list[0].ContentType != "image/png" {
			t.Fatalf("evidence of 统计局: %v %+v", err, list)
		}
		if _, err := f.s.EvidenceOf(ctx, f.ecoUser, f.stats.ID, "2025"); err == nil {
			t.Fatal("生态环境局 listed 统计局's evidence")
		}
	})
}
