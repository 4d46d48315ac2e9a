package track

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"kaohe/internal/audit"
	"kaohe/internal/auth"
	"kaohe/internal/collect"
	"kaohe/internal/db"
	"kaohe/internal/errs"
)

// EntryFile is an evidence file of a ledger entry.
type EntryFile struct {
	ID, EntryID               int64
	Name, ContentType, SHA256 string
	Size                      int64
	CreatedAt                 time.Time
}

// AttachToEntry adds evidence files to ledger entry id — when the entry
// is made, or later as the proof arrives. Each is checked for type and
// size (collect.CheckUpload), at most MaxFiles at once, all or none. The
// actor needs ActLedgerWrite on the entry's unit; an entry the actor may
// not read is not found.
func (s *Service) AttachToEntry(ctx context.Context, a *auth.Actor, id int64, ups []Upload) ([]*EntryFile, error) {
	if err := signedIn(a); err != nil {
		return nil, err
	}
	if len(ups) == 0 {
		return nil, errs.Field("files", "track.evidence.required", "choose one or more files")
	}
	if l := uploadProblems(ups); len(l) > 0 {
		return nil, l
	}
	var out []*EntryFile
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		e, err := s.readableEntry(ctx, tx, a, id)
		if err != nil {
			return err
		}
		if err := s.pol.Authorize(a, auth.ActLedgerWrite, e.unitPath); err != nil {
			return err
		}
		var fs []map[string]any
		for _, u := range ups {
			ctype, x := collect.CheckUpload("files", "track.evidence.", u.Name, u.Data)
			if x != nil {
				return x
			}
			sum := sha256.Sum256(u.Data)
			f := &EntryFile{ID: db.NewID(), EntryID: id, Name: strings.TrimSpace(u.Name), ContentType: ctype, Size: int64(len(u.Data)),
				SHA256: hex.EncodeToString(sum[:]), CreatedAt: tx.Now}
			if _, err := tx.ExecContext(ctx, `INSERT INTO ledger_files (id, entry_id, name, content_type, size, sha256, content, uploader_id,
				created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, f.ID, id, f.Name, f.ContentType, f.Size, f.SHA256,
				base64.StdEncoding.EncodeToString(u.Data), a.UserID, tx.Now.UnixMicro()); err != nil {
				return fmt.Errorf("store ledger evidence: %w", err)
			}
			out = append(out, f)
			fs = append(fs, map[string]any{"name": f.Name, "type": f.ContentType, "size": f.Size, "sha256": f.SHA256})
		}
		return auth.Record(ctx, tx, a, audit.Event{Action: "ledger.evidence", ObjectType: "ledger_entry", ObjectID: db.FormatID(id),
			UnitPath: e.unitPath, After: map[string]any{"title": e.Title, "files": fs}})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// readableEntry reads ledger entry id for a, who must read the ledger of
// its unit; NotFound otherwise.
func (s *Service) readableEntry(ctx context.Context, tx *db.Tx, a *auth.Actor, id int64) (*Entry, error) {
	es, err := entries(ctx, tx, `e.id = $1`, []any{id})
	if err != nil {
		return nil, err
	}
	if len(es) == 0 || s.pol.Authorize(a, auth.ActLedgerRead, es[0].unitPath) != nil {
		return nil, errs.NoSuch("ledger entry")
	}
	return es[0], nil
}

// EntryEvidence returns evidence file id of a ledger entry and its
// content to whoever may read the entry; NotFound for anyone else.
func (s *Service) EntryEvidence(ctx context.Context, a *auth.Actor, id int64) (*EntryFile, []byte, error) {
	if err := signedIn(a); err != nil {
		return nil, nil, err
	}
	f := &EntryFile{ID: id}
	var data []byte
	err := s.db.View(ctx, func(tx *db.Tx) error {
		var content string
		var created int64
		err := tx.QueryRowContext(ctx, `SELECT entry_id, name, content_type, size, sha256, content, created_at FROM ledger_files
			WHERE id = $1`, id).Scan(&f.EntryID, &f.Name, &f.ContentType, &f.Size, &f.SHA256, &content, &created)
		if errors.Is(err, sql.ErrNoRows) {
			return errs.NoSuch("evidence")
		}
		if err != nil {
			return fmt.Errorf("read ledger evidence: %w", err)
		}
		if _, err := s.readableEntry(ctx, tx, a, f.EntryID); err != nil {
			return errs.NoSuch("evidence")
		}
		f.CreatedAt = db.Micros(created)
		if data, err = base64.StdEncoding.DecodeString(content); err != nil {
			return fmt.Errorf("ledger evidence %d: stored content: %w", id, err)
		}
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	return f, data, nil
}

// entryFiles fills the evidence files (without content) of es.
func entryFiles(ctx context.Context, tx *db.Tx, es []*Entry) error {
	if len(es) == 0 {
		return nil
	}
	at := make(map[int64]*Entry, len(es))
	ids := make([]int64, len(es))
	for i, e := range es {
		at[e.ID], ids[i] = e, e.ID
	}
	var args []any
	return db.EachRow(ctx, tx, `SELECT id, entry_id, name, content_type, size, sha256, created_at FROM ledger_files
		WHERE entry_id IN (`+db.In(&args, ids)+`) ORDER BY created_at, id`, args, func(scan func(...any) error) error {
		f := &EntryFile{}
		var created int64
		if err := scan(&f.ID, &f.EntryID, &f.Name, &f.ContentType, &f.Size, &f.SHA256, &created); err != nil {
			return err
		}
		f.CreatedAt = db.Micros(created)
		if e := at[f.EntryID]; e != nil {
			e.Files = append(e.Files, f)
		}
		return nil
	})
}
