package api

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"kaohe/internal/errs"
)

// TestDecodeValuesJSON decodes API batches value by value: the rows and
// their numbers, and a clear refusal of every malformed shape.
func TestDecodeValuesJSON(t *testing.T) {
	for _, tt := range []struct {
		name, body string
		rows       int
		key        string
	}{
		{"two values", `{"values": [{"entity": "330102", "item": "GDP", "period": "2025", "value": 1.5},
			{"entity": "330102", "item": "FOREST", "period": "2025", "value": "65.5%", "reason": "更正"}]}`, 2, ""},
		{"no values", `{"values": []}`, 0, ""},
		{"null value", `{"values": [{"entity": "a", "item": "b", "period": "2025", "value": null}]}`, 1, ""},
		{"not an object", `[1, 2]`, 0, "api.json_invalid"},
		{"an unknown field", `{"rows": []}`, 0, "api.json_invalid"},
		{"an unknown field in a value", `{"values": [{"entity": "a", "amount": 1}]}`, 0, "api.json_invalid"},
		{"values twice", `{"values": [], "values": []}`, 0, "api.json_invalid"},
		{"data after the object", `{"values": []} {}`, 0, "api.json_invalid"},
		{"cut short", `{"values": [{"entity": "a"`, 0, "api.json_invalid"},
	} {
		b, err := decodeValuesJSON(strings.NewReader(tt.body))
		var e *errs.Error
		switch {
		case tt.key == "" && (err != nil || len(b.Rows) != tt.rows):
			t.Errorf("%s: got %v rows, %v; want %d rows", tt.name, b, err, tt.rows)
		case tt.key != "" && (!errors.As(err, &e) || e.Key != tt.key):
			t.Errorf("%s: got %v, want %s", tt.name, err, tt.key)
		}
	}
	b, _ := decodeValuesJSON(strings.NewReader(`{"values": [{"entity": "330102", "item": "GDP", "period": "2025", "value": 1.5},
		{"entity": "person:7", "item": "FOREST", "period": "2025", "value": "65.5%", "unit": "%", "reason": "更正"}, {"value": null}]}`))
	if r := b.Rows[1]; r.Line != 2 || r.Entity != "person:7" || r.Value != "65.5%" || r.Unit != "%" || r.Reason != "更正" ||
		b.Rows[0].Value != "1.5" || b.Rows[2].Value != "" || b.Rows[2].Line != 3 {
		t.Errorf("rows: %+v", b.Rows)
	}
}

// manyValues streams a JSON batch of n values without holding it.
type manyValues struct {
	n, sent int
	buf     []byte
	closed  bool
}

func (m *manyValues) Read(p []byte) (int, error) {
	for len(m.buf) < len(p) && !m.closed {
		switch {
		case m.sent == 0 && m.buf == nil:
			m.buf = append(m.buf, `{"values": [`...)
		case m.sent < m.n:
			if m.sent > 0 {
				m.buf = append(m.buf, ',')
			}
			m.buf = append(m.buf, `{"entity": "330102", "item": "GDP", "period": "2025", "value": 1}`...)
			m.sent++
		default:
			m.buf = append(m.buf, "]}"...)
			m.closed = true
		}
	}
	if len(m.buf) == 0 {
		return 0, io.EOF
	}
	n := copy(p, m.buf)
	m.buf = m.buf[n:]
	return n, nil
}

// TestDecodeValuesJSONLimits stops a body over its byte limit with an error
// that names the limit.
func TestDecodeValuesJSONLimits(t *testing.T) {
	w := httptest.NewRecorder()
	body := http.MaxBytesReader(w, io.NopCloser(&manyValues{n: 100_000}), 1<<20)
	_, err := decodeValuesJSON(body)
	var tooBig *http.MaxBytesError
	if !errors.As(err, &tooBig) {
		t.Fatalf("a 6 MiB body under a 1 MiB limit: %v", err)
	}
	var e *errs.Error
	if !errors.As(bodyError(err, 1<<20), &e) || e.Key != "api.body_over_limit" || e.Args["mib"] != int64(1) {
		t.Fatalf("bodyError: %+v", e)
	}
	b, err := decodeValuesJSON(&manyValues{n: 100_000})
	if err != nil || len(b.Rows) != 100_000 || b.Rows[99_999].Line != 100_000 {
		t.Fatalf("100,000 streamed values: %v", err)
	}
}

// FuzzDecodeValuesJSON feeds the API's value decoder arbitrary bodies: it
// answers a batch whose rows are numbered 1…n, or an error, never a panic.
func FuzzDecodeValuesJSON(f *testing.F) {
	f.Add(`{"values": [{"entity": "330102", "item": "GDP", "period": "2025", "value": 1.5}]}`)
	f.Add(`{"values": [{"entity": "person:7", "item": "X", "period": "2025Q1", "value": "65%", "unit": "%", "reason": "r"}, {"value": null}]}`)
	f.Add(`{"values": []} {}`)
	f.Add(`[`)
	f.Fuzz(func(t *testing.T, body string) {
		b, err := decodeValuesJSON(strings.NewReader(body))
		if err != nil {
			return
		}
		for i, r := range b.Rows {
			if r.Line != i+1 {
				t.Fatalf("row %d numbered %d", i, r.Line)
			}
		}
	})
}
