-- +goose Up
-- settings holds instance-wide facts, such as how the demo data was built.
CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- +goose Down
DROP TABLE settings;
