package server

import (
	"bytes"
	"context"
	"fmt"
	"image/png"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"kaohe/internal/auth"
	"kaohe/internal/collect"
	"kaohe/internal/cycle"
	"kaohe/internal/db"
	"kaohe/internal/db/dbtest"
	"kaohe/internal/demo"
	"kaohe/internal/feedback"
	"kaohe/internal/sources"
)

// TestFeedbackPDF prints a released report through Chromium and reads the
// PDF back with poppler: pdftotext finds the issuer, the 文号, the title,
// the result and the page footer; pdftoppm renders page 1 as a PNG with
// the red header on it. Another county's cadre may not download it.
func TestFeedbackPDF(t *testing.T) {
	for _, tool := range []string{"pdftotext", "pdftoppm"} {
		if _, err := exec.LookPath(tool); err != nil {
			dbtest.Missing(t, tool+" (poppler-utils)")
		}
	}
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		sum, err := demo.Build(ctx, d, demo.Options{Seed: 1, Scale: 1})
		if err != nil {
			t.Fatalf("build demo: %v", err)
		}
		f := &fixture{db: d}
		f.startFeedback(t)
		sys := auth.SystemActor("test")
		fb := feedback.NewService(d, auth.Policy{}, cycle.NewService(d, auth.Policy{}, sources.Cycle()), collect.NewService(d, auth.Policy{}))
		var cycleID, id int64
		if err := d.SQL.QueryRow(`SELECT id FROM cycles WHERE code = 'qingzhou-county-2024'`).Scan(&cycleID); err != nil {
			t.Fatal(err)
		}
		if _, err := fb.Draft(ctx, sys, cycleID); err != nil {
			t.Fatal(err)
		}
		if err := d.SQL.QueryRow(`SELECT id FROM feedback_reports WHERE cycle_id = $1 AND name = '清河区'`, cycleID).Scan(&id); err != nil {
			t.Fatal(err)
		}
		if _, err := fb.SetRecommendations(ctx, sys, id, []string{"巩固生态环境保护成效。", "补齐民生短板。"}); err != nil {
			t.Fatal(err)
		}
		rep, err := fb.Release(ctx, sys, id)
		if err != nil {
			t.Fatal(err)
		}
		pw := map[string]string{}
		for _, l := range sum.Logins {
			pw[l.Login] = l.Password
		}
		office := f.signInWith(t, "kaoheban", pw["kaoheban"])
		res, body := f.get(t, office, fmt.Sprintf("/feedback/%d/report.pdf", id))
		if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(body, "%PDF-") {
			t.Fatalf("PDF: status %d, type %q, %.40q\n%s", res.StatusCode, res.Header.Get("Content-Type"), body, f.logs)
		}
		dir := t.TempDir()
		file := filepath.Join(dir, "report.pdf")
		if err := os.WriteFile(file, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command("pdftotext", "-layout", file, "-").Output()
		if err != nil {
			t.Fatalf("pdftotext: %v", err)
		}
		// Layout spacing varies: compare without spaces.
		txt := strings.Join(strings.Fields(string(out)), "")
		for _, want := range []string{"中共青州市委组织部", rep.DocNo, "关于清河区", "反馈意见", "考核结果", rep.Content.Grade,
			"主要成绩", "存在问题", "整改建议", "补齐民生短板", "（盖章）", "第1页共"} {
			if !strings.Contains(txt, want) {
				t.Errorf("the PDF's text lacks %q:\n%s", want, txt)
			}
		}
		info, err := exec.Command("pdfinfo", file).Output()
		if err == nil && !strings.Contains(string(info), "595.") {
			t.Errorf("not A4 (595 pt wide): %s", info)
		}
		if err := exec.Command("pdftoppm", "-png", "-r", "50", "-f", "1", "-l", "1", file, filepath.Join(dir, "page")).Run(); err != nil {
			t.Fatalf("pdftoppm: %v", err)
		}
		pages, _ := filepath.Glob(filepath.Join(dir, "page*.png"))
		if len(pages) != 1 {
			t.Fatalf("rendered pages: %v", pages)
		}
		data, err := os.ReadFile(pages[0])
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		// The issuer's line is red: the top tenth of page 1 holds red pixels.
		b, red := img.Bounds(), 0
		for y := b.Min.Y; y < b.Min.Y+b.Dy()/10; y++ {
			for x := b.Min.X; x < b.Max.X; x++ {
				r, g, bl, _ := img.At(x, y).RGBA()
				if r>>8 > 150 && g>>8 < 90 && bl>>8 < 90 {
					red++
				}
			}
		}
		if red < 50 {
			t.Errorf("page 1 has %d red pixels in its header, want the red 文头", red)
		}
		// Only the owner and the office in scope: another county's cadre
		// is refused.
		res, _ = f.get(t, f.signInWith(t, "ganbu", pw["ganbu"]), fmt.Sprintf("/feedback/%d/report.pdf", id))
		if res.StatusCode != http.StatusOK {
			t.Errorf("the owner's cadre: got %d\n%s", res.StatusCode, f.logs)
		}
		var other int64
		if err := d.SQL.QueryRow(`SELECT id FROM feedback_reports WHERE cycle_id = $1 AND name <> '清河区' LIMIT 1`, cycleID).Scan(&other); err != nil {
			t.Fatal(err)
		}
		res, _ = f.get(t, f.signInWith(t, "ganbu", pw["ganbu"]), fmt.Sprintf("/feedback/%d/report.pdf", other))
		if res.StatusCode != http.StatusNotFound {
			t.Errorf("another county's draft: got %d, want 404", res.StatusCode)
		}
	})
}
