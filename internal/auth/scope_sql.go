package auth

import (
	"fmt"
	"strings"

	"kaohe/internal/db"
)

// SubtreeBounds returns the range [lo, hi) of the paths in the subtree of
// the unit at path (the unit included): every path in the subtree starts
// with path, and hi is path with its final '/' replaced by '0', the
// character after '/'. So "/5/" gives ["/5/", "/50"), which holds "/5/7/"
// but not "/50/". path must end with '/'; "/" gives every path. Paths are
// compared byte by byte (units.path is COLLATE "C").
func SubtreeBounds(path string) (lo, hi string) {
	if !strings.HasSuffix(path, "/") {
		// Not a path: an empty range, so that a bad caller finds nothing.
		return path, path
	}
	return path, path[:len(path)-1] + "0"
}

// SubtreeSQL returns an SQL condition that the unit path in col lies in the
// subtree at path, adding its arguments to args.
func SubtreeSQL(col, path string, args *[]any) string {
	lo, hi := SubtreeBounds(path)
	return fmt.Sprintf("(%s >= %s AND %s < %s)", col, db.Arg(args, lo), col, db.Arg(args, hi))
}

// SQL returns an SQL condition that the unit path in col lies in the scope:
// in one of its subtrees or equal to one of its units, adding its arguments
// to args. It ignores Self, which is about people; "1 = 0" when the scope
// holds no unit.
func (s Scope) SQL(col string, args *[]any) string {
	if s.All {
		return "1 = 1"
	}
	var parts []string
	for _, p := range s.Subtrees {
		parts = append(parts, SubtreeSQL(col, p, args))
	}
	for _, u := range s.Units {
		parts = append(parts, fmt.Sprintf("%s = %s", col, db.Arg(args, u)))
	}
	if len(parts) == 0 {
		return "1 = 0"
	}
	return "(" + strings.Join(parts, " OR ") + ")"
}
