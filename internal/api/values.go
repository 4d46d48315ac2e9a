package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"

	"kaohe/internal/auth"
	"kaohe/internal/collect"
	"kaohe/internal/errs"
)

// valueIn is one value of a POST /api/v1/values JSON batch.
type valueIn struct {
	// Entity is a unit's code, or "person:<id>".
	Entity string `json:"entity"`
	Item   string `json:"item"`
	Period string `json:"period"`
	// Value is a JSON number, or a string as a person would write it.
	Value  json.RawMessage `json:"value"`
	Unit   string          `json:"unit,omitempty"`
	Reason string          `json:"reason,omitempty"`
}

// valuesOut is the answer to POST /api/v1/values.
type valuesOut struct {
	BatchID   string    `json:"batch_id"`
	Rows      int       `json:"rows"`
	Inserted  int       `json:"inserted"`
	Corrected int       `json:"corrected"`
	Unchanged int       `json:"unchanged"`
	Skipped   int       `json:"skipped"`
	Flagged   int       `json:"flagged"`
	Flags     []flagOut `json:"flags,omitempty"`
	Converted string    `json:"converted,omitempty"`
}

type flagOut struct {
	Row    int     `json:"row"`
	Entity string  `json:"entity"`
	Item   string  `json:"item"`
	Period string  `json:"period"`
	Value  float64 `json:"value"`
	Prev   float64 `json:"previous"`
}

// rowErrorOut is one bad row of a rejected batch.
type rowErrorOut struct {
	Row     int    `json:"row,omitempty"`
	Field   string `json:"field,omitempty"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

// Limits of POST /api/v1/values. A JSON body is decoded value by value,
// so its memory is that of the rows, bounded by collect.MaxRows; a CSV body
// is read whole (its encoding is detected over all of it), so it has a
// tighter bound.
const (
	maxJSONBody = 256 << 20
	maxCSVBody  = 64 << 20
)

// valuesSubmit takes a batch of values as JSON ({"values": [...]}) or as
// CSV (Content-Type text/csv, the columns of a CSV upload) and writes it
// whole or not at all. A rejected batch answers 422 (403 for another
// department's item) with every bad row under "errors".
func (h *Handler) valuesSubmit(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	var (
		b   *collect.Batch
		err error
	)
	switch mt {
	case "text/csv", "text/plain":
		var body []byte
		body, err = io.ReadAll(http.MaxBytesReader(w, r.Body, maxCSVBody))
		if err != nil {
			h.ServeError(w, r, bodyError(err, maxCSVBody))
			return
		}
		b, err = collect.ParseCSV(body)
		if b != nil {
			b.Source = collect.SourceAPI
		}
	default:
		b, err = decodeValuesJSON(http.MaxBytesReader(w, r.Body, maxJSONBody))
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			err = bodyError(err, maxJSONBody)
		}
	}
	if err == nil {
		var rep *collect.Report
		if rep, err = h.collect.Submit(r.Context(), a, *b); err == nil {
			out := valuesOut{BatchID: strconv.FormatInt(rep.BatchID, 10), Rows: rep.Rows, Inserted: rep.Inserted,
				Corrected: rep.Corrected, Unchanged: rep.Unchanged, Skipped: rep.Skipped, Flagged: rep.Flagged, Converted: rep.Converted}
			for _, f := range rep.Flags {
				out.Flags = append(out.Flags, flagOut{f.Line, f.Entity, f.Item, f.Period, f.Value, f.Prev})
			}
			writeJSON(w, http.StatusOK, out)
			return
		}
	}
	h.valuesError(w, r, err)
}

// bodyError says that a body was over its limit max, naming it, or could
// not be read.
func bodyError(err error, max int64) error {
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		e := errs.New(errs.Invalid, "api.body_over_limit", fmt.Sprintf("the body is larger than %d MiB", max>>20))
		e.Args = map[string]any{"mib": max >> 20}
		return e
	}
	return errs.New(errs.Invalid, "api.body_too_large", "the body is too large or unreadable")
}

// decodeValuesJSON reads a JSON batch {"values": [...]} value by value;
// rows are numbered from 1. More than collect.MaxRows values stop the
// decoding there.
func decodeValuesJSON(body io.Reader) (*collect.Batch, error) {
	dec := json.NewDecoder(body)
	dec.DisallowUnknownFields()
	bad := func(err error) error {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return err
		}
		return errs.New(errs.Invalid, "api.json_invalid", "the body is not a JSON object {\"values\": [...]}: "+err.Error())
	}
	expect := func(want json.Delim) error {
		t, err := dec.Token()
		if err != nil {
			return bad(err)
		}
		if d, ok := t.(json.Delim); !ok || d != want {
			return bad(fmt.Errorf("want %v, got %v", want, t))
		}
		return nil
	}
	if err := expect('{'); err != nil {
		return nil, err
	}
	b := &collect.Batch{Source: collect.SourceAPI}
	seen := false
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return nil, bad(err)
		}
		if k, _ := t.(string); k != "values" || seen {
			return nil, bad(fmt.Errorf("unknown or repeated field %v", t))
		}
		seen = true
		if err := expect('['); err != nil {
			return nil, err
		}
		for dec.More() {
			if len(b.Rows) == collect.MaxRows {
				e := errs.New(errs.Invalid, "collect.import.too_many", fmt.Sprintf("a submission holds at most %d rows", collect.MaxRows))
				e.Args = map[string]any{"max": collect.MaxRows}
				return nil, e
			}
			var v valueIn
			if err := dec.Decode(&v); err != nil {
				return nil, bad(err)
			}
			val := string(v.Value)
			var s string
			if json.Unmarshal(v.Value, &s) == nil {
				val = s
			} else if val == "null" {
				val = ""
			}
			b.Rows = append(b.Rows, collect.Row{Line: len(b.Rows) + 1, Entity: v.Entity, Item: v.Item, Period: v.Period,
				Value: val, Unit: v.Unit, Reason: v.Reason})
		}
		if err := expect(']'); err != nil {
			return nil, err
		}
	}
	if err := expect('}'); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, bad(errors.New("data after the object"))
	}
	return b, nil
}

// valuesError answers a rejected batch: the error shape, with every bad
// row localized under "errors".
func (h *Handler) valuesError(w http.ResponseWriter, r *http.Request, err error) {
	var list errs.List
	if !errors.As(err, &list) {
		h.ServeError(w, r, err)
		return
	}
	loc := h.loc.For(r.Header.Get("Accept-Language"))
	status := errs.HTTPStatus(err)
	out := struct {
		Error  errorDetail   `json:"error"`
		Errors []rowErrorOut `json:"errors"`
	}{Error: errorDetail{Code: string(errs.CodeOf(err)), Message: loc.Error(list[0])}}
	for _, e := range list {
		out.Errors = append(out.Errors, rowErrorOut{Row: e.Row, Field: e.Field, Code: string(e.Code), Message: loc.Error(e)})
	}
	writeJSON(w, status, out)
}
