-- +goose Up
-- Reserve pool, adjustments of cadres unfit for their post, and training
-- (package outcome), docs/decisions/0172-reserve-unfit-training.md.
--
-- reserve_entries are cadres put forward for the reserve pool (储备库) of
-- a level (division_chief 县处级正职, division_deputy 县处级副职,
-- section_chief 乡科级正职, section_deputy 乡科级副职) and field (party 党群,
-- economy 经济, social 社会治理, urban 城乡建设, law 政法, education 教育科技):
-- source rule (an adopted proposal, proposal_id) or nominated (推荐);
-- status candidate → admitted or declined (review_reason, reviewed_by)
-- → exited (exit_reason). unit_path is the cadre's unit when put forward.
CREATE TABLE reserve_entries (
    id            BIGINT PRIMARY KEY,
    person_id     BIGINT NOT NULL REFERENCES people (id),
    unit_path     TEXT NOT NULL,
    level         TEXT NOT NULL,
    field         TEXT NOT NULL,
    source        TEXT NOT NULL,
    proposal_id   BIGINT NOT NULL,
    reason        TEXT NOT NULL,
    nominated_by  TEXT NOT NULL,
    status        TEXT NOT NULL,
    review_reason TEXT NOT NULL,
    reviewed_by   TEXT NOT NULL,
    reviewed_at   BIGINT NOT NULL,
    exit_reason   TEXT NOT NULL,
    exited_at     BIGINT NOT NULL,
    created_at    BIGINT NOT NULL
);
CREATE INDEX reserve_entries_person ON reserve_entries (person_id);

-- adjustments are decisions on cadres unfit for their post: kind transfer
-- (调整岗位), demote (降职) or remove (免职); situations the codes of the
-- catalogue's situations that matched, comma-separated; decided_by who
-- recorded it, named as then. reappointed_on, reappointed_post and
-- reappoint_reason record a later re-appointment (下后能上), '' until then.
CREATE TABLE adjustments (
    id               BIGINT PRIMARY KEY,
    person_id        BIGINT NOT NULL REFERENCES people (id),
    unit_path        TEXT NOT NULL,
    kind             TEXT NOT NULL,
    situations       TEXT NOT NULL,
    reason           TEXT NOT NULL,
    decided_on       TEXT NOT NULL,
    decided_by       TEXT NOT NULL,
    reappointed_on   TEXT NOT NULL,
    reappointed_post TEXT NOT NULL,
    reappoint_reason TEXT NOT NULL,
    created_at       BIGINT NOT NULL
);
CREATE INDEX adjustments_person ON adjustments (person_id);

-- adjustment_visits are the follow-up visits (跟踪回访) of an adjusted
-- cadre: the day, what was found, who recorded it, named as then.
CREATE TABLE adjustment_visits (
    id            BIGINT PRIMARY KEY,
    adjustment_id BIGINT NOT NULL REFERENCES adjustments (id),
    visited_on    TEXT NOT NULL,
    notes         TEXT NOT NULL,
    user_name     TEXT NOT NULL,
    created_at    BIGINT NOT NULL
);
CREATE INDEX adjustment_visits_of ON adjustment_visits (adjustment_id);

-- trainings are a cadre's training and practice: kind training (培训),
-- secondment (挂职), shadowing (跟岗) or frontline (一线岗位); title, the
-- topic it builds (a dimension of the schemes, for the suggestions),
-- organiser, the days it ran ('' end while under way), completed 0/1.
CREATE TABLE trainings (
    id         BIGINT PRIMARY KEY,
    person_id  BIGINT NOT NULL REFERENCES people (id),
    kind       TEXT NOT NULL,
    title      TEXT NOT NULL,
    topic      TEXT NOT NULL,
    organiser  TEXT NOT NULL,
    started_on TEXT NOT NULL,
    ended_on   TEXT NOT NULL,
    completed  INTEGER NOT NULL,
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX trainings_person ON trainings (person_id);

-- +goose Down
DROP TABLE trainings;
DROP TABLE adjustment_visits;
DROP TABLE adjustments;
DROP TABLE reserve_entries;
