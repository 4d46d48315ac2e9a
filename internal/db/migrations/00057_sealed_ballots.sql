-- +goose Up
-- sealed_ballots are cast ballots not yet written to ballots: box is the
-- ballot encrypted (AES-256-GCM, base64) under its evaluation's key, which
-- is kept outside the database and deleted at closing. Every box of an
-- evaluation has the same length. A box is written in the same transaction
-- as its code's used bit and erased when it is opened into ballots, in a
-- batch of at least the minimum group size (docs/decisions/0160).
CREATE TABLE sealed_ballots (
    id            BIGINT PRIMARY KEY,
    evaluation_id BIGINT NOT NULL REFERENCES evaluations (id),
    group_code    TEXT NOT NULL,
    box           TEXT NOT NULL
);
CREATE INDEX sealed_ballots_group ON sealed_ballots (evaluation_id, group_code);

-- +goose Down
DROP TABLE sealed_ballots;
