package scorefile

import (
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"

	"kaohe/internal/errs"
)

func gbk(t testing.TB, s string) []byte {
	t.Helper()
	b, err := simplifiedchinese.GBK.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func gb18030(t testing.TB, s string) []byte {
	t.Helper()
	b, err := simplifiedchinese.GB18030.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestToUTF8(t *testing.T) {
	const text = "entity,name,group\nE1,县委办公室,县直部门\n"
	// 小山 and 委 in GBK (D0 A1 C9 BD, CE AF) happen to be valid UTF-8 too;
	// as GB 2312 characters throughout, the file is GBK when --encoding
	// gbk says so (auto reads it as UTF-8, since it is valid UTF-8).
	const alsoUTF8 = "entity,name,group\nE1,小山,委\n"
	tests := []struct {
		name string
		data []byte
		enc  Encoding
		want string
	}{
		{"utf8", []byte(text), Auto, text},
		{"utf8 with bom", append([]byte("\xEF\xBB\xBF"), text...), Auto, text},
		{"utf8 forced with bom", append([]byte("\xEF\xBB\xBF"), text...), UTF8, text},
		{"gbk detected", gbk(t, text), Auto, text},
		{"gbk forced", gbk(t, text), GBK, text},
		{"ascii forced gbk", []byte("entity,name,group\nE1,a,b\n"), GBK, "entity,name,group\nE1,a,b\n"},
		{"gbk that is also utf8, forced gbk", gbk(t, alsoUTF8), GBK, alsoUTF8},
		{"gbk full-width punctuation, forced gbk", gbk(t, "a，b\n"), GBK, "a，b\n"},
		{"gb18030 four-byte character detected", gb18030(t, "E1,𠀀,乡镇\n"), Auto, "E1,𠀀,乡镇\n"},
		{"gb18030 genuine U+FFFD forced", gb18030(t, "E1,\uFFFD,乡镇\n"), GBK, "E1,\uFFFD,乡镇\n"},
		{"code page 936 euro sign detected", gbk(t, "E1,€,乡镇\n"), Auto, "E1,€,乡镇\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := toUTF8("entities.csv", tt.data, tt.enc)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

// TestToUTF8Errors: text that is not in the encoding chosen (or, with
// auto, detected) is refused with the file and line, instead of being
// decoded to garbage: UTF-8 read as GBK garbles group names, so that
// per-group weights stop applying.
func TestToUTF8Errors(t *testing.T) {
	head := []byte("entity,name,group\n")
	cat := func(parts ...[]byte) []byte {
		var b []byte
		for _, p := range parts {
			b = append(b, p...)
		}
		return b
	}
	tests := []struct {
		name string
		data []byte
		enc  Encoding
		want string
	}{
		{"gbk forced utf8", cat(head, gbk(t, "E1,县委办公室,县直部门\n")), UTF8,
			"entities.csv:2: invalid UTF-8 (use --encoding gbk for GBK files)"},
		{"utf8 forced gbk", []byte("entity,name,group\nE1,城关镇,乡镇\n"), GBK,
			"entities.csv:2: the file is UTF-8, not GBK: as GBK, \"E1,城关镇,乡镇\" would read \"E1,鍩庡叧闀\uFFFD,涔￠晣\" (use --encoding utf8)"},
		{"utf8 forced gbk, later line", []byte("entity,name,group\nE1,a,b\r\nE2,县直部门,县直部门\r\n"), GBK,
			`entities.csv:3: the file is UTF-8, not GBK: as GBK, "E2,县直部门,县直部门" would read "E2,鍘跨洿閮ㄩ棬,鍘跨洿閮ㄩ棬" (use --encoding utf8)`},
		{"utf8 even-length forced gbk", []byte("entity,name,group\nE1,乡镇,乡镇\n"), GBK,
			`entities.csv:2: the file is UTF-8, not GBK: as GBK, "E1,乡镇,乡镇" would read "E1,涔￠晣,涔￠晣" (use --encoding utf8)`},
		{"utf8 with bom forced gbk", cat([]byte("\xEF\xBB\xBF"), head), GBK,
			"entities.csv:1: starts with a UTF-8 byte-order mark: the file is UTF-8, not GBK (use --encoding utf8)"},
		{"invalid gbk forced", cat(head, gbk(t, "E1,县委,"), []byte("\xFF\n")), GBK,
			"entities.csv:2: invalid GBK: bytes FF are not a GBK character"},
		{"gbk lead byte before a comma", cat(head, []byte("E1,\xCF,x\n")), GBK,
			"entities.csv:2: invalid GBK: bytes CF 2C are not a GBK character"},
		{"gbk lead byte at the end", cat(head, gbk(t, "E1,县委,"), []byte("\xCF")), GBK,
			"entities.csv:2: invalid GBK: bytes CF are not a GBK character"},
		{"neither utf8 nor gbk", cat(head, []byte("E1,caf\xE9,x\nE2,y,z\n")), Auto,
			"entities.csv:2: neither UTF-8 nor GBK: bytes E9 2C are invalid in both (save the file as UTF-8 or GBK)"},
		{"bad gb18030 four-byte form", cat(head, []byte("E1,\x81\x30\x20\x30,x\n")), Auto,
			"entities.csv:2: neither UTF-8 nor GBK: bytes 81 30 20 are invalid in both (save the file as UTF-8 or GBK)"},
		{"gb18030 four-byte form cut short", cat(head, []byte("E1,x,\x81\x30")), GBK,
			"entities.csv:2: invalid GBK: bytes 81 30 are not a GBK character"},
		{"invalid utf8 after a bom", cat([]byte("\xEF\xBB\xBF"), head, gbk(t, "E1,县委,乡镇\n")), Auto,
			"entities.csv:2: invalid UTF-8 in a file that starts with a UTF-8 byte-order mark"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := toUTF8("entities.csv", tt.data, tt.enc)
			if err == nil || err.Error() != tt.want {
				t.Errorf("got %v, want %s", err, tt.want)
			}
			if got := errs.CodeOf(err); got != errs.Invalid {
				t.Errorf("got code %q, want %q", got, errs.Invalid)
			}
		})
	}
}

// TestPlausibleGBK: with --encoding gbk, valid UTF-8 counts as GBK only
// when every non-ASCII pair is a GB 2312 character.
func TestPlausibleGBK(t *testing.T) {
	tests := []struct {
		name string
		data []byte
		ok   bool
	}{
		{"ascii", []byte("E1,a,b\n"), true},
		{"gb2312 hanzi that is utf8", gbk(t, "小山委展"), true},
		{"gb2312 symbol row", []byte("\xC2\xA1"), true}, // ¡ in UTF-8, 隆 in GBK
		{"utf8 hanzi", []byte("县"), false},
		{"gbk extension, outside gb2312", []byte("\xD0\x80"), false}, // Ѐ in UTF-8
		{"odd byte at the end", []byte("\xE4\xB8\xAD"), false},       // 中: 涓 (E4 B8), then AD alone
		{"unassigned gb2312 cell", []byte("\xD7\xFA"), false},
		{"user-defined row", []byte("\xAA\xA1"), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, ok := plausibleGBK(tt.data); ok != tt.ok {
				t.Errorf("plausibleGBK(% X) = %v, want %v", tt.data, ok, tt.ok)
			}
		})
	}
}

func TestParseEncoding(t *testing.T) {
	tests := []struct {
		in   string
		want Encoding
		ok   bool
	}{
		{"auto", Auto, true}, {"", Auto, true}, {"utf8", UTF8, true}, {"utf-8", UTF8, true},
		{"gbk", GBK, true}, {"GBK", GBK, true}, {"latin1", Auto, false},
	}
	for _, tt := range tests {
		got, err := ParseEncoding(tt.in)
		if got != tt.want || (err == nil) != tt.ok {
			t.Errorf("ParseEncoding(%q): got %v, %v, want %v, ok %v", tt.in, got, err, tt.want, tt.ok)
		}
	}
}
