-- +goose Up
-- value_evidence holds files that support a version of a value (a
-- statistical bulletin, a monitoring report), named by the value's natural
-- key. The content is kept in the database as base64 TEXT (no BLOB/BYTEA,
-- for portability), at most 10 MiB per file, of a type recognised from its
-- content: pdf, jpeg, png, xlsx or docx.
CREATE TABLE value_evidence (
    id           BIGINT PRIMARY KEY,
    item_code    TEXT NOT NULL,
    period       TEXT NOT NULL,
    entity_id    BIGINT NOT NULL,
    version      INTEGER NOT NULL,
    name         TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size         BIGINT NOT NULL,
    sha256       TEXT NOT NULL,
    content      TEXT NOT NULL,
    uploader_id  BIGINT NOT NULL,
    created_at   BIGINT NOT NULL,
    FOREIGN KEY (item_code, period, entity_id, version) REFERENCES data_values (item_code, period, entity_id, version)
);
CREATE INDEX value_evidence_value ON value_evidence (item_code, period, entity_id, version);

-- +goose Down
DROP TABLE value_evidence;
