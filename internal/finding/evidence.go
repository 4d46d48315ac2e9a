package finding

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

// MaxFiles is the most evidence files one finding holds; each is at most
// collect.MaxEvidence bytes, of the types collect.SniffEvidence
// recognises.
const MaxFiles = 10

// Upload is an evidence file as uploaded.
type Upload struct {
	Name string
	Data []byte
}

// File is an evidence file of a finding.
type File struct {
	ID          int64
	FindingID   int64
	Name        string
	ContentType string
	Size        int64
	SHA256      string
	CreatedAt   time.Time
}

// check validates an upload and returns its content type; the error
// names the file.
func (u *Upload) check() (string, *errs.Error) {
	return collect.CheckUpload("files", "finding.evidence.", u.Name, u.Data)
}

// uploadProblems checks uploads that would bring a finding holding held
// files to more than MaxFiles.
func uploadProblems(ups []Upload, held int) errs.List {
	var l errs.List
	if held+len(ups) > MaxFiles {
		e := errs.Field("files", "finding.evidence.too_many", fmt.Sprintf("a finding holds at most %d files", MaxFiles))
		e.Args = map[string]any{"max": MaxFiles}
		l.Add(e)
	}
	for i := range ups {
		if _, e := ups[i].check(); e != nil {
			l.Add(e)
		}
	}
	return l
}

// storeFiles stores the uploads of finding id.
func storeFiles(ctx context.Context, tx *db.Tx, a *auth.Actor, id int64, ups []Upload) ([]*File, error) {
	var out []*File
	for i := range ups {
		u := &ups[i]
		ctype, e := u.check()
		if e != nil {
			return nil, e
		}
		sum := sha256.Sum256(u.Data)
		f := &File{ID: db.NewID(), FindingID: id, Name: strings.TrimSpace(u.Name), ContentType: ctype, Size: int64(len(u.Data)),
			SHA256: hex.EncodeToString(sum[:]), CreatedAt: tx.Now}
		if _, err := tx.ExecContext(ctx, `INSERT INTO finding_evidence (id, finding_id, name, content_type, size, sha256, content,
			uploader_id, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, f.ID, id, f.Name, f.ContentType, f.Size, f.SHA256,
			base64.StdEncoding.EncodeToString(u.Data), a.UserID, tx.Now.UnixMicro()); err != nil {
			return nil, fmt.Errorf("store evidence: %w", err)
		}
		out = append(out, f)
	}
	return out, nil
}

// fileSummaries are files as the audit log records them.
func fileSummaries(fs []*File) []map[string]any {
	var out []map[string]any
	for _, f := range fs {
		out = append(out, map[string]any{"name": f.Name, "type": f.ContentType, "size": f.Size, "sha256": f.SHA256})
	}
	return out
}

// filesOf reads the descriptions of finding id's files, oldest first.
func filesOf(ctx context.Context, tx *db.Tx, id int64) ([]*File, error) {
	var out []*File
	err := db.EachRow(ctx, tx, `SELECT id, name, content_type, size, sha256, created_at FROM finding_evidence WHERE finding_id = $1
		ORDER BY created_at, id`, []any{id}, func(scan func(...any) error) error {
		f := &File{FindingID: id}
		var created int64
		if err := scan(&f.ID, &f.Name, &f.ContentType, &f.Size, &f.SHA256, &created); err != nil {
			return err
		}
		f.CreatedAt = db.Micros(created)
		out = append(out, f)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read finding evidence: %w", err)
	}
	return out, nil
}

// AttachEvidence adds files to finding id, with an optional reason. The
// actor needs ActFindingWrite on the finding's body; the finding must be
// active. Bad files write nothing and return every problem (errs.List).
func (s *Service) AttachEvidence(ctx context.Context, a *auth.Actor, id int64, ups []Upload, reason string) ([]*File, error) {
	if err := signedIn(a); err != nil {
		return nil, err
	}
	reason = strings.TrimSpace(reason)
	if len(ups) == 0 {
		return nil, errs.Field("files", "finding.evidence.none", "choose the files to attach")
	}
	if e := errs.CheckText("reason", "finding.reason", "the reason", reason, maxReason, false); e != nil {
		return nil, e
	}
	var out []*File
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		f, err := s.writable(ctx, tx, a, id)
		if err != nil {
			return err
		}
		held, err := filesOf(ctx, tx, id)
		if err != nil {
			return err
		}
		if l := uploadProblems(ups, len(held)); len(l) > 0 {
			return l
		}
		if out, err = storeFiles(ctx, tx, a, id, ups); err != nil {
			return err
		}
		if err := touch(ctx, tx, id); err != nil {
			return err
		}
		return auth.Record(ctx, tx, a, audit.Event{Action: "finding.attach", ObjectType: "finding", ObjectID: db.FormatID(id),
			UnitPath: f.unitPath, After: map[string]any{"files": fileSummaries(out)}, Reason: reason})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// EvidenceFile returns evidence file id and its content, to whoever may
// read its finding.
func (s *Service) EvidenceFile(ctx context.Context, a *auth.Actor, id int64) (*File, []byte, error) {
	return s.storedFile(ctx, a, id, `SELECT finding_id, name, content_type, size, sha256, content, created_at FROM finding_evidence
		WHERE id = $1`)
}

// storedFile reads file id by query q — which selects its finding, name,
// content type, size, digest, base64 content and creation time — for
// whoever may read its finding; NotFound for anyone else.
func (s *Service) storedFile(ctx context.Context, a *auth.Actor, id int64, q string) (*File, []byte, error) {
	if err := signedIn(a); err != nil {
		return nil, nil, err
	}
	f := &File{ID: id}
	var data []byte
	err := s.db.View(ctx, func(tx *db.Tx) error {
		var content string
		var created int64
		err := tx.QueryRowContext(ctx, q, id).Scan(&f.FindingID, &f.Name, &f.ContentType, &f.Size, &f.SHA256, &content, &created)
		if errors.Is(err, sql.ErrNoRows) {
			return errs.NoSuch("evidence")
		}
		if err != nil {
			return fmt.Errorf("read evidence: %w", err)
		}
		fd, err := get(ctx, tx, f.FindingID)
		if err != nil {
			return err
		}
		if s.mayRead(a, fd) != nil {
			return errs.NoSuch("evidence")
		}
		f.CreatedAt = db.Micros(created)
		if data, err = base64.StdEncoding.DecodeString(content); err != nil {
			return fmt.Errorf("evidence %d: stored content: %w", id, err)
		}
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	return f, data, nil
}
