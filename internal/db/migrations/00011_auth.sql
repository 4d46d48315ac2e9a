-- +goose Up
-- users sign in; raters and the public never do. login is stored lower-case.
-- Times are unix µs. person_id links a cadre's account to its person record.
CREATE TABLE users (
    id            BIGINT PRIMARY KEY,
    login         TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    person_id     BIGINT REFERENCES people (id),
    lang          TEXT NOT NULL DEFAULT 'zh-CN',
    created_at    BIGINT NOT NULL,
    password_at   BIGINT NOT NULL
);

-- user_grants gives a user a role in the subtree of a unit.
CREATE TABLE user_grants (
    user_id    BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role       TEXT NOT NULL,
    unit_id    BIGINT NOT NULL REFERENCES units (id),
    created_at BIGINT NOT NULL,
    PRIMARY KEY (user_id, role, unit_id)
);
CREATE INDEX user_grants_unit ON user_grants (unit_id);

-- sessions holds the SHA-256 of each session token, never the token.
CREATE TABLE sessions (
    token_hash   TEXT PRIMARY KEY,
    user_id      BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at   BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL,
    expires_at   BIGINT NOT NULL,
    remote_addr  TEXT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expires ON sessions (expires_at);

-- api_tokens holds the SHA-256 of each API token; expires_at 0 is never.
CREATE TABLE api_tokens (
    id           BIGINT PRIMARY KEY,
    user_id      BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    token_hash   TEXT NOT NULL UNIQUE,
    created_at   BIGINT NOT NULL,
    expires_at   BIGINT NOT NULL,
    last_used_at BIGINT NOT NULL
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);

-- signin_failures counts failed sign-ins per login and per address within
-- the throttling window; it is in the database so that it survives restarts.
CREATE TABLE signin_failures (
    id    BIGINT PRIMARY KEY,
    login TEXT NOT NULL,
    addr  TEXT NOT NULL,
    at    BIGINT NOT NULL
);
CREATE INDEX signin_failures_login ON signin_failures (login, at);
CREATE INDEX signin_failures_addr ON signin_failures (addr, at);
CREATE INDEX signin_failures_at ON signin_failures (at);

-- +goose Down
DROP TABLE signin_failures;
DROP TABLE api_tokens;
DROP TABLE sessions;
DROP TABLE user_grants;
DROP TABLE users;
