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

func TestToUTF8(t *testing.T) {
	const text = "entity,name,group\nE1,县委办公室,县直部门\n"
	tests := []struct {
		name string
		data []byte
		enc  Encoding
	}{
		{"utf8", []byte(text), Auto},
		{"utf8 with bom", append([]byte("\xEF\xBB\xBF"), text...), Auto},
		{"utf8 forced with bom", append([]byte("\xEF\xBB\xBF"), text...), UTF8},
		{"gbk detected", gbk(t, text), Auto},
		{"gbk forced", gbk(t, text), GBK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := toUTF8("entities.csv", tt.data, tt.enc)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != text {
				t.Errorf("got %q, want %q", got, text)
			}
		})
	}
}

func TestToUTF8Errors(t *testing.T) {
	data := append([]byte("entity,name,group\n"), gbk(t, "E1,县委办公室,县直部门\n")...)
	_, err := toUTF8("entities.csv", data, UTF8)
	want := "entities.csv:2: invalid UTF-8 (use --encoding gbk for GBK files)"
	if err == nil || err.Error() != want {
		t.Errorf("got %v, want %s", err, want)
	}
	if got := errs.CodeOf(err); got != errs.Invalid {
		t.Errorf("got code %q, want %q", got, errs.Invalid)
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
