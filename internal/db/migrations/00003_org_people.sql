-- +goose Up
-- people are cadres (干部). unit_id is the unit of the person's primary post,
-- or of the last one when none is held: it places the person in the tree for
-- list queries. Personal fields are kept to what assessment needs. Dates are
-- 'YYYY-MM-DD'; times are unix µs.
CREATE TABLE people (
    id         BIGINT PRIMARY KEY,
    name       TEXT NOT NULL,
    gender     TEXT NOT NULL CHECK (gender IN ('male', 'female')),
    birth_date TEXT NOT NULL,
    ethnicity  TEXT NOT NULL,
    party      TEXT NOT NULL,
    education  TEXT NOT NULL,
    unit_id    BIGINT NOT NULL REFERENCES units (id),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX people_unit ON people (unit_id);
CREATE INDEX people_name ON people (name);

-- posts are the positions a person holds or held (职务), so a person's post
-- history is kept. end_date is NULL while the post is held; a post ends on
-- the day its successor starts. team marks membership of the unit's
-- leadership team (领导班子); sort_order is the post's place in the unit's
-- protocol order (排序). A concurrent post (兼任) is held beside the primary one;
-- a person holds at most one primary post at a time.
CREATE TABLE posts (
    id         BIGINT PRIMARY KEY,
    person_id  BIGINT NOT NULL REFERENCES people (id),
    unit_id    BIGINT NOT NULL REFERENCES units (id),
    title      TEXT NOT NULL,
    rank       TEXT NOT NULL,
    team       BOOLEAN NOT NULL,
    sort_order INTEGER NOT NULL DEFAULT 0,
    concurrent BOOLEAN NOT NULL,
    start_date TEXT NOT NULL,
    end_date   TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX posts_person ON posts (person_id, start_date);
CREATE INDEX posts_unit ON posts (unit_id, end_date);
CREATE UNIQUE INDEX posts_one_primary ON posts (person_id) WHERE end_date IS NULL AND NOT concurrent;

-- +goose Down
DROP TABLE posts;
DROP TABLE people;
