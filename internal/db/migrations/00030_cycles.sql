-- +goose Up
-- cycles are assessment cycles (考核周期) run by the office of
-- owner_unit_id: kind ordinary (平时, e.g. quarterly), annual (年度),
-- special (专项, for the named task) or term (任期). A cycle assesses units
-- (leadership teams, subject 'unit') or cadres ('person') with one scheme
-- version, reading data values of period ('2025', '2025Q3'). stage moves
-- draft → collecting → evaluating → scoring → review → published → closed.
-- draws and seed are the Monte Carlo options of every scoring run, fixed
-- when the cycle is made. evaluation_id is the democratic evaluation whose
-- tallies feed the qualitative indicators (0: none). fold_indicator is the
-- scheme leaf that receives the weighted mean of the totals of the cycles
-- in cycle_parts (annual and term cycles, R2.5). approved_snapshot_id and
-- published_snapshot_id point into snapshots (0: none); entities counts
-- the cycle's rows in cycle_entities. Times are unix µs.
CREATE TABLE cycles (
    id                    BIGINT PRIMARY KEY,
    code                  TEXT NOT NULL UNIQUE,
    name                  TEXT NOT NULL,
    kind                  TEXT NOT NULL CHECK (kind IN ('ordinary', 'annual', 'special', 'term')),
    task                  TEXT NOT NULL DEFAULT '',
    subject               TEXT NOT NULL CHECK (subject IN ('unit', 'person')),
    owner_unit_id         BIGINT NOT NULL REFERENCES units (id),
    owner_path            TEXT NOT NULL,
    scheme_version_id     BIGINT NOT NULL REFERENCES scheme_versions (id),
    period                TEXT NOT NULL,
    starts_on             TEXT NOT NULL DEFAULT '',
    ends_on               TEXT NOT NULL DEFAULT '',
    stage                 TEXT NOT NULL CHECK (stage IN ('draft', 'collecting', 'evaluating', 'scoring', 'review', 'published', 'closed')),
    draws                 INTEGER NOT NULL,
    seed                  BIGINT NOT NULL,
    evaluation_id         BIGINT NOT NULL DEFAULT 0,
    fold_indicator        TEXT NOT NULL DEFAULT '',
    approved_snapshot_id  BIGINT NOT NULL DEFAULT 0,
    published_snapshot_id BIGINT NOT NULL DEFAULT 0,
    entities              INTEGER NOT NULL,
    created_at            BIGINT NOT NULL,
    updated_at            BIGINT NOT NULL
);
CREATE INDEX cycles_owner_path ON cycles (owner_path, ends_on);

