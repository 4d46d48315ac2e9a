-- +goose Up
-- data_items are the facts collected once from their owning department
-- (数据项, "collect once, use everywhere"): indicators of every scheme refer
-- to them by code. owner_unit_id is the provider department (e.g.
-- 青州市统计局); it reports values for the entities of its jurisdiction
-- (the region the department belongs to). entity_kind, unit_kind and
-- unit_level say what the item measures: units of a kind and level (e.g.
-- county-level regions), or people. min_value and max_value bound a valid
-- value (NULL: unbounded). Times are unix µs.
CREATE TABLE data_items (
    id            BIGINT PRIMARY KEY,
    code          TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL,
    measure       TEXT NOT NULL DEFAULT '',
    owner_unit_id BIGINT NOT NULL REFERENCES units (id),
    frequency     TEXT NOT NULL CHECK (frequency IN ('annual', 'quarterly', 'monthly')),
    value_type    TEXT NOT NULL CHECK (value_type IN ('number', 'percent', 'integer')),
    min_value     DOUBLE PRECISION,
    max_value     DOUBLE PRECISION,
    required      BOOLEAN NOT NULL,
    entity_kind   TEXT NOT NULL CHECK (entity_kind IN ('unit', 'person')),
    unit_kind     TEXT NOT NULL DEFAULT '',
    unit_level    TEXT NOT NULL DEFAULT '',
    description   TEXT NOT NULL DEFAULT '',
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL
);
CREATE INDEX data_items_owner ON data_items (owner_unit_id);

-- +goose Down
DROP TABLE data_items;
