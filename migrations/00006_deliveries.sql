-- +goose Up
-- Notifications that reach people beyond the in-app inbox (DESIGN.md §3):
-- e-mail digests over SMTP and signed webhooks to group robots. A periodic
-- dispatch job groups the notifications not yet dispatched into one
-- delivery per person (e-mail) and per webhook, marks them dispatched and
-- inserts one River job per delivery, all in one transaction.

-- A person may turn e-mail off; the inbox keeps every item regardless.
ALTER TABLE users ADD COLUMN email_enabled boolean NOT NULL DEFAULT true;

-- A group robot or any HTTPS receiver. department_code NULL is district-wide:
-- it receives the notifications of every department.
CREATE TABLE webhooks (
    id              bigserial PRIMARY KEY,
    department_code text REFERENCES departments (code),
    url             text NOT NULL CHECK (url ~ '^https?://'),
    -- The HMAC-SHA256 key of X-Jointops-Signature (and DingTalk's 加签).
    secret          text NOT NULL CHECK (secret <> ''),
    kind            text NOT NULL DEFAULT 'generic' CHECK (kind IN ('generic', 'dingtalk', 'wecom')),
    active          boolean NOT NULL DEFAULT true,
    created_by      bigint REFERENCES users (id),
    created_at      timestamptz NOT NULL
);
CREATE INDEX webhooks_active_department_idx ON webhooks (department_code) WHERE active;

-- One message to send: an e-mail digest to a user, or a post to a webhook.
-- The row outlives the River job that sends it (River deletes finished
-- jobs after a day), so what failed for good stays visible to admins.
CREATE TABLE deliveries (
    id               bigserial PRIMARY KEY,
    user_id          bigint REFERENCES users (id),
    webhook_id       bigint REFERENCES webhooks (id),
    channel          text NOT NULL CHECK (channel IN ('email', 'webhook')),
    notification_ids bigint[] NOT NULL CHECK (cardinality(notification_ids) > 0),
    -- Deterministic: "<channel>:<user or webhook id>:<min>-<max notification id>".
    idempotency_key  text NOT NULL UNIQUE,
    status           text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
    attempts         integer NOT NULL DEFAULT 0,
    last_error       text NOT NULL DEFAULT '',
    sent_at          timestamptz,
    created_at       timestamptz NOT NULL,
    CHECK ((channel = 'email') = (user_id IS NOT NULL) AND (channel = 'webhook') = (webhook_id IS NOT NULL))
);
-- The admin list of deliveries that failed for good, newest first.
CREATE INDEX deliveries_status_idx ON deliveries (status, id DESC);

-- When the dispatch job took the notification; NULL until then. Existing
-- items count as dispatched at the time of this migration, so that the
-- inbox history is not mailed out at the first start (a constant default
-- fills them without rewriting the table; new rows get NULL).
ALTER TABLE notifications ADD COLUMN dispatched_at timestamptz DEFAULT now();
ALTER TABLE notifications ALTER COLUMN dispatched_at DROP DEFAULT;
CREATE INDEX notifications_undispatched_idx ON notifications (id) WHERE dispatched_at IS NULL;

-- The inbox's unread count.
CREATE INDEX notifications_user_unread_idx ON notifications (user_id) WHERE read_at IS NULL;

-- +goose Down
DROP INDEX notifications_user_unread_idx;
DROP INDEX notifications_undispatched_idx;
ALTER TABLE notifications DROP COLUMN dispatched_at;
DROP TABLE deliveries, webhooks;
ALTER TABLE users DROP COLUMN email_enabled;
