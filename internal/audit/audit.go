// Package audit keeps Kaohe's append-only, hash-chained log of changes. Each
// change records an Event in the same transaction as the change itself, so
// the log and the data never disagree; each row's hash covers its content and
// the previous row's hash, so altering, inserting or deleting a row breaks
// the chain at that row and Verify names it.
package audit

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"kaohe/internal/db"
)

// Genesis is the prev_hash of the first row.
const Genesis = "0000000000000000000000000000000000000000000000000000000000000000"

// GlobalPath is the unit path of events that belong to no unit (instance-wide
// settings, users without grants). Only an actor whose scope is everything
// sees them.
const GlobalPath = "/"

// Event is one change to record.
type Event struct {
	// ActorID is the user who made the change, 0 for the system.
	ActorID int64
	// Actor names the actor: a login, or "system:<name>".
	Actor string
	// Action says what happened, "<object>.<verb>", e.g. "unit.create".
	Action     string
	ObjectType string
	ObjectID   string
	// UnitPath is the scope of the object (e.g. "/12/345/"), used to show
	// the event only to those whose jurisdiction covers it; "" means GlobalPath.
	UnitPath string
	// Before and After are small JSON-able summaries of the object; nil for
	// none (no Before on create, no After on delete).
	Before, After any
	// Reason is why, when the user gave one.
	Reason string
}

// Entry is a recorded event as stored.
type Entry struct {
	Seq        int64
	At         time.Time
	ActorID    int64
	Actor      string
	Action     string
	ObjectType string
	ObjectID   string
	UnitPath   string
	// Before and After are the JSON summaries, "" when absent.
	Before, After string
	Reason        string
	PrevHash      string
	Hash          string
}

