-- +goose Up
-- Rectification clocks, part 2 (issue 4): stored escalation policies,
-- extension requests (延期), evidence attachments, verification history and
-- the sign-off of listed supervision (挂牌督办销号).

-- The admin-editable ladder per severity. Rows are never updated: each
-- change is a new version, and the newest row of a severity (highest id) is
-- in force. steps is a JSON array of enforcement.EscalationStep:
-- [{"level", "offset_working_days", "recipients": [role, …]}, …].
CREATE TABLE escalation_policies (
    id         bigserial PRIMARY KEY,
    severity   text NOT NULL CHECK (severity IN ('general', 'major')),
    steps      jsonb NOT NULL CHECK (jsonb_typeof(steps) = 'array'),
    created_by bigint REFERENCES users (id),
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX escalation_policies_severity_idx ON escalation_policies (severity, id DESC);

-- The defaults of enforcement.DefaultEscalationPolicy (DESIGN.md §3).
INSERT INTO escalation_policies (severity, steps) VALUES
('general', '[{"level": 0, "offset_working_days": -3, "recipients": ["inspector"]},
              {"level": 1, "offset_working_days": 0, "recipients": ["inspector", "dept_lead"]},
              {"level": 2, "offset_working_days": 2, "recipients": ["dept_lead", "coordinator"]},
              {"level": 3, "offset_working_days": 5, "recipients": ["coordinator", "leadership"]}]'),
('major',   '[{"level": 0, "offset_working_days": -3, "recipients": ["inspector"]},
              {"level": 1, "offset_working_days": 0, "recipients": ["inspector", "dept_lead"]},
              {"level": 2, "offset_working_days": 1, "recipients": ["dept_lead", "coordinator"]},
              {"level": 3, "offset_working_days": 3, "recipients": ["coordinator", "leadership"]}]');

-- The policy an order was issued under. Orders issued before this
-- migration followed the defaults, which the seed rows are. The column
-- stays nullable for rows written in bulk outside the store (benchmarks):
-- the store sets it, at the latest, when it writes the order's first
-- ladder.
ALTER TABLE rectification_orders ADD COLUMN escalation_policy_id bigint REFERENCES escalation_policies (id);
UPDATE rectification_orders o SET escalation_policy_id = p.id
FROM escalation_policies p WHERE p.severity = o.severity;

-- Who closed a listed order, taking it off the register, and when.
ALTER TABLE rectification_orders
    ADD COLUMN listed_signed_off_by bigint REFERENCES users (id),
    ADD COLUMN listed_signed_off_at timestamptz;
-- The listed-supervision register (GET /api/v1/listed).
CREATE INDEX rectification_orders_listed_idx ON rectification_orders (department_code) WHERE listed;

-- A failed verification reopens the order with a new due date: keep it on
-- the verification, so the history reads without the audit trail.
ALTER TABLE verifications ADD COLUMN new_due_on date;
CREATE INDEX verifications_order_idx ON verifications (rectification_order_id);

-- Requests to move a due date, made before it and answered by the
-- department lead. At most one is pending per order.
CREATE TABLE extensions (
    id                     bigserial PRIMARY KEY,
    rectification_order_id bigint NOT NULL REFERENCES rectification_orders (id),
    requested_by           bigint NOT NULL REFERENCES users (id),
    reason                 text NOT NULL CHECK (reason <> ''),
    previous_due_on        date NOT NULL,
    proposed_due_on        date NOT NULL CHECK (proposed_due_on > previous_due_on),
    status                 text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'refused')),
    decided_by             bigint REFERENCES users (id),
    decided_at             timestamptz,
    note                   text NOT NULL DEFAULT '',
    created_at             timestamptz NOT NULL,
    CHECK ((status = 'pending') = (decided_at IS NULL))
);
CREATE INDEX extensions_order_idx ON extensions (rectification_order_id);
CREATE UNIQUE INDEX extensions_one_pending_idx ON extensions (rectification_order_id) WHERE status = 'pending';

-- The files of the evidence: photos and scans, in the row (bytea). The
-- store caps their size (5 MiB by default); TOAST keeps them out of the
-- heap pages of the metadata.
CREATE TABLE attachments (
    id                     bigserial PRIMARY KEY,
    rectification_order_id bigint NOT NULL REFERENCES rectification_orders (id),
    filename               text NOT NULL,
    content_type           text NOT NULL CHECK (content_type IN ('image/jpeg', 'image/png', 'application/pdf')),
    size_bytes             bigint NOT NULL CHECK (size_bytes > 0 AND size_bytes = octet_length(data)),
    data                   bytea NOT NULL,
    uploaded_by            bigint NOT NULL REFERENCES users (id),
    created_at             timestamptz NOT NULL
);
CREATE INDEX attachments_order_idx ON attachments (rectification_order_id);

-- +goose Down
DROP TABLE attachments, extensions;
DROP INDEX verifications_order_idx;
ALTER TABLE verifications DROP COLUMN new_due_on;
DROP INDEX rectification_orders_listed_idx;
ALTER TABLE rectification_orders
    DROP COLUMN listed_signed_off_at,
    DROP COLUMN listed_signed_off_by,
    DROP COLUMN escalation_policy_id;
DROP TABLE escalation_policies;