-- cycle_entities are the units or cadres a cycle assesses. entity is the
-- engine's entity ID (the decimal unit or person id); grp is the
-- comparison group (the unit's category code); unit_path places the entity
-- for scope checks (a cadre's unit of post); person_id is 0 for units.
CREATE TABLE cycle_entities (
    cycle_id  BIGINT NOT NULL REFERENCES cycles (id),
    entity    TEXT NOT NULL,
    unit_id   BIGINT NOT NULL,
    person_id BIGINT NOT NULL,
    unit_path TEXT NOT NULL,
    grp       TEXT NOT NULL,
    name      TEXT NOT NULL,
    sanction  BOOLEAN NOT NULL,
    PRIMARY KEY (cycle_id, entity)
);
CREATE INDEX cycle_entities_person ON cycle_entities (person_id);
CREATE INDEX cycle_entities_unit ON cycle_entities (unit_id);

-- cycle_parts are the ordinary and special cycles whose totals an annual or
-- term cycle folds in, each with its weight.
CREATE TABLE cycle_parts (
    cycle_id      BIGINT NOT NULL REFERENCES cycles (id),
    part_cycle_id BIGINT NOT NULL REFERENCES cycles (id),
    weight        DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (cycle_id, part_cycle_id)
);

-- cycle_stage_log records every stage move: who, when, from, to, why.
CREATE TABLE cycle_stage_log (
    id         BIGINT PRIMARY KEY,
    cycle_id   BIGINT NOT NULL REFERENCES cycles (id),
    from_stage TEXT NOT NULL,
    to_stage   TEXT NOT NULL,
    actor_id   BIGINT NOT NULL,
    actor      TEXT NOT NULL,
    reason     TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX cycle_stage_log_cycle ON cycle_stage_log (cycle_id, created_at);

-- snapshots are the immutable results of scoring runs: rows are inserted,
-- never updated or deleted. inputs_hash is the hex SHA-256 of the
-- canonical inputs (scheme document, entities, values, ratings, findings,
-- options); header is the canonical JSON of the run's nodes, leaves,
-- weights and group statistics; digest is the hex SHA-256 over header and
-- every result row in order, so that identical inputs give identical
-- digests and tampering is detectable (cycle.Service.Verify).
CREATE TABLE snapshots (
    id                BIGINT PRIMARY KEY,
    cycle_id          BIGINT NOT NULL REFERENCES cycles (id),
    number            INTEGER NOT NULL,
    scheme_version_id BIGINT NOT NULL,
    scheme_digest     TEXT NOT NULL,
    engine_version    TEXT NOT NULL,
    inputs_hash       TEXT NOT NULL,
    draws             INTEGER NOT NULL,
    seed              BIGINT NOT NULL,
    entities          INTEGER NOT NULL,
    header            TEXT NOT NULL,
    digest            TEXT NOT NULL,
    actor_id          BIGINT NOT NULL,
    actor             TEXT NOT NULL,
    created_at        BIGINT NOT NULL,
    UNIQUE (cycle_id, number)
);

-- snapshot_results holds one row per entity of a snapshot: the figures the
-- rankings need as columns, and detail, the canonical JSON of the entity's
-- raw, normalised and contribution per leaf, dimension scores and
-- bonus/deduction lines, read for profiles and decompositions. flags are
-- comma-separated.
CREATE TABLE snapshot_results (
    snapshot_id BIGINT NOT NULL REFERENCES snapshots (id),
    entity      TEXT NOT NULL,
    row_no      INTEGER NOT NULL,
    grp         TEXT NOT NULL,
    base        DOUBLE PRECISION NOT NULL,
    bonus       DOUBLE PRECISION NOT NULL,
    deduction   DOUBLE PRECISION NOT NULL,
    total       DOUBLE PRECISION NOT NULL,
    rank        INTEGER NOT NULL,
    rank_p05    INTEGER NOT NULL,
    rank_p50    INTEGER NOT NULL,
    rank_p95    INTEGER NOT NULL,
    grade       TEXT NOT NULL,
    flags       TEXT NOT NULL,
    detail      TEXT NOT NULL,
    PRIMARY KEY (snapshot_id, entity)
);
CREATE INDEX snapshot_results_rank ON snapshot_results (snapshot_id, grp, rank);

-- calibrations are the grade changes (校准) the office makes to an approved
-- snapshot, each with its reason; the latest per entity is the grade shown.
CREATE TABLE calibrations (
    id          BIGINT PRIMARY KEY,
    snapshot_id BIGINT NOT NULL REFERENCES snapshots (id),
    entity      TEXT NOT NULL,
    from_grade  TEXT NOT NULL,
    to_grade    TEXT NOT NULL,
    reason      TEXT NOT NULL,
    actor_id    BIGINT NOT NULL,
    actor       TEXT NOT NULL,
    created_at  BIGINT NOT NULL
);
CREATE INDEX calibrations_snapshot ON calibrations (snapshot_id, entity, created_at);

-- +goose Down
DROP TABLE calibrations;
DROP TABLE snapshot_results;
DROP TABLE snapshots;
DROP TABLE cycle_stage_log;
DROP TABLE cycle_parts;
DROP TABLE cycle_entities;
DROP TABLE cycles;
