-- +goose Up
-- Sanctions and their follow-up (package finding),
-- docs/decisions/0114-sanctions-and-follow-ups.md.
--
-- sanctions is a disciplinary or organisational measure taken about a
-- cadre (person_id): kind is admonish (诫勉), organisational (组织处理),
-- warning (警告), demerit (记过), grave_demerit (记大过), demotion (降级),
-- dismissal (撤职) or investigation (立案审查). decided_on is the day of
-- the decision; effective_from and effective_to its effect period
-- ('YYYY-MM-DD', effective_to computed at recording from the configured
-- period of its kind and kept, so a later change of configuration never
-- rewrites a decision; '' for an investigation until it is closed).
-- finding_id is the finding it follows from, if any; reference the
-- decision's document number; body who decided. status is active or
-- lifted (解除, for an investigation: closed); lifted_on the day.
-- unit_path is the cadre's unit when recorded, for the audit log only:
-- scope is checked on the cadre's units as they are. Times are unix µs.
CREATE TABLE sanctions (
    id             BIGINT PRIMARY KEY,
    person_id      BIGINT NOT NULL REFERENCES people (id),
    kind           TEXT NOT NULL,
    decided_on     TEXT NOT NULL,
    effective_from TEXT NOT NULL,
    effective_to   TEXT NOT NULL,
    finding_id     BIGINT REFERENCES findings (id),
    reference      TEXT NOT NULL,
    body           TEXT NOT NULL,
    status         TEXT NOT NULL,
    lifted_on      TEXT NOT NULL,
    unit_path      TEXT NOT NULL,
    created_at     BIGINT NOT NULL,
    updated_at     BIGINT NOT NULL
);
CREATE INDEX sanctions_of ON sanctions (person_id);

-- follow_ups are the visits scheduled for a sanctioned cadre: kind talk
-- (谈心谈话) or visit (跟踪回访), due_on the day it is due, done_on the day
-- it took place ('' until then), notes what was said and found, and the
-- user who recorded it, named as then.
CREATE TABLE follow_ups (
    id          BIGINT PRIMARY KEY,
    sanction_id BIGINT NOT NULL REFERENCES sanctions (id),
    kind        TEXT NOT NULL,
    due_on      TEXT NOT NULL,
    done_on     TEXT NOT NULL,
    notes       TEXT NOT NULL,
    user_id     BIGINT NOT NULL,
    user_name   TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL
);
CREATE INDEX follow_ups_of ON follow_ups (sanction_id);
CREATE INDEX follow_ups_due ON follow_ups (due_on) WHERE done_on = '';

-- +goose Down
DROP TABLE follow_ups;
DROP TABLE sanctions;
