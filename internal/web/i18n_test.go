package web

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"kaohe/internal/auth"
	"kaohe/internal/cycle"
	"kaohe/internal/errs"
	"kaohe/internal/finding"
	"kaohe/internal/locale"
	"kaohe/internal/org"
)

// TestTemplateKeysInLocales checks that every message key the templates
// use is in both locale files (New checks it too, at start-up).
func TestTemplateKeysInLocales(t *testing.T) {
	b, err := locale.Load()
	if err != nil {
		t.Fatal(err)
	}
	keys, err := TemplateKeys()
	if err != nil {
		t.Fatal(err)
	}
	if len(keys) < 50 {
		t.Fatalf("found %d keys in templates, want many more: is the key pattern broken?", len(keys))
	}
	for _, k := range keys {
		for _, lang := range locale.Languages {
			if !contains(b.Keys(lang), k) {
				t.Errorf("template key %q missing from %s", k, lang)
			}
		}
	}
}

// goKeyPatterns find message keys in Go source: T("key"), errs.New(code,
// "key", …), an invalid(field, "key", …) helper and Key… = "key" constants.
var goKeyPatterns = []*regexp.Regexp{
	regexp.MustCompile(`\.T\("([a-z][a-z0-9_.-]+)"`),
	regexp.MustCompile(`errs\.New\(errs\.\w+,\s*"([a-z][a-z0-9_.-]+)"`),
	regexp.MustCompile(`invalid\("\w+",\s*"([a-z][a-z0-9_.-]+)"`),
	regexp.MustCompile(`Key\w*\s*=\s*"([a-z][a-z0-9_.-]+)"`),
}

// TestSourceKeysInLocales checks that the message keys named in the Go
// source of the interface and of the services it calls — the keys of the
// errors users see — are in both locale files.
func TestSourceKeysInLocales(t *testing.T) {
	b, err := locale.Load()
	if err != nil {
		t.Fatal(err)
	}
	var missing []string
	seen := map[string]bool{}
	for _, dir := range []string{".", "../api", "../server", "../auth", "../org", "../audit", "../survey", "../scheme", "../cycle", "../finding"} {
		err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() && path != dir && (dir != "." || d.Name() == "testdata") {
				return filepath.SkipDir
			}
			if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
				return nil
			}
			src, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			for _, re := range goKeyPatterns {
				for _, m := range re.FindAllSubmatch(src, -1) {
					k := string(m[1])
					if strings.HasSuffix(k, ".") {
						continue // a prefix completed at run time: TestEnumKeys
					}
					if !seen[k] && !b.Has(k) {
						missing = append(missing, k+" ("+path+")")
					}
					seen[k] = true
				}
			}
			return nil
		})
		if err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
	}
	sort.Strings(missing)
	for _, m := range missing {
		t.Errorf("message key missing from the locale files: %s", m)
	}
}

func contains(list []string, s string) bool {
	i := sort.SearchStrings(list, s)
	return i < len(list) && list[i] == s
}

// TestViewsLoad checks that every page parses in every language.
func TestViewsLoad(t *testing.T) {
	b, err := locale.Load()
	if err != nil {
		t.Fatal(err)
	}
	v, err := loadViews(b)
	if err != nil {
		t.Fatal(err)
	}
	for _, lang := range locale.Languages {
		if got := len(v.sets[lang]); got != len(pages) {
			t.Errorf("%s: got %d pages, want %d", lang, got, len(pages))
		}
	}
}

// jsonBlock is a chart's data block, read by a static script:
// <script type="application/json" id="…">{{.Data}}</script>; the id may
// be built by a template action where a page draws several charts.
var jsonBlock = regexp.MustCompile(`<script type="application/json" id="(?:[a-z0-9-]|\{\{[^{}]*\}\})+">\{\{[^{}]*\}\}</script>`)

// TestNoInlineScriptOrStyle keeps the templates within the
// Content-Security-Policy: no inline script, style or event handler.
func TestNoInlineScriptOrStyle(t *testing.T) {
	bad := []*regexp.Regexp{
		regexp.MustCompile(`<script(?:\s[^>]*)?>[^<\s]`), // a script with a body
		regexp.MustCompile(`<script(?:(?:\s+(?:defer|async|type="[^"]*"))*)?\s*>`),
		regexp.MustCompile(`<style`),
		regexp.MustCompile(`\sstyle=`),
		regexp.MustCompile(`\son[a-z]+=`),
		regexp.MustCompile(`\shx-on`),
		regexp.MustCompile(`javascript:`),
	}
	err := fs.WalkDir(templateFS, "templates", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		src, _ := fs.ReadFile(templateFS, path)
		// Chart data blocks are data, not script (design.md, Security):
		// one template action as the body of a JSON script element.
		src = jsonBlock.ReplaceAll(src, nil)
		for _, re := range bad {
			if loc := re.FindIndex(src); loc != nil {
				t.Errorf("%s: %q breaks the CSP", path, src[loc[0]:min(loc[1]+20, len(src))])
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestEnumKeys checks the keys built at run time from a prefix and an
// enumeration's value.
func TestEnumKeys(t *testing.T) {
	b, err := locale.Load()
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, r := range auth.Roles {
		keys = append(keys, locale.RolePrefix+string(r))
	}
	for _, s := range cycle.Stages {
		keys = append(keys, "cycle.stage."+string(s))
	}
	for _, k := range cycle.Kinds {
		keys = append(keys, "cycle.kind."+string(k))
	}
	for _, k := range org.Kinds {
		keys = append(keys, "unit.kind."+string(k))
	}
	for _, l := range org.Levels {
		keys = append(keys, "unit.level."+string(l))
	}
	for _, g := range []org.Gender{org.Male, org.Female} {
		keys = append(keys, "person.gender."+string(g))
	}
	for _, p := range org.Parties {
		keys = append(keys, "person.party."+string(p))
	}
	for _, e := range org.Educations {
		keys = append(keys, "person.education."+string(e))
	}
	for _, s := range finding.Sources {
		keys = append(keys, "finding.source."+string(s))
	}
	for _, c := range finding.Categories {
		keys = append(keys, "finding.category."+string(c))
	}
	for _, s := range finding.Severities {
		keys = append(keys, "finding.severity."+string(s))
	}
	for _, s := range finding.Statuses {
		keys = append(keys, "finding.status."+string(s))
	}
	for _, c := range []errs.Code{errs.Invalid, errs.NotFound, errs.Conflict, errs.Forbidden, errs.Unauthorized, errs.Internal} {
		keys = append(keys, "error."+string(c))
	}
	for _, k := range keys {
		if !b.Has(k) {
			t.Errorf("key %q missing from a locale file", k)
		}
	}
}
