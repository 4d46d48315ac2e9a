package org

import (
	"context"
	"fmt"

	"kaohe/internal/auth"
	"kaohe/internal/db"
)

// PersonPaths returns, for each person of ids, the paths of the unit the
// person is placed in and of the units of the posts the person holds —
// and, with past, of those the person held — each path once: what the
// policy judges a person by (past false), or every unit a person served in
// (past true). People without a row are absent. It checks no policy.
func PersonPaths(ctx context.Context, tx *db.Tx, ids []int64, past bool) (map[int64][]string, error) {
	held := ` AND po.end_date IS NULL`
	if past {
		held = ``
	}
	out := make(map[int64][]string, len(ids))
	seen := map[int64]map[string]bool{}
	err := inChunks(ids, func(args []any, ph string) error {
		return db.EachRow(ctx, tx, `SELECT p.id, u.path FROM people p JOIN units u ON u.id = p.unit_id WHERE p.id IN (`+ph+`)
			UNION SELECT po.person_id, u.path FROM posts po JOIN units u ON u.id = po.unit_id WHERE po.person_id IN (`+ph+`)`+held,
			args, func(scan func(...any) error) error {
				var id int64
				var path string
				if err := scan(&id, &path); err != nil {
					return err
				}
				if seen[id] == nil {
					seen[id] = map[string]bool{}
				}
				if !seen[id][path] {
					seen[id][path] = true
					out[id] = append(out[id], path)
				}
				return nil
			})
	})
	if err != nil {
		return nil, fmt.Errorf("read units of people: %w", err)
	}
	return out, nil
}

// PeopleServedUnder returns the people placed in the subtree at path or
// holding or having held a post in it, with the name of the unit each is
// placed in, in id order; at most limit (above 0). It checks no policy.
func PeopleServedUnder(ctx context.Context, tx *db.Tx, path string, limit int) ([]*Person, error) {
	var args []any
	in := auth.SubtreeSQL("u.path", path, &args)
	query := `SELECT ` + personCols + ` FROM people p JOIN units u ON u.id = p.unit_id WHERE ` + in + `
		OR p.id IN (SELECT po.person_id FROM posts po JOIN units pu ON pu.id = po.unit_id WHERE ` + auth.SubtreeSQL("pu.path", path, &args) + `)
		ORDER BY p.id LIMIT ` + db.Arg(&args, limit)
	var out []*Person
	err := db.EachRow(ctx, tx, query, args, func(scan func(...any) error) error {
		p, err := scanPerson(rowScanner(scan))
		if err == nil {
			out = append(out, p)
		}
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("list people under %s: %w", path, err)
	}
	return out, nil
}
