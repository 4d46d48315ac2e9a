-- +goose Up
-- The work ledger (工作台账), monitoring of key indicators and
-- self-assessments (package track), docs/decisions/0141-ledger.md and
-- 0142-monitoring.md.
--
-- ledger_entries are dated records of a unit's work (person_id 0) or a
-- cadre's: kind is task, project or issue; investment in 万元 (NULL for
-- none), milestone the project's stage; commitment_id the commitment it
-- serves (0 for none); latent marks 潜绩, groundwork whose results come
-- later, to be revisited on revisit_on ('' for none).
CREATE TABLE ledger_entries (
    id            BIGINT PRIMARY KEY,
    unit_id       BIGINT NOT NULL REFERENCES units (id),
    person_id     BIGINT NOT NULL,
    day           TEXT NOT NULL,
    kind          TEXT NOT NULL,
    title         TEXT NOT NULL,
    detail        TEXT NOT NULL,
    investment    DOUBLE PRECISION,
    milestone     TEXT NOT NULL,
    commitment_id BIGINT NOT NULL,
    latent        BOOLEAN NOT NULL,
    revisit_on    TEXT NOT NULL,
    created_by    BIGINT NOT NULL,
    created_at    BIGINT NOT NULL
);
CREATE INDEX ledger_entries_unit ON ledger_entries (unit_id, day);
CREATE INDEX ledger_entries_person ON ledger_entries (person_id, day);

-- monitors put a key indicator (a monthly or quarterly data item reported
-- year to date) of a unit on a target trajectory for a year: method linear
-- (target × share of the year elapsed) or seasonal (target × last year's
-- share reached by the same period, kept in profile as JSON: the share of
-- the year's total reached by each period, from the first). status green,
-- yellow, red or none
-- (no value yet) and the latest period, value, expected value and gap are
-- those of the last check.
CREATE TABLE monitors (
    id         BIGINT PRIMARY KEY,
    unit_id    BIGINT NOT NULL REFERENCES units (id),
    item_code  TEXT NOT NULL,
    year       INTEGER NOT NULL,
    method     TEXT NOT NULL,
    target     DOUBLE PRECISION NOT NULL,
    profile    TEXT NOT NULL,
    status     TEXT NOT NULL,
    period     TEXT NOT NULL,
    value      DOUBLE PRECISION,
    expected   DOUBLE PRECISION,
    gap        DOUBLE PRECISION,
    created_by BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    checked_at BIGINT NOT NULL,
    UNIQUE (unit_id, item_code, year)
);
CREATE INDEX monitors_status ON monitors (status, year);
CREATE INDEX monitors_item ON monitors (item_code, year);

-- monitor_alerts are the lagging spells of a monitor: opened at the first
-- yellow or red check (status the worst seen), closed when a check finds
-- the value back on its trajectory (closed_by 'recovered') or by an
-- explanation the office records (closed_by 'explained').
CREATE TABLE monitor_alerts (
    id          BIGINT PRIMARY KEY,
    monitor_id  BIGINT NOT NULL REFERENCES monitors (id),
    status      TEXT NOT NULL,
    period      TEXT NOT NULL,
    value       DOUBLE PRECISION NOT NULL,
    expected    DOUBLE PRECISION NOT NULL,
    gap         DOUBLE PRECISION NOT NULL,
    opened_at   BIGINT NOT NULL,
    closed_at   BIGINT NOT NULL,
    closed_by   TEXT NOT NULL,
    explanation TEXT NOT NULL,
    closer_id   BIGINT NOT NULL
);
CREATE INDEX monitor_alerts_open ON monitor_alerts (closed_at, monitor_id);

-- self_assessments are a cadre's 述职/自评 for a year.
CREATE TABLE self_assessments (
    person_id  BIGINT NOT NULL REFERENCES people (id),
    year       INTEGER NOT NULL,
    body       TEXT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (person_id, year)
);

-- +goose Down
DROP TABLE self_assessments;
DROP TABLE monitor_alerts;
DROP TABLE monitors;
DROP TABLE ledger_entries;
