package collect

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"kaohe/internal/org"
	"strings"
	"time"
	"unicode/utf8"

	"kaohe/internal/audit"
	"kaohe/internal/auth"
	"kaohe/internal/db"
	"kaohe/internal/errs"
)

// MaxEvidence is the largest evidence file.
const MaxEvidence = 10 << 20

// Evidence is a file that supports a version of a value.
type Evidence struct {
	ID          int64
	EntityID    int64
	Item        string
	Period      string
	Version     int
	Name        string
	ContentType string
	Size        int64
	SHA256      string
	UploaderID  int64
	CreatedAt   time.Time
}

// SniffEvidence returns the content type of an evidence file recognised
// from its bytes — pdf, jpeg, png, xlsx or docx — or an error for any other
// content, whatever its name says.
func SniffEvidence(data []byte) (string, error) {
	switch {
	case bytes.HasPrefix(data, []byte("%PDF-")):
		return "application/pdf", nil
	case bytes.HasPrefix(data, []byte{0xFF, 0xD8, 0xFF}):
		return "image/jpeg", nil
	case bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n")):
		return "image/png", nil
	case bytes.HasPrefix(data, []byte("PK\x03\x04")):
		zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			break
		}
		var types, xl, word bool
		for _, f := range zr.File {
			switch {
			case f.Name == "[Content_Types].xml":
				types = true
			case f.Name == "xl/workbook.xml":
				xl = true
			case f.Name == "word/document.xml":
				word = true
			}
		}
		switch {
		case types && xl:
			return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", nil
		case types && word:
			return "application/vnd.openxmlformats-officedocument.wordprocessingml.document", nil
		}
	}
	return "", errs.New(errs.Invalid, "collect.evidence.type", "evidence must be a PDF, JPEG, PNG, Excel (.xlsx) or Word (.docx) file")
}

// CheckUpload checks an evidence file as uploaded to another package's
// record (a field verification, a finding) and returns its content type,
// or the problem as an Invalid error of field with the key prefix + one of
// name_invalid, empty, too_large (argument max, in MiB) and type, naming
// the file (argument name).
func CheckUpload(field, prefix, name string, data []byte) (string, *errs.Error) {
	bad := func(key, msg string) *errs.Error {
		e := errs.Field(field, prefix+key, msg)
		e.Args = map[string]any{"name": name}
		return e
	}
	trimmed := strings.TrimSpace(name)
	switch {
	case trimmed == "" || utf8.RuneCountInString(trimmed) > 200 || strings.ContainsAny(trimmed, "/\\\x00"):
		return "", bad("name_invalid", "the file name is missing, too long or has a path in it")
	case len(data) == 0:
		return "", bad("empty", "the file is empty")
	case len(data) > MaxEvidence:
		e := bad("too_large", fmt.Sprintf("evidence files are at most %d MiB", MaxEvidence>>20))
		e.Args["max"] = MaxEvidence >> 20
		return "", e
	}
	ctype, err := SniffEvidence(data)
	if err != nil {
		return "", bad("type", "evidence must be a PDF, JPEG, PNG, Excel (.xlsx) or Word (.docx) file")
	}
	return ctype, nil
}

