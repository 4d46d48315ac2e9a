package scorefile

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"regexp"
	"strings"

	"kaohe/internal/score"
)

// schemeFile is a parsed scheme document with what is needed to locate
// its parts for error messages.
type schemeFile struct {
	name   string
	data   []byte
	scheme *score.Scheme
	pos    jsonPositions
	kinds  map[string]score.Kind // indicator code → kind, defaults resolved
}

// readScheme decodes a scheme JSON document strictly: unknown fields and
// trailing data are errors, and every syntax or type error names the line
// and column. It does not run the scheme's Validate (see checkScheme).
func readScheme(file string, data []byte) (*schemeFile, error) {
	data = bytes.TrimPrefix(data, utf8BOM)
	var s score.Scheme
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&s); err != nil {
		return nil, jsonError(file, data, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		line, col := lineCol(data, dec.InputOffset())
		return nil, &Error{File: file, Line: line, Column: col, Msg: "invalid JSON: data after the scheme object"}
	}
	sf := &schemeFile{name: file, data: data, scheme: &s, pos: scanPositions(data)}
	sf.kinds = kinds(&s)
	return sf, nil
}

var unknownField = regexp.MustCompile(`^json: unknown field "(.*)"$`)

// jsonError converts an encoding/json error into an *Error with a line and
// column computed from the byte offset the error carries.
func jsonError(file string, data []byte, err error) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		// Offset counts the bytes read, including the offending one.
		line, col := lineCol(data, syn.Offset-1)
		return &Error{File: file, Line: line, Column: col, Msg: "invalid JSON: " + syn.Error(), Err: err}
	case errors.As(err, &typ):
		// Offset is the end of the bad value; point at its key instead.
		path, at := typ.Field, typ.Offset
		name := path[strings.LastIndexByte(path, '.')+1:]
		best := int64(-1)
		for p, off := range scanPositions(data) {
			last := p[strings.LastIndexAny(p, ".")+1:]
			if last == name && off < typ.Offset && (off > best || off == best && p < path) {
				path, best = p, off
			}
		}
		if best >= 0 {
			at = best
		}
		line, col := lineCol(data, at)
		return &Error{File: file, Line: line, Column: col, Field: name,
			Msg: fmt.Sprintf("%s: JSON %s where %s is expected", path, typ.Value, jsonTypeName(typ.Type)), Err: err}
	case errors.Is(err, io.EOF):
		return &Error{File: file, Line: 1, Msg: "file is empty, want a scheme JSON object"}
	case errors.Is(err, io.ErrUnexpectedEOF):
		line, col := lineCol(data, int64(len(data)))
		return &Error{File: file, Line: line, Column: col, Msg: "invalid JSON: unexpected end of file", Err: err}
	}
	if m := unknownField.FindStringSubmatch(err.Error()); m != nil {
		e := &Error{File: file, Field: m[1], Msg: fmt.Sprintf("unknown field %q", m[1]), Err: err}
		// encoding/json does not give the offset: find the key.
		if k := regexp.MustCompile(`"` + regexp.QuoteMeta(m[1]) + `"\s*:`).FindIndex(data); k != nil {
			e.Line, e.Column = lineCol(data, int64(k[0]))
		}
		return e
	}
	return &Error{File: file, Msg: "invalid JSON: " + strings.TrimPrefix(err.Error(), "json: "), Err: err}
}

// jsonTypeName names a Go type in JSON terms.
func jsonTypeName(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Slice, reflect.Array:
		return "an array"
	case reflect.Map, reflect.Struct:
		return "an object"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "an integer"
	}
	return t.String()
}

// kinds resolves the kind of every indicator: a node without an explicit
// kind is a dimension when it has children and quantitative otherwise.
func kinds(s *score.Scheme) map[string]score.Kind {
	parents := map[string]bool{}
	for _, ind := range s.Indicators {
		if ind.Parent != "" {
			parents[ind.Parent] = true
		}
	}
	k := make(map[string]score.Kind, len(s.Indicators))
	for _, ind := range s.Indicators {
		switch {
		case ind.Kind != "":
			k[ind.Code] = ind.Kind
		case parents[ind.Code]:
			k[ind.Code] = score.KindDimension
		default:
			k[ind.Code] = score.KindQuantitative
		}
	}
	return k
}

// indicatorPath returns the JSON path of the indicator with the given code.
func (sf *schemeFile) indicatorPath(code string) string {
	for i, ind := range sf.scheme.Indicators {
		if ind.Code == code {
			return fmt.Sprintf("indicators[%d]", i)
		}
	}
	return ""
}

// errorAt returns an *Error located at a JSON path of the scheme.
func (sf *schemeFile) errorAt(path, field, msg string, err error) *Error {
	e := &Error{File: sf.name, Field: field, Msg: msg, Err: err}
	if line, col, ok := sf.pos.lineOf(sf.data, path); ok {
		e.Line, e.Column = line, col
	}
	return e
}
