-- +goose Up
-- data_values holds every value ever submitted for an entity (a unit or a
-- person, by entity_kind; ids are unique across both), a data item and a
-- period ('2025', '2025Q3', '2025-07'). A correction is a new row with
-- version + 1 and a reason; the old row is kept with is_current false, so
-- the current value is the row with is_current (the highest version).
-- source is form, excel, csv or api; submitter_id is the user (0 for the
-- system); status is submitted, verified or returned; flagged marks a value
-- far from the entity's value of the previous period (checked, not
-- rejected). created_at is unix µs. item_code has no foreign key: every
-- writer goes through collect.Submit, which checks the item, and items are
-- never deleted; the check per row made a million-value load 25 % slower
-- (docs/decisions/0027-bulk-value-loads.md). The primary key is the value's
-- natural key, which serves the current value of an (item, period) and an
-- entity's history of an item; id is unique by construction (db.NewID) and
-- names a version in the API and the audit log, but has no index of its own:
-- a third index made a million-value load 15 % slower. Look a version up by
-- its natural key.
CREATE TABLE data_values (
    id           BIGINT NOT NULL,
    entity_kind  TEXT NOT NULL,
    entity_id    BIGINT NOT NULL,
    item_code    TEXT NOT NULL,
    period       TEXT NOT NULL,
    value        DOUBLE PRECISION NOT NULL,
    source       TEXT NOT NULL,
    submitter_id BIGINT NOT NULL,
    status       TEXT NOT NULL,
    version      INTEGER NOT NULL,
    is_current   BOOLEAN NOT NULL,
    reason       TEXT NOT NULL,
    flagged      BOOLEAN NOT NULL,
    created_at   BIGINT NOT NULL,
    PRIMARY KEY (item_code, period, entity_id, version)
);

-- +goose Down
DROP TABLE data_values;
