-- +goose Up
-- The assessment team's field work on a cycle's entities (package
-- fieldwork). entity is the cycle's entity key (cycle_entities.entity: the
-- decimal unit or person id) and unit_path its unit's path, which scopes
-- who reads the row. Dates are 'YYYY-MM-DD', times unix µs; recorder_id is
-- the user who recorded the row.

-- verifications are 实地核查 records: the day, what was checked and the
-- finding. When the team verified a data value, item_code and period name
-- it, previous_value is the current value it found stored and found_value
-- the value it found on site; corrected says the found value replaced the
-- stored one (collect wrote the correction, source verification, with
-- reason). Without a value item_code and period are '' and the values
-- NULL.
CREATE TABLE verifications (
    id             BIGINT PRIMARY KEY,
    cycle_id       BIGINT NOT NULL REFERENCES cycles (id),
    entity         TEXT NOT NULL,
    unit_path      TEXT NOT NULL,
    checked_on     TEXT NOT NULL,
    checked        TEXT NOT NULL,
    finding        TEXT NOT NULL,
    item_code      TEXT NOT NULL,
    period         TEXT NOT NULL,
    previous_value DOUBLE PRECISION,
    found_value    DOUBLE PRECISION,
    corrected      BOOLEAN NOT NULL,
    reason         TEXT NOT NULL,
    recorder_id    BIGINT NOT NULL,
    created_at     BIGINT NOT NULL
);
CREATE INDEX verifications_entity ON verifications (cycle_id, entity);

-- verification_evidence holds the files of a verification (photographs,
-- minutes, ledgers), kept like value_evidence: base64 TEXT, at most
-- 10 MiB, of a type recognised from the content.
CREATE TABLE verification_evidence (
    id              BIGINT PRIMARY KEY,
    verification_id BIGINT NOT NULL REFERENCES verifications (id),
    name            TEXT NOT NULL,
    content_type    TEXT NOT NULL,
    size            BIGINT NOT NULL,
    sha256          TEXT NOT NULL,
    content         TEXT NOT NULL,
    created_at      BIGINT NOT NULL
);
CREATE INDEX verification_evidence_of ON verification_evidence (verification_id);

-- interviews are 个别谈话 records, confidential (auth.ActInterviewRead):
-- the person interviewed (people.id), the day, who interviewed and the
-- notes.
CREATE TABLE interviews (
    id          BIGINT PRIMARY KEY,
    cycle_id    BIGINT NOT NULL REFERENCES cycles (id),
    entity      TEXT NOT NULL,
    unit_path   TEXT NOT NULL,
    person_id   BIGINT NOT NULL,
    held_on     TEXT NOT NULL,
    interviewer TEXT NOT NULL,
    notes       TEXT NOT NULL,
    recorder_id BIGINT NOT NULL,
    created_at  BIGINT NOT NULL
);
CREATE INDEX interviews_entity ON interviews (cycle_id, entity);

-- judgements are the team's 定性评价, one per entity and qualitative
-- indicator of the cycle's scheme: value is the raw value the indicator
-- takes (the points of grade when the scheme grades it, else a score
-- 0–100; grade '' then), basis says why. A new judgement replaces the
-- row; the audit log keeps the earlier ones.
CREATE TABLE judgements (
    cycle_id    BIGINT NOT NULL REFERENCES cycles (id),
    entity      TEXT NOT NULL,
    indicator   TEXT NOT NULL,
    unit_path   TEXT NOT NULL,
    grade       TEXT NOT NULL,
    value       DOUBLE PRECISION NOT NULL,
    basis       TEXT NOT NULL,
    recorder_id BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL,
    PRIMARY KEY (cycle_id, entity, indicator)
);

-- +goose Down
DROP TABLE judgements;
DROP TABLE interviews;
DROP TABLE verification_evidence;
DROP TABLE verifications;
