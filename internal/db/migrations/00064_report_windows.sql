-- +goose Up
-- report_windows are the dates within which a year's mid-year progress
-- (年中亮晒, stage midyear) and year-end proof (年底亮效, stage yearend) of
-- commitments are filed, set by the assessment office of unit_id for its
-- jurisdiction; a unit below without its own takes the nearest office's
-- above. A report before the window opens is refused; one after it closes
-- is taken and marked late (commitment_reports.late). Owned by track.
CREATE TABLE report_windows (
    unit_id BIGINT NOT NULL REFERENCES units (id),
    year    INTEGER NOT NULL,
    stage   TEXT NOT NULL,
    opens   TEXT NOT NULL,
    closes  TEXT NOT NULL,
    set_by  BIGINT NOT NULL,
    set_at  BIGINT NOT NULL,
    PRIMARY KEY (unit_id, year, stage)
);
ALTER TABLE commitment_reports ADD COLUMN late BOOLEAN NOT NULL DEFAULT FALSE;

-- +goose Down
ALTER TABLE commitment_reports DROP COLUMN late;
DROP TABLE report_windows;
