-- +goose Up
-- Reviews of findings (package finding): exemptions (容错免责) and
-- clarifications (澄清正名), docs/decisions/0112-exemption-and-clarification.md.
--
-- finding_exemptions is an application for the exemption of a finding,
-- for a cadre it names (person_id) or for its unit (person_id NULL), and
-- where its review stands: step is applied, verified, deliberated, decided
-- or fed_back, taken in that order; outcome is '' until decided, then
-- exempt or refuse. Times are unix µs.
CREATE TABLE finding_exemptions (
    id         BIGINT PRIMARY KEY,
    finding_id BIGINT NOT NULL REFERENCES findings (id),
    person_id  BIGINT REFERENCES people (id),
    step       TEXT NOT NULL,
    outcome    TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX finding_exemptions_of ON finding_exemptions (finding_id);

-- finding_exemption_steps are the steps taken, one row each: note is the
-- statement, the facts verified, the study's conclusion, the rationale or
-- what was fed back; day the meeting or feedback day ('YYYY-MM-DD', ''
-- for the other steps); body who studied it or was told. user_id and
-- user_name are the user who took the step, named as then (as the audit
-- log names its actors).
CREATE TABLE finding_exemption_steps (
    exemption_id BIGINT NOT NULL REFERENCES finding_exemptions (id),
    step         TEXT NOT NULL,
    day          TEXT NOT NULL,
    body         TEXT NOT NULL,
    note         TEXT NOT NULL,
    user_id      BIGINT NOT NULL,
    user_name    TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    PRIMARY KEY (exemption_id, step)
);

-- finding_exemption_checks are the decision's answers to the 三个区分开来
-- checklist, one row per criterion answered (a code the package lists).
CREATE TABLE finding_exemption_checks (
    exemption_id BIGINT NOT NULL REFERENCES finding_exemptions (id),
    criterion    TEXT NOT NULL,
    answer       BOOLEAN NOT NULL,
    note         TEXT NOT NULL,
    PRIMARY KEY (exemption_id, criterion)
);

-- finding_exemption_files are the evidence of the checklist's answers,
-- kept like finding_evidence (base64 TEXT, checked by collect.CheckUpload).
CREATE TABLE finding_exemption_files (
    id           BIGINT PRIMARY KEY,
    exemption_id BIGINT NOT NULL REFERENCES finding_exemptions (id),
    criterion    TEXT NOT NULL,
    name         TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size         BIGINT NOT NULL,
    sha256       TEXT NOT NULL,
    content      TEXT NOT NULL,
    uploader_id  BIGINT NOT NULL,
    created_at   BIGINT NOT NULL
);
CREATE INDEX finding_exemption_files_of ON finding_exemption_files (exemption_id);

-- finding_clarifications are the clarifications of findings proven false
-- (kind false: 诬告, mistaken: 错告): what was alleged, what was found,
-- the conclusion, the day it was published and to whom (audience unit:
-- 本单位, system: 本系统, public: 公开). A finding has at most one; it is
-- voided for good. recorder_id and recorder_name are the user who
-- recorded it, named as then.
CREATE TABLE finding_clarifications (
    finding_id   BIGINT PRIMARY KEY REFERENCES findings (id),
    kind         TEXT NOT NULL,
    alleged      TEXT NOT NULL,
    found        TEXT NOT NULL,
    conclusion   TEXT NOT NULL,
    published_on TEXT NOT NULL,
    audience     TEXT NOT NULL,
    recorder_id   BIGINT NOT NULL,
    recorder_name TEXT NOT NULL,
    created_at    BIGINT NOT NULL
);

-- +goose Down
DROP TABLE finding_clarifications;
DROP TABLE finding_exemption_files;
DROP TABLE finding_exemption_checks;
DROP TABLE finding_exemption_steps;
DROP TABLE finding_exemptions;
