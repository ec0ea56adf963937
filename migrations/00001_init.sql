-- +goose Up
-- The core schema of jointops: reference data, enterprises, users,
-- operations, visits, tasks, hazards, rectification orders, escalations,
-- notifications and the audit trail. Names follow DESIGN.md §2.

CREATE TABLE departments (
    code    text PRIMARY KEY CHECK (code ~ '^[A-Z][A-Z0-9_]{1,15}$'),
    name_zh text NOT NULL,
    name_en text NOT NULL
);

CREATE TABLE subdistricts (
    code text PRIMARY KEY,
    name text NOT NULL
);

CREATE TABLE industries (
    code text PRIMARY KEY,
    name text NOT NULL
);

-- Which departments' remit covers which industries ("one visit, many checks").
CREATE TABLE department_remits (
    department_code text NOT NULL REFERENCES departments (code),
    industry_code   text NOT NULL REFERENCES industries (code),
    PRIMARY KEY (department_code, industry_code)
);

CREATE TABLE enterprises (
    id                bigserial PRIMARY KEY,
    registry          text NOT NULL DEFAULT 'uscc',
    registry_id       text NOT NULL,
    credit_code       text UNIQUE CHECK (credit_code IS NULL OR length(credit_code) = 18),
    name              text NOT NULL,
    address           text NOT NULL DEFAULT '',
    subdistrict_code  text REFERENCES subdistricts (code),
    industry_code     text REFERENCES industries (code),
    risk_grade        smallint NOT NULL DEFAULT 3 CHECK (risk_grade BETWEEN 1 AND 3),
    contact_name      text NOT NULL DEFAULT '',
    contact_phone     text NOT NULL DEFAULT '',
    contact_email     text NOT NULL DEFAULT '',
    time_zone         text NOT NULL DEFAULT '',
    last_inspected_on date,
    created_at        timestamptz NOT NULL DEFAULT now(),
    UNIQUE (registry, registry_id)
);
CREATE INDEX enterprises_criteria_idx ON enterprises (industry_code, subdistrict_code, risk_grade);

-- People known to jointops, keyed by OIDC issuer and subject. Rows are
-- upserted at sign-in; the demo data and rosters create them ahead of time.
CREATE TABLE users (
    id              bigserial PRIMARY KEY,
    issuer          text NOT NULL,
    subject         text NOT NULL,
    name            text NOT NULL DEFAULT '',
    email           text NOT NULL DEFAULT '',
    department_code text REFERENCES departments (code),
    roles           text[] NOT NULL DEFAULT '{}',
    language        text NOT NULL DEFAULT 'zh' CHECK (language IN ('zh', 'en')),
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    UNIQUE (issuer, subject)
);
CREATE INDEX users_department_idx ON users (department_code);

CREATE TABLE operations (
    id                bigserial PRIMARY KEY,
    title             text NOT NULL,
    lead_department   text NOT NULL REFERENCES departments (code),
    departments       text[] NOT NULL,
    window_start      date NOT NULL,
    window_end        date NOT NULL CHECK (window_end >= window_start),
    criteria          jsonb NOT NULL,
    status            text NOT NULL DEFAULT 'draft'
                      CHECK (status IN ('draft', 'planning', 'planned', 'in_progress', 'completed', 'cancelled')),
    seed              text NOT NULL DEFAULT '',
    algorithm_version text NOT NULL DEFAULT '',
    candidate_digest  text NOT NULL DEFAULT '',
    candidate_count   integer NOT NULL DEFAULT 0,
    plan_error        text NOT NULL DEFAULT '',
    created_by        bigint NOT NULL REFERENCES users (id),
    created_at        timestamptz NOT NULL,
    updated_at        timestamptz NOT NULL
);

CREATE TABLE visits (
    id            bigserial PRIMARY KEY,
    operation_id  bigint NOT NULL REFERENCES operations (id) ON DELETE CASCADE,
    enterprise_id bigint NOT NULL REFERENCES enterprises (id),
    scheduled_on  date NOT NULL,
    draw_rank     integer NOT NULL,
    UNIQUE (operation_id, enterprise_id)
);
CREATE INDEX visits_enterprise_idx ON visits (enterprise_id);

CREATE TABLE tasks (
    id                bigserial PRIMARY KEY,
    visit_id          bigint NOT NULL REFERENCES visits (id) ON DELETE CASCADE,
    operation_id      bigint NOT NULL REFERENCES operations (id) ON DELETE CASCADE,
    department_code   text NOT NULL REFERENCES departments (code),
    status            text NOT NULL DEFAULT 'pending'
                      CHECK (status IN ('pending', 'accepted', 'in_progress', 'reported', 'closed', 'declined', 'reassigned', 'cancelled')),
    acceptance_due_on date NOT NULL,
    acceptance_due_at timestamptz NOT NULL,
    decline_reason    text NOT NULL DEFAULT '',
    reassigned_to     bigint REFERENCES tasks (id),
    created_at        timestamptz NOT NULL,
    updated_at        timestamptz NOT NULL
);
CREATE INDEX tasks_department_status_idx ON tasks (department_code, status, id);
CREATE INDEX tasks_visit_idx ON tasks (visit_id);
CREATE INDEX tasks_operation_idx ON tasks (operation_id);

-- 行政处罚法 art. 42: at least two enforcement officers; enforced by the service.
CREATE TABLE task_inspectors (
    task_id bigint NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
    user_id bigint NOT NULL REFERENCES users (id),
    PRIMARY KEY (task_id, user_id)
);
CREATE INDEX task_inspectors_user_idx ON task_inspectors (user_id);

