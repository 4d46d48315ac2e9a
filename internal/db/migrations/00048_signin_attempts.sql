-- +goose Up
-- pending marks a sign-in attempt whose password is still being checked: it
-- counts as a failure until it proves right, so that no more attempts are
-- checked at once than the throttle allows. The attempt is counted and
-- recorded in one transaction (see internal/auth/session.go).
ALTER TABLE signin_failures ADD COLUMN pending BOOLEAN NOT NULL DEFAULT FALSE;

-- +goose Down
ALTER TABLE signin_failures DROP COLUMN pending;
