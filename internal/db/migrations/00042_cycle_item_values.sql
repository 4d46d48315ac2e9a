-- +goose Up
-- cycle_item_values counts, per cycle and data item, the cycle's entities
-- that have a value of the item for the cycle's period (any version, any
-- status: a correction or a return does not change whether a value is
-- there). The cycle dashboard sums it for the scheme's items instead of
-- counting millions of (entity, item) cells on every request
-- (docs/decisions/0083-cycle-dashboard-counts.md). It is filled
-- when a cycle is made (cycle.Service.Create) and kept up to date by every
-- value submission in the same transaction (collect.Submit): values are
-- never deleted and cycle_entities never change, so the first version of
-- a value is the only event that moves a count. Items without a value
-- have no row.
CREATE TABLE cycle_item_values (
    cycle_id  BIGINT NOT NULL REFERENCES cycles (id),
    item_code TEXT NOT NULL,
    filled    INTEGER NOT NULL,
    PRIMARY KEY (cycle_id, item_code)
);

-- Cycles made before this migration.
INSERT INTO cycle_item_values (cycle_id, item_code, filled)
SELECT c.id, v.item_code, count(DISTINCT v.entity_id)
FROM cycles c
JOIN cycle_entities e ON e.cycle_id = c.id
JOIN data_values v ON v.period = c.period
    AND v.entity_id = CASE WHEN c.subject = 'unit' THEN e.unit_id ELSE e.person_id END
GROUP BY c.id, v.item_code;

-- +goose Down
DROP TABLE cycle_item_values;
