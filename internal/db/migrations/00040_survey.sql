-- +goose Up
-- evaluations are democratic evaluations (民主测评) and public satisfaction
-- surveys. unit_id is the organising unit: its subtree holds the subjects,
-- and the policy checks the actor against its path. rules_json holds the
-- validity rules, the minimum group size and the extra questions of a
-- public survey (survey.Rules). public_token is the random token of a public
-- survey's link, NULL otherwise. Times are unix µs, 0 when not yet.
CREATE TABLE evaluations (
    id           BIGINT PRIMARY KEY,
    unit_id      BIGINT NOT NULL REFERENCES units (id),
    kind         TEXT NOT NULL CHECK (kind IN ('evaluation', 'satisfaction')),
    title        TEXT NOT NULL,
    period       TEXT NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('draft', 'open', 'closed')),
    rules_json   TEXT NOT NULL,
    public_token TEXT UNIQUE,
    opened_at    BIGINT NOT NULL DEFAULT 0,
    closed_at    BIGINT NOT NULL DEFAULT 0,
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL
);
CREATE INDEX evaluations_unit ON evaluations (unit_id, created_at);

-- evaluation_groups are the rater groups (评议人类别) of an evaluation and
-- their weights.
CREATE TABLE evaluation_groups (
    evaluation_id BIGINT NOT NULL REFERENCES evaluations (id),
    code          TEXT NOT NULL,
    weight        DOUBLE PRECISION NOT NULL,
    sort_order    INTEGER NOT NULL,
    PRIMARY KEY (evaluation_id, code)
);

-- evaluation_subjects are what a ballot rates: leadership teams, cadres and
-- (for satisfaction surveys) regions, with the questionnaire of each. name
-- and detail are what the ballot shows, kept as they were when the
-- evaluation was set up.
CREATE TABLE evaluation_subjects (
    id            BIGINT PRIMARY KEY,
    evaluation_id BIGINT NOT NULL REFERENCES evaluations (id),
    kind          TEXT NOT NULL CHECK (kind IN ('team', 'cadre', 'region')),
    unit_id       BIGINT NOT NULL REFERENCES units (id),
    person_id     BIGINT REFERENCES people (id),
    name          TEXT NOT NULL,
    detail        TEXT NOT NULL,
    questionnaire TEXT NOT NULL,
    sort_order    INTEGER NOT NULL
);
CREATE INDEX evaluation_subjects_evaluation ON evaluation_subjects (evaluation_id, sort_order);

-- ballot_codes are the one-time codes (测评码) handed out on paper. A code
-- says which evaluation and rater group it is for and its serial number in
-- that group; it is never linked to a ballot. Whether it has been used is
-- bit serial of its group's code_sets row, so that no row of its own is
-- written (and moved, or stamped with a transaction) when it is used.
CREATE TABLE ballot_codes (
    code          TEXT PRIMARY KEY,
    evaluation_id BIGINT NOT NULL REFERENCES evaluations (id),
    group_code    TEXT NOT NULL,
    serial        INTEGER NOT NULL,
    UNIQUE (evaluation_id, group_code, serial)
);

-- code_sets holds, per evaluation and rater group, how many codes were
-- issued and the set of used ones as a bitmap (hex, bit i = serial i): a
-- set, not a sequence, so the order in which codes were used is nowhere.
CREATE TABLE code_sets (
    evaluation_id BIGINT NOT NULL REFERENCES evaluations (id),
    group_code    TEXT NOT NULL,
    issued        INTEGER NOT NULL,
    used_count    INTEGER NOT NULL,
    used          TEXT NOT NULL,
    PRIMARY KEY (evaluation_id, group_code)
);

-- ballots are the cast ballots (选票). id is crypto-random; there is no
-- reference to a code, a rater, a device or an address, and day is the
-- date ('YYYY-MM-DD', China Standard Time) without a time. answers is the
-- JSON list of answers. valid is false for a ballot that breaks a validity
-- rule (invalid_rule names it); it counts as cast, not in the tallies.
CREATE TABLE ballots (
    id            BIGINT PRIMARY KEY,
    evaluation_id BIGINT NOT NULL REFERENCES evaluations (id),
    group_code    TEXT NOT NULL,
    day           TEXT NOT NULL,
    valid         BOOLEAN NOT NULL,
    invalid_rule  TEXT NOT NULL,
    answers       TEXT NOT NULL
);
CREATE INDEX ballots_evaluation ON ballots (evaluation_id, group_code);

-- survey_devices holds the SHA-256 of the random device cookie of each
-- device that answered a public survey, so that a device answers once. It
-- is a set of opaque hashes, not linked to any ballot.
CREATE TABLE survey_devices (
    evaluation_id BIGINT NOT NULL REFERENCES evaluations (id),
    device_hash   TEXT NOT NULL,
    PRIMARY KEY (evaluation_id, device_hash)
);

-- +goose Down
DROP TABLE survey_devices;
DROP TABLE ballots;
DROP TABLE code_sets;
DROP TABLE ballot_codes;
DROP TABLE evaluation_subjects;
DROP TABLE evaluation_groups;
DROP TABLE evaluations;
