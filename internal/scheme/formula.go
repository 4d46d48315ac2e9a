package scheme

import (
	"fmt"
	"slices"
	"strings"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/parser"
	"github.com/expr-lang/expr/vm"
)

// maxFormula is the longest formula accepted, in bytes.
const maxFormula = 1000

// formulaBuiltins are the expr functions a formula may call: arithmetic
// only, nothing that reads the clock or builds strings.
var formulaBuiltins = []string{"abs", "ceil", "floor", "round", "max", "min"}

// Formula is a compiled indicator formula: an expr expression over data
// item codes, e.g. `(GDP_2 - GDP_1) / GDP_1 * 100`.
type Formula struct {
	Source string
	// Vars are the data item codes the formula reads, sorted.
	Vars []string
	prog *vm.Program
}

// formulaVars returns the identifiers of an expr expression, sorted, or a
// syntax error.
func formulaVars(src string) ([]string, error) {
	tree, err := parser.Parse(src)
	if err != nil {
		return nil, err
	}
	v := &identVisitor{}
	ast.Walk(&tree.Node, v)
	slices.Sort(v.names)
	return slices.Compact(v.names), nil
}

type identVisitor struct{ names []string }

func (v *identVisitor) Visit(node *ast.Node) {
	if id, ok := (*node).(*ast.IdentifierNode); ok && !slices.Contains(formulaBuiltins, id.Value) {
		v.names = append(v.names, id.Value)
	}
}

// CompileFormula parses and type-checks src. known reports whether a data
// item code exists; nil accepts any code that is a valid identifier. The
// error names the first unknown variable or the syntax problem.
func CompileFormula(src string, known func(code string) bool) (*Formula, error) {
	if strings.TrimSpace(src) == "" {
		return nil, fmt.Errorf("empty formula")
	}
	if len(src) > maxFormula {
		return nil, fmt.Errorf("formula is longer than %d bytes", maxFormula)
	}
	vars, err := formulaVars(src)
	if err != nil {
		return nil, fmt.Errorf("syntax: %s", firstLine(err.Error()))
	}
	env := make(map[string]float64, len(vars))
	for _, name := range vars {
		if known != nil && !known(name) {
			return nil, fmt.Errorf("unknown data item %q", name)
		}
		env[name] = 0
	}
	opts := []expr.Option{expr.Env(env), expr.AsFloat64(), expr.DisableAllBuiltins(), expr.MaxNodes(500)}
	for _, b := range formulaBuiltins {
		opts = append(opts, expr.EnableBuiltin(b))
	}
	prog, err := expr.Compile(src, opts...)
	if err != nil {
		return nil, fmt.Errorf("%s", firstLine(err.Error()))
	}
	return &Formula{Source: src, Vars: vars, prog: prog}, nil
}

// Eval computes the formula from the values of its variables; ok is false
// when a variable has no value or the result is not a finite number
// (division by zero).
func (f *Formula) Eval(values map[string]float64) (v float64, ok bool) {
	env := make(map[string]float64, len(f.Vars))
	for _, name := range f.Vars {
		x, has := values[name]
		if !has {
			return 0, false
		}
		env[name] = x
	}
	out, err := expr.Run(f.prog, env)
	if err != nil {
		return 0, false
	}
	x, isFloat := out.(float64)
	if !isFloat || !finite(x) {
		return 0, false
	}
	return x, true
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}
