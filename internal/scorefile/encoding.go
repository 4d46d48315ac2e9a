package scorefile

import (
	"bytes"
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding"
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

// toUTF8 returns data as UTF-8 without a byte-order mark, or an *Error
// naming the first line whose bytes are not text in the encoding:
//
//   - UTF8, and Auto when the file starts with a UTF-8 byte-order mark:
//     the data must be valid UTF-8.
//   - Auto: data that is valid UTF-8 is returned as is (a sub-slice, no
//     copy); anything else is decoded as GBK, and must be valid GBK.
//   - GBK: the data is decoded as GBK and must be valid GBK. A file that
//     starts with a UTF-8 byte-order mark is refused, and so is one that is
//     valid UTF-8 with non-ASCII characters unless every one of its
//     non-ASCII byte pairs is a character of GB 2312 (see plausibleGBK):
//     such a file is UTF-8 that GBK would garble.
//
// GB18030, a superset of GBK, is used for decoding so that files saved as
// GB18030 are read too. file names the file in errors.
func toUTF8(file string, data []byte, enc Encoding) ([]byte, error) {
	bom := bytes.HasPrefix(data, utf8BOM)
	switch {
	case enc == GBK && bom:
		return nil, &Error{File: file, Line: 1, Msg: "starts with a UTF-8 byte-order mark: the file is UTF-8, not GBK (use --encoding utf8)"}
	case enc == UTF8 || bom:
		data = bytes.TrimPrefix(data, utf8BOM)
		if !utf8.Valid(data) {
			line, _ := lineCol(data, int64(invalidUTF8At(data)))
			if bom {
				return nil, &Error{File: file, Line: line, Msg: "invalid UTF-8 in a file that starts with a UTF-8 byte-order mark"}
			}
			return nil, &Error{File: file, Line: line, Msg: "invalid UTF-8 (use --encoding gbk for GBK files)"}
		}
		return data, nil
	case enc == Auto && utf8.Valid(data):
		return data, nil
	case enc == GBK && utf8.Valid(data) && hasNonASCII(data):
		if at, ok := plausibleGBK(data); !ok {
			return nil, utf8NotGBK(file, data, at)
		}
	}
	out, err := simplifiedchinese.GB18030.NewDecoder().Bytes(data)
	if err != nil {
		return nil, &Error{File: file, Msg: "cannot decode as GBK", Err: err}
	}
	// The decoder turns what is not GBK into U+FFFD. Look for the bytes
	// at fault only when it did: a genuine U+FFFD in GB18030 is rare.
	if bytes.ContainsRune(out, utf8.RuneError) {
		if at, n := invalidGBKAt(data); at >= 0 {
			line, _ := lineCol(data, int64(at))
			msg := fmt.Sprintf("invalid GBK: bytes %s are not a GBK character", hexBytes(data[at:at+n]))
			if enc == Auto {
				msg = fmt.Sprintf("neither UTF-8 nor GBK: bytes %s are invalid in both (save the file as UTF-8 or GBK)", hexBytes(data[at:at+n]))
			}
			return nil, &Error{File: file, Line: line, Msg: msg}
		}
	}
	return out, nil
}

// gbkUnit returns the length of the GB18030 byte sequence at the start of
// b, following the decoder of golang.org/x/text: 1 for ASCII and for 0x80
// (€ in code page 936), 2 for a lead byte 0x81–0xFE and a trail byte
// 0x40–0x7E or 0x80–0xFE, 4 for the four-byte form of GB18030. valid is
// false for any other sequence; its n bytes (1 to 4) end with the first
// byte at fault. A well-formed sequence that maps to no character is
// reported valid here and found by decoding.
func gbkUnit(b []byte) (n int, valid bool) {
	c0 := b[0]
	switch {
	case c0 <= 0x80:
		return 1, true
	case c0 == 0xFF || len(b) < 2:
		return 1, false
	}
	c1 := b[1]
	switch {
	case 0x40 <= c1 && c1 <= 0x7E || 0x80 <= c1 && c1 <= 0xFE:
		return 2, true
	case 0x30 <= c1 && c1 <= 0x39:
		switch {
		case len(b) < 3:
			return len(b), false
		case b[2] < 0x81 || b[2] == 0xFF:
			return 3, false
		case len(b) < 4:
			return 3, false
		case b[3] < 0x30 || b[3] > 0x39:
			return 4, false
		}
		return 4, true
	}
	return 2, false
}

// gbkDecoder decodes single GB18030 sequences without allocating.
type gbkDecoder struct {
	dec *encoding.Decoder
	buf [8]byte
}

func newGBKDecoder() *gbkDecoder {
	return &gbkDecoder{dec: simplifiedchinese.GB18030.NewDecoder()}
}

// rune decodes one well-formed sequence; it returns utf8.RuneError for a
// sequence that maps to no character (a genuine U+FFFD, 84 31 A4 37, is
// returned as such too, and told apart by the caller).
func (d *gbkDecoder) rune(seq []byte) rune {
	d.dec.Reset()
	n, _, err := d.dec.Transform(d.buf[:], seq, true)
	if err != nil {
		return utf8.RuneError
	}
	r, _ := utf8.DecodeRune(d.buf[:n])
	return r
}

var gbkReplacement = []byte{0x84, 0x31, 0xA4, 0x37} // U+FFFD in GB18030

// invalidGBKAt returns the offset and length of the first sequence of
// data that is not a GBK (GB18030) character, or -1.
func invalidGBKAt(data []byte) (at, n int) {
	d := newGBKDecoder()
	for i := 0; i < len(data); i += n {
		var valid bool
		n, valid = gbkUnit(data[i:])
		if !valid {
			return i, n
		}
		if n > 1 && d.rune(data[i:i+n]) == utf8.RuneError && !bytes.Equal(data[i:i+n], gbkReplacement) {
			return i, n
		}
	}
	return -1, 0
}

// plausibleGBK reports whether data, which is also valid UTF-8, is likely
// GBK text all the same: every non-ASCII sequence is a two-byte character
// of GB 2312 — the symbols of rows 01–09 (lead bytes A1–A9) and the hanzi
// of rows 16–87 (B0–F7), with a trail byte A1–FE — that decodes to an
// assigned character outside the private use area. UTF-8 Chinese read as
// GBK fails this within a character or two: its continuation bytes
// 80–BF fall on lead and trail positions outside those ranges, and an
// ASCII byte after an odd number of bytes is an invalid trail. Genuine GBK
// is hardly ever valid UTF-8 in the first place (B0–BF, the lead bytes of
// the commonest hanzi, cannot start a UTF-8 character), and when it is, as
// for 小山 (D0 A1 C9 BD), it passes. Otherwise it returns the offset of
// the first sequence that fails.
func plausibleGBK(data []byte) (at int, ok bool) {
	d := newGBKDecoder()
	for i, n := 0, 0; i < len(data); i += n {
		var valid bool
		n, valid = gbkUnit(data[i:])
		c0 := data[i]
		if c0 < 0x80 && valid {
			continue
		}
		if !valid || n != 2 || !(0xA1 <= c0 && c0 <= 0xA9 || 0xB0 <= c0 && c0 <= 0xF7) || data[i+1] < 0xA1 {
			return i, false
		}
		if r := d.rune(data[i : i+2]); r == utf8.RuneError || 0xE000 <= r && r <= 0xF8FF {
			return i, false
		}
	}
	return 0, true
}

// utf8NotGBK is the error for a UTF-8 file read with --encoding gbk: it
// quotes the line at offset at as UTF-8 and as GBK would garble it.
func utf8NotGBK(file string, data []byte, at int) error {
	line, _ := lineCol(data, int64(at))
	start := bytes.LastIndexByte(data[:at], '\n') + 1
	end := len(data)
	if k := bytes.IndexByte(data[at:], '\n'); k >= 0 {
		end = at + k
	}
	text := bytes.TrimSuffix(data[start:end], []byte{'\r'})
	garbled, _ := simplifiedchinese.GB18030.NewDecoder().Bytes(text)
	return &Error{File: file, Line: line, Msg: fmt.Sprintf("the file is UTF-8, not GBK: as GBK, %s would read %s (use --encoding utf8)",
		quote(string(text)), quote(string(garbled)))}
}

// hasNonASCII reports whether data has a byte outside ASCII.
func hasNonASCII(data []byte) bool {
	for _, c := range data {
		if c >= utf8.RuneSelf {
			return true
		}
	}
	return false
}

// hexBytes writes bytes as "AD 2C".
func hexBytes(b []byte) string {
	parts := make([]string, len(b))
	for i, c := range b {
		parts[i] = fmt.Sprintf("%02X", c)
	}
	return strings.Join(parts, " ")
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
