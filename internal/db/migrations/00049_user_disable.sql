-- +goose Up
-- disabled_at is when the office stopped the account, 0 while it is
-- active; disabled_reason is why. A disabled account cannot sign in and
-- its sessions and API tokens are gone.
ALTER TABLE users ADD COLUMN disabled_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN disabled_reason TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE users DROP COLUMN disabled_reason;
ALTER TABLE users DROP COLUMN disabled_at;
