package scorefile

import (
	"bytes"
	"errors"
	"math"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"kaohe/internal/score"
)

// checkError fails unless err is nil or a well-formed *Error: the right
// file, a line within the data, one line of text.
func checkError(t *testing.T, err error, file string, data []byte) {
	t.Helper()
	if err == nil {
		return
	}
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("got error %T %v, want *Error", err, err)
	}
	msg := err.Error()
	if e.File != file || !strings.HasPrefix(msg, file+":") {
		t.Errorf("got %q, want it to start with %s:", msg, file)
	}
	if lines := bytes.Count(data, []byte{'\n'}) + 1; e.Line < 0 || e.Line > lines {
		t.Errorf("got line %d in %d lines: %q", e.Line, lines, msg)
	}
	if strings.ContainsAny(msg, "\n\r") {
		t.Errorf("got a message of several lines: %q", msg)
	}
}

// FuzzReadValues checks that the values reader never panics, that its
// errors are well-formed, and that the fast scanner agrees with the
// general CSV path on every input without quotes.
func FuzzReadValues(f *testing.F) {
	for _, s := range []string{
		"entity,indicator,value\nE1,I1,1.5\nE2,I2,\n",
		"entity,indicator,value\r\nE1 , I2 ,-0.5e3\r\n\r\n县委办,I1,7",
		"entity,indicator,value\nE1,I1,1\nE1,I1,2\n",
		"entity,indicator,value\nE1,I1,abc\n",
		"entity,indicator,value\n\"E1\",I1,\"3\"\n",
		"entity,indicator,value\nE1,I1\n",
		"\xEF\xBB\xBFentity,indicator,value\nE2,I2,0x1p-2\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		vr := testValuesReader()
		m := score.NewMatrix(3, []string{"I1", "I2"})
		err := vr.read(&m, data)
		checkError(t, err, "values.csv", data)
		if bytes.IndexByte(data, '"') >= 0 {
			return
		}
		// Same input through encoding/csv.
		slow := score.NewMatrix(3, []string{"I1", "I2"})
		if _, err := vr.header(data); err != nil {
			return
		}
		serr := vr.readQuoted(&slow, data)
		if (err == nil) != (serr == nil) {
			t.Fatalf("fast path error %v, CSV path error %v", err, serr)
		}
		if err != nil {
			return
		}
		for k := range m.Data {
			a, b := m.Data[k], slow.Data[k]
			if a != b && !(math.IsNaN(a) && math.IsNaN(b)) {
				t.Fatalf("cell %d: fast path %v, CSV path %v", k, a, b)
			}
		}
	})
}

// FuzzParseDecimal checks the fast number path against strconv.
func FuzzParseDecimal(f *testing.F) {
	for _, s := range []string{"0", "-1.5", "123456789012345", "0.000001", "99.99", "+3", ".5", "5.", "1e5", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, ok := parseDecimal([]byte(s))
		if !ok {
			return
		}
		want, err := strconv.ParseFloat(s, 64)
		if err != nil || v != want {
			t.Fatalf("parseDecimal(%q) = %v, strconv gives %v, %v", s, v, want, err)
		}
	})
}

// FuzzReadScheme checks that the scheme reader never panics and that its
// errors are well-formed.
func FuzzReadScheme(f *testing.F) {
	f.Add([]byte(validScheme))
	f.Add([]byte(ratedScheme))
	f.Add([]byte(`{"indicators": [{"code": "A", "parent": "B"}, {"code": "B", "parent": "A"}]}`))
	f.Add([]byte(`{"weighting": "ahp", "ahp": [[1, 2], [3, 1]], "indicators": [{"code": "A"}, {"code": "B"}]}`))
	f.Add([]byte(`{"indicators": [{"code": "A", "weight": "x"}]}`))
	f.Add([]byte(`{"indicators": [`))
	f.Fuzz(func(t *testing.T, data []byte) {
		_, err := parseScheme("scheme.json", data)
		checkError(t, err, "scheme.json", data)
	})
}

// FuzzReadTables checks the entities, ratings and findings readers.
func FuzzReadTables(f *testing.F) {
	f.Add([]byte("entity,name,group\nE1,甲,乡镇\n"))
	f.Add([]byte("entity,name,group,sanction\nE1,\"甲,乙\",乡镇,是\nE1,x,y,\n"))
	f.Add([]byte("entity,indicator,rater_group,score,grade,count\nE1,Q1,上级,80,,\nE2,Q2,同级,,优秀,3\n"))
	f.Add([]byte("entity,indicator,rater_group,grade,count\nE1,Q2,上级,称职,x\n"))
	f.Add([]byte("finding,entity,indicator,points,status,note\nF1,E1,DED,2,exempted,\"a\nb\"\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		sf, err := parseScheme("scheme.json", []byte(ratedScheme))
		if err != nil {
			t.Fatal(err)
		}
		ents := codes{"E1": 0, "E2": 1}
		_, err = readEntities("entities.csv", data)
		checkError(t, err, "entities.csv", data)
		_, err = readRatings("ratings.csv", data, sf, ents)
		checkError(t, err, "ratings.csv", data)
		_, err = readFindings("findings.csv", data, sf, ents)
		checkError(t, err, "findings.csv", data)
		if u, err := toUTF8("x.csv", data, Auto); err != nil {
			checkError(t, err, "x.csv", data)
		} else {
			_, err = readEntities("entities.csv", u)
			checkError(t, err, "entities.csv", u)
		}
	})
}

// FuzzToUTF8 checks that decoding never panics, that its errors are
// well-formed, and that what it accepts is valid UTF-8.
func FuzzToUTF8(f *testing.F) {
	f.Add([]byte("entity,name,group\nE1,县委办公室,县直部门\n"))
	f.Add([]byte("\xEF\xBB\xBFentity\n"))
	f.Add([]byte("E1,\xCF\xD8\xD6\xB1,\x81\x30\x81\x30\n\xFF"))
	f.Add([]byte("\xD0\xA1\xC9\xBD\x80\x84\x31\xA4\x37"))
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, enc := range []Encoding{Auto, UTF8, GBK} {
			out, err := toUTF8("x.csv", data, enc)
			if err != nil {
				checkError(t, err, "x.csv", data)
				continue
			}
			if !utf8.Valid(out) {
				t.Fatalf("%v: accepted % X as % X, not UTF-8", enc, data, out)
			}
		}
	})
}
