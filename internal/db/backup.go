package db

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// Manifest describes a backup: what engine and schema version it holds,
// when it was taken, and the size and SHA-256 of each file, which Restore
// checks before it writes anything.
type Manifest struct {
	Engine        Engine    `json:"engine"`
	SchemaVersion int64     `json:"schema_version"`
	TakenAt       time.Time `json:"taken_at"`
	// Schema is the PostgreSQL schema dumped; "" for SQLite.
	Schema string `json:"schema,omitempty"`
	Files  []File `json:"files"`
}

// File is one file of a backup.
type File struct {
	Name   string `json:"name"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

// The files of a backup directory.
const (
	manifestFile = "manifest.json"
	sqliteFile   = "kaohe.db"
	dumpFile     = "kaohe.dump"
)

// Backup writes a consistent copy of the database, taken while it keeps
// serving, to the directory dir (created; it must not exist or be empty):
// on SQLite a VACUUM INTO of one read transaction, on PostgreSQL a
// pg_dump in its custom format of the database's schema (one snapshot).
// manifest.json lists the files with their checksums.
func (d *DB) Backup(ctx context.Context, dir string) (*Manifest, error) {
	if err := emptyDir(dir); err != nil {
		return nil, err
	}
	m := &Manifest{Engine: d.Engine, TakenAt: d.Clock().UTC()}
	var err error
	if m.SchemaVersion, _, err = d.SchemaVersion(ctx); err != nil {
		return nil, err
	}
	var name string
	switch d.Engine {
	case SQLite:
		name = sqliteFile
		if _, err := d.SQL.ExecContext(ctx, `VACUUM INTO ?`, filepath.Join(dir, name)); err != nil {
			return nil, fmt.Errorf("backup: %w", err)
		}
	case Postgres:
		name = dumpFile
		conn, schema, err := libpq(d.dsn)
		if err != nil {
			return nil, err
		}
		if schema == "" {
			if err := d.SQL.QueryRowContext(ctx, `SELECT current_schema()`).Scan(&schema); err != nil {
				return nil, fmt.Errorf("backup: %w", err)
			}
		}
		m.Schema = schema
		if err := run(ctx, "pg_dump", "--format=custom", "--no-owner", "--schema="+schema, "--file="+filepath.Join(dir, name), "--dbname="+conn); err != nil {
			return nil, err
		}
	}
	f, err := fileOf(dir, name)
	if err != nil {
		return nil, err
	}
	m.Files = []File{f}
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return nil, err
	}
	if err := writeSynced(filepath.Join(dir, manifestFile), append(b, '\n')); err != nil {
		return nil, err
	}
	return m, nil
}

// Restore writes the backup in dir into the empty database at dsn, after
// checking every file against the manifest; the engines must match. The
// restored database is migrated by the next Open and Migrate as usual.
func Restore(ctx context.Context, dsn, dir string) (*Manifest, error) {
	raw, err := os.ReadFile(filepath.Join(dir, manifestFile))
	if err != nil {
		return nil, fmt.Errorf("restore: %w", err)
	}
	var m Manifest
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, fmt.Errorf("restore: %s: %w", manifestFile, err)
	}
	for _, want := range m.Files {
		got, err := fileOf(dir, want.Name)
		if err != nil {
			return nil, fmt.Errorf("restore: %w", err)
		}
		if got != want {
			return nil, fmt.Errorf("restore: %s does not match the manifest (size %d, sha256 %s; the manifest says %d, %s): the backup is damaged",
				want.Name, got.Size, got.SHA256, want.Size, want.SHA256)
		}
	}
	t, err := ParseDSN(dsn)
	if err != nil {
		return nil, err
	}
	if t.Engine != m.Engine {
		return nil, fmt.Errorf("restore: the backup is of %s, the target is %s", m.Engine, t.Engine)
	}
	switch t.Engine {
	case SQLite:
		if st, err := os.Stat(t.Source); err == nil && st.Size() > 0 {
			return nil, fmt.Errorf("restore: %s exists; restore into a new file", t.Source)
		}
		src, err := os.ReadFile(filepath.Join(dir, sqliteFile))
		if err != nil {
			return nil, fmt.Errorf("restore: %w", err)
		}
		if err := writeSynced(t.Source, src); err != nil {
			return nil, err
		}
	case Postgres:
		conn, _, err := libpq(dsn)
		if err != nil {
			return nil, err
		}
		d, err := Open(ctx, dsn)
		if err != nil {
			return nil, err
		}
		var n int
		err = d.SQL.QueryRowContext(ctx, `SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = $1`, m.Schema).Scan(&n)
		d.Close()
		if err != nil {
			return nil, fmt.Errorf("restore: %w", err)
		}
		if n > 0 {
			return nil, fmt.Errorf("restore: schema %s of the target already has %d tables; restore into an empty database", m.Schema, n)
		}
		if err := run(ctx, "pg_restore", "--no-owner", "--exit-on-error", "--single-transaction", "--dbname="+conn, filepath.Join(dir, dumpFile)); err != nil {
			return nil, err
		}
	}
	return &m, nil
}

// libpq returns dsn as libpq's tools take it — without the search_path
// parameter, which only the Go driver knows — and the schema it named.
func libpq(dsn string) (conn, schema string, err error) {
	u, err := url.Parse(dsn)
	if err != nil {
		return "", "", fmt.Errorf("%w %q: %v", ErrDSN, redact(dsn), err)
	}
	q := u.Query()
	schema = q.Get("search_path")
	q.Del("search_path")
	u.RawQuery = q.Encode()
	return u.String(), schema, nil
}

// run runs a PostgreSQL client tool, found on PATH or in Debian's
// /usr/lib/postgresql/*/bin, naming its error output on failure.
func run(ctx context.Context, tool string, args ...string) error {
	path, err := exec.LookPath(tool)
	if err != nil {
		matches, _ := filepath.Glob("/usr/lib/postgresql/*/bin/" + tool)
		if len(matches) == 0 {
			return fmt.Errorf("%s is not installed (Debian: postgresql-client)", tool)
		}
		path = matches[len(matches)-1]
	}
	out, err := exec.CommandContext(ctx, path, args...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("%s: %v: %s", tool, err, strings.TrimSpace(string(out)))
	}
	return nil
}

// emptyDir creates dir, or accepts it when it exists and is empty.
func emptyDir(dir string) error {
	entries, err := os.ReadDir(dir)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return os.MkdirAll(dir, 0o700)
	case err != nil:
		return fmt.Errorf("backup: %w", err)
	case len(entries) > 0:
		return fmt.Errorf("backup: %s is not empty; back up into a new directory", dir)
	}
	return nil
}

// fileOf returns the size and checksum of dir/name.
func fileOf(dir, name string) (File, error) {
	f, err := os.Open(filepath.Join(dir, name))
	if err != nil {
		return File{}, err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return File{}, err
	}
	return File{Name: name, Size: n, SHA256: hex.EncodeToString(h.Sum(nil))}, nil
}

// writeSynced writes b to path and syncs it.
func writeSynced(path string, b []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
