-- +goose Up
-- Transfers of findings (线索移送, package finding),
-- docs/decisions/0113-clue-transfer.md. A supervisory body that recorded a
-- finding (from_body_id, the finding's body) transfers it to another body
-- (to_body_id: a department whose jurisdiction holds the finding's unit)
-- on sent_on with a reason. status is sent (已移送), received (已签收:
-- received_on and the receiver), handled (已办结: handled_on and the
-- outcome) or returned (退回: returned_on and return_reason), taken in
-- that order by the receiving body. Days are 'YYYY-MM-DD' ('' until the
-- step is taken); each step's user is named as then (as the audit log
-- names its actors), user ids 0 until then. Times are unix µs.
CREATE TABLE finding_transfers (
    id            BIGINT PRIMARY KEY,
    finding_id    BIGINT NOT NULL REFERENCES findings (id),
    from_body_id  BIGINT NOT NULL REFERENCES units (id),
    to_body_id    BIGINT NOT NULL REFERENCES units (id),
    status        TEXT NOT NULL,
    sent_on       TEXT NOT NULL,
    reason        TEXT NOT NULL,
    sender_id     BIGINT NOT NULL,
    sender_name   TEXT NOT NULL,
    sent_at       BIGINT NOT NULL,
    received_on   TEXT NOT NULL,
    receiver      TEXT NOT NULL,
    receiver_id   BIGINT NOT NULL,
    receiver_name TEXT NOT NULL,
    received_at   BIGINT NOT NULL,
    handled_on    TEXT NOT NULL,
    outcome       TEXT NOT NULL,
    handler_id    BIGINT NOT NULL,
    handler_name  TEXT NOT NULL,
    handled_at    BIGINT NOT NULL,
    returned_on   TEXT NOT NULL,
    return_reason TEXT NOT NULL,
    returner_id   BIGINT NOT NULL,
    returner_name TEXT NOT NULL,
    returned_at   BIGINT NOT NULL
);
CREATE INDEX finding_transfers_of ON finding_transfers (finding_id);
CREATE INDEX finding_transfers_to ON finding_transfers (to_body_id, status);

-- +goose Down
DROP TABLE finding_transfers;
