// Package locale holds the interface languages of Kaohe: the embedded
// message files (zh-CN first, English second), localizers that format
// messages, numbers and dates for a language, and the presentation of coded
// errors — their HTTP status and their localized message. The web pages and
// the API both present errors through it, so a code maps to a status in one
// place.
package locale

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"sort"
	"strings"
	"time"
	_ "time/tzdata" // the display time zone must load on any host

	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

//go:embed files/*.json
var files embed.FS

// The interface languages, Chinese first.
const (
	Chinese = "zh-CN"
	English = "en"
)

// Default is the language used when no preference is known.
const Default = Chinese

// Languages lists the supported languages, the default first.
var Languages = []string{Chinese, English}

// Supported reports whether lang is one of Languages.
func Supported(lang string) bool { return slices.Contains(Languages, lang) }

// Bundle is the set of message files, loaded once at start-up.
type Bundle struct {
	b    *i18n.Bundle
	keys map[string][]string // language → sorted message IDs
	tz   *time.Location
}

// Load parses the embedded message files and checks that every language
// has the same keys.
func Load() (*Bundle, error) {
	tz, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		return nil, fmt.Errorf("load display time zone: %w", err)
	}
	b := &Bundle{b: i18n.NewBundle(language.SimplifiedChinese), keys: map[string][]string{}, tz: tz}
	b.b.RegisterUnmarshalFunc("json", json.Unmarshal)
	for _, lang := range Languages {
		name := "files/" + lang + ".json"
		data, err := fs.ReadFile(files, name)
		if err != nil {
			return nil, fmt.Errorf("locale %s: %w", lang, err)
		}
		var flat map[string]string
		if err := json.Unmarshal(data, &flat); err != nil {
			return nil, fmt.Errorf("locale %s: %s must map keys to strings: %w", lang, path.Base(name), err)
		}
		if _, err := b.b.ParseMessageFileBytes(data, path.Base(name)); err != nil {
			return nil, fmt.Errorf("locale %s: %w", lang, err)
		}
		keys := make([]string, 0, len(flat))
		for k := range flat {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		b.keys[lang] = keys
	}
	for _, lang := range Languages[1:] {
		if missing := diff(b.keys[Default], b.keys[lang]); len(missing) > 0 {
			return nil, fmt.Errorf("locale %s lacks keys of %s: %s", lang, Default, strings.Join(missing, ", "))
		}
		if extra := diff(b.keys[lang], b.keys[Default]); len(extra) > 0 {
			return nil, fmt.Errorf("locale %s lacks keys of %s: %s", Default, lang, strings.Join(extra, ", "))
		}
	}
	return b, nil
}

// diff returns the keys of a that are not in b; both are sorted.
func diff(a, b []string) []string {
	var out []string
	for _, k := range a {
		if _, ok := slices.BinarySearch(b, k); !ok {
			out = append(out, k)
		}
	}
	return out
}

// Has reports whether every language has the message key.
func (b *Bundle) Has(key string) bool {
	for _, lang := range Languages {
		if _, ok := slices.BinarySearch(b.keys[lang], key); !ok {
			return false
		}
	}
	return true
}

// Keys returns the message keys of lang, sorted.
func (b *Bundle) Keys(lang string) []string { return slices.Clone(b.keys[lang]) }

// For returns a localizer for the first supported language among prefs
// (language tags or Accept-Language values); Default when none matches.
func (b *Bundle) For(prefs ...string) *Localizer {
	lang := Match(prefs...)
	tag := language.MustParse(lang)
	return &Localizer{
		Lang: lang,
		l:    i18n.NewLocalizer(b.b, lang),
		p:    message.NewPrinter(tag),
		tz:   b.tz,
		b:    b,
	}
}

var matcher = language.NewMatcher([]language.Tag{language.SimplifiedChinese, language.English})

// Match returns the supported language that best fits prefs (language tags
// or Accept-Language header values), Default when none does.
func Match(prefs ...string) string {
	for _, p := range prefs {
		if p == "" {
			continue
		}
		tags, _, err := language.ParseAcceptLanguage(p)
		if err != nil || len(tags) == 0 {
			continue
		}
		_, i, conf := matcher.Match(tags...)
		if conf == language.No {
			continue
		}
		return Languages[i]
	}
	return Default
}

// Localizer formats messages, numbers and dates in one language.
type Localizer struct {
	// Lang is the language, one of Languages.
	Lang string
	l    *i18n.Localizer
	p    *message.Printer
	tz   *time.Location
	b    *Bundle
}

// T returns the message key filled with args, given as name, value pairs
// ("Name", "城关镇"). A missing key shows as the key itself, which the
// start-up check and the tests keep from happening.
func (l *Localizer) T(key string, args ...any) string {
	var data map[string]any
	if len(args) > 0 {
		data = make(map[string]any, len(args)/2)
		for i := 0; i+1 < len(args); i += 2 {
			name, _ := args[i].(string)
			data[name] = args[i+1]
		}
	}
	return l.TMap(key, data)
}

// TMap returns the message key filled with data.
func (l *Localizer) TMap(key string, data map[string]any) string {
	s, err := l.l.Localize(&i18n.LocalizeConfig{MessageID: key, TemplateData: data})
	if err != nil {
		return key
	}
	return s
}

// Num formats an integer with the language's digit grouping.
func (l *Localizer) Num(n int64) string { return l.p.Sprintf("%d", n) }

// Date formats the calendar date of t in the display time zone.
func (l *Localizer) Date(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	t = t.In(l.tz)
	if l.Lang == Chinese {
		return fmt.Sprintf("%d年%d月%d日", t.Year(), int(t.Month()), t.Day())
	}
	return t.Format("2 Jan 2006")
}

// DateTime formats t to the minute in the display time zone.
func (l *Localizer) DateTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return l.Date(t) + " " + t.In(l.tz).Format("15:04")
}
