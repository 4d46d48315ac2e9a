-- +goose Up
-- Supervision findings (问题线索 / 发现问题, package finding). A finding is
-- recorded by a supervisory body (body_unit_id: a department such as the
-- city's 纪委监委 or 审计局, or a region) about a unit of the body's
-- jurisdiction (unit_id) and names zero or more of its cadres
-- (finding_people). source, category and severity are codes the package
-- lists; found_on and notified_on are 'YYYY-MM-DD', notified_on '' until
-- the finding is notified to those it names; status is active, exempted
-- or voided (score.FindingStatus), changed only by the package's
-- workflows. Times are unix µs. The history of a finding is the audit log
-- (object type finding), which records every change with before, after
-- and reason in the change's transaction.
CREATE TABLE findings (
    id           BIGINT PRIMARY KEY,
    body_unit_id BIGINT NOT NULL REFERENCES units (id),
    source       TEXT NOT NULL,
    category     TEXT NOT NULL,
    severity     TEXT NOT NULL,
    found_on     TEXT NOT NULL,
    reference    TEXT NOT NULL,
    title        TEXT NOT NULL,
    description  TEXT NOT NULL,
    unit_id      BIGINT NOT NULL REFERENCES units (id),
    status       TEXT NOT NULL,
    notified_on  TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL
);
CREATE INDEX findings_unit ON findings (unit_id, found_on);
CREATE INDEX findings_body ON findings (body_unit_id, found_on);
CREATE INDEX findings_found ON findings (found_on);

-- finding_people are the cadres a finding names.
CREATE TABLE finding_people (
    finding_id BIGINT NOT NULL REFERENCES findings (id),
    person_id  BIGINT NOT NULL REFERENCES people (id),
    PRIMARY KEY (finding_id, person_id)
);
CREATE INDEX finding_people_person ON finding_people (person_id);

-- finding_evidence holds a finding's files (反馈意见, 审计报告, 照片), kept
-- like value_evidence: base64 TEXT, at most 10 MiB, of a type recognised
-- from the content. uploader_id is the user who attached it.
CREATE TABLE finding_evidence (
    id           BIGINT PRIMARY KEY,
    finding_id   BIGINT NOT NULL REFERENCES findings (id),
    name         TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size         BIGINT NOT NULL,
    sha256       TEXT NOT NULL,
    content      TEXT NOT NULL,
    uploader_id  BIGINT NOT NULL,
    created_at   BIGINT NOT NULL
);
CREATE INDEX finding_evidence_of ON finding_evidence (finding_id);

-- +goose Down
DROP TABLE finding_evidence;
DROP TABLE finding_people;
DROP TABLE findings;
