package survey_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"kaohe/internal/auth"
	"kaohe/internal/db"
	"kaohe/internal/db/dbtest"
	"kaohe/internal/survey"
)

// TestSealedBallotsNeedTheirKey casts a ballot through a service that
// keeps its keys in a directory, then closes the evaluation from a new
// service, as after a restart: without the directory closing fails and
// leaves the evaluation open with its ballot sealed; with it the ballot is
// opened and counted, and the key file is gone.
func TestSealedBallotsNeedTheirKey(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d, 1)
		dir := t.TempDir()
		if err := f.s.SetKeyDir(dir); err != nil {
			t.Fatal(err)
		}
		e, codes := f.evaluation(t, survey.Rules{}, twoGroups, map[survey.GroupCode]int{survey.GroupSuperior: 1})
		if err := f.s.Submit(ctx, codes[survey.GroupSuperior][0].Code, survey.Submission{Answers: fill(e, second)}); err != nil {
			t.Fatal(err)
		}
		key := filepath.Join(dir, db.FormatID(e.ID)+".key")
		if _, err := os.Stat(key); err != nil {
			t.Fatalf("no key file after the first ballot: %v", err)
		}
		if _, err := survey.NewService(d, auth.Policy{}).Close(ctx, sys, e.ID); err == nil {
			t.Fatal("closed without the key; the sealed ballot would be lost")
		}
		restarted := survey.NewService(d, auth.Policy{})
		if err := restarted.SetKeyDir(dir); err != nil {
			t.Fatal(err)
		}
		if _, err := restarted.Close(ctx, sys, e.ID); err != nil {
			t.Fatal(err)
		}
		var n int
		if err := d.View(ctx, func(tx *db.Tx) (err error) { n, err = survey.BallotCount(ctx, tx, e.ID); return err }); err != nil || n != 1 {
			t.Fatalf("got %d ballots (%v), want 1", n, err)
		}
		if err := d.SQL.QueryRow(`SELECT count(*) FROM ballots`).Scan(&n); err != nil || n != 1 {
			t.Fatalf("got %d opened ballots (%v), want 1", n, err)
		}
		if _, err := os.Stat(key); !os.IsNotExist(err) {
			t.Fatalf("the key file is left after closing: %v", err)
		}
	})
}
