package server

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"kaohe/internal/auth"
	"kaohe/internal/db"
	"kaohe/internal/db/dbtest"
	"kaohe/internal/outcome"
)

// TestOutcomeAPI lists the proposals with their evidence and decides one
// through the API: the office decides, the leader reads but may not, the
// cadre reads none, a decision without a reason is refused naming it.
func TestOutcomeAPI(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		sys := auth.SystemActor("test")
		svc := outcome.NewService(d, auth.Policy{})
		for _, y := range []int{2023, 2024, 2025} {
			if err := svc.RecordGrade(ctx, sys, f.inPerson.ID, y, "优秀", fmt.Sprintf("甲组考〔%d〕3号", y)); err != nil {
				t.Fatal(err)
			}
		}
		ps, err := svc.Propose(ctx, sys, f.units["330100"].ID)
		if err != nil {
			t.Fatal(err)
		}
		var merit int64
		for _, p := range ps {
			if p.Action == outcome.ActMerit {
				merit = p.ID
			}
		}
		office, viewer, cadre := f.signIn(t, "office"), f.signIn(t, "viewer"), f.signIn(t, "cadre")
		res, body := f.get(t, viewer, "/api/v1/outcome/proposals?status=pending")
		if res.StatusCode != http.StatusOK || !strings.Contains(body, `"rule":"merit_three_excellent"`) ||
			!strings.Contains(body, `"source":"甲组考〔2023〕3号"`) {
			t.Errorf("the leader's list: %d %.300s", res.StatusCode, body)
		}
		if res, _ := f.get(t, cadre, "/api/v1/outcome/proposals"); res.StatusCode != http.StatusForbidden {
			t.Errorf("the cadre's list: got %d", res.StatusCode)
		}
		path := fmt.Sprintf("/api/v1/outcome/proposals/%d/decision", merit)
		browser := []string{"Origin", f.ts.URL, "Sec-Fetch-Site", "same-origin"}
		for _, tt := range []struct {
			c      *http.Client
			body   string
			status int
			field  string
		}{
			{viewer, `{"adopt": true, "reason": "同意"}`, http.StatusForbidden, ""},
			{office, `{"adopt": true}`, http.StatusUnprocessableEntity, "reason"},
			{office, `{"adopt": true, "reason": "经部务会研究同意"}`, http.StatusOK, ""},
			{office, `{"adopt": false, "reason": "再议"}`, http.StatusConflict, ""},
		} {
			status, got := f.postJSON(t, tt.c, path, tt.body, browser...)
			if status != tt.status || got.Error.Field != tt.field {
				t.Errorf("%s: got %d %q, want %d %q", tt.body, status, got.Error.Field, tt.status, tt.field)
			}
		}
		var st, reason string
		if err := d.SQL.QueryRow(`SELECT status, reason FROM outcome_proposals WHERE id = $1`, merit).Scan(&st, &reason); err != nil ||
			st != "adopted" || reason != "经部务会研究同意" {
			t.Errorf("stored: %s %q %v", st, reason, err)
		}
	})
}
