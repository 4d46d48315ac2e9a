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
	path string
	tmp  *os.File
	done bool
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
func (o *Output) Commit() error {
	if o.done {
		return errors.New("output already closed")
	}
	o.done = true
	name := o.tmp.Name()
	err := o.tmp.Chmod(0o644)
	if err == nil {
		err = o.tmp.Sync()
	}
	if cerr := o.tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(name, o.path)
	}
	if err != nil {
		os.Remove(name)
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
	name := o.tmp.Name()
	o.tmp.Close()
	os.Remove(name)
}
