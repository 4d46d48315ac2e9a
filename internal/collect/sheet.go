package collect

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
)

// The sheet reader: a byte scanner over a worksheet's XML and the shared
// strings, for the few elements a value sheet uses (row, c, v, is, t). It
// reads a 200,000-row sheet several times faster than excelize's row
// iterator, which decodes every token with encoding/xml. Cell values are
// raw, as excelize's RawCellValue gives them: numbers as stored, shared
// and inline strings as text, booleans as 0 or 1.

// maxSheetRows is Excel's row limit.
const maxSheetRows = 1 << 20

// maxSheetCols is Excel's column limit.
const maxSheetCols = 1 << 14

// sheetScanner yields the rows of a worksheet.
type sheetScanner struct {
	b   []byte
	i   int
	sst []string
	// last is the number of the last row read.
	last int
	err  error
}

// next returns the next row element: its number and cells by column.
func (s *sheetScanner) next() (num int, cells []string, ok bool) {
	for {
		j := bytes.Index(s.b[s.i:], []byte("<row"))
		if j < 0 {
			return 0, nil, false
		}
		s.i += j + 4
		if s.i < len(s.b) && (s.b[s.i] == ' ' || s.b[s.i] == '>' || s.b[s.i] == '/') {
			break
		}
	}
	end := bytes.IndexByte(s.b[s.i:], '>')
	if end < 0 {
		s.err = fmt.Errorf("unterminated row")
		return 0, nil, false
	}
	tag := s.b[s.i : s.i+end]
	s.i += end + 1
	num = s.last + 1
	if r := attr(append([]byte(" "), tag...), "r"); r != "" {
		n, err := strconv.Atoi(r)
		if err != nil || n <= s.last {
			s.err = fmt.Errorf("row number %q out of order", r)
			return 0, nil, false
		}
		num = n
	}
	if num > maxSheetRows {
		s.err = fmt.Errorf("row %d is beyond Excel's last row", num)
		return 0, nil, false
	}
	s.last = num
	if bytes.HasSuffix(tag, []byte("/")) {
		return num, nil, true
	}
	rowEnd := bytes.Index(s.b[s.i:], []byte("</row>"))
	if rowEnd < 0 {
		s.err = fmt.Errorf("row %d is not closed", num)
		return 0, nil, false
	}
	body := s.b[s.i : s.i+rowEnd]
	s.i += rowEnd + 6
	col := 0
	for k := 0; ; {
		j := bytes.Index(body[k:], []byte("<c"))
		if j < 0 {
			break
		}
		k += j + 2
		if k >= len(body) || (body[k] != ' ' && body[k] != '>' && body[k] != '/') {
			continue
		}
		e := bytes.IndexByte(body[k:], '>')
		if e < 0 {
			s.err = fmt.Errorf("row %d: unterminated cell", num)
			return 0, nil, false
		}
		ctag := body[k-1 : k+e]
		k += e + 1
		col++
		if ref := attr(ctag, "r"); ref != "" {
			c, ok := refColumn(ref)
			if !ok || c < col {
				s.err = fmt.Errorf("row %d: cell reference %q out of order", num, ref)
				return 0, nil, false
			}
			col = c
		}
		if col > maxSheetCols {
			s.err = fmt.Errorf("row %d: column beyond Excel's last", num)
			return 0, nil, false
		}
		var inner []byte
		if !bytes.HasSuffix(ctag, []byte("/")) {
			ce := bytes.Index(body[k:], []byte("</c>"))
			if ce < 0 {
				s.err = fmt.Errorf("row %d: cell not closed", num)
				return 0, nil, false
			}
			inner = body[k : k+ce]
			k += ce + 4
		}
		v, err := s.cellValue(attr(ctag, "t"), inner)
		if err != nil {
			s.err = fmt.Errorf("row %d: %w", num, err)
			return 0, nil, false
		}
		for len(cells) < col-1 {
			cells = append(cells, "")
		}
		cells = append(cells, v)
	}
	return num, cells, true
}

// cellValue returns the raw value of a cell of type t with content inner.
func (s *sheetScanner) cellValue(t string, inner []byte) (string, error) {
	switch t {
	case "inlineStr":
		return texts(inner), nil
	case "s":
		v := element(inner, "v")
		n, err := strconv.Atoi(string(v))
		if err != nil || n < 0 || n >= len(s.sst) {
			return "", fmt.Errorf("shared string %q does not exist", v)
		}
		return s.sst[n], nil
	default: // n, str, b, e, d
		return unescape(element(inner, "v")), nil
	}
}

