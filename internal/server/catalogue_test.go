package server

import (
	"net/http"
	"strings"
	"testing"

	"kaohe/internal/db"
	"kaohe/internal/db/dbtest"
	"kaohe/internal/demo"
)

// TestCataloguePage lists the demo's data catalogue: each item with its
// owner department, definition, frequency, the schemes and indicators that
// use it and its last update; a search narrows it; the readers of schemes
// see it, the others do not.
func TestCataloguePage(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		sum, err := demo.Build(t.Context(), d, demo.Options{Seed: 1, Scale: 1})
		if err != nil {
			t.Fatalf("build demo: %v", err)
		}
		f := &fixture{db: d}
		f.start(t)
		clients := map[string]*http.Client{}
		for _, l := range sum.Logins {
			clients[l.Login] = f.signInWith(t, l.Login, l.Password)
		}
		res, body := f.get(t, clients["kaoheban"], "/catalogue")
		for _, want := range []string{"地表水达到或好于Ⅲ类水体比例", "青州市生态环境局", `href="/items/WATER_QUALITY"`, "年度", "县（市、区）", "· 地表水达到或好于Ⅲ类水体比例",
			"个对象有现值", `href="/schemes/streamline"`} {
			if res.StatusCode != http.StatusOK || !strings.Contains(body, want) {
				t.Errorf("catalogue: %d, missing %q", res.StatusCode, want)
			}
		}
		// The rates the platform publishes (好差评, delivery) are listed but
		// edited by nobody: no link to a page that would answer 404.
		for _, item := range []string{"review.good_rate", "TRACK_DELIVERY_TEAM"} {
			if !strings.Contains(body, `id="item-`+item+`"`) || strings.Contains(body, `href="/items/`+item+`"`) {
				t.Errorf("catalogue: %s should be listed without a link", item)
			}
		}
		if _, body := f.get(t, clients["lingdao"], "/catalogue"); strings.Contains(body, `href="/items/`) {
			t.Error("a viewer's catalogue links to the item pages it may not open")
		}
		_, body = f.get(t, clients["kaoheban"], "/catalogue?q=PM2.5")
		if !strings.Contains(body, `id="item-PM25"`) || strings.Contains(body, `id="item-WATER_QUALITY"`) {
			t.Errorf("search PM2.5: %s", body)
		}
		for login, status := range map[string]int{"kaohezu": http.StatusOK, "lingdao": http.StatusOK, "tongji": http.StatusNotFound,
			"jiwei": http.StatusNotFound, "ganbu": http.StatusNotFound} {
			if res, _ := f.get(t, clients[login], "/catalogue"); res.StatusCode != status {
				t.Errorf("%s: got %d, want %d", login, res.StatusCode, status)
			}
		}
	})
}
