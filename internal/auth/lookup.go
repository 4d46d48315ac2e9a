package auth

import (
	"context"
	"fmt"

	"kaohe/internal/db"
)

// The functions of this file are how other packages read the tables auth
// owns, in the caller's transaction; they check no policy.

// RoleGrant is a grant of a role with the name and login of its user.
type RoleGrant struct {
	UserID      int64
	Name, Login string
	UnitID      int64
}

// GrantsOf returns the grants of role, by login.
func GrantsOf(ctx context.Context, tx *db.Tx, role Role) ([]RoleGrant, error) {
	var out []RoleGrant
	err := db.EachRow(ctx, tx, `SELECT u.id, u.name, u.login, g.unit_id FROM user_grants g JOIN users u ON u.id = g.user_id
		WHERE g.role = $1 ORDER BY u.login, g.unit_id`, []any{string(role)}, func(scan func(...any) error) error {
		var g RoleGrant
		if err := scan(&g.UserID, &g.Name, &g.Login, &g.UnitID); err != nil {
			return err
		}
		out = append(out, g)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list grants of %s: %w", role, err)
	}
	return out, nil
}

// UserName is how a user is shown.
type UserName struct{ Name, Login string }

// UserNames returns the display name and login of the users of ids; ids
// without a user are absent.
func UserNames(ctx context.Context, tx *db.Tx, ids []int64) (map[int64]UserName, error) {
	out := make(map[int64]UserName, len(ids))
	for start := 0; start < len(ids); start += 500 {
		var args []any
		err := db.EachRow(ctx, tx, `SELECT id, name, login FROM users WHERE id IN (`+db.In(&args, ids[start:min(start+500, len(ids))])+`)`,
			args, func(scan func(...any) error) error {
				var id int64
				var name, login string
				if err := scan(&id, &name, &login); err != nil {
					return err
				}
				out[id] = UserName{name, login}
				return nil
			})
		if err != nil {
			return nil, fmt.Errorf("read users: %w", err)
		}
	}
	return out, nil
}

// HasUsers reports whether any user account exists: every account is
// created through an audited call, so a database with users and an empty
// audit log has lost its log.
func HasUsers(ctx context.Context, tx *db.Tx) (bool, error) {
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM users LIMIT 1) u`).Scan(&n); err != nil {
		return false, fmt.Errorf("count users: %w", err)
	}
	return n > 0, nil
}
