package server

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"kaohe/internal/db"
	"kaohe/internal/db/dbtest"
	"kaohe/internal/demo"
)

// TestLedgerEvidencePage uploads evidence to an entry of the demo's work
// ledger as the city's office: the page lists the file, which reads back
// byte for byte; a program is refused in Chinese naming the file; a
// leader, who reads the ledger, may not upload.
func TestLedgerEvidencePage(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		sum, err := demo.Build(t.Context(), d, demo.Options{Seed: 1, Scale: 1})
		if err != nil {
			t.Fatalf("build demo: %v", err)
		}
		f := &fixture{db: d}
		f.start(t)
		pw := map[string]string{}
		for _, l := range sum.Logins {
			pw[l.Login] = l.Password
		}
		office := f.signInWith(t, "kaoheban", pw["kaoheban"])
		res, page := f.get(t, office, "/ledger")
		form := regexp.MustCompile(`action="(/ledger/\d+/evidence)"`).FindStringSubmatch(page)
		if res.StatusCode != http.StatusOK || form == nil {
			t.Fatalf("ledger: %d, no evidence form", res.StatusCode)
		}
		upload := func(c *http.Client, name string, data []byte) (*http.Response, string) {
			var buf bytes.Buffer
			mw := multipart.NewWriter(&buf)
			fw, _ := mw.CreateFormFile("files", name)
			fw.Write(data)
			mw.Close()
			return f.send(t, c, form[1], mw.FormDataContentType(), buf.Bytes())
		}
		pdf := []byte("%PDF-1.4\n%%EOF\n")
		res, _ = upload(office, "开工现场照片说明.pdf", pdf)
		if loc := res.Header.Get("Location"); res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/ledger?flash=ledger_evidence_saved") {
			t.Fatalf("upload: %d %s", res.StatusCode, loc)
		}
		_, page = f.get(t, office, "/ledger?flash=ledger_evidence_saved")
		link := regexp.MustCompile(`href="(` + regexp.QuoteMeta(form[1]) + `/\d+)">开工现场照片说明.pdf</a>`).FindStringSubmatch(page)
		if link == nil || !strings.Contains(page, "佐证材料已上传") {
			t.Fatalf("the file is not listed")
		}
		if res, body := f.get(t, office, link[1]); res.StatusCode != http.StatusOK || body != string(pdf) {
			t.Errorf("download: %d %q", res.StatusCode, body)
		}
		if res, body := upload(office, "setup.exe", []byte("MZ\x90\x00")); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "setup.exe") {
			t.Errorf("a program: %d", res.StatusCode)
		}
		leader := f.signInWith(t, "lingdao", pw["lingdao"])
		if res, _ := f.get(t, leader, link[1]); res.StatusCode != http.StatusOK {
			t.Errorf("the leader reads the evidence: %d", res.StatusCode)
		}
		if res, _ := upload(leader, "a.pdf", pdf); res.StatusCode != http.StatusForbidden {
			t.Errorf("the leader uploads: %d", res.StatusCode)
		}
	})
}
