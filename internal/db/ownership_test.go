package db_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// ownerRow is a row of the ownership table in docs/architecture.md:
// "| `package` | `table`, `table` |".
var ownerRow = regexp.MustCompile("^\\| `([a-z/]+)` \\| (`[a-z_]+`(?:, `[a-z_]+`)*) \\|")

// sqlTable finds the table an SQL statement names after a keyword.
var sqlTable = regexp.MustCompile(`\b(?:FROM|JOIN|INTO|UPDATE|TABLE(?: IF NOT EXISTS)?)\s+([a-z_][a-z0-9_]*)`)

var createTable = regexp.MustCompile(`CREATE TABLE (?:IF NOT EXISTS )?([a-z_][a-z0-9_]*)`)

// owners reads the ownership table: table → owning package.
func owners(t *testing.T) map[string]string {
	t.Helper()
	doc, err := os.ReadFile("../../docs/architecture.md")
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, line := range strings.Split(string(doc), "\n") {
		m := ownerRow.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		for _, tb := range strings.Split(m[2], ", ") {
			tb = strings.Trim(tb, "`")
			if prev, ok := out[tb]; ok {
				t.Errorf("docs/architecture.md: table %s has two owners, %s and %s", tb, prev, m[1])
			}
			out[tb] = m[1]
		}
	}
	if len(out) == 0 {
		t.Fatal("docs/architecture.md has no ownership table")
	}
	return out
}

// TestEveryTableHasAnOwner checks that every table the migrations create is
// in the ownership table, and that the table lists no table that does not
// exist.
func TestEveryTableHasAnOwner(t *testing.T) {
	own := owners(t)
	files, err := filepath.Glob("migrations/*.sql")
	if err != nil {
		t.Fatal(err)
	}
	made := map[string]bool{"goose_db_version": true}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range createTable.FindAllStringSubmatch(string(b), -1) {
			made[m[1]] = true
			if own[m[1]] == "" {
				t.Errorf("%s creates table %s, which docs/architecture.md gives no owner", f, m[1])
			}
		}
	}
	for tb := range own {
		if !made[tb] {
			t.Errorf("docs/architecture.md gives an owner to %s, which no migration creates", tb)
		}
	}
}

// TestOnlyOwnersRunSQL scans the string literals of every non-test Go file
// for SQL naming a table, and fails where a package names a table another
// package owns: other packages read and write it through the owner's
// functions (docs/architecture.md). Tests are not scanned: a test may set
// up and inspect any table directly.
func TestOnlyOwnersRunSQL(t *testing.T) {
	own := owners(t)
	fset := token.NewFileSet()
	for _, root := range []string{"../../internal", "../../cmd"} {
		err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
				return err
			}
			rel, _ := filepath.Rel("../..", path)
			pkg := packageOf(filepath.ToSlash(filepath.Dir(rel)))
			f, err := parser.ParseFile(fset, path, nil, 0)
			if err != nil {
				return err
			}
			ast.Inspect(f, func(n ast.Node) bool {
				lit, ok := n.(*ast.BasicLit)
				if !ok || lit.Kind != token.STRING {
					return true
				}
				s, err := strconv.Unquote(lit.Value)
				if err != nil {
					return true
				}
				for _, m := range sqlTable.FindAllStringSubmatch(s, -1) {
					tb := m[1]
					owner, known := own[tb]
					if slices.Contains(catalogs, tb) {
						owner, known = "db", true
					}
					if !known {
						if slices.Contains(sqlWords, tb) {
							continue
						}
						t.Errorf("%s: SQL on %s, which docs/architecture.md gives no owner", fset.Position(lit.Pos()), tb)
						continue
					}
					if owner != pkg {
						t.Errorf("%s: package %s runs SQL on %s, which %s owns", fset.Position(lit.Pos()), pkg, tb, owner)
					}
				}
				return true
			})
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}

// catalogs are the engines' own tables; only package db reads them.
var catalogs = []string{"sqlite_master", "information_schema", "pg_catalog"}

// sqlWords follow a keyword the pattern matches without being a table.
var sqlWords = []string{"excluded", "select"}

// packageOf names the package of a directory as the ownership table does:
// "internal/org" is org, "internal/db/dbtest" is db, "cmd/kaohe" is cmd.
func packageOf(dir string) string {
	parts := strings.Split(dir, "/")
	if parts[0] == "cmd" {
		return "cmd"
	}
	if len(parts) > 1 {
		return parts[1]
	}
	return dir
}
