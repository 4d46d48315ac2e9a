-- +goose Up
-- Commitments (亮诺 · 亮晒 · 亮效, package track),
-- docs/decisions/0140-commitments.md.
--
-- commitments is what a leadership team (owner_kind unit: unit_id, person_id
-- 0) or a leading cadre (owner_kind person: person_id, unit_id the unit of
-- the post it is filed in) promises for a year. Its fields are those of its
-- current version (version counts from 1); a change of an approved
-- commitment waits in commitment_versions until the office approves it.
-- dimension is a scheme dimension's name (经济发展 …); target_kind is value
-- (item_code, target_value, due_on: a data item the unit reports and the
-- value it reaches by the day) or milestones (commitment_milestones).
-- status is submitted, returned or approved; stage is none, midyear
-- (亮晒 reported), proved (亮效 proof filed) or verified; verdict is done,
-- mostly or missed (完成 / 基本完成 / 未完成) with verdict_reason, set by the
-- assessment team. Days are 'YYYY-MM-DD', times unix µs.
CREATE TABLE commitments (
    id             BIGINT PRIMARY KEY,
    owner_kind     TEXT NOT NULL,
    unit_id        BIGINT NOT NULL REFERENCES units (id),
    person_id      BIGINT NOT NULL,
    year           INTEGER NOT NULL,
    title          TEXT NOT NULL,
    dimension      TEXT NOT NULL,
    target_kind    TEXT NOT NULL,
    item_code      TEXT NOT NULL,
    target_value   DOUBLE PRECISION,
    due_on         TEXT NOT NULL,
    version        INTEGER NOT NULL,
    status         TEXT NOT NULL,
    review_comment TEXT NOT NULL,
    stage          TEXT NOT NULL,
    verdict        TEXT NOT NULL,
    verdict_reason TEXT NOT NULL,
    created_by     BIGINT NOT NULL,
    created_at     BIGINT NOT NULL,
    updated_at     BIGINT NOT NULL
);
CREATE INDEX commitments_unit ON commitments (unit_id, year);
CREATE INDEX commitments_person ON commitments (person_id, year);
CREATE INDEX commitments_year ON commitments (year, status);

-- commitment_milestones are the dated steps of a qualitative commitment.
CREATE TABLE commitment_milestones (
    commitment_id BIGINT NOT NULL REFERENCES commitments (id),
    seq           INTEGER NOT NULL,
    title         TEXT NOT NULL,
    due_on        TEXT NOT NULL,
    PRIMARY KEY (commitment_id, seq)
);

-- commitment_versions are the versions of a commitment: the approved ones
-- (status approved, the last one current) and a proposed change (status
-- proposed, returned when the office refuses it), each with its reason.
-- milestones holds the version's milestones as JSON.
CREATE TABLE commitment_versions (
    commitment_id BIGINT NOT NULL REFERENCES commitments (id),
    version       INTEGER NOT NULL,
    title         TEXT NOT NULL,
    dimension     TEXT NOT NULL,
    target_kind   TEXT NOT NULL,
    item_code     TEXT NOT NULL,
    target_value  DOUBLE PRECISION,
    due_on        TEXT NOT NULL,
    milestones    TEXT NOT NULL,
    reason        TEXT NOT NULL,
    status        TEXT NOT NULL,
    proposed_by   BIGINT NOT NULL,
    decided_by    BIGINT NOT NULL,
    created_at    BIGINT NOT NULL,
    decided_at    BIGINT NOT NULL,
    PRIMARY KEY (commitment_id, version)
);

-- commitment_reports are the 亮晒 progress (stage midyear) and the 亮效
-- proof (stage yearend) of a commitment: what was done, the value reached
-- (NULL for none), by whom.
CREATE TABLE commitment_reports (
    id            BIGINT PRIMARY KEY,
    commitment_id BIGINT NOT NULL REFERENCES commitments (id),
    stage         TEXT NOT NULL,
    body          TEXT NOT NULL,
    value         DOUBLE PRECISION,
    author_id     BIGINT NOT NULL,
    created_at    BIGINT NOT NULL
);
CREATE INDEX commitment_reports_of ON commitment_reports (commitment_id, created_at);

-- commitment_files are the evidence files of a report, kept like
-- finding_evidence: base64 TEXT, at most 10 MiB, of a type recognised from
-- the content.
CREATE TABLE commitment_files (
    id            BIGINT PRIMARY KEY,
    report_id     BIGINT NOT NULL REFERENCES commitment_reports (id),
    commitment_id BIGINT NOT NULL REFERENCES commitments (id),
    name          TEXT NOT NULL,
    content_type  TEXT NOT NULL,
    size          BIGINT NOT NULL,
    sha256        TEXT NOT NULL,
    content       TEXT NOT NULL,
    uploader_id   BIGINT NOT NULL,
    created_at    BIGINT NOT NULL
);
CREATE INDEX commitment_files_of ON commitment_files (commitment_id);

-- +goose Down
DROP TABLE commitment_files;
DROP TABLE commitment_reports;
DROP TABLE commitment_versions;
DROP TABLE commitment_milestones;
DROP TABLE commitments;
