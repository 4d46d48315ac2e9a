-- +goose Up
-- snapshot_bins holds, per snapshot and comparison group, the histogram of
-- the totals that the cycle dashboard draws: bin k counts the totals in
-- [lo + 10k, lo + 10(k+1)), lo being the multiple of 10 at or below the
-- group's lowest total. It is written with the snapshot (same transaction)
-- and, like it, never changes; a reader who may see every entity of the
-- cycle reads it instead of scanning 100,000 result rows
-- (docs/decisions/0083-cycle-dashboard-counts.md). Snapshots
-- made before this migration have no rows and are binned from their
-- results as before.
CREATE TABLE snapshot_bins (
    snapshot_id BIGINT NOT NULL REFERENCES snapshots (id),
    grp         TEXT NOT NULL,
    bin         INTEGER NOT NULL,
    lo          DOUBLE PRECISION NOT NULL,
    n           INTEGER NOT NULL,
    PRIMARY KEY (snapshot_id, grp, bin)
);

-- +goose Down
DROP TABLE snapshot_bins;
