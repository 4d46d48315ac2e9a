-- +goose Up
-- collect_deadlines is the date by which the owner of a data item must have
-- submitted its values for a period ('YYYY-MM-DD'; overdue the day after).
CREATE TABLE collect_deadlines (
    item_code  TEXT NOT NULL REFERENCES data_items (code),
    period     TEXT NOT NULL,
    due_date   TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (item_code, period)
);

-- +goose Down
DROP TABLE collect_deadlines;
