-- +goose Up
-- Use of results (package outcome), docs/decisions/0170-outcome-rules.md.
--
-- outcome_rules are an office's edits of its rule set: a row with the
-- code of a default rule replaces it (enabled 0 switches it off), a row
-- with a new code adds a rule. owner_unit_id is the office's unit;
-- condition an expr expression over a cadre's history, checked when
-- saved; action what a match proposes (merit_third, promotion, admonish,
-- adjust_post, dismiss, review, reserve).
CREATE TABLE outcome_rules (
    id            BIGINT PRIMARY KEY,
    owner_unit_id BIGINT NOT NULL REFERENCES units (id),
    code          TEXT NOT NULL,
    name          TEXT NOT NULL,
    action        TEXT NOT NULL,
    condition     TEXT NOT NULL,
    enabled       INTEGER NOT NULL,
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL,
    UNIQUE (owner_unit_id, code)
);

-- outcome_grades are annual grades of years before the platform, recorded
-- by the office from the paper archive (document reference in source);
-- a published cycle's grade of the same year takes precedence.
CREATE TABLE outcome_grades (
    id         BIGINT PRIMARY KEY,
    person_id  BIGINT NOT NULL REFERENCES people (id),
    year       INTEGER NOT NULL,
    grade      TEXT NOT NULL,
    source     TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    UNIQUE (person_id, year)
);

-- outcome_proposals are what a rule proposed for a cadre in a year, with
-- the rule as it was (name, condition, action) and its evidence (JSON:
-- the grades with their snapshots, the findings and sanctions read).
-- status is pending, adopted or rejected; decided_by the user who decided,
-- named as then, reason why. unit_path is the cadre's unit at proposal.
CREATE TABLE outcome_proposals (
    id              BIGINT PRIMARY KEY,
    person_id       BIGINT NOT NULL REFERENCES people (id),
    owner_unit_id   BIGINT NOT NULL REFERENCES units (id),
    unit_path       TEXT NOT NULL,
    rule_code       TEXT NOT NULL,
    rule_name       TEXT NOT NULL,
    condition       TEXT NOT NULL,
    action          TEXT NOT NULL,
    year            INTEGER NOT NULL,
    evidence        TEXT NOT NULL,
    status          TEXT NOT NULL,
    reason          TEXT NOT NULL,
    decided_by      BIGINT NOT NULL,
    decided_by_name TEXT NOT NULL,
    decided_at      BIGINT NOT NULL,
    created_at      BIGINT NOT NULL,
    UNIQUE (person_id, rule_code, year)
);
CREATE INDEX outcome_proposals_status ON outcome_proposals (status, unit_path);

-- +goose Down
DROP TABLE outcome_proposals;
DROP TABLE outcome_grades;
DROP TABLE outcome_rules;
