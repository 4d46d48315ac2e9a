-- +goose Up
-- Term handover (任期制和离任交接, package outcome),
-- docs/decisions/0171-handover.md.
--
-- handovers record a post of unit_id (title) changing hands from
-- from_person_id to to_person_id on handed_on ('YYYY-MM-DD'); items is
-- the JSON list of what was open for the successor when recorded (kind,
-- reference, title, since). Each side signs with its own sign-in:
-- from_signed_at and to_signed_at are unix µs, 0 until signed. created_by
-- is the office's user who recorded it, named as then.
CREATE TABLE handovers (
    id              BIGINT PRIMARY KEY,
    unit_id         BIGINT NOT NULL REFERENCES units (id),
    unit_path       TEXT NOT NULL,
    title           TEXT NOT NULL,
    from_person_id  BIGINT NOT NULL REFERENCES people (id),
    to_person_id    BIGINT NOT NULL REFERENCES people (id),
    handed_on       TEXT NOT NULL,
    items           TEXT NOT NULL,
    from_signed_at  BIGINT NOT NULL,
    to_signed_at    BIGINT NOT NULL,
    created_by      TEXT NOT NULL,
    created_at      BIGINT NOT NULL
);
CREATE INDEX handovers_unit ON handovers (unit_id);

-- +goose Down
DROP TABLE handovers;
