-- +goose Up
-- webhooks are the outgoing subscriptions of a sharing token (共享令牌):
-- where to post (url), which events (comma-separated: cycle.published,
-- report.released, value.changed), for value.changed which of the
-- token's items (comma-separated codes, '' for all of them), and the
-- secret that signs each post (HMAC-SHA256; shown once, kept because
-- signing needs it). seen_seq is the last audit-log entry the webhook
-- has been matched against: it starts at the log's head when the webhook
-- is made, so a webhook hears only of what happens after. No foreign key
-- to api_tokens: a revoked token's webhooks stay, inert, with their
-- delivery log. Owned by hook; see docs/decisions/0183-webhooks.md.
CREATE TABLE webhooks (
    id          BIGINT PRIMARY KEY,
    token_id    BIGINT NOT NULL,
    url         TEXT NOT NULL,
    events      TEXT NOT NULL,
    items       TEXT NOT NULL,
    secret      TEXT NOT NULL,
    seen_seq    BIGINT NOT NULL,
    created_by  BIGINT NOT NULL,
    created_at  BIGINT NOT NULL
);
CREATE INDEX webhooks_token ON webhooks (token_id);

-- webhook_deliveries is the delivery log: one row per event per webhook,
-- with the body as first composed (every retry sends the same bytes),
-- its status (pending, delivered, failed), the attempts so far, when the
-- next is due, and the last answer: its HTTP status (0 for none), what
-- went wrong (last_problem: status, timeout, unreachable, lapsed; '' for
-- nothing) and the error as the client saw it.
-- (webhook_id, seq, event) is unique, so matching the log twice delivers once.
CREATE TABLE webhook_deliveries (
    id           BIGINT PRIMARY KEY,
    webhook_id   BIGINT NOT NULL,
    seq          BIGINT NOT NULL,
    event        TEXT NOT NULL,
    body         TEXT NOT NULL,
    status       TEXT NOT NULL,
    attempts     INTEGER NOT NULL,
    next_at      BIGINT NOT NULL,
    last_at      BIGINT NOT NULL,
    last_status  INTEGER NOT NULL,
    last_problem TEXT NOT NULL,
    last_error   TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    delivered_at BIGINT NOT NULL,
    UNIQUE (webhook_id, seq, event)
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (status, next_at);

-- +goose Down
DROP TABLE webhook_deliveries;
DROP TABLE webhooks;
