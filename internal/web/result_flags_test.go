package web

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"kaohe/internal/locale"
)

// TestResultFlagKeys checks that every result flag the engine can emit —
// each string constant Flag… declared in internal/score — has a label in
// both locales, so that profile and ranking pages never show a raw code.
func TestResultFlagKeys(t *testing.T) {
	b, err := locale.Load()
	if err != nil {
		t.Fatal(err)
	}
	files, err := filepath.Glob("../score/*.go")
	if err != nil {
		t.Fatal(err)
	}
	var codes []string
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			gd, ok := d.(*ast.GenDecl)
			if !ok || gd.Tok != token.CONST {
				continue
			}
			for _, sp := range gd.Specs {
				vs := sp.(*ast.ValueSpec)
				for i, n := range vs.Names {
					if !strings.HasPrefix(n.Name, "Flag") || i >= len(vs.Values) {
						continue
					}
					lit, ok := vs.Values[i].(*ast.BasicLit)
					if !ok || lit.Kind != token.STRING {
						continue
					}
					code, _ := strconv.Unquote(lit.Value)
					codes = append(codes, code)
				}
			}
		}
	}
	if len(codes) < 10 {
		t.Fatalf("found %d flag constants in internal/score (%v), want at least 10: is the parse broken?", len(codes), codes)
	}
	for _, code := range codes {
		for _, lang := range locale.Languages {
			if !contains(b.Keys(lang), FlagKey(code)) {
				t.Errorf("flag %q: key %s missing from %s", code, FlagKey(code), lang)
			}
		}
	}
	// The template function shows the label, and an unknown code as is.
	v, err := loadViews(b)
	if err != nil {
		t.Fatal(err)
	}
	for _, lang := range locale.Languages {
		fn := v.funcs(b, b.For(lang))["flag"].(func(string) string)
		if got, want := fn("veto"), b.For(lang).T("result.flag.veto"); got != want || got == "veto" {
			t.Errorf("%s: flag veto shows %q, want %q", lang, got, want)
		}
		if got := fn("no_such_flag"); got != "no_such_flag" {
			t.Errorf("%s: unknown flag shows %q, want the code", lang, got)
		}
	}
}
