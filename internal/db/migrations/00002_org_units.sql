-- +goose Up
-- categories group units for differentiated assessment (分类考核): regions
-- (e.g. 城区/经济发达地区, 农业主产区, 生态功能区) and departments (e.g.
-- 综合经济类, 社会管理类, 党群类) get their own indicator sets and weights.
-- applies_to is the unit kind a category can be given to. Times are unix µs.
CREATE TABLE categories (
    id          BIGINT PRIMARY KEY,
    code        TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    applies_to  TEXT NOT NULL CHECK (applies_to IN ('region', 'department')),
    description TEXT NOT NULL DEFAULT '',
    sort_order  INTEGER NOT NULL DEFAULT 0,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL
);

-- units is the jurisdiction tree. path is the materialized path of ids from
-- the root down to the unit itself, "/12/345/678/"; the subtree of a unit is
-- the range path >= P AND path < P' where P' is P with its final '/'
-- replaced by '0' (org.SubtreeBounds); the column compares byte by byte
-- (COLLATE "C") whatever the database's default collation. code is an administrative-division
-- code for regions (6 digits; 9 or 12 for townships) and a free code for
-- departments. A department's level is that of the region it belongs to.
CREATE TABLE units (
    id          BIGINT PRIMARY KEY,
    parent_id   BIGINT REFERENCES units (id),
    path        TEXT COLLATE "C" NOT NULL UNIQUE,
    code        TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('region', 'department')),
    level       TEXT NOT NULL CHECK (level IN ('province', 'city', 'county', 'township')),
    category_id BIGINT REFERENCES categories (id),
    sort_order  INTEGER NOT NULL DEFAULT 0,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL
);
CREATE INDEX units_parent ON units (parent_id, sort_order);
CREATE INDEX units_category ON units (category_id);

-- +goose Down
DROP TABLE units;
DROP TABLE categories;
