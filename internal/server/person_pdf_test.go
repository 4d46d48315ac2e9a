package server

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"kaohe/internal/auth"
	"kaohe/internal/collect"
	"kaohe/internal/db"
	"kaohe/internal/db/dbtest"
	"kaohe/internal/demo"
	"kaohe/internal/track"
)

// archiveFirstRow finds the first result of the cadre page's own
// archive: the cycle's name and the grade.
var archiveFirstRow = regexp.MustCompile(`(?s)<table class="archive" id="person">.*?<tbody><tr>\s*<td><a href="[^"]*">([^<]+)</a></td><td>[^<]*</td><td>[^<]*</td><td class="num">[^<]*</td>\s*<td>([^<]+)`)

// TestPersonArchivePDF prints the demo cadre's archive (干部实绩档案)
// through Chromium for the office and for the cadre herself, and for the
// office as of a day before the demo was built, and reads each PDF back
// with pdftotext: it holds the title, her name, the print date and page
// footer; now, the cycle and grade her page shows first, her first
// commitment and ledger entry, which her page shows too, the commitment
// linked; as of the day, the 截至 label, no result, commitment or entry
// and the sections' words for none, as the as-of page shows none. The
// document carries no ID. A body outside her county and the cadre on
// someone else's archive get 404; a server without a browser shows no
// link and answers the PDF with its reason.
func TestPersonArchivePDF(t *testing.T) {
	if _, err := exec.LookPath("pdftotext"); err != nil {
		dbtest.Missing(t, "pdftotext (poppler-utils)")
	}
	if os.Getenv("KAOHE_TEST_CHROMIUM") == "" {
		dbtest.Missing(t, "Chromium (KAOHE_TEST_CHROMIUM)")
	}
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		sum, err := demo.Build(context.Background(), d, demo.Options{Seed: 1, Scale: 1})
		if err != nil {
			t.Fatalf("build demo: %v", err)
		}
		f := &fixture{db: d}
		f.startFeedback(t)
		logins := map[string]demo.Login{}
		for _, l := range sum.Logins {
			logins[l.Login] = l
		}
		signIn := func(f *fixture, login string) *http.Client { return f.signInWith(t, login, logins[login].Password) }
		cadre := logins["ganbu"]
		page := fmt.Sprintf("/people/%d", cadre.PersonID)
		office := signIn(f, "kaoheban")
		_, html := f.get(t, office, page)
		m := archiveFirstRow.FindStringSubmatch(html)
		if m == nil {
			t.Fatalf("the cadre page shows no result of her own:\n%s", html)
		}
		cycleName, grade := m[1], strings.TrimSpace(m[2])
		if want := `href="` + page + `/archive.pdf" id="pdf-link"`; !strings.Contains(html, want) {
			t.Errorf("the page lacks the PDF link %s", want)
		}
		tracks := track.NewService(d, auth.Policy{}, collect.NewService(d, auth.Policy{}))
		ar, err := tracks.ArchiveOf(context.Background(), auth.SystemActor("test"), cadre.PersonID, "")
		if err != nil || len(ar.Commitments) == 0 || len(ar.Entries) == 0 {
			t.Fatalf("the demo cadre's commitments and ledger: %v", err)
		}
		pledge, entry := ar.Commitments[0], ar.Entries[0].Title
		for _, want := range []string{fmt.Sprintf(`<a href="/commitments/%d">%s</a>`, pledge.ID, pledge.Title), entry} {
			if !strings.Contains(html, want) {
				t.Errorf("the page lacks %s", want)
			}
		}
		clients := map[string]*http.Client{"kaoheban": office, "ganbu": signIn(f, "ganbu")}
		for _, tt := range []struct {
			login, asOf  string
			want, absent []string
		}{
			{"kaoheban", "", []string{cycleName, grade, pledge.Title, entry}, nil},
			{"ganbu", "", []string{cycleName, grade, pledge.Title, entry}, nil},
			{"kaoheban", "2020-01-01", []string{"以下为截至2020年1月1日掌握的情况", "暂无本人的承诺事项", "暂无本人的工作台账记录"},
				[]string{cycleName, pledge.Title, entry}},
		} {
			path := page + "/archive.pdf"
			if tt.asOf != "" {
				path += "?asof=" + tt.asOf
				if _, html := f.get(t, clients[tt.login], page+"?asof="+tt.asOf); archiveFirstRow.MatchString(html) ||
					strings.Contains(html, pledge.Title) || strings.Contains(html, entry) ||
					!strings.Contains(html, `href="`+path+`" id="pdf-link"`) {
					t.Errorf("%s %s: the as-of page shows a result, a commitment or an entry, or lacks the as-of PDF link", tt.login, tt.asOf)
				}
			}
			txt := pdfText(t, f, clients[tt.login], path)
			for _, want := range append([]string{"干部实绩档案", cadre.Name, "打印日期", "任职经历", "历次考核结果", "第1页共"}, tt.want...) {
				if !strings.Contains(txt, strings.Join(strings.Fields(want), "")) {
					t.Errorf("%s %s: the PDF's text lacks %q:\n%s", tt.login, path, want, txt)
				}
			}
			for _, absent := range append([]string{strconv.FormatInt(cadre.PersonID, 10), "/people/"}, tt.absent...) {
				if strings.Contains(txt, strings.Join(strings.Fields(absent), "")) {
					t.Errorf("%s %s: the PDF's text holds %q", tt.login, path, absent)
				}
			}
		}
		// Outside her county, and another cadre's archive, read as nothing.
		var other int64
		if err := d.SQL.QueryRow(`SELECT id FROM people WHERE id <> $1 ORDER BY id LIMIT 1`, cadre.PersonID).Scan(&other); err != nil {
			t.Fatal(err)
		}
		for _, tt := range []struct {
			login, path string
		}{
			{"shenji", page + "/archive.pdf"},
			{"ganbu", fmt.Sprintf("/people/%d/archive.pdf", other)},
		} {
			c := clients[tt.login]
			if c == nil {
				c = signIn(f, tt.login)
			}
			if res, _ := f.get(t, c, tt.path); res.StatusCode != http.StatusNotFound {
				t.Errorf("%s %s: got %d, want 404", tt.login, tt.path, res.StatusCode)
			}
		}
		// Without a browser: no link, and the PDF says why.
		bare := &fixture{db: d}
		bare.start(t)
		c := signIn(bare, "kaoheban")
		if _, html := bare.get(t, c, page); strings.Contains(html, `id="pdf-link"`) {
			t.Error("the page links the PDF without a browser to print with")
		}
		if res, html := bare.get(t, c, page+"/archive.pdf"); res.StatusCode != http.StatusConflict || !strings.Contains(html, "暂不能生成干部实绩档案 PDF") {
			t.Errorf("the PDF without a browser: got %d", res.StatusCode)
		}
	})
}

// pdfText fetches the PDF at path and returns its text as pdftotext
// reads it, without spaces, which the layout varies.
func pdfText(t *testing.T, f *fixture, c *http.Client, path string) string {
	t.Helper()
	res, body := f.get(t, c, path)
	if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(body, "%PDF-") {
		t.Fatalf("%s: status %d, type %q, %.40q\n%s", path, res.StatusCode, res.Header.Get("Content-Type"), body, f.logs)
	}
	file := filepath.Join(t.TempDir(), "archive.pdf")
	if err := os.WriteFile(file, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", "-layout", file, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return strings.Join(strings.Fields(string(out)), "")
}
