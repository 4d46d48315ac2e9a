package track

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"kaohe/internal/audit"
	"kaohe/internal/auth"
	"kaohe/internal/collect"
	"kaohe/internal/db"
	"kaohe/internal/errs"
)

// ReportStage says which report of the year a report is.
type ReportStage string

// The report stages.
const (
	ReportMidyear ReportStage = "midyear" // 年中亮晒: progress
	ReportYearEnd ReportStage = "yearend" // 年底亮效: proof of results
)

// MaxFiles is the most evidence files one report carries; each is at most
// collect.MaxEvidence bytes, of the types collect.SniffEvidence recognises.
const MaxFiles = 10

// Upload is an evidence file as uploaded.
type Upload struct {
	Name string
	Data []byte
}

// Report is the progress or the proof of a commitment.
type Report struct {
	ID    int64
	Stage ReportStage
	Body  string
	// Value is the value reached, nil when none is given.
	Value    *float64
	AuthorID int64
	Files    []*File
	// Late: filed after its stage's window closed.
	Late      bool
	CreatedAt time.Time
}

// File is an evidence file of a report.
type File struct {
	ID, ReportID, CommitmentID int64
	Name, ContentType, SHA256  string
	Size                       int64
	CreatedAt                  time.Time
}

// uploadProblems checks the uploads of a report.
func uploadProblems(ups []Upload) errs.List {
	var l errs.List
	if len(ups) > MaxFiles {
		e := errs.Field("files", "track.evidence.too_many", fmt.Sprintf("a report carries at most %d files", MaxFiles))
		e.Args = map[string]any{"max": MaxFiles}
		l.Add(e)
	}
	for _, u := range ups {
		if _, e := collect.CheckUpload("files", "track.evidence.", u.Name, u.Data); e != nil {
			l.Add(e)
		}
	}
	return l
}

// Progress reports the mid-year progress (年中亮晒) of an approved
// commitment with its evidence; Prove files its year-end proof (年底亮效).
// body says what was done; value ("" for none) is the value reached for a
// value target. The actor must be the commitment's owner or the office.
// Bad input writes nothing and returns every problem (errs.List).
func (s *Service) Progress(ctx context.Context, a *auth.Actor, id int64, body, value string, files []Upload) (*Report, error) {
	return s.report(ctx, a, id, ReportMidyear, body, value, files)
}

// Prove files the year-end proof of an approved commitment; see Progress.
// A proof waits for the assessment team's verification; a proof filed
// again before the verdict replaces what the team reads.
func (s *Service) Prove(ctx context.Context, a *auth.Actor, id int64, body, value string, files []Upload) (*Report, error) {
	return s.report(ctx, a, id, ReportYearEnd, body, value, files)
}

func (s *Service) report(ctx context.Context, a *auth.Actor, id int64, st ReportStage, body, value string, files []Upload) (*Report, error) {
	if err := signedIn(a); err != nil {
		return nil, err
	}
	body, value = strings.TrimSpace(body), strings.TrimSpace(value)
	var l errs.List
	if e := errs.CheckText("body", "track.report_body", "what was done", body, maxText, true); e != nil {
		l.Add(e)
	}
	r := &Report{ID: db.NewID(), Stage: st, Body: body, AuthorID: a.UserID}
	if value != "" {
		v, err := strconv.ParseFloat(value, 64)
		if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
			e := errs.Field("value", "track.report_value_invalid", fmt.Sprintf("%q is not a number", value))
			e.Args = map[string]any{"value": value}
			l.Add(e)
		} else {
			r.Value = &v
		}
	}
	l = append(l, uploadProblems(files)...)
	if len(l) > 0 {
		return nil, l
	}
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		c, err := s.readable(ctx, tx, a, id)
		if err != nil {
			return err
		}
		if err := s.mayWrite(ctx, tx, a, c.Owner, c.unitPath, c.PersonID); err != nil {
			return err
		}
		if c.Status != Approved {
			return conflict("track.not_approved", "progress and proof are reported on an approved commitment")
		}
		if c.Stage == StageVerified {
			return conflict("track.verified", "the commitment is verified: it takes no more reports")
		}
		// The office's window: not before it opens; after it closes,
		// taken and marked late.
		w, err := windowOf(ctx, tx, c.unitPath, c.Year, st)
		if err != nil {
			return err
		}
		if day := today(tx.Now); w != nil && day < w.Opens {
			e := errs.New(errs.Conflict, "track.window_not_open", "the reports of this stage are not yet open")
			e.Args = map[string]any{"opens": w.Opens, "closes": w.Closes, "unit": w.Unit}
			return e
		} else if w != nil && day > w.Closes {
			r.Late = true
		}
		to := StageMidyear
		if st == ReportYearEnd {
			to = StageProved
		} else if c.Stage == StageProved {
			to = StageProved // a late progress note leaves the proof waiting
		}
		r.CreatedAt = tx.Now
		if _, err := tx.ExecContext(ctx, `INSERT INTO commitment_reports (id, commitment_id, stage, body, value, author_id, late, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, r.ID, id, st, body, r.Value, a.UserID, r.Late, tx.Now.UnixMicro()); err != nil {
			return fmt.Errorf("store report: %w", err)
		}
		if r.Files, err = storeFiles(ctx, tx, a, id, r.ID, files); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE commitments SET stage = $1, updated_at = $2 WHERE id = $3`, to, tx.Now.UnixMicro(), id); err != nil {
			return fmt.Errorf("store report: %w", err)
		}
		after := map[string]any{"stage": st, "body": body}
		if r.Value != nil {
			after["value"] = *r.Value
		}
		if r.Late {
			after["late"] = true
		}
		if len(r.Files) > 0 {
			var fs []map[string]any
			for _, f := range r.Files {
				fs = append(fs, map[string]any{"name": f.Name, "type": f.ContentType, "size": f.Size, "sha256": f.SHA256})
			}
			after["files"] = fs
		}
		action := "commitment.progress"
		if st == ReportYearEnd {
			action = "commitment.prove"
		}
		return auth.Record(ctx, tx, a, audit.Event{Action: action, ObjectType: "commitment", ObjectID: db.FormatID(id),
			UnitPath: c.unitPath, Before: map[string]any{"stage": c.Stage}, After: after})
	})
	if err != nil {
		return nil, err
	}
	return r, nil
}

