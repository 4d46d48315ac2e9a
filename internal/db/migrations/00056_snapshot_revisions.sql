-- +goose Up
-- New snapshot versions of a published cycle (package cycle),
-- docs/decisions/0151-snapshot-versions.md. A correction never edits a
-- snapshot: the cycle is rescored into a new snapshot that is published in
-- its place; the old one stays, superseded by to_snapshot_id. reason says
-- why (the appeal answered). Times are unix µs.
CREATE TABLE snapshot_revisions (
    id               BIGINT PRIMARY KEY,
    cycle_id         BIGINT NOT NULL REFERENCES cycles (id),
    from_snapshot_id BIGINT NOT NULL REFERENCES snapshots (id),
    to_snapshot_id   BIGINT NOT NULL REFERENCES snapshots (id),
    reason           TEXT NOT NULL,
    actor_id         BIGINT NOT NULL,
    actor            TEXT NOT NULL,
    created_at       BIGINT NOT NULL
);
CREATE INDEX snapshot_revisions_cycle ON snapshot_revisions (cycle_id);
CREATE UNIQUE INDEX snapshot_revisions_from ON snapshot_revisions (from_snapshot_id);

-- snapshot_revision_changes are the entities whose total, rank or grade
-- (after calibration) differ between the two versions.
CREATE TABLE snapshot_revision_changes (
    revision_id BIGINT NOT NULL REFERENCES snapshot_revisions (id),
    entity      TEXT NOT NULL,
    name        TEXT NOT NULL,
    old_total   DOUBLE PRECISION NOT NULL,
    new_total   DOUBLE PRECISION NOT NULL,
    old_rank    INTEGER NOT NULL,
    new_rank    INTEGER NOT NULL,
    old_grade   TEXT NOT NULL,
    new_grade   TEXT NOT NULL,
    PRIMARY KEY (revision_id, entity)
);

-- +goose Down
DROP TABLE snapshot_revision_changes;
DROP TABLE snapshot_revisions;
