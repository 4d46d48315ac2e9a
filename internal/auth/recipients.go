package auth

import (
	"context"
	"fmt"

	"kaohe/internal/db"
)

// UsersOfPerson returns the users whose own person record is personID (a
// cadre's sign-ins), in the caller's transaction, checking no policy.
func UsersOfPerson(ctx context.Context, tx *db.Tx, personID int64) ([]int64, error) {
	var out []int64
	err := db.EachRow(ctx, tx, `SELECT id FROM users WHERE person_id = $1 AND disabled_at = 0 ORDER BY id`, []any{personID},
		func(scan func(...any) error) error {
			var id int64
			if err := scan(&id); err != nil {
				return err
			}
			out = append(out, id)
			return nil
		})
	if err != nil {
		return nil, fmt.Errorf("read users of person: %w", err)
	}
	return out, nil
}

// UsersWithRole returns the users holding role granted on one of the
// units unitIDs, in the caller's transaction, checking no policy.
func UsersWithRole(ctx context.Context, tx *db.Tx, role Role, unitIDs []int64) ([]int64, error) {
	if len(unitIDs) == 0 {
		return nil, nil
	}
	args := []any{string(role)}
	var out []int64
	err := db.EachRow(ctx, tx, `SELECT DISTINCT g.user_id FROM user_grants g JOIN users u ON u.id = g.user_id
		WHERE g.role = $1 AND u.disabled_at = 0 AND g.unit_id IN (`+db.In(&args, unitIDs)+`) ORDER BY g.user_id`, args,
		func(scan func(...any) error) error {
			var id int64
			if err := scan(&id); err != nil {
				return err
			}
			out = append(out, id)
			return nil
		})
	if err != nil {
		return nil, fmt.Errorf("read users with role %s: %w", role, err)
	}
	return out, nil
}

// NamesByLogin returns the display names of the users of logins, in the
// caller's transaction, checking no policy; logins without a user (the
// system's) are absent.
func NamesByLogin(ctx context.Context, tx *db.Tx, logins []string) (map[string]string, error) {
	out := map[string]string{}
	if len(logins) == 0 {
		return out, nil
	}
	var args []any
	err := db.EachRow(ctx, tx, `SELECT login, name FROM users WHERE login IN (`+db.In(&args, logins)+`)`, args,
		func(scan func(...any) error) error {
			var l, n string
			if err := scan(&l, &n); err != nil {
				return err
			}
			out[l] = n
			return nil
		})
	if err != nil {
		return nil, fmt.Errorf("read user names: %w", err)
	}
	return out, nil
}
