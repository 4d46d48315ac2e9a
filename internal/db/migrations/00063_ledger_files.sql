-- +goose Up
-- ledger_files are the evidence files of work-ledger entries (工作台账的
-- 佐证材料): a project's approval, a photo of the site, the minutes of an
-- issue handled — checked for type and size like all evidence, stored
-- with their SHA-256. Owned by track.
CREATE TABLE ledger_files (
    id           BIGINT PRIMARY KEY,
    entry_id     BIGINT NOT NULL REFERENCES ledger_entries (id),
    name         TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size         BIGINT NOT NULL,
    sha256       TEXT NOT NULL,
    content      TEXT NOT NULL,
    uploader_id  BIGINT NOT NULL,
    created_at   BIGINT NOT NULL
);
CREATE INDEX ledger_files_entry ON ledger_files (entry_id);

-- +goose Down
DROP TABLE ledger_files;
