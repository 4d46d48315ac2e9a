package track_test

import (
	"bytes"
	"context"
	"errors"
	"testing"

	"kaohe/internal/db"
	"kaohe/internal/db/dbtest"
	"kaohe/internal/errs"
	"kaohe/internal/track"
)

// TestLedgerEvidence attaches evidence to an entry of 甲县's ledger: the
// file is listed with the entry and read back byte for byte by the
// ledger's readers; a file of the wrong type, too many files or none are
// refused naming the field and write nothing; who may read but not write
// is forbidden, who may not read finds nothing.
func TestLedgerEvidence(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		county := f.units["910102"].ID
		es := must[[]*track.Entry](t)(f.svc.AddEntries(ctx, f.actors["cadre"], []track.EntryDraft{
			{UnitID: county, Day: "2025-03-02", Kind: "project", Title: "新能源装备产业园一期开工"}}))
		id := es[0].ID
		files := must[[]*track.EntryFile](t)(f.svc.AttachToEntry(ctx, f.actors["cadre"], id,
			[]track.Upload{{Name: "立项批复.pdf", Data: pdf}}))
		if len(files) != 1 || files[0].ContentType != "application/pdf" || files[0].Size != int64(len(pdf)) {
			t.Fatalf("attached: %+v", files)
		}
		for _, login := range []string{"office", "viewer", "team"} {
			got := must[[]*track.Entry](t)(f.svc.Ledger(ctx, f.actors[login], track.LedgerFilter{UnitID: county}))
			if len(got) != 1 || len(got[0].Files) != 1 || got[0].Files[0].Name != "立项批复.pdf" {
				t.Errorf("%s reads %+v", login, got)
				continue
			}
			fl, data, err := f.svc.EntryEvidence(ctx, f.actors[login], got[0].Files[0].ID)
			if err != nil || !bytes.Equal(data, pdf) || fl.EntryID != id {
				t.Errorf("%s reads the file: %v %q", login, err, data)
			}
		}
		before := f.written(t)
		many := make([]track.Upload, track.MaxFiles+1)
		for i := range many {
			many[i] = track.Upload{Name: "a.pdf", Data: pdf}
		}
		for _, tc := range []struct {
			name  string
			login string
			ups   []track.Upload
			want  string
		}{
			{"a program", "cadre", []track.Upload{{Name: "a.exe", Data: []byte("MZ\x90\x00")}}, "files"},
			{"too many", "cadre", many, "files"},
			{"none", "cadre", nil, "files"},
			{"a reader", "viewer", []track.Upload{{Name: "a.pdf", Data: pdf}}, "f"},
			{"another city", "yi.office", []track.Upload{{Name: "a.pdf", Data: pdf}}, "n"},
			{"a provider", "provider", []track.Upload{{Name: "a.pdf", Data: pdf}}, "n"},
		} {
			_, err := f.svc.AttachToEntry(ctx, f.actors[tc.login], id, tc.ups)
			got := string(answer(err))
			if len(tc.want) > 1 {
				got = problemField(err)
			}
			if got != tc.want {
				t.Errorf("%s: got %s (%v), want %s", tc.name, got, err, tc.want)
			}
		}
		if n := f.written(t); n != before {
			t.Errorf("refused evidence wrote %d rows", n-before)
		}
		if _, _, err := f.svc.EntryEvidence(ctx, f.actors["yi.office"], files[0].ID); answer(err) != 'n' {
			t.Errorf("another city's office reads the file: %v", err)
		}
	})
}

// problemField is the field of err's first problem.
func problemField(err error) string {
	var e *errs.Error
	if !errors.As(err, &e) {
		return "not coded"
	}
	return e.Field
}
