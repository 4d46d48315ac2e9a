package scorefile

import (
	"bytes"
	"encoding/csv"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"testing"
)

func TestCSVWriterRoundTrip(t *testing.T) {
	fields := []string{"plain", "县委办公室", "a,b", `say "hi"`, "two\nlines", " padded", ""}
	nums := []float64{0.1, 1.0 / 3, 100, -2.5e-12, 1e21, math.MaxFloat64, math.SmallestNonzeroFloat64}
	var buf bytes.Buffer
	w := &csvWriter{}
	for _, f := range fields {
		w.str(f)
	}
	for _, v := range nums {
		w.num(v)
	}
	w.num(math.NaN())
	w.int(7)
	w.int(-1)
	w.end()
	if err := w.flushTo(&buf); err != nil {
		t.Fatal(err)
	}
	rec, err := csv.NewReader(&buf).Read()
	if err != nil {
		t.Fatal(err)
	}
	if got, want := len(rec), len(fields)+len(nums)+3; got != want {
		t.Fatalf("got %d fields, want %d", got, want)
	}
	for i, f := range fields {
		if rec[i] != f {
			t.Errorf("field %d: got %q, want %q", i, rec[i], f)
		}
	}
	for i, v := range nums {
		got, err := strconv.ParseFloat(rec[len(fields)+i], 64)
		if err != nil || got != v {
			t.Errorf("number %d: got %q, want %v", i, rec[len(fields)+i], v)
		}
	}
	if tail := rec[len(rec)-3:]; tail[0] != "" || tail[1] != "7" || tail[2] != "" {
		t.Errorf("got %q, want NaN, 7, -1 as \"\", \"7\", \"\"", tail)
	}
}

func TestOutput(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "results.csv")

	o, err := Create(path)
	if err != nil {
		t.Fatal(err)
	}
	o.Write([]byte("partial"))
	o.Abort()
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Errorf("after Abort: got stat error %v, want not exist", err)
	}

	o, err = Create(path)
	if err != nil {
		t.Fatal(err)
	}
	o.Write([]byte("done\n"))
	if err := o.Commit(); err != nil {
		t.Fatal(err)
	}
	o.Abort() // no-op after Commit
	got, err := os.ReadFile(path)
	if err != nil || string(got) != "done\n" {
		t.Errorf("got %q, %v, want \"done\\n\"", got, err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("got %d files in the directory, want 1 (no temporary left)", len(entries))
	}

	// CommitAll renames outputs in different directories, and a committed
	// output cannot be committed again.
	sub := filepath.Join(dir, "sub")
	if err := os.Mkdir(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	a, err := Create(filepath.Join(dir, "a.csv"))
	if err != nil {
		t.Fatal(err)
	}
	b, err := Create(filepath.Join(sub, "b.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if err := CommitAll(a, b); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{filepath.Join(dir, "a.csv"), filepath.Join(sub, "b.csv")} {
		if _, err := os.Stat(p); err != nil {
			t.Errorf("after CommitAll: %v", err)
		}
	}
	if err := a.Commit(); err == nil {
		t.Error("second Commit: got no error, want one")
	}
}

// TestWriteRows checks that chunks formatted in parallel come out in order,
// and that a write error stops the run.
func TestWriteRows(t *testing.T) {
	for _, n := range []int{0, 1, 7, 1000} {
		var buf bytes.Buffer
		err := writeRows(&buf, n, 3, func(c *csvWriter, lo, hi int) {
			for i := lo; i < hi; i++ {
				c.int(i)
				c.end()
			}
		})
		if err != nil {
			t.Fatal(err)
		}
		var want bytes.Buffer
		for i := range n {
			want.WriteString(strconv.Itoa(i) + "\n")
		}
		if buf.String() != want.String() {
			t.Errorf("n=%d: got %q, want %q", n, buf.String(), want.String())
		}
	}
	err := writeRows(failWriter{}, 1000, 3, func(c *csvWriter, lo, hi int) { c.int(lo); c.end() })
	if err == nil || err.Error() != "disk full" {
		t.Errorf("got %v, want disk full", err)
	}
}

type failWriter struct{}

func (failWriter) Write(p []byte) (int, error) { return 0, errors.New("disk full") }
