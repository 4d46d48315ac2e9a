package scheme

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"
	"unicode/utf8"

	"kaohe/internal/audit"
	"kaohe/internal/auth"
	"kaohe/internal/db"
	"kaohe/internal/errs"
	"kaohe/internal/score"
)

// Status is where a version is in its life.
type Status string

// The statuses.
const (
	// StatusDraft is being edited; not used by anything.
	StatusDraft Status = "draft"
	// StatusActive is the version new cycles use; one per scheme.
	StatusActive Status = "active"
	// StatusRetired was active and is superseded; kept for past cycles.
	StatusRetired Status = "retired"
)

// Version is one version of a scheme, stored whole.
type Version struct {
	ID       int64
	SchemeID int64
	// Number counts the scheme's versions from 1.
	Number int
	// Doc is the engine's scheme document.
	Doc *score.Scheme
	// Document is Doc's canonical JSON, exactly as stored; Digest is its
	// hex SHA-256.
	Document []byte
	Digest   string
	// Reason says why the version was made, e.g. 提高科技创新权重.
	Reason string
	// EffectiveCycle labels the first cycle the version applies to, e.g.
	// "2025年度"; EffectiveFrom is its date 'YYYY-MM-DD', or "".
	EffectiveCycle, EffectiveFrom string
	// Author is who made it as the audit log names them, AuthorID the
	// user (0 for the system) and AuthorName the user's name ("" for the
	// system), filled by Version, Versions and VersionByNumber.
	AuthorID   int64
	Author     string
	AuthorName string
	Status     Status
	// Locked is set when a cycle uses the version; a locked version never
	// changes.
	Locked    bool
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Draft is the content of a new or edited version.
type Draft struct {
	// Doc is the scheme document; leaves are taken from the library.
	Doc *score.Scheme
	// Library holds definitions for indicators missing from the library,
	// added with the version (from an import). A definition that differs
	// from an existing library entry is an error.
	Library []Indicator
	// Rows gives the import row of each Library entry, for messages; may
	// be nil.
	Rows                                  []int
	Reason, EffectiveCycle, EffectiveFrom string
}

func (d *Draft) validate() error {
	if d.Doc == nil {
		return errs.Field("document", "scheme.version.document_required", "the scheme document is required")
	}
	if e := errs.CheckText("reason", "scheme.version.reason", "reason", d.Reason, 500, true); e != nil {
		return e
	}
	if utf8.RuneCountInString(d.EffectiveCycle) > 64 {
		return errs.Field("effective_cycle", "scheme.version.cycle_too_long", "effective cycle is longer than 64 characters")
	}
	if d.EffectiveFrom != "" {
		t, err := time.Parse(time.DateOnly, d.EffectiveFrom)
		if err != nil || t.Format(time.DateOnly) != d.EffectiveFrom {
			return errs.Field("effective_from", "scheme.version.date_invalid", fmt.Sprintf("%q is not a date YYYY-MM-DD", d.EffectiveFrom))
		}
	}
	return nil
}

const versionCols = `id, scheme_id, number, document, digest, reason, effective_cycle, effective_from, author_id, author, status, locked, created_at, updated_at`

func scanVersion(r interface{ Scan(...any) error }) (*Version, error) {
	var (
		v                Version
		doc              string
		created, updated int64
	)
	if err := r.Scan(&v.ID, &v.SchemeID, &v.Number, &doc, &v.Digest, &v.Reason, &v.EffectiveCycle, &v.EffectiveFrom,
		&v.AuthorID, &v.Author, &v.Status, &v.Locked, &created, &updated); err != nil {
		return nil, err
	}
	v.Document = []byte(doc)
	v.Doc = new(score.Scheme)
	if err := json.Unmarshal(v.Document, v.Doc); err != nil {
		return nil, fmt.Errorf("version %d: stored document: %w", v.ID, err)
	}
	v.CreatedAt, v.UpdatedAt = db.Micros(created), db.Micros(updated)
	return &v, nil
}

func getVersion(ctx context.Context, tx *db.Tx, id int64) (*Version, error) {
	v, err := scanVersion(tx.QueryRowContext(ctx, `SELECT `+versionCols+` FROM scheme_versions WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errs.NoSuch("scheme version")
	}
	if err != nil {
		return nil, fmt.Errorf("read scheme version %d: %w", id, err)
	}
	return v, nil
}

func (v *Version) summary() map[string]any {
	return map[string]any{"scheme_id": v.SchemeID, "number": v.Number, "digest": v.Digest, "reason": v.Reason,
		"effective_cycle": v.EffectiveCycle, "effective_from": v.EffectiveFrom, "status": v.Status, "locked": v.Locked}
}

// authorizeVersion reads version id and its scheme and checks action on
// the scheme.
func (s *Service) authorizeVersion(ctx context.Context, tx *db.Tx, a *auth.Actor, action auth.Action, id int64) (*Version, *Scheme, error) {
	v, err := getVersion(ctx, tx, id)
	if err != nil {
		if a == nil {
			return nil, nil, s.pol.Authorize(a, action, "/")
		}
		return nil, nil, err
	}
	sc, err := s.authorizeScheme(ctx, tx, a, action, v.SchemeID)
	if err != nil {
		return nil, nil, err
	}
	return v, sc, nil
}

// prepare composes a draft's document against the library (adding the
// draft's new library entries) and returns its canonical bytes.
func (s *Service) prepare(ctx context.Context, tx *db.Tx, a *auth.Actor, sc *Scheme, d *Draft) ([]byte, error) {
	if err := d.validate(); err != nil {
		return nil, err
	}
	lib, err := library(ctx, tx)
	if err != nil {
		return nil, err
	}
	entries := make([]*Indicator, len(d.Library))
	for k := range d.Library {
		entries[k] = &d.Library[k]
	}
	known, err := s.knownItems(ctx, tx, entries...)
	if err != nil {
		return nil, err
	}
	var l errs.List
	var added []*Indicator
	for k := range d.Library {
		ind := d.Library[k]
		row := 0
		if k < len(d.Rows) {
			row = d.Rows[k]
		}
		if err := ind.validate(known); err != nil {
			var e *errs.Error
			if errors.As(err, &e) {
				e.Row = row
				l.Add(e)
			}
			continue
		}
		if old, ok := lib[ind.Code]; ok {
			if !old.same(&ind) {
				e := indicatorError(ind.Code, "code", "scheme.library_conflict",
					"differs from its definition in the indicator library; change the library entry first")
				e.Row = row
				l.Add(e)
			}
			continue
		}
		lib[ind.Code] = &ind
		added = append(added, &ind)
	}
	if len(l) > 0 {
		return nil, l
	}
	doc := clone(d.Doc)
	doc.Code = sc.Code
	if doc.Name == "" {
		doc.Name = sc.Name
	}
	if err := Compose(doc, lib, sc.Categories); err != nil {
		return nil, err
	}
	if len(added) > 0 {
		path := sc.OwnerPath
		for _, ind := range added {
			if err := saveIndicator(ctx, tx, a, path, ind, nil); err != nil {
				return nil, err
			}
		}
	}
	d.Doc = doc
	return json.Marshal(doc)
}

func digest(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// CreateVersion adds a draft version to scheme schemeID. The actor needs
// ActSchemeWrite on the scheme.
func (s *Service) CreateVersion(ctx context.Context, a *auth.Actor, schemeID int64, d Draft) (*Version, error) {
	var out *Version
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		sc, err := s.authorizeScheme(ctx, tx, a, auth.ActSchemeWrite, schemeID)
		if err != nil {
			return err
		}
		doc, err := s.prepare(ctx, tx, a, sc, &d)
		if err != nil {
			return err
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(number), 0) FROM scheme_versions WHERE scheme_id = $1`, schemeID).Scan(&n); err != nil {
			return fmt.Errorf("number version: %w", err)
		}
		id, now := db.NewID(), tx.Now.UnixMicro()
		if _, err := tx.ExecContext(ctx, `INSERT INTO scheme_versions (`+versionCols+`)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
			id, schemeID, n+1, string(doc), digest(doc), d.Reason, d.EffectiveCycle, d.EffectiveFrom, a.UserID, a.AuditName(),
			StatusDraft, false, now, now); err != nil {
			return fmt.Errorf("insert scheme version: %w", err)
		}
		if out, err = getVersion(ctx, tx, id); err != nil {
			return err
		}
		return auth.Record(ctx, tx, a, audit.Event{Action: "scheme.version.create", ObjectType: "scheme_version",
			ObjectID: db.FormatID(id), UnitPath: sc.OwnerPath, After: out.summary(), Reason: d.Reason})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// errImmutable is the answer to a change of a version that is not an
// unused draft.
func errImmutable(v *Version) error {
	if v.Locked {
		return errs.New(errs.Conflict, "scheme.version.locked", fmt.Sprintf("version %d is used by a cycle and cannot change", v.Number))
	}
	return errs.New(errs.Conflict, "scheme.version.not_draft", fmt.Sprintf("version %d is %s; only a draft can change", v.Number, v.Status))
}

// UpdateVersion replaces the document, reason and effective cycle of a
// draft version that no cycle uses.
func (s *Service) UpdateVersion(ctx context.Context, a *auth.Actor, id int64, d Draft) (*Version, error) {
	var out *Version
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		old, sc, err := s.authorizeDraft(ctx, tx, a, id)
		if err != nil {
			return err
		}
		out, err = s.storeDraft(ctx, tx, a, old, sc, d, "scheme.version.update", nil, false)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// authorizeDraft reads version id for a change: the actor needs
// ActSchemeWrite on its scheme, and only a draft that no cycle uses may
// change.
func (s *Service) authorizeDraft(ctx context.Context, tx *db.Tx, a *auth.Actor, id int64) (*Version, *Scheme, error) {
	v, sc, err := s.authorizeVersion(ctx, tx, a, auth.ActSchemeWrite, id)
	if err != nil {
		return nil, nil, err
	}
	if v.Locked || v.Status != StatusDraft {
		return nil, nil, errImmutable(v)
	}
	return v, sc, nil
}

// storeDraft replaces the content of draft old of scheme sc by d, after
// composing it against the library, and records action with detail added
// to the event's After. With skipUnchanged, a document that composes to
// the stored bytes writes and records nothing.
func (s *Service) storeDraft(ctx context.Context, tx *db.Tx, a *auth.Actor, old *Version, sc *Scheme, d Draft,
	action string, detail map[string]any, skipUnchanged bool) (*Version, error) {
	doc, err := s.prepare(ctx, tx, a, sc, &d)
	if err != nil {
		return nil, err
	}
	if skipUnchanged && digest(doc) == old.Digest && d.Reason == old.Reason &&
		d.EffectiveCycle == old.EffectiveCycle && d.EffectiveFrom == old.EffectiveFrom {
		return old, nil
	}
	res, err := tx.ExecContext(ctx, `UPDATE scheme_versions SET document = $1, digest = $2, reason = $3, effective_cycle = $4,
		effective_from = $5, updated_at = $6 WHERE id = $7 AND status = 'draft' AND NOT locked`,
		string(doc), digest(doc), d.Reason, d.EffectiveCycle, d.EffectiveFrom, tx.Now.UnixMicro(), old.ID)
	if err != nil {
		return nil, fmt.Errorf("update scheme version: %w", err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return nil, errImmutable(old)
	}
	out, err := getVersion(ctx, tx, old.ID)
	if err != nil {
		return nil, err
	}
	after := out.summary()
	for k, v := range detail {
		after[k] = v
	}
	if err := auth.Record(ctx, tx, a, audit.Event{Action: action, ObjectType: "scheme_version",
		ObjectID: db.FormatID(old.ID), UnitPath: sc.OwnerPath, Before: old.summary(), After: after, Reason: d.Reason}); err != nil {
		return nil, err
	}
	return out, nil
}

// Activate makes a draft the scheme's active version; the version active
// before it is retired.
func (s *Service) Activate(ctx context.Context, a *auth.Actor, id int64) (*Version, error) {
	return s.setStatus(ctx, a, id, StatusActive)
}

// Retire retires an active version; the scheme then has none until
// another is activated.
func (s *Service) Retire(ctx context.Context, a *auth.Actor, id int64) (*Version, error) {
	return s.setStatus(ctx, a, id, StatusRetired)
}

func (s *Service) setStatus(ctx context.Context, a *auth.Actor, id int64, to Status) (*Version, error) {
	var out *Version
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		old, sc, err := s.authorizeVersion(ctx, tx, a, auth.ActSchemeWrite, id)
		if err != nil {
			return err
		}
		from := StatusDraft
		if to == StatusRetired {
			from = StatusActive
		}
		if old.Status != from {
			return errs.New(errs.Conflict, "scheme.version.status", fmt.Sprintf("version %d is %s, not %s", old.Number, old.Status, from))
		}
		now := tx.Now.UnixMicro()
		if to == StatusActive {
			rows, err := tx.QueryContext(ctx, `SELECT id FROM scheme_versions WHERE scheme_id = $1 AND status = 'active'`, old.SchemeID)
			if err != nil {
				return fmt.Errorf("find active version: %w", err)
			}
			var prev []int64
			for rows.Next() {
				var p int64
				if err := rows.Scan(&p); err != nil {
					rows.Close()
					return fmt.Errorf("find active version: %w", err)
				}
				prev = append(prev, p)
			}
			rows.Close()
			for _, p := range prev {
				if _, err := tx.ExecContext(ctx, `UPDATE scheme_versions SET status = 'retired', updated_at = $1 WHERE id = $2`, now, p); err != nil {
					return fmt.Errorf("retire version: %w", err)
				}
				if err := auth.Record(ctx, tx, a, audit.Event{Action: "scheme.version.retire", ObjectType: "scheme_version",
					ObjectID: db.FormatID(p), UnitPath: sc.OwnerPath, Reason: fmt.Sprintf("version %d activated", old.Number)}); err != nil {
					return err
				}
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE scheme_versions SET status = $1, updated_at = $2 WHERE id = $3`, to, now, id); err != nil {
			return fmt.Errorf("set version status: %w", err)
		}
		if out, err = getVersion(ctx, tx, id); err != nil {
			return err
		}
		action := "scheme.version.activate"
		if to == StatusRetired {
			action = "scheme.version.retire"
		}
		return auth.Record(ctx, tx, a, audit.Event{Action: action, ObjectType: "scheme_version", ObjectID: db.FormatID(id),
			UnitPath: sc.OwnerPath, Before: old.summary(), After: out.summary()})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// LockVersion marks version id as used by a cycle, in the caller's transaction:
// from then on it never changes. The cycle package calls it after its own
// authorization and records the use in its own audit event. Locking a
// locked version is a no-op.
func LockVersion(ctx context.Context, tx *db.Tx, id int64) error {
	res, err := tx.ExecContext(ctx, `UPDATE scheme_versions SET locked = TRUE, updated_at = $1 WHERE id = $2 AND NOT locked`,
		tx.Now.UnixMicro(), id)
	if err != nil {
		return fmt.Errorf("lock scheme version: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		if _, err := getVersion(ctx, tx, id); err != nil {
			return err
		}
	}
	return nil
}

// Version returns version id with its stored scheme document.
func (s *Service) Version(ctx context.Context, a *auth.Actor, id int64) (*Version, error) {
	var out *Version
	err := s.db.View(ctx, func(tx *db.Tx) (err error) {
		if out, _, err = s.authorizeVersion(ctx, tx, a, auth.ActSchemeRead, id); err != nil {
			return err
		}
		return nameAuthors(ctx, tx, out)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// nameAuthors fills the AuthorName of vs.
func nameAuthors(ctx context.Context, tx *db.Tx, vs ...*Version) error {
	ids := make([]int64, len(vs))
	for i, v := range vs {
		ids[i] = v.AuthorID
	}
	names, err := auth.UserNames(ctx, tx, ids)
	for _, v := range vs {
		v.AuthorName = names[v.AuthorID].Name
	}
	return err
}

// Versions lists the versions of scheme schemeID, newest first.
func (s *Service) Versions(ctx context.Context, a *auth.Actor, schemeID int64) ([]*Version, error) {
	var out []*Version
	err := s.db.View(ctx, func(tx *db.Tx) error {
		if _, err := s.authorizeScheme(ctx, tx, a, auth.ActSchemeRead, schemeID); err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, `SELECT `+versionCols+` FROM scheme_versions WHERE scheme_id = $1 ORDER BY number DESC`, schemeID)
		if err != nil {
			return fmt.Errorf("list versions: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			v, err := scanVersion(rows)
			if err != nil {
				return fmt.Errorf("list versions: %w", err)
			}
			out = append(out, v)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		return nameAuthors(ctx, tx, out...)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Compare returns the diff between two versions the actor may read.
func (s *Service) Compare(ctx context.Context, a *auth.Actor, fromID, toID int64) (*Diff, error) {
	var out *Diff
	err := s.db.View(ctx, func(tx *db.Tx) error {
		from, sf, err := s.authorizeVersion(ctx, tx, a, auth.ActSchemeRead, fromID)
		if err != nil {
			return err
		}
		to, st, err := s.authorizeVersion(ctx, tx, a, auth.ActSchemeRead, toID)
		if err != nil {
			return err
		}
		cats := sortedUnique(append(append([]string{}, sf.Categories...), st.Categories...))
		out, err = DiffDocs(from.Doc, to.Doc, cats)
		if err != nil {
			return err
		}
		out.From, out.To = from.Number, to.Number
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// VersionByNumber returns version number n of scheme schemeID.
func (s *Service) VersionByNumber(ctx context.Context, a *auth.Actor, schemeID int64, n int) (*Version, error) {
	var out *Version
	err := s.db.View(ctx, func(tx *db.Tx) error {
		if _, err := s.authorizeScheme(ctx, tx, a, auth.ActSchemeRead, schemeID); err != nil {
			return err
		}
		v, err := scanVersion(tx.QueryRowContext(ctx, `SELECT `+versionCols+` FROM scheme_versions
			WHERE scheme_id = $1 AND number = $2`, schemeID, n))
		if errors.Is(err, sql.ErrNoRows) {
			return errs.NoSuch("scheme version")
		}
		if err != nil {
			return fmt.Errorf("read scheme version: %w", err)
		}
		out = v
		return nameAuthors(ctx, tx, v)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
