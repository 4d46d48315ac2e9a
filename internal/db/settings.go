package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// SetSetting stores an instance-wide setting.
func SetSetting(ctx context.Context, tx *Tx, key, value string) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES ($1, $2)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, value)
	if err != nil {
		return fmt.Errorf("set setting %s: %w", key, err)
	}
	return nil
}

// Setting reads an instance-wide setting; ok is false when it is not set.
func Setting(ctx context.Context, tx *Tx, key string) (value string, ok bool, err error) {
	err = tx.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = $1`, key).Scan(&value)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("read setting %s: %w", key, err)
	}
	return value, true, nil
}
