package collect

import (
	"bytes"
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"

	"kaohe/internal/errs"
)

// The columns of a value table (CSV, or a long sheet of a workbook), by
// every name a header may give them.
var columnNames = map[string]string{
	"entity": "entity", "entity_code": "entity", "对象代码": "entity", "单位代码": "entity", "代码": "entity",
	"entity_name": "name", "对象名称": "name", "单位名称": "name", "名称": "name",
	"item": "item", "item_code": "item", "数据项代码": "item", "数据项": "item",
	"period": "period", "期间": "period", "填报期间": "period",
	"value": "value", "数值": "value", "值": "value",
	"unit": "unit", "单位": "unit", "计量单位": "unit",
	"reason": "reason", "更正原因": "reason", "原因": "reason",
}

// columns maps a header row to the positions of the known columns; it
// reports a missing required column (entity, item, period, value) or a
// repeated one.
func columns(header []string) (map[string]int, *errs.Error) {
	pos := map[string]int{}
	for i, h := range header {
		name, ok := columnNames[strings.ToLower(strings.TrimSpace(h))]
		if !ok {
			continue
		}
		if _, dup := pos[name]; dup {
			e := errs.New(errs.Invalid, "collect.import.column_repeated", fmt.Sprintf("column %s appears twice", h))
			e.Row, e.Field, e.Args = 1, h, map[string]any{"column": h}
			return nil, e
		}
		pos[name] = i
	}
	for _, need := range []string{"entity", "item", "period", "value"} {
		if _, ok := pos[need]; !ok {
			e := errs.New(errs.Invalid, "collect.import.column_missing",
				fmt.Sprintf("the header has no %s column (entity_code, item_code, period, value; or 对象代码, 数据项代码, 期间, 数值)", need))
			e.Row, e.Field, e.Args = 1, need, map[string]any{"column": need}
			return nil, e
		}
	}
	return pos, nil
}

// Decode returns text as UTF-8 and the name of the encoding it was
// converted from ("" for UTF-8): a UTF-8 or UTF-16 byte-order mark is
// honoured; text that is not valid UTF-8 is read as GB18030, the superset
// of GBK and GB2312 that Chinese Excel writes. Text that is neither is an
// error.
func Decode(data []byte) ([]byte, string, error) {
	switch {
	case bytes.HasPrefix(data, []byte{0xEF, 0xBB, 0xBF}):
		data = data[3:]
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE}), bytes.HasPrefix(data, []byte{0xFE, 0xFF}):
		out, _, err := transform.Bytes(unicode.BOMOverride(unicode.UTF8.NewDecoder()), data)
		if err != nil || !utf8.Valid(out) {
			return nil, "", encodingError()
		}
		return out, "UTF-16", nil
	}
	if utf8.Valid(data) {
		return data, "", nil
	}
	out, _, err := transform.Bytes(simplifiedchinese.GB18030.NewDecoder(), data)
	if err != nil || !utf8.Valid(out) || bytes.ContainsRune(out, utf8.RuneError) {
		return nil, "", encodingError()
	}
	return out, "GBK", nil
}

func encodingError() *errs.Error {
	return errs.New(errs.Invalid, "collect.import.encoding", "the file is neither UTF-8 nor GBK text")
}

// ParseCSV reads a value table: a header row naming the columns (entity
// code, item code, period, value; optionally name, unit, reason) and one
// value per line, separated by commas (or tabs when the header has tabs
// and no commas), fields quoted as RFC 4180 says. It decodes GBK and
// UTF-16 (Decode). Errors name the line; a bad line does not stop the
// reading, so that every bad line is reported at once.
func ParseCSV(data []byte) (*Batch, error) {
	text, enc, err := Decode(data)
	if err != nil {
		return nil, err
	}
	b := &Batch{Source: SourceCSV}
	if enc != "" {
		b.Converted = enc + "→UTF-8"
	}
	// One string for the whole text: fields are substrings of it, not copies.
	sc := scanner{s: string(text), sep: ','}
	if i := strings.IndexByte(sc.s, '\n'); i >= 0 {
		first := sc.s[:i]
		if strings.IndexByte(first, '\t') >= 0 && strings.IndexByte(first, ',') < 0 {
			sc.sep = '\t'
		}
	} else if strings.IndexByte(sc.s, '\t') >= 0 && strings.IndexByte(sc.s, ',') < 0 {
		sc.sep = '\t'
	}
	var bad collector
	header, ok := sc.record(nil)
	if !ok || sc.err != nil {
		return nil, errs.New(errs.Invalid, "collect.import.no_header", "the file is empty: it needs a header row")
	}
	pos, cerr := columns(header)
	if cerr != nil {
		return nil, cerr
	}
	b.Rows = make([]Row, 0, strings.Count(sc.s, "\n"))
	fields := make([]string, 0, len(header))
	get := func(name string) string {
		if i, ok := pos[name]; ok && i < len(fields) {
			return fields[i]
		}
		return ""
	}
	for {
		line := sc.line
		fields, ok = sc.record(fields[:0])
		if sc.err != nil {
			bad.add(&Row{Line: line}, sc.err)
			sc.err = nil
			continue
		}
		if !ok {
			break
		}
		if len(fields) == 1 && fields[0] == "" {
			continue // a blank line
		}
		if len(fields) > len(header) {
			bad.add(&Row{Line: line}, rowError("collect.import.too_many_fields",
				fmt.Sprintf("%d fields, but the header has %d", len(fields), len(header)), "",
				map[string]any{"n": len(fields), "want": len(header)}))
			continue
		}
		b.Rows = append(b.Rows, Row{Line: line, Entity: trim(get("entity")), Item: trim(get("item")),
			Period: trim(get("period")), Value: get("value"), Unit: trim(get("unit")), Reason: get("reason")})
	}
	if err := bad.err(); err != nil {
		return nil, err
	}
	return b, nil
}

