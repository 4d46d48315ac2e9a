package web

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"kaohe/internal/locale"
)

// recordedEvents reads the Go source of the repository and returns every
// action and object type an audit event can be recorded with. An event's
// Action is a string literal, or a variable or parameter named action that
// only ever holds literals; its ObjectType is a literal. Source that
// records an event any other way is reported, so that no action escapes
// the check.
func recordedEvents(t *testing.T) (actions, objectTypes map[string]string) {
	t.Helper()
	actions, objectTypes = map[string]string{}, map[string]string{}
	fset := token.NewFileSet()
	byDir := map[string][]*ast.File{}
	for _, root := range []string{"../../internal", "../../cmd"} {
		err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
				return err
			}
			f, err := parser.ParseFile(fset, path, nil, 0)
			if err != nil {
				return err
			}
			byDir[filepath.Dir(path)] = append(byDir[filepath.Dir(path)], f)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	literal := func(e ast.Expr) (string, bool) {
		if lit, ok := e.(*ast.BasicLit); ok && lit.Kind == token.STRING {
			s, err := strconv.Unquote(lit.Value)
			return s, err == nil
		}
		return "", false
	}
	where := func(n ast.Node) string { return fset.Position(n.Pos()).String() }
	action := func(e ast.Expr) {
		if s, ok := literal(e); ok {
			actions[s] = where(e)
		} else if id, ok := e.(*ast.Ident); !ok || id.Name != "action" {
			t.Errorf("%s: an audit action must be a string literal or a variable named action", where(e))
		}
	}
	for _, files := range byDir {
		// The position of the string parameter named action of each
		// function of the package, by function name.
		params := map[string]int{}
		for _, f := range files {
			for _, d := range f.Decls {
				fd, ok := d.(*ast.FuncDecl)
				if !ok {
					continue
				}
				k := 0
				for _, fl := range fd.Type.Params.List {
					typ, _ := fl.Type.(*ast.Ident)
					for _, n := range fl.Names {
						if n.Name == "action" && typ != nil && typ.Name == "string" {
							params[fd.Name.Name] = k
						}
						k++
					}
					if len(fl.Names) == 0 {
						k++
					}
				}
			}
		}
		for _, f := range files {
			ast.Inspect(f, func(n ast.Node) bool {
				switch n := n.(type) {
				case *ast.CompositeLit:
					if !isAuditEvent(n.Type, f.Name.Name) {
						return true
					}
					for _, el := range n.Elts {
						kv, ok := el.(*ast.KeyValueExpr)
						if !ok {
							continue
						}
						switch key, _ := kv.Key.(*ast.Ident); {
						case key == nil:
						case key.Name == "Action":
							action(kv.Value)
						case key.Name == "ObjectType":
							if s, ok := literal(kv.Value); ok {
								objectTypes[s] = where(kv.Value)
							} else {
								t.Errorf("%s: an audit object type must be a string literal", where(kv.Value))
							}
						}
					}
				case *ast.AssignStmt:
					for i, lhs := range n.Lhs {
						named := false
						switch l := lhs.(type) {
						case *ast.Ident:
							named = l.Name == "action"
						case *ast.SelectorExpr:
							named = l.Sel.Name == "Action" && isEventVar(l.X)
						}
						if named && len(n.Rhs) == len(n.Lhs) {
							if s, ok := literal(n.Rhs[i]); ok {
								actions[s] = where(n.Rhs[i])
							} else {
								t.Errorf("%s: an audit action must be assigned a string literal", where(n.Rhs[i]))
							}
						}
					}
				case *ast.CallExpr:
					var name string
					switch fn := n.Fun.(type) {
					case *ast.Ident:
						name = fn.Name
					case *ast.SelectorExpr:
						name = fn.Sel.Name
					}
					if k, ok := params[name]; ok && k < len(n.Args) {
						action(n.Args[k])
					}
				}
				return true
			})
		}
	}
	return actions, objectTypes
}

// isAuditEvent reports whether a composite literal's type is audit.Event
// (or Event inside package audit).
func isAuditEvent(e ast.Expr, pkg string) bool {
	switch e := e.(type) {
	case *ast.SelectorExpr:
		x, ok := e.X.(*ast.Ident)
		return ok && x.Name == "audit" && e.Sel.Name == "Event"
	case *ast.Ident:
		return pkg == "audit" && e.Name == "Event"
	}
	return false
}

// isEventVar reports whether x names an event being built (ev, e, event).
func isEventVar(x ast.Expr) bool {
	id, ok := x.(*ast.Ident)
	return ok && slices.Contains([]string{"ev", "e", "event"}, id.Name)
}

// TestEveryAuditActionHasALabel checks that every action and object type
// the code records in the audit log has its label in every language, and
// that no label is left for an action nothing records.
func TestEveryAuditActionHasALabel(t *testing.T) {
	b, err := locale.Load()
	if err != nil {
		t.Fatal(err)
	}
	actions, objectTypes := recordedEvents(t)
	if len(actions) < 40 || len(objectTypes) < 15 {
		t.Fatalf("found %d actions and %d object types in the source, want many more: is the scan broken?", len(actions), len(objectTypes))
	}
	for _, c := range []struct {
		prefix string
		codes  map[string]string
	}{{locale.AuditActionPrefix, actions}, {locale.AuditObjectPrefix, objectTypes}} {
		var codes []string
		for code := range c.codes {
			codes = append(codes, code)
		}
		sort.Strings(codes)
		for _, code := range codes {
			if !b.Has(c.prefix + code) {
				t.Errorf("%s records %q without a label: add %s%s to the locale files", c.codes[code], code, c.prefix, code)
			}
		}
		for _, code := range b.Labelled(c.prefix) {
			if _, ok := c.codes[code]; !ok {
				t.Errorf("label %s%s is for something no code records", c.prefix, code)
			}
		}
	}
}