// element returns the content of the first <name>…</name> in b.
func element(b []byte, name string) []byte {
	open := "<" + name
	for k := 0; ; {
		j := bytes.Index(b[k:], []byte(open))
		if j < 0 {
			return nil
		}
		k += j + len(open)
		if k < len(b) && (b[k] == '>' || b[k] == ' ') {
			e := bytes.IndexByte(b[k:], '>')
			if e < 0 {
				return nil
			}
			if b[k+e-1] == '/' {
				return nil // <v/>
			}
			k += e + 1
			end := bytes.Index(b[k:], []byte("</"+name+">"))
			if end < 0 {
				return nil
			}
			return b[k : k+end]
		}
	}
}

// texts concatenates the <t> elements of a string item, leaving out
// phonetic runs (<rPh>).
func texts(b []byte) string {
	var out strings.Builder
	for k := 0; k < len(b); {
		j := bytes.Index(b[k:], []byte("<"))
		if j < 0 {
			break
		}
		k += j
		switch {
		case bytes.HasPrefix(b[k:], []byte("<rPh")):
			e := bytes.Index(b[k:], []byte("</rPh>"))
			if e < 0 {
				return out.String()
			}
			k += e + 6
		case bytes.HasPrefix(b[k:], []byte("<t>")) || bytes.HasPrefix(b[k:], []byte("<t ")):
			e := bytes.IndexByte(b[k:], '>')
			if e < 0 {
				return out.String()
			}
			if b[k+e-1] == '/' { // <t/>
				k += e + 1
				continue
			}
			k += e + 1
			end := bytes.Index(b[k:], []byte("</t>"))
			if end < 0 {
				return out.String()
			}
			out.WriteString(unescape(b[k : k+end]))
			k += end + 4
		default:
			k++
		}
	}
	return out.String()
}

// sharedStrings parses xl/sharedStrings.xml.
func sharedStrings(b []byte) []string {
	var out []string
	for k := 0; ; {
		j := bytes.Index(b[k:], []byte("<si"))
		if j < 0 {
			return out
		}
		k += j + 3
		if k < len(b) && b[k] == '/' { // <si/>
			out = append(out, "")
			continue
		}
		end := bytes.Index(b[k:], []byte("</si>"))
		if end < 0 {
			return out
		}
		out = append(out, texts(b[k:k+end]))
		k += end + 5
	}
}

// unescape decodes XML's entities and character references.
func unescape(b []byte) string {
	if bytes.IndexByte(b, '&') < 0 {
		return string(b)
	}
	var out strings.Builder
	for k := 0; k < len(b); {
		if b[k] != '&' {
			out.WriteByte(b[k])
			k++
			continue
		}
		e := bytes.IndexByte(b[k:], ';')
		if e < 0 || e > 12 {
			out.WriteByte(b[k])
			k++
			continue
		}
		ent := string(b[k+1 : k+e])
		switch {
		case ent == "lt":
			out.WriteByte('<')
		case ent == "gt":
			out.WriteByte('>')
		case ent == "amp":
			out.WriteByte('&')
		case ent == "quot":
			out.WriteByte('"')
		case ent == "apos":
			out.WriteByte('\'')
		case strings.HasPrefix(ent, "#x"):
			n, err := strconv.ParseUint(ent[2:], 16, 32)
			if err != nil {
				out.WriteString("&" + ent + ";")
			} else {
				out.WriteRune(rune(n))
			}
		case strings.HasPrefix(ent, "#"):
			n, err := strconv.ParseUint(ent[1:], 10, 32)
			if err != nil {
				out.WriteString("&" + ent + ";")
			} else {
				out.WriteRune(rune(n))
			}
		default:
			out.WriteString("&" + ent + ";")
		}
		k += e + 1
	}
	return out.String()
}

// refColumn returns the 1-based column of a cell reference such as "AB12".
func refColumn(ref string) (int, bool) {
	col := 0
	i := 0
	for ; i < len(ref) && ref[i] >= 'A' && ref[i] <= 'Z'; i++ {
		col = col*26 + int(ref[i]-'A'+1)
		if col > maxSheetCols {
			return 0, false
		}
	}
	return col, i > 0 && i < len(ref) && digits(ref[i:])
}
