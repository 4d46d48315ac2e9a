package scorefile

import (
	"bytes"
	"fmt"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
)

// Encoding is the character encoding of an input CSV file.
type Encoding int

// The encodings a CSV file may be in. Auto takes valid UTF-8 as UTF-8 and
// anything else as GBK, the default of Chinese office software.
const (
	Auto Encoding = iota
	UTF8
	GBK
)

// ParseEncoding reads the --encoding flag value: "auto", "utf8" (or
// "utf-8") or "gbk".
func ParseEncoding(s string) (Encoding, error) {
	switch s {
	case "", "auto":
		return Auto, nil
	case "utf8", "utf-8", "UTF-8", "UTF8":
		return UTF8, nil
	case "gbk", "GBK", "gb18030", "GB18030":
		return GBK, nil
	}
	return Auto, fmt.Errorf("unknown encoding %q (want auto, utf8 or gbk)", s)
}

// String returns the flag spelling of the encoding.
func (e Encoding) String() string {
	switch e {
	case UTF8:
		return "utf8"
	case GBK:
		return "gbk"
	}
	return "auto"
}

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// toUTF8 returns data as UTF-8 without a byte-order mark. In Auto mode,
// data that is valid UTF-8 is returned as is (a sub-slice, no copy);
// otherwise it is decoded from GBK. GB18030, a superset of GBK, is used for
// decoding so that files saved as GB18030 are read too. file names the
// file in errors.
func toUTF8(file string, data []byte, enc Encoding) ([]byte, error) {
	if enc != GBK && bytes.HasPrefix(data, utf8BOM) {
		return data[len(utf8BOM):], nil
	}
	switch enc {
	case UTF8:
		if !utf8.Valid(data) {
			line, _ := lineCol(data, int64(invalidUTF8At(data)))
			return nil, &Error{File: file, Line: line, Msg: "invalid UTF-8 (use --encoding gbk for GBK files)"}
		}
		return data, nil
	case Auto:
		if utf8.Valid(data) {
			return data, nil
		}
	}
	out, err := simplifiedchinese.GB18030.NewDecoder().Bytes(data)
	if err != nil {
		return nil, &Error{File: file, Msg: "cannot decode as GBK", Err: err}
	}
	return out, nil
}

// invalidUTF8At returns the offset of the first invalid UTF-8 sequence.
func invalidUTF8At(data []byte) int {
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && size == 1 {
			return i
		}
		i += size
	}
	return len(data)
}
