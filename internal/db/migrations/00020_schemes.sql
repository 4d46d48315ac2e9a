-- +goose Up
-- indicators is the indicator library (指标库): each indicator is defined
-- once — name, unit of measure, direction, kind, where its value comes from
-- (a data item code, or an expr formula over data item codes) and whether
-- it is key (关键) or leading (引领性) — and placed into scheme versions by
-- code. Dimensions (维度) are structure of a scheme, not library entries.
-- data_item_code and formula refer to data_items.code by value, so that the
-- library and the data collection evolve independently. Times are unix µs.
CREATE TABLE indicators (
    id             BIGINT PRIMARY KEY,
    code           TEXT NOT NULL UNIQUE,
    name           TEXT NOT NULL,
    measure_unit   TEXT NOT NULL DEFAULT '',
    direction      TEXT NOT NULL CHECK (direction IN ('higher', 'lower')),
    kind           TEXT NOT NULL CHECK (kind IN ('quantitative', 'qualitative', 'bonus', 'deduction', 'veto')),
    data_item_code TEXT NOT NULL DEFAULT '',
    formula        TEXT NOT NULL DEFAULT '',
    is_key         BOOLEAN NOT NULL,
    is_leading     BOOLEAN NOT NULL,
    description    TEXT NOT NULL DEFAULT '',
    created_at     BIGINT NOT NULL,
    updated_at     BIGINT NOT NULL
);
CREATE INDEX indicators_data_item ON indicators (data_item_code);

-- schemes are assessment schemes (考核方案) set by the office of
-- owner_unit_id, for leadership teams (subject 'unit') or cadres (subject
-- 'person'), applied to the units of the categories in scheme_categories.
CREATE TABLE schemes (
    id            BIGINT PRIMARY KEY,
    code          TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL,
    subject       TEXT NOT NULL CHECK (subject IN ('unit', 'person')),
    owner_unit_id BIGINT NOT NULL REFERENCES units (id),
    description   TEXT NOT NULL DEFAULT '',
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL
);
CREATE INDEX schemes_owner ON schemes (owner_unit_id);

CREATE TABLE scheme_categories (
    scheme_id   BIGINT NOT NULL REFERENCES schemes (id),
    category_id BIGINT NOT NULL REFERENCES categories (id),
    PRIMARY KEY (scheme_id, category_id)
);
CREATE INDEX scheme_categories_category ON scheme_categories (category_id);

-- scheme_versions holds every version of a scheme whole: document is the
-- canonical JSON of the engine's scheme (score.Scheme), digest its hex
-- SHA-256. A version is edited only while it is a draft and not locked;
-- locked is set when a cycle uses the version and is never cleared.
-- effective_from is a date 'YYYY-MM-DD' or ''. At most one version of a
-- scheme is active.
CREATE TABLE scheme_versions (
    id              BIGINT PRIMARY KEY,
    scheme_id       BIGINT NOT NULL REFERENCES schemes (id),
    number          INTEGER NOT NULL,
    document        TEXT NOT NULL,
    digest          TEXT NOT NULL,
    reason          TEXT NOT NULL,
    effective_cycle TEXT NOT NULL DEFAULT '',
    effective_from  TEXT NOT NULL DEFAULT '',
    author_id       BIGINT NOT NULL,
    author          TEXT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('draft', 'active', 'retired')),
    locked          BOOLEAN NOT NULL,
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL,
    UNIQUE (scheme_id, number)
);
CREATE UNIQUE INDEX scheme_versions_one_active ON scheme_versions (scheme_id) WHERE status = 'active';

-- +goose Down
DROP TABLE scheme_versions;
DROP TABLE scheme_categories;
DROP TABLE schemes;
DROP TABLE indicators;
