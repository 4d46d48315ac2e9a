package api

import (
	"bytes"
	"encoding/json"
	"errors"
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

// valuesIn is the JSON body of POST /api/v1/values.
type valuesIn struct {
	Values []valueIn `json:"values"`
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

// maxValuesBody bounds the body of POST /api/v1/values.
const maxValuesBody = 256 << 20

// valuesSubmit takes a batch of values as JSON ({"values": [...]}) or as
// CSV (Content-Type text/csv, the columns of a CSV upload) and writes it
// whole or not at all. A rejected batch answers 422 (403 for another
// department's item) with every bad row under "errors".
func (h *Handler) valuesSubmit(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxValuesBody))
	if err != nil {
		h.ServeError(w, r, errs.New(errs.Invalid, "api.body_too_large", "the body is too large or unreadable"))
		return
	}
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	var b *collect.Batch
	switch mt {
	case "text/csv", "text/plain":
		b, err = collect.ParseCSV(body)
		if b != nil {
			b.Source = collect.SourceAPI
		}
	default:
		b, err = parseValuesJSON(body)
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

// parseValuesJSON reads a JSON batch; rows are numbered from 1.
func parseValuesJSON(body []byte) (*collect.Batch, error) {
	var in valuesIn
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		e := errs.New(errs.Invalid, "api.json_invalid", "the body is not a JSON object {\"values\": [...]}: "+err.Error())
		return nil, e
	}
	b := &collect.Batch{Source: collect.SourceAPI, Rows: make([]collect.Row, len(in.Values))}
	for i, v := range in.Values {
		val := string(v.Value)
		var s string
		if json.Unmarshal(v.Value, &s) == nil {
			val = s
		} else if val == "null" {
			val = ""
		}
		b.Rows[i] = collect.Row{Line: i + 1, Entity: v.Entity, Item: v.Item, Period: v.Period, Value: val, Unit: v.Unit, Reason: v.Reason}
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