// storeFiles stores the uploads of report rid of commitment id.
func storeFiles(ctx context.Context, tx *db.Tx, a *auth.Actor, id, rid int64, ups []Upload) ([]*File, error) {
	var out []*File
	for _, u := range ups {
		ctype, e := collect.CheckUpload("files", "track.evidence.", u.Name, u.Data)
		if e != nil {
			return nil, e
		}
		sum := sha256.Sum256(u.Data)
		f := &File{ID: db.NewID(), ReportID: rid, CommitmentID: id, Name: strings.TrimSpace(u.Name), ContentType: ctype,
			Size: int64(len(u.Data)), SHA256: hex.EncodeToString(sum[:]), CreatedAt: tx.Now}
		if _, err := tx.ExecContext(ctx, `INSERT INTO commitment_files (id, report_id, commitment_id, name, content_type, size, sha256,
			content, uploader_id, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`, f.ID, rid, id, f.Name, f.ContentType,
			f.Size, f.SHA256, base64.StdEncoding.EncodeToString(u.Data), a.UserID, tx.Now.UnixMicro()); err != nil {
			return nil, fmt.Errorf("store evidence: %w", err)
		}
		out = append(out, f)
	}
	return out, nil
}

// reportsOf reads the reports of commitment id, oldest first, with their
// files.
func reportsOf(ctx context.Context, tx *db.Tx, id int64) ([]*Report, error) {
	var out []*Report
	at := map[int64]*Report{}
	err := db.EachRow(ctx, tx, `SELECT id, stage, body, value, author_id, late, created_at FROM commitment_reports WHERE commitment_id = $1
		ORDER BY created_at, id`, []any{id}, func(scan func(...any) error) error {
		r := &Report{}
		var v sql.NullFloat64
		var created int64
		if err := scan(&r.ID, &r.Stage, &r.Body, &v, &r.AuthorID, &r.Late, &created); err != nil {
			return err
		}
		if v.Valid {
			r.Value = &v.Float64
		}
		r.CreatedAt = db.Micros(created)
		at[r.ID] = r
		out = append(out, r)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read reports: %w", err)
	}
	err = db.EachRow(ctx, tx, `SELECT id, report_id, name, content_type, size, sha256, created_at FROM commitment_files
		WHERE commitment_id = $1 ORDER BY created_at, id`, []any{id}, func(scan func(...any) error) error {
		f := &File{CommitmentID: id}
		var created int64
		if err := scan(&f.ID, &f.ReportID, &f.Name, &f.ContentType, &f.Size, &f.SHA256, &created); err != nil {
			return err
		}
		f.CreatedAt = db.Micros(created)
		if r := at[f.ReportID]; r != nil {
			r.Files = append(r.Files, f)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read evidence: %w", err)
	}
	return out, nil
}

// EvidenceFile returns evidence file id and its content to whoever may
// read its commitment; NotFound for anyone else.
func (s *Service) EvidenceFile(ctx context.Context, a *auth.Actor, id int64) (*File, []byte, error) {
	if err := signedIn(a); err != nil {
		return nil, nil, err
	}
	f := &File{ID: id}
	var data []byte
	err := s.db.View(ctx, func(tx *db.Tx) error {
		var content string
		var created int64
		err := tx.QueryRowContext(ctx, `SELECT report_id, commitment_id, name, content_type, size, sha256, content, created_at
			FROM commitment_files WHERE id = $1`, id).Scan(&f.ReportID, &f.CommitmentID, &f.Name, &f.ContentType, &f.Size, &f.SHA256,
			&content, &created)
		if errors.Is(err, sql.ErrNoRows) {
			return errs.NoSuch("evidence")
		}
		if err != nil {
			return fmt.Errorf("read evidence: %w", err)
		}
		if _, err := s.readable(ctx, tx, a, f.CommitmentID); err != nil {
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
