package scorefile

import (
	"io"
	"math"
	"runtime"
	"strconv"
	"strings"
	"sync"
)

// csvWriter formats CSV lines into a byte buffer: text fields quoted when
// needed, numbers in the shortest form that reads back to the same
// float64 (strconv 'g', -1), so that results round-trip.
type csvWriter struct {
	buf []byte
	n   int // fields on the current line
}

// str appends a text field, quoting it if needed.
func (c *csvWriter) str(s string) {
	c.sep()
	if !needsQuote(s) {
		c.buf = append(c.buf, s...)
		return
	}
	c.buf = append(c.buf, '"')
	c.buf = append(c.buf, strings.ReplaceAll(s, `"`, `""`)...)
	c.buf = append(c.buf, '"')
}

// num appends a number in shortest round-trip form; NaN is written as an
// empty field (missing).
func (c *csvWriter) num(v float64) {
	c.sep()
	if math.IsNaN(v) {
		return
	}
	c.buf = strconv.AppendFloat(c.buf, v, 'g', -1, 64)
}

// int appends an integer; a negative value (meaning "none") is written as
// an empty field.
func (c *csvWriter) int(v int) {
	c.sep()
	if v < 0 {
		return
	}
	c.buf = strconv.AppendInt(c.buf, int64(v), 10)
}

// end finishes the line.
func (c *csvWriter) end() {
	c.buf = append(c.buf, '\n')
	c.n = 0
}

// record appends a whole line of text fields.
func (c *csvWriter) record(fields ...string) {
	for _, f := range fields {
		c.str(f)
	}
	c.end()
}

// flushTo writes the buffered lines to w and empties the buffer.
func (c *csvWriter) flushTo(w io.Writer) error {
	_, err := w.Write(c.buf)
	c.buf = c.buf[:0]
	return err
}

func (c *csvWriter) sep() {
	if c.n > 0 {
		c.buf = append(c.buf, ',')
	}
	c.n++
}

// needsQuote reports whether a field must be quoted: it holds a comma, a
// quote or a line break, or starts or ends with a space (which readers
// trim).
func needsQuote(s string) bool {
	if s == "" {
		return false
	}
	if s[0] == ' ' || s[0] == '\t' || s[len(s)-1] == ' ' || s[len(s)-1] == '\t' {
		return true
	}
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case ',', '"', '\r', '\n':
			return true
		}
	}
	return false
}

// writeRows formats rows [0, n) in chunks of size rows on all cores,
// calling format for each chunk, and writes the chunks to w in order. At
// most two chunks per core are held at once, so memory stays bounded
// however large the output.
func writeRows(w io.Writer, n, size int, format func(c *csvWriter, lo, hi int)) error {
	if n == 0 {
		return nil
	}
	chunks := (n + size - 1) / size
	workers := min(runtime.GOMAXPROCS(0), chunks)
	ready := make([]chan []byte, chunks)
	for i := range ready {
		ready[i] = make(chan []byte, 1)
	}
	tasks := make(chan int)
	tokens := make(chan struct{}, 2*workers)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	// Dispatch chunks in order, each holding a token until written: the
	// chunk the writer waits for is always in flight, so this cannot
	// deadlock.
	wg.Go(func() {
		defer close(tasks)
		for i := range chunks {
			select {
			case tokens <- struct{}{}:
			case <-stop:
				return
			}
			select {
			case tasks <- i:
			case <-stop:
				return
			}
		}
	})
	for range workers {
		wg.Go(func() {
			for i := range tasks {
				c := &csvWriter{buf: make([]byte, 0, 64<<10)}
				format(c, i*size, min(n, (i+1)*size))
				ready[i] <- c.buf
			}
		})
	}
	var err error
	for i := range chunks {
		buf := <-ready[i]
		if _, err = w.Write(buf); err != nil {
			break
		}
		<-tokens
	}
	// On success everything is done; after a write error this stops the
	// dispatcher, and the workers finish the chunks they hold (each result
	// channel has room for its chunk).
	close(stop)
	wg.Wait()
	return err
}
