package server

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"kaohe/internal/auth"
	"kaohe/internal/collect"
	"kaohe/internal/db"
	"kaohe/internal/db/dbtest"
	"kaohe/internal/review"
)

// TestReviewConfigPage saves a jurisdiction's review scheme from the
// office's page; a bad form writes nothing and names the field; the city
// office may not keep the holiday calendar, the province's may.
func TestReviewConfigPage(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		office := f.signIn(t, "office")
		city := db.FormatID(f.units["330100"].ID)
		form := url.Values{"unit": {city}, "window_days": {"20"}, "invite_days": {"2"}, "default_days": {"15"}, "default_level": {"satisfied"},
			"points.very_satisfied": {"100"}, "points.satisfied": {"80"}, "points.fair": {"60"}, "points.unsatisfied": {"30"},
			"points.very_unsatisfied": {"0"}}
		if res := f.post(t, office, "/review/config", form); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("save: got %d", res.StatusCode)
		}
		rs := review.NewService(d, auth.Policy{}, collect.NewService(d, auth.Policy{}))
		cfg, err := rs.ConfigOf(context.Background(), auth.SystemActor("test"), f.units["330102"].ID)
		if err != nil || cfg.WindowDays != 20 || cfg.DefaultDays != 15 || cfg.DefaultLevel != review.Satisfied || cfg.Points[review.Unsatisfied] != 30 {
			t.Errorf("the county's scheme after the city's save: %+v (%v)", cfg, err)
		}
		form.Set("window_days", "0")
		res, body := postForm(t, f, office, "/review/config", form)
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "评价期限应为 1 至 366 天") {
			t.Errorf("a bad window: got %d\n%.300s", res.StatusCode, pageText(body))
		}
		days := url.Values{"unit": {city}, "from": {"2026-10-01"}, "to": {"2026-10-08"}, "days": {"2026-10-01 国庆节\n2026-10-02 国庆节"}}
		if res, body := postForm(t, f, office, "/review/holidays", days); res.StatusCode != http.StatusForbidden {
			t.Errorf("the city office kept the calendar: got %d\n%.300s", res.StatusCode, pageText(body))
		}
	})
}