// Record appends e to the log within tx, stamped with tx.Now. It serialises
// with every other writer through the audit_head row, so the sequence stays
// gapless and the chain never forks.
func Record(ctx context.Context, tx *db.Tx, e Event) error {
	if e.Action == "" || e.ObjectType == "" || e.Actor == "" {
		return fmt.Errorf("audit: event needs an actor, an action and an object type: %+v", e)
	}
	en := Entry{
		At:         tx.Now,
		ActorID:    e.ActorID,
		Actor:      e.Actor,
		Action:     e.Action,
		ObjectType: e.ObjectType,
		ObjectID:   e.ObjectID,
		UnitPath:   e.UnitPath,
		Reason:     e.Reason,
	}
	if en.UnitPath == "" {
		en.UnitPath = GlobalPath
	}
	var err error
	if en.Before, err = summary(e.Before); err != nil {
		return fmt.Errorf("audit %s: before: %w", e.Action, err)
	}
	if en.After, err = summary(e.After); err != nil {
		return fmt.Errorf("audit %s: after: %w", e.Action, err)
	}

	head := `SELECT seq, hash FROM audit_head WHERE id = 1`
	if tx.Engine == db.Postgres {
		head += ` FOR UPDATE`
	}
	var last int64
	if err := tx.QueryRowContext(ctx, head).Scan(&last, &en.PrevHash); err != nil {
		return fmt.Errorf("audit %s: read head: %w", e.Action, err)
	}
	en.Seq = last + 1
	en.Hash = en.ComputeHash()
	_, err = tx.ExecContext(ctx, `INSERT INTO audit_log (seq, at, actor_id, actor, action,
		object_type, object_id, unit_path, before_json, after_json, reason, prev_hash, hash)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
		en.Seq, en.At.UnixMicro(), en.ActorID, en.Actor, en.Action, en.ObjectType, en.ObjectID,
		en.UnitPath, en.Before, en.After, en.Reason, en.PrevHash, en.Hash)
	if err != nil {
		return fmt.Errorf("audit %s: insert: %w", e.Action, err)
	}
	res, err := tx.ExecContext(ctx, `UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1 AND seq = $3`,
		en.Seq, en.Hash, last)
	if err != nil {
		return fmt.Errorf("audit %s: advance head: %w", e.Action, err)
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return fmt.Errorf("audit %s: head moved concurrently (%d rows, %v)", e.Action, n, err)
	}
	return nil
}

// summary encodes a Before or After value as JSON, "" for nil.
func summary(v any) (string, error) {
	if v == nil {
		return "", nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return "", err
	}
	if string(b) == "null" {
		return "", nil
	}
	return string(b), nil
}

// ComputeHash returns the hex SHA-256 of the entry's canonical encoding: the
// tag "kaohe.audit.v1", then each field as its byte length (uvarint)
// followed by its bytes, in the order seq, at (unix µs), actor_id, actor,
// action, object_type, object_id, unit_path, before, after, reason,
// prev_hash; integers in decimal. Length prefixes make the encoding
// unambiguous whatever the fields contain.
func (en *Entry) ComputeHash() string {
	h := sha256.New()
	var buf [binary.MaxVarintLen64]byte
	field := func(s string) {
		n := binary.PutUvarint(buf[:], uint64(len(s)))
		h.Write(buf[:n])
		h.Write([]byte(s))
	}
	field("kaohe.audit.v1")
	field(strconv.FormatInt(en.Seq, 10))
	field(strconv.FormatInt(en.At.UnixMicro(), 10))
	field(strconv.FormatInt(en.ActorID, 10))
	field(en.Actor)
	field(en.Action)
	field(en.ObjectType)
	field(en.ObjectID)
	field(en.UnitPath)
	field(en.Before)
	field(en.After)
	field(en.Reason)
	field(en.PrevHash)
	return hex.EncodeToString(h.Sum(nil))
}

// BrokenError reports the first row at which the chain does not hold.
type BrokenError struct {
	// Seq is the first broken row: altered, out of order, or missing.
	Seq    int64
	Reason string
}

func (e *BrokenError) Error() string {
	return fmt.Sprintf("audit log broken at seq %d: %s", e.Seq, e.Reason)
}

// Verify recomputes the whole chain and returns the number of rows. A
// broken chain returns a *BrokenError naming the first bad seq: a row whose
// content no longer matches its hash, whose prev_hash is not its
// predecessor's hash, a gap in the sequence (a deleted row), or a head that
// does not match the last row (deleted rows at the end).
func Verify(ctx context.Context, d *db.DB) (rows int64, err error) {
	err = d.View(ctx, func(tx *db.Tx) error {
		var headSeq int64
		var headHash string
		if err := tx.QueryRowContext(ctx, `SELECT seq, hash FROM audit_head WHERE id = 1`).Scan(&headSeq, &headHash); err != nil {
			return fmt.Errorf("read audit head: %w", err)
		}
		rs, err := tx.QueryContext(ctx, `SELECT `+entryColumns+` FROM audit_log ORDER BY seq`)
		if err != nil {
			return fmt.Errorf("read audit log: %w", err)
		}
		defer rs.Close()
		prev := Entry{Hash: Genesis}
		for rs.Next() {
			en, err := scanEntry(rs)
			if err != nil {
				return err
			}
			switch {
			case en.Seq != prev.Seq+1:
				return &BrokenError{Seq: prev.Seq + 1, Reason: fmt.Sprintf("row missing (next row is seq %d)", en.Seq)}
			case en.PrevHash != prev.Hash:
				return &BrokenError{Seq: en.Seq, Reason: "prev_hash does not match the hash of the row before"}
			case en.ComputeHash() != en.Hash:
				return &BrokenError{Seq: en.Seq, Reason: "content does not match its hash"}
			}
			prev = en
			rows++
		}
		if err := rs.Err(); err != nil {
			return fmt.Errorf("read audit log: %w", err)
		}
		switch {
		case headSeq > prev.Seq:
			return &BrokenError{Seq: prev.Seq + 1, Reason: fmt.Sprintf("row missing (head is at seq %d, last row is %d)", headSeq, prev.Seq)}
		case headSeq < prev.Seq || headHash != prev.Hash:
			return &BrokenError{Seq: prev.Seq, Reason: "head does not match the last row"}
		}
		return nil
	})
	return rows, err
}

// Head returns the last seq and hash, which can be written down elsewhere
// to anchor the chain against a rewrite of the whole log.
func Head(ctx context.Context, tx *db.Tx) (seq int64, hash string, err error) {
	err = tx.QueryRowContext(ctx, `SELECT seq, hash FROM audit_head WHERE id = 1`).Scan(&seq, &hash)
	if err != nil {
		return 0, "", fmt.Errorf("read audit head: %w", err)
	}
	return seq, hash, nil
}

const entryColumns = `seq, at, actor_id, actor, action, object_type, object_id, unit_path,
	before_json, after_json, reason, prev_hash, hash`

func scanEntry(rs *sql.Rows) (Entry, error) {
	var en Entry
	var at int64
	err := rs.Scan(&en.Seq, &at, &en.ActorID, &en.Actor, &en.Action, &en.ObjectType, &en.ObjectID,
		&en.UnitPath, &en.Before, &en.After, &en.Reason, &en.PrevHash, &en.Hash)
	if err != nil {
		return Entry{}, fmt.Errorf("read audit row: %w", err)
	}
	en.At = time.UnixMicro(at).UTC()
	return en, nil
}

// Filter selects log entries. Scopes is required: only entries whose unit
// path starts with one of its prefixes are returned ("/" is everything; an
// empty Scopes returns nothing). Zero-valued fields do not filter.
type Filter struct {
	Scopes  []string
	ActorID int64
	Actor   string
	// Action matches exactly, or as a prefix when it ends in "." ("unit.").
	Action     string
	ObjectType string
	ObjectID   string
	// From and To bound the time: From ≤ at < To.
	From, To time.Time
	// BeforeSeq pages backwards: only entries with seq < BeforeSeq. Pass the
	// last Seq of a page to get the next one.
	BeforeSeq int64
	// Limit caps the page, DefaultLimit when 0, at most MaxLimit.
	Limit int
}

// Page sizes of List.
const (
	DefaultLimit = 50
	MaxLimit     = 1000
)

// List returns the entries matching f, newest first.
func List(ctx context.Context, tx *db.Tx, f Filter) ([]Entry, error) {
	if len(f.Scopes) == 0 {
		return nil, nil
	}
	var where []string
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	var scope []string
	for _, p := range f.Scopes {
		if p == GlobalPath || p == "" {
			scope = nil
			break
		}
		scope = append(scope, `unit_path LIKE `+arg(LikePrefix(p))+` ESCAPE '\'`)
	}
	if len(scope) > 0 {
		where = append(where, "("+strings.Join(scope, " OR ")+")")
	}
	if f.ActorID != 0 {
		where = append(where, `actor_id = `+arg(f.ActorID))
	}
	if f.Actor != "" {
		where = append(where, `actor = `+arg(f.Actor))
	}
	if strings.HasSuffix(f.Action, ".") {
		where = append(where, `action LIKE `+arg(LikePrefix(f.Action))+` ESCAPE '\'`)
	} else if f.Action != "" {
		where = append(where, `action = `+arg(f.Action))
	}
	if f.ObjectType != "" {
		where = append(where, `object_type = `+arg(f.ObjectType))
	}
	if f.ObjectID != "" {
		where = append(where, `object_id = `+arg(f.ObjectID))
	}
	if !f.From.IsZero() {
		where = append(where, `at >= `+arg(f.From.UnixMicro()))
	}
	if !f.To.IsZero() {
		where = append(where, `at < `+arg(f.To.UnixMicro()))
	}
	if f.BeforeSeq > 0 {
		where = append(where, `seq < `+arg(f.BeforeSeq))
	}
	limit := f.Limit
	if limit <= 0 {
		limit = DefaultLimit
	}
	limit = min(limit, MaxLimit)
	q := `SELECT ` + entryColumns + ` FROM audit_log`
	if len(where) > 0 {
		q += ` WHERE ` + strings.Join(where, " AND ")
	}
	q += ` ORDER BY seq DESC LIMIT ` + arg(limit)
	rs, err := tx.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("list audit log: %w", err)
	}
	defer rs.Close()
	var out []Entry
	for rs.Next() {
		en, err := scanEntry(rs)
		if err != nil {
			return nil, err
		}
		out = append(out, en)
	}
	if err := rs.Err(); err != nil {
		return nil, fmt.Errorf("list audit log: %w", err)
	}
	return out, nil
}

// LikePrefix returns a LIKE pattern (with ESCAPE '\') matching strings that
// start with p.
func LikePrefix(p string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return r.Replace(p) + "%"
}
