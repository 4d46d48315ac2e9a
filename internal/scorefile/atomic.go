package scorefile

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// Output is a file being written that appears under its final name only
// when committed: it is written to a temporary file in the same directory
// and renamed by Commit. Until then, and after Abort, nothing exists under
// the final name, so a failed run leaves no partial output.
type Output struct {
	path   string
	tmp    *os.File
	closed bool // the temporary file is synced and closed
	done   bool // committed or aborted
}

// Create starts writing path through a temporary file next to it.
func Create(path string) (*Output, error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	tmp, err := os.CreateTemp(dir, "."+base+".tmp*")
	if err != nil {
		return nil, fmt.Errorf("create output: %w", err)
	}
	return &Output{path: path, tmp: tmp}, nil
}

// Write writes to the temporary file.
func (o *Output) Write(p []byte) (int, error) { return o.tmp.Write(p) }

// Commit flushes the temporary file to disk and renames it to the final
// path, replacing any file there.
func (o *Output) Commit() error { return CommitAll(o) }

// CommitAll commits several outputs so that either all appear or, as far
// as the file system allows, none: every file is flushed to disk and
// closed before the first is renamed. On failure the temporary files that
// were not renamed are removed.
func CommitAll(outs ...*Output) error {
	for _, o := range outs {
		if o.done {
			return errors.New("output already committed or aborted")
		}
	}
	var err error
	for _, o := range outs {
		if err = o.finish(); err != nil {
			break
		}
	}
	for _, o := range outs {
		if err == nil {
			if err = os.Rename(o.tmp.Name(), o.path); err != nil {
				err = fmt.Errorf("write %s: %w", o.path, err)
			} else {
				o.done = true
			}
		}
		o.Abort()
	}
	return err
}

// finish makes the temporary file readable like any output, flushes it to
// disk and closes it.
func (o *Output) finish() error {
	err := o.tmp.Chmod(0o644)
	if err == nil {
		err = o.tmp.Sync()
	}
	if cerr := o.tmp.Close(); err == nil {
		err = cerr
	}
	o.closed = true
	if err != nil {
		return fmt.Errorf("write %s: %w", o.path, err)
	}
	return nil
}

// Abort removes the temporary file. It is a no-op after Commit, so it can
// be deferred.
func (o *Output) Abort() {
	if o.done {
		return
	}
	o.done = true
	if !o.closed {
		o.tmp.Close()
	}
	os.Remove(o.tmp.Name())
}