// AttachEvidence stores a file supporting the current value of item for
// an entity and period. The actor needs to be able to submit the item.
func (s *Service) AttachEvidence(ctx context.Context, a *auth.Actor, entityID int64, item, period, name string, data []byte) (*Evidence, error) {
	if err := signedIn(a); err != nil {
		return nil, err
	}
	if len(data) > MaxEvidence {
		e := errs.New(errs.Invalid, "collect.evidence.too_large", fmt.Sprintf("evidence files are at most %d MiB", MaxEvidence>>20))
		e.Args = map[string]any{"max": MaxEvidence >> 20}
		return nil, e
	}
	if len(data) == 0 {
		return nil, errs.New(errs.Invalid, "collect.evidence.empty", "the file is empty")
	}
	ctype, err := SniffEvidence(data)
	if err != nil {
		return nil, err
	}
	name = strings.TrimSpace(name)
	if name == "" || utf8.RuneCountInString(name) > 200 || strings.ContainsAny(name, "/\\\x00") {
		return nil, errs.Field("name", "collect.evidence.name_invalid", "the file name is missing, too long or has a path in it")
	}
	var out *Evidence
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		it, err := getItem(ctx, tx, item)
		if err != nil {
			return err
		}
		if err := s.pol.Authorize(a, auth.ActValueSubmit, it.OwnerPath); err != nil {
			return foreignItem(&Batch{}, it)
		}
		ev := &Evidence{ID: db.NewID(), EntityID: entityID, Item: item, Period: period, Name: name, ContentType: ctype,
			Size: int64(len(data)), UploaderID: a.UserID, CreatedAt: tx.Now}
		err = tx.QueryRowContext(ctx, `SELECT version FROM data_values WHERE item_code = $1 AND period = $2 AND entity_id = $3 AND is_current`,
			item, period, entityID).Scan(&ev.Version)
		if errors.Is(err, sql.ErrNoRows) {
			return errs.New(errs.Conflict, "collect.evidence.no_value", "submit the value before attaching evidence to it")
		}
		if err != nil {
			return fmt.Errorf("read value: %w", err)
		}
		sum := sha256.Sum256(data)
		ev.SHA256 = hex.EncodeToString(sum[:])
		_, err = tx.ExecContext(ctx, `INSERT INTO value_evidence (id, item_code, period, entity_id, version, name, content_type,
			size, sha256, content, uploader_id, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
			ev.ID, item, period, entityID, ev.Version, name, ctype, ev.Size, ev.SHA256, base64.StdEncoding.EncodeToString(data),
			a.UserID, tx.Now.UnixMicro())
		if err != nil {
			return fmt.Errorf("store evidence: %w", err)
		}
		out = ev
		return auth.Record(ctx, tx, a, audit.Event{Action: "evidence.attach", ObjectType: "value_evidence", ObjectID: db.FormatID(ev.ID),
			UnitPath: it.OwnerPath, After: map[string]any{"entity_id": entityID, "item": item, "period": period,
				"version": ev.Version, "name": name, "type": ctype, "size": ev.Size, "sha256": ev.SHA256}})
	})
	return out, err
}

// EvidenceFile returns an evidence file and its content. The actor needs
// to be able to read the value it supports.
func (s *Service) EvidenceFile(ctx context.Context, a *auth.Actor, id int64) (*Evidence, []byte, error) {
	if err := signedIn(a); err != nil {
		return nil, nil, err
	}
	var (
		ev      Evidence
		content string
		created int64
	)
	err := s.db.View(ctx, func(tx *db.Tx) error {
		err := tx.QueryRowContext(ctx, `SELECT id, entity_id, item_code, period, version, name, content_type, size, sha256,
			content, uploader_id, created_at FROM value_evidence WHERE id = $1`, id).Scan(&ev.ID, &ev.EntityID, &ev.Item,
			&ev.Period, &ev.Version, &ev.Name, &ev.ContentType, &ev.Size, &ev.SHA256, &content, &ev.UploaderID, &created)
		if errors.Is(err, sql.ErrNoRows) {
			return errs.NoSuch("evidence")
		}
		if err != nil {
			return fmt.Errorf("read evidence: %w", err)
		}
		it, err := getItem(ctx, tx, ev.Item)
		if err != nil {
			return err
		}
		e, err := entityOf(ctx, tx, ev.EntityID)
		if err != nil {
			return err
		}
		if err := s.mayRead(a, it, e); err != nil {
			return errs.NoSuch("evidence")
		}
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	data, err := base64.StdEncoding.DecodeString(content)
	if err != nil {
		return nil, nil, fmt.Errorf("decode evidence %d: %w", id, err)
	}
	ev.CreatedAt = db.Micros(created)
	return &ev, data, nil
}

// EvidenceOf lists the evidence files of a department's items for a
// period, with the entity's name in Name's place of EntityName. The actor
// needs ActValueSubmit on the department.
func (s *Service) EvidenceOf(ctx context.Context, a *auth.Actor, ownerID int64, period string) ([]*EvidenceEntry, error) {
	if err := signedIn(a); err != nil {
		return nil, err
	}
	var out []*EvidenceEntry
	err := s.db.View(ctx, func(tx *db.Tx) error {
		owner, err := unitOf(ctx, tx, ownerID, "department")
		if err != nil {
			return err
		}
		if err := s.pol.Authorize(a, auth.ActValueSubmit, owner.Path); err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, `SELECT e.id, e.entity_id, e.item_code, e.period, e.version, e.name, e.content_type,
			e.size, e.sha256, e.uploader_id, e.created_at
			FROM value_evidence e JOIN data_items i ON i.code = e.item_code
			WHERE i.owner_unit_id = $1 AND e.period = $2 ORDER BY e.id`, ownerID, period)
		if err != nil {
			return fmt.Errorf("list evidence: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var (
				ev      EvidenceEntry
				created int64
			)
			if err := rows.Scan(&ev.ID, &ev.EntityID, &ev.Item, &ev.Period, &ev.Version, &ev.Name, &ev.ContentType, &ev.Size,
				&ev.SHA256, &ev.UploaderID, &created); err != nil {
				return fmt.Errorf("list evidence: %w", err)
			}
			ev.CreatedAt = db.Micros(created)
			out = append(out, &ev)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		rows.Close()
		return entityNames(ctx, tx, out)
	})
	return out, err
}

// EvidenceEntry is an evidence file with the name of its entity.
type EvidenceEntry struct {
	Evidence
	EntityName string
}

// entityNames fills in the names of the units the evidence is about.
func entityNames(ctx context.Context, tx *db.Tx, evs []*EvidenceEntry) error {
	ids := make([]int64, len(evs))
	for i, ev := range evs {
		ids[i] = ev.EntityID
	}
	us, err := org.UnitsByID(ctx, tx, ids)
	if err != nil {
		return err
	}
	for _, ev := range evs {
		if u := us[ev.EntityID]; u != nil {
			ev.EntityName = u.Name
		}
	}
	return nil
}