// trim removes surrounding spaces without copying when there are none.
func trim(s string) string {
	if s == "" || (s[0] > ' ' && s[len(s)-1] > ' ') {
		return s
	}
	return strings.TrimSpace(s)
}

// scanner splits CSV text into records. Unquoted fields are substrings of
// s; a quoted field with doubled quotes is the only copy made.
type scanner struct {
	s    string
	i    int
	sep  byte
	line int // line of the next record, 1-based
	err  *errs.Error
}

// record reads the next record into fields; ok is false at the end. A
// malformed record sets err and skips to the end of its line.
func (sc *scanner) record(fields []string) ([]string, bool) {
	if sc.line == 0 {
		sc.line = 1
	}
	if sc.i >= len(sc.s) {
		return fields, false
	}
	start := sc.line
	for {
		// One field.
		if sc.i < len(sc.s) && sc.s[sc.i] == '"' {
			f, ok := sc.quoted()
			if !ok {
				sc.err = rowError("collect.import.bad_quote", "a quoted field is not closed or is followed by text", "", nil)
				sc.err.Row = start
				sc.skipLine()
				return fields, true
			}
			fields = append(fields, f)
		} else {
			j := sc.i
			for j < len(sc.s) && sc.s[j] != sc.sep && sc.s[j] != '\n' && sc.s[j] != '\r' {
				j++
			}
			f := sc.s[sc.i:j]
			if strings.IndexByte(f, '"') >= 0 {
				sc.err = rowError("collect.import.bad_quote", "a quote inside an unquoted field", "", nil)
				sc.err.Row = start
				sc.skipLine()
				return fields, true
			}
			fields = append(fields, f)
			sc.i = j
		}
		if sc.i >= len(sc.s) {
			sc.line++
			return fields, true
		}
		switch sc.s[sc.i] {
		case sc.sep:
			sc.i++
			continue
		case '\r':
			sc.i++
			if sc.i < len(sc.s) && sc.s[sc.i] == '\n' {
				sc.i++
			}
		case '\n':
			sc.i++
		}
		sc.line++
		return fields, true
	}
}

// quoted reads a quoted field starting at sc.i; ok is false when it is not
// closed or text follows the closing quote.
func (sc *scanner) quoted() (string, bool) {
	i := sc.i + 1
	var b strings.Builder
	plain := true
	from := i
	for i < len(sc.s) {
		c := sc.s[i]
		switch {
		case c == '"' && i+1 < len(sc.s) && sc.s[i+1] == '"':
			if plain {
				b.WriteString(sc.s[from:i])
				plain = false
			}
			b.WriteByte('"')
			i += 2
			continue
		case c == '"':
			var f string
			if plain {
				f = sc.s[from:i]
			} else {
				f = b.String()
			}
			i++
			if i < len(sc.s) && sc.s[i] != sc.sep && sc.s[i] != '\n' && sc.s[i] != '\r' {
				return "", false
			}
			sc.line += strings.Count(sc.s[sc.i:i], "\n")
			sc.i = i
			return f, true
		}
		if !plain {
			b.WriteByte(c)
		}
		i++
	}
	return "", false
}

// skipLine moves past the end of the current line.
func (sc *scanner) skipLine() {
	j := strings.IndexByte(sc.s[sc.i:], '\n')
	if j < 0 {
		sc.i = len(sc.s)
	} else {
		sc.i += j + 1
	}
	sc.line++
}
