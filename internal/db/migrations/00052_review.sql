-- +goose Up
-- 政务服务"好差评" (package review, decision 0130). service_items are a
-- unit's 政务服务事项 (code unique in the unit; window_name is the 窗口 or
-- department that handles it). review_cases are the 办件 imported from the
-- government-service system: number unique in the unit, finished_on
-- 'YYYY-MM-DD', channel the channel it was handled on. Times are unix µs.
CREATE TABLE service_items (
    id         BIGINT PRIMARY KEY,
    unit_id    BIGINT NOT NULL REFERENCES units (id),
    code       TEXT NOT NULL,
    name       TEXT NOT NULL,
    window_name TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (unit_id, code)
);

CREATE TABLE review_cases (
    id          BIGINT PRIMARY KEY,
    unit_id     BIGINT NOT NULL REFERENCES units (id),
    item_id     BIGINT NOT NULL REFERENCES service_items (id),
    number      TEXT NOT NULL,
    finished_on TEXT NOT NULL,
    channel     TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    UNIQUE (unit_id, number)
);
CREATE INDEX review_cases_finished ON review_cases (unit_id, finished_on);
CREATE INDEX review_cases_item ON review_cases (item_id, finished_on);

-- reviews: one first review (kind 'first') per case and channel (一次一评)
-- and one follow-up (kind 'follow', 追评). level is the national level code,
-- points its points when given; is_default marks a level the configured
-- default gave an unreviewed case (never a person's review). status is
-- counted, held (flagged, awaiting the office's decision) or excluded (a
-- flag or an appeal decided against it). flags is a JSON list of the fraud
-- checks' explained flags. contact_hash, device_hash and addr_hash are
-- salted SHA-256; contact is kept in clear only when the organisers
-- configure it. period is the year of the case's finished_on.
CREATE TABLE reviews (
    id           BIGINT PRIMARY KEY,
    case_id      BIGINT NOT NULL REFERENCES review_cases (id),
    unit_id      BIGINT NOT NULL REFERENCES units (id),
    item_id      BIGINT NOT NULL REFERENCES service_items (id),
    period       TEXT NOT NULL,
    channel      TEXT NOT NULL,
    kind         TEXT NOT NULL,
    level        TEXT NOT NULL,
    points       DOUBLE PRECISION NOT NULL,
    subitems     TEXT NOT NULL,
    comment      TEXT NOT NULL,
    is_default   INTEGER NOT NULL,
    named        INTEGER NOT NULL,
    contact      TEXT NOT NULL,
    contact_hash TEXT NOT NULL,
    device_hash  TEXT NOT NULL,
    addr_hash    TEXT NOT NULL,
    status       TEXT NOT NULL,
    flags        TEXT NOT NULL,
    reviewed_at  BIGINT NOT NULL,
    UNIQUE (case_id, channel, kind)
);
CREATE INDEX reviews_unit ON reviews (unit_id, period);
CREATE INDEX reviews_held ON reviews (status, unit_id);
CREATE INDEX reviews_device ON reviews (device_hash, reviewed_at);
CREATE INDEX reviews_addr ON reviews (addr_hash, reviewed_at);
CREATE INDEX reviews_item ON reviews (item_id, reviewed_at);

-- review_orders are the 差评 work orders: one per 不满意 or 非常不满意
-- review. state runs received → verifying → rectifying → replied →
-- visited → closed (待签收 → 核实 → 整改 → 反馈 → 回访 → 办结). verify_due
-- and rectify_due are 'YYYY-MM-DD' in working days of the holiday
-- calendar; escalated_on is the day an overdue order went to the unit's
-- superior, '' before. satisfaction is the reviewer's follow-up answer
-- (satisfied, basic, unsatisfied; '' until the 回访). closed_in_sla is 1
-- when it was closed by rectify_due.
CREATE TABLE review_orders (
    id            BIGINT PRIMARY KEY,
    number        TEXT NOT NULL UNIQUE,
    review_id     BIGINT NOT NULL UNIQUE REFERENCES reviews (id),
    unit_id       BIGINT NOT NULL REFERENCES units (id),
    item_id       BIGINT NOT NULL REFERENCES service_items (id),
    period        TEXT NOT NULL,
    state         TEXT NOT NULL,
    owner         TEXT NOT NULL,
    opened_on     TEXT NOT NULL,
    verify_due    TEXT NOT NULL,
    rectify_due   TEXT NOT NULL,
    escalated_on  TEXT NOT NULL,
    closed_on     TEXT NOT NULL,
    closed_in_sla INTEGER NOT NULL,
    satisfaction  TEXT NOT NULL,
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL
);
CREATE INDEX review_orders_unit ON review_orders (unit_id, period, state);
CREATE INDEX review_orders_opened ON review_orders (opened_on);

-- review_order_steps are the steps an order took, with the note of each.
CREATE TABLE review_order_steps (
    order_id BIGINT NOT NULL REFERENCES review_orders (id),
    seq      INTEGER NOT NULL,
    state    TEXT NOT NULL,
    note     TEXT NOT NULL,
    actor    TEXT NOT NULL,
    taken_at BIGINT NOT NULL,
    PRIMARY KEY (order_id, seq)
);

-- review_appeals: a unit's appeal that a review was 恶意 (malicious) or
-- 误评 (mistaken); status pending, upheld (the review leaves the
-- statistics) or rejected, decided by the office with a reason.
CREATE TABLE review_appeals (
    id         BIGINT PRIMARY KEY,
    review_id  BIGINT NOT NULL REFERENCES reviews (id),
    unit_id    BIGINT NOT NULL REFERENCES units (id),
    kind       TEXT NOT NULL,
    statement  TEXT NOT NULL,
    status     TEXT NOT NULL,
    decision   TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    decided_at BIGINT NOT NULL
);
CREATE INDEX review_appeals_status ON review_appeals (status, unit_id);

-- review_holidays is the office's calendar: a day off (kind holiday) or a
-- weekend day worked (kind workday, 调休), 'YYYY-MM-DD'.
CREATE TABLE review_holidays (
    day  TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    name TEXT NOT NULL
);

-- review_config is the review scheme of a jurisdiction (the office's
-- unit and everything below it, the nearest configured ancestor
-- applying): JSON of points per level, the review window, the 邀评 delay,
-- the default level and whether contacts are kept in clear.
CREATE TABLE review_config (
    unit_id    BIGINT PRIMARY KEY REFERENCES units (id),
    doc        TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);

-- +goose Down
DROP TABLE review_config;
DROP TABLE review_holidays;
DROP TABLE review_appeals;
DROP TABLE review_order_steps;
DROP TABLE review_orders;
DROP TABLE reviews;
DROP TABLE review_cases;
DROP TABLE service_items;
