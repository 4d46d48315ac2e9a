package server

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"kaohe/internal/auth"
	"kaohe/internal/db"
	"kaohe/internal/db/dbtest"
)

// TestShareTokenForm issues a sharing token on the token page as the
// office: the token is shown once and reads the sharing routes; a form
// without the system is refused naming it; a viewer has no form and may
// not issue one.
func TestShareTokenForm(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		office := f.signIn(t, string(auth.RoleOffice))
		city := f.units["330100"].ID
		form := url.Values{"name": {"干部系统"}, "system": {"甲市干部管理信息系统"}, "unit": {db.FormatID(city)}, "results": {"1"},
			"ttl": {"720h"}}
		res, body := f.postForm(t, office, "/tokens/share", form)
		secret := regexp.MustCompile(`id="token-secret" value="(kaohe_[^"]+)"`).FindStringSubmatch(body)
		if res.StatusCode != http.StatusOK || secret == nil || !strings.Contains(body, "共享给 甲市干部管理信息系统，范围 甲市") ||
			!strings.Contains(body, "已发布的考核结果") {
			t.Fatalf("issue: %d %s", res.StatusCode, body)
		}
		if code, _ := f.withToken(t, http.MethodGet, "/api/v1/share/cycles", secret[1], ""); code != http.StatusOK {
			t.Errorf("the issued token reads share/cycles: %d", code)
		}
		if code, _ := f.withToken(t, http.MethodGet, "/api/v1/me", secret[1], ""); code != http.StatusForbidden {
			t.Errorf("the issued token reads /me: %d", code)
		}
		reads := regexp.MustCompile(`href="(/tokens/\d+/reads)"`).FindStringSubmatch(body)
		if reads == nil {
			t.Fatal("no link to the token's reads")
		}
		if res, body := f.get(t, office, reads[1]); res.StatusCode != http.StatusOK || !strings.Contains(body, "/api/v1/share/cycles") ||
			!strings.Contains(body, "<td class=\"num\">403</td>") {
			t.Errorf("reads: %d %s", res.StatusCode, body)
		}
		viewerReads := f.signIn(t, string(auth.RoleViewer))
		// A page of an object refused reads as not found (decision 0161).
		if res, _ := f.get(t, viewerReads, reads[1]); res.StatusCode != http.StatusNotFound {
			t.Errorf("a viewer read the reads: %d", res.StatusCode)
		}
		form.Set("items", "GDP、NOPE")
		if res, body := f.postForm(t, office, "/tokens/share", form); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "数据目录中没有数据项 GDP") {
			t.Errorf("unknown items: %d", res.StatusCode)
		}
		form.Set("items", "")
		form.Set("system", "")
		if res, body := f.postForm(t, office, "/tokens/share", form); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "使用系统的名称") {
			t.Errorf("no system: %d", res.StatusCode)
		}
		viewer := f.signIn(t, string(auth.RoleViewer))
		if _, body := f.get(t, viewer, "/tokens"); strings.Contains(body, `id="share-form"`) {
			t.Error("a viewer sees the sharing form")
		}
		form.Set("system", "x")
		if res, _ := f.postForm(t, viewer, "/tokens/share", form); res.StatusCode != http.StatusForbidden {
			t.Errorf("a viewer issued a sharing token: %d", res.StatusCode)
		}
	})
}
