package fieldwork

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

	"kaohe/internal/auth"
	"kaohe/internal/collect"
	"kaohe/internal/cycle"
	"kaohe/internal/db"
	"kaohe/internal/errs"
)

// MaxFiles is the most evidence files one verification holds; each is at
// most collect.MaxEvidence bytes, of the types collect.SniffEvidence
// recognises.
const MaxFiles = 10

// Upload is an evidence file as uploaded.
type Upload struct {
	Name string
	Data []byte
}

// File is an evidence file of a verification.
type File struct {
	ID             int64
	VerificationID int64
	Name           string
	ContentType    string
	Size           int64
	SHA256         string
	CreatedAt      time.Time
}

// check validates an upload and returns its content type; the error
// names the file.
func (u *Upload) check() (string, *errs.Error) {
	return collect.CheckUpload("files", "fieldwork.evidence.", u.Name, u.Data)
}

// storeFiles stores the uploads of verification id.
func storeFiles(ctx context.Context, tx *db.Tx, id int64, ups []Upload) ([]*File, error) {
	var out []*File
	for i := range ups {
		u := &ups[i]
		ctype, e := u.check()
		if e != nil {
			return nil, e
		}
		sum := sha256.Sum256(u.Data)
		f := &File{ID: db.NewID(), VerificationID: id, Name: strings.TrimSpace(u.Name), ContentType: ctype,
			Size: int64(len(u.Data)), SHA256: hex.EncodeToString(sum[:]), CreatedAt: tx.Now}
		if _, err := tx.ExecContext(ctx, `INSERT INTO verification_evidence (id, verification_id, name, content_type, size, sha256,
			content, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, f.ID, id, f.Name, f.ContentType, f.Size, f.SHA256,
			base64.StdEncoding.EncodeToString(u.Data), tx.Now.UnixMicro()); err != nil {
			return nil, fmt.Errorf("store evidence: %w", err)
		}
		out = append(out, f)
	}
	return out, nil
}

// attachFiles reads the descriptions of the verifications' files.
func attachFiles(ctx context.Context, tx *db.Tx, vs []*Verification) error {
	if len(vs) == 0 {
		return nil
	}
	byID := make(map[int64]*Verification, len(vs))
	ids := make([]int64, len(vs))
	for i, v := range vs {
		byID[v.ID], ids[i] = v, v.ID
	}
	var args []any
	err := db.EachRow(ctx, tx, `SELECT id, verification_id, name, content_type, size, sha256, created_at FROM verification_evidence
		WHERE verification_id IN (`+db.In(&args, ids)+`) ORDER BY created_at, id`, args, func(scan func(...any) error) error {
		f := &File{}
		var created int64
		if err := scan(&f.ID, &f.VerificationID, &f.Name, &f.ContentType, &f.Size, &f.SHA256, &created); err != nil {
			return err
		}
		f.CreatedAt = db.Micros(created)
		v := byID[f.VerificationID]
		v.Files = append(v.Files, f)
		return nil
	})
	if err != nil {
		return fmt.Errorf("read verification evidence: %w", err)
	}
	return nil
}

// EvidenceFile returns evidence file id and its content. The actor needs
// ActFieldRead on the entity verified.
func (s *Service) EvidenceFile(ctx context.Context, a *auth.Actor, id int64) (*File, []byte, error) {
	if err := signedIn(a); err != nil {
		return nil, nil, err
	}
	var f File
	var data []byte
	err := s.db.View(ctx, func(tx *db.Tx) error {
		var cycleID, created int64
		var key, content string
		err := tx.QueryRowContext(ctx, `SELECT f.verification_id, f.name, f.content_type, f.size, f.sha256, f.content, f.created_at,
			v.cycle_id, v.entity FROM verification_evidence f JOIN verifications v ON v.id = f.verification_id WHERE f.id = $1`, id).
			Scan(&f.VerificationID, &f.Name, &f.ContentType, &f.Size, &f.SHA256, &content, &created, &cycleID, &key)
		if errors.Is(err, sql.ErrNoRows) {
			return errs.NoSuch("evidence")
		}
		if err != nil {
			return fmt.Errorf("read evidence: %w", err)
		}
		e, err := cycle.EntityOf(ctx, tx, cycleID, key)
		if err != nil {
			return err
		}
		if err := s.authorize(a, auth.ActFieldRead, e); err != nil {
			return err
		}
		f.ID, f.CreatedAt = id, db.Micros(created)
		if data, err = base64.StdEncoding.DecodeString(content); err != nil {
			return fmt.Errorf("evidence %d: stored content: %w", id, err)
		}
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	return &f, data, nil
}
