-- +goose Up
-- Feedback reports, rectification tasks, appeals and the inbox (package
-- feedback), docs/decisions/0150-feedback.md. Times are unix µs; dates
-- 'YYYY-MM-DD'.
--
-- feedback_reports is one report (反馈报告) per entity of a published
-- snapshot: entity is the cycle's engine ID, person_id 0 for a team;
-- unit_path the entity's unit. content is the JSON the report was built
-- from at drafting (figures, radar, achievements, problems); recommendations
-- the drafts the 考核组 edits, one per line. doc_no is the 文号. status is
-- draft, released or received (签收).
CREATE TABLE feedback_reports (
    id              BIGINT PRIMARY KEY,
    cycle_id        BIGINT NOT NULL REFERENCES cycles (id),
    snapshot_id     BIGINT NOT NULL REFERENCES snapshots (id),
    entity          TEXT NOT NULL,
    unit_id         BIGINT NOT NULL,
    person_id       BIGINT NOT NULL,
    unit_path       TEXT NOT NULL,
    name            TEXT NOT NULL,
    doc_no          TEXT NOT NULL,
    status          TEXT NOT NULL,
    content         TEXT NOT NULL,
    recommendations TEXT NOT NULL,
    created_at      BIGINT NOT NULL,
    released_at     BIGINT NOT NULL,
    released_by     TEXT NOT NULL,
    received_at     BIGINT NOT NULL,
    received_by     TEXT NOT NULL
);
CREATE UNIQUE INDEX feedback_reports_entity ON feedback_reports (snapshot_id, entity);
CREATE INDEX feedback_reports_cycle ON feedback_reports (cycle_id, entity);
CREATE INDEX feedback_reports_person ON feedback_reports (person_id);

-- rectification_tasks (整改任务) are problems of a released report made
-- tasks: problem is the problem's text, responsible the party, target the
-- measurable target, steps the measures. status is open, submitted (the
-- responsible reports it done, on submitted_on), done (整改到位, verified)
-- or failed (未到位: back to open with the verdict). reminded_at and
-- escalated_at are 0 until the reminder (7 days before) and the notice to
-- the superior unit (overdue) went out.
CREATE TABLE rectification_tasks (
    id           BIGINT PRIMARY KEY,
    report_id    BIGINT NOT NULL REFERENCES feedback_reports (id),
    problem      TEXT NOT NULL,
    responsible  TEXT NOT NULL,
    deadline     TEXT NOT NULL,
    target       TEXT NOT NULL,
    steps        TEXT NOT NULL,
    status       TEXT NOT NULL,
    submitted_on TEXT NOT NULL,
    verdict      TEXT NOT NULL,
    verified_on  TEXT NOT NULL,
    reminded_at  BIGINT NOT NULL,
    escalated_at BIGINT NOT NULL,
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL
);
CREATE INDEX rectification_tasks_report ON rectification_tasks (report_id);
CREATE INDEX rectification_tasks_deadline ON rectification_tasks (status, deadline);

-- rectification_updates are the progress reports of a task with their
-- evidence file (base64 TEXT, like finding_evidence; name '' for none).
-- done marks the update that reports the task completed.
CREATE TABLE rectification_updates (
    id           BIGINT PRIMARY KEY,
    task_id      BIGINT NOT NULL REFERENCES rectification_tasks (id),
    note         TEXT NOT NULL,
    done         BOOLEAN NOT NULL,
    file_name    TEXT NOT NULL,
    content_type TEXT NOT NULL,
    content      TEXT NOT NULL,
    actor_id     BIGINT NOT NULL,
    actor        TEXT NOT NULL,
    created_at   BIGINT NOT NULL
);
CREATE INDEX rectification_updates_task ON rectification_updates (task_id);

-- appeals (申诉/复核) against a released report's result: kind is value,
-- finding, rating or calculation; subject the data item code (value), the
-- finding or indicator named; claimed what the appellant says is right.
-- status pending, upheld (维持) or corrected (更正); revision_id the new
-- snapshot version a correction produced.
CREATE TABLE appeals (
    id           BIGINT PRIMARY KEY,
    report_id    BIGINT NOT NULL REFERENCES feedback_reports (id),
    appellant_id BIGINT NOT NULL,
    appellant    TEXT NOT NULL,
    kind         TEXT NOT NULL,
    subject      TEXT NOT NULL,
    claimed      TEXT NOT NULL,
    reason       TEXT NOT NULL,
    file_name    TEXT NOT NULL,
    content_type TEXT NOT NULL,
    content      TEXT NOT NULL,
    status       TEXT NOT NULL,
    answer       TEXT NOT NULL,
    answered_by  TEXT NOT NULL,
    answered_at  BIGINT NOT NULL,
    revision_id  BIGINT NOT NULL,
    created_at   BIGINT NOT NULL
);
CREATE INDEX appeals_report ON appeals (report_id);
CREATE INDEX appeals_status ON appeals (status);

-- notifications are the in-app inbox: kind report_released, task_due,
-- task_overdue, task_escalated or appeal_answered; args the JSON the
-- message is filled with; link the page it points to. read_at 0 unread.
CREATE TABLE notifications (
    id         BIGINT PRIMARY KEY,
    user_id    BIGINT NOT NULL,
    kind       TEXT NOT NULL,
    args       TEXT NOT NULL,
    link       TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    read_at    BIGINT NOT NULL
);
CREATE INDEX notifications_user ON notifications (user_id, created_at);

-- +goose Down
DROP TABLE notifications;
DROP TABLE appeals;
DROP TABLE rectification_updates;
DROP TABLE rectification_tasks;
DROP TABLE feedback_reports;
