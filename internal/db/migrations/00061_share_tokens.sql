-- +goose Up
-- A sharing token (共享令牌) is an API token a consuming system — a
-- 干部管理信息系统, a big-data bureau — reads with: share_unit_id is the
-- subtree it may read (0 for an ordinary token, which acts as its user),
-- share_system names the system, share_results lets it read published
-- results, share_items lists the catalogue items (data item codes,
-- comma-separated) whose values it may read. Owned by auth; see
-- docs/decisions/0181-sharing-tokens.md.
ALTER TABLE api_tokens ADD COLUMN share_unit_id BIGINT NOT NULL DEFAULT 0;
ALTER TABLE api_tokens ADD COLUMN share_system TEXT NOT NULL DEFAULT '';
ALTER TABLE api_tokens ADD COLUMN share_results BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE api_tokens ADD COLUMN share_items TEXT NOT NULL DEFAULT '';

-- share_reads logs every request a sharing token makes: when, what it
-- asked for, what it was answered and how many records it was given.
-- Kept after the token is revoked (no foreign key), so that what a system
-- read stays on record.
CREATE TABLE share_reads (
    id        BIGINT PRIMARY KEY,
    token_id  BIGINT NOT NULL,
    at        BIGINT NOT NULL,
    method    TEXT NOT NULL,
    path      TEXT NOT NULL,
    status    INTEGER NOT NULL,
    records   INTEGER NOT NULL
);
CREATE INDEX share_reads_token ON share_reads (token_id, at);

-- +goose Down
DROP TABLE share_reads;
ALTER TABLE api_tokens DROP COLUMN share_items;
ALTER TABLE api_tokens DROP COLUMN share_results;
ALTER TABLE api_tokens DROP COLUMN share_system;
ALTER TABLE api_tokens DROP COLUMN share_unit_id;