CREATE TABLE hazards (
    id              bigserial PRIMARY KEY,
    visit_id        bigint REFERENCES visits (id),
    enterprise_id   bigint NOT NULL REFERENCES enterprises (id),
    department_code text REFERENCES departments (code),
    severity        text NOT NULL CHECK (severity IN ('general', 'major')),
    negative_list   boolean NOT NULL DEFAULT false,
    description     text NOT NULL,
    recorded_by     bigint REFERENCES users (id),
    found_at        timestamptz NOT NULL
);
CREATE INDEX hazards_visit_idx ON hazards (visit_id);

CREATE TABLE rectification_orders (
    id              bigserial PRIMARY KEY,
    enterprise_id   bigint NOT NULL REFERENCES enterprises (id),
    visit_id        bigint REFERENCES visits (id),
    department_code text REFERENCES departments (code),
    severity        text NOT NULL CHECK (severity IN ('general', 'major')),
    status          text NOT NULL DEFAULT 'open'
                    CHECK (status IN ('open', 'overdue', 'submitted', 'verified', 'cancelled')),
    issued_by       bigint REFERENCES users (id),
    issued_at       timestamptz NOT NULL,
    due_on          date NOT NULL,
    -- The rule that produced due_on: 'date' or 'working_days:N'.
    due_rule        text NOT NULL,
    due_at          timestamptz NOT NULL,
    time_zone       text NOT NULL,
    evidence        text NOT NULL DEFAULT '',
    evidence_at     timestamptz,
    verification_due_at timestamptz,
    verified_by     bigint REFERENCES users (id),
    verified_at     timestamptz,
    closed_at       timestamptz,
    listed          boolean NOT NULL DEFAULT false,
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL
);
CREATE INDEX rectification_orders_department_status_idx ON rectification_orders (department_code, status);
CREATE INDEX rectification_orders_enterprise_idx ON rectification_orders (enterprise_id);

CREATE TABLE rectification_order_hazards (
    rectification_order_id bigint NOT NULL REFERENCES rectification_orders (id) ON DELETE CASCADE,
    hazard_id              bigint NOT NULL REFERENCES hazards (id),
    PRIMARY KEY (rectification_order_id, hazard_id)
);

CREATE TABLE verifications (
    id                     bigserial PRIMARY KEY,
    rectification_order_id bigint NOT NULL REFERENCES rectification_orders (id),
    passed                 boolean NOT NULL,
    note                   text NOT NULL DEFAULT '',
    verified_by            bigint NOT NULL REFERENCES users (id),
    verified_at            timestamptz NOT NULL
);

-- The escalation ladder of each order (and the acceptance escalation of
-- each task), one row per level and due date. Rows are written when the
-- deadline is set, fired by a set-based sweep (status pending → fired, each
-- row once, under row locks), and cancelled when the work closes.
CREATE TABLE escalations (
    id              bigserial PRIMARY KEY,
    subject_kind    text NOT NULL CHECK (subject_kind IN ('rectification_order', 'task')),
    subject_id      bigint NOT NULL,
    department_code text REFERENCES departments (code),
    level           smallint NOT NULL CHECK (level BETWEEN 0 AND 3),
    due_on          date NOT NULL,
    fire_at         timestamptz NOT NULL,
    recipients      text[] NOT NULL,
    status          text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'fired', 'cancelled')),
    fired_at        timestamptz,
    cancelled_at    timestamptz,
    UNIQUE (subject_kind, subject_id, level, due_on)
);
CREATE INDEX escalations_pending_fire_at_idx ON escalations (fire_at) WHERE status = 'pending';
CREATE INDEX escalations_subject_idx ON escalations (subject_kind, subject_id);

CREATE TABLE notifications (
    id            bigserial PRIMARY KEY,
    user_id       bigint NOT NULL REFERENCES users (id),
    escalation_id bigint REFERENCES escalations (id),
    kind          text NOT NULL,
    subject_kind  text NOT NULL,
    subject_id    bigint NOT NULL,
    level         smallint,
    title_zh      text NOT NULL,
    title_en      text NOT NULL,
    created_at    timestamptz NOT NULL,
    read_at       timestamptz,
    UNIQUE (escalation_id, user_id)
);
CREATE INDEX notifications_user_idx ON notifications (user_id, id DESC);

CREATE TABLE audit_events (
    id           bigserial PRIMARY KEY,
    at           timestamptz NOT NULL,
    actor_id     bigint REFERENCES users (id),
    actor_name   text NOT NULL,
    department_code text,
    action       text NOT NULL,
    subject_kind text NOT NULL,
    subject_id   bigint NOT NULL,
    details      jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_events_subject_idx ON audit_events (subject_kind, subject_id);

-- Admin overrides of the working-day calendar, on top of the official
-- holiday data: next year's holidays, or a local day off.
CREATE TABLE calendar_overrides (
    day         date PRIMARY KEY,
    working     boolean NOT NULL,
    note        text NOT NULL DEFAULT '',
    updated_at  timestamptz NOT NULL DEFAULT now()
);

-- +goose Down
DROP TABLE calendar_overrides, audit_events, notifications, escalations, verifications,
    rectification_order_hazards, rectification_orders, hazards, task_inspectors, tasks,
    visits, operations, users, enterprises, department_remits, industries, subdistricts, departments;
