-- +goose Up
-- The roster side of the double-random draw (双随机, 国发〔2019〕5号):
-- each department's inspector roster, declared conflicts of interest
-- (回避), the admin-editable inspection frequency per risk grade, and each
-- department's visits per team per day. Tasks are now staffed from the
-- roster: task_inspectors references roster entries instead of users, and
-- task_drawn_inspectors holds the inspectors the planner drew for a task.

-- A department's enforcement officers (执法人员名录). An entry links to a
-- sign-in (user_id) by its OIDC subject, or by e-mail when it names no
-- subject; only active entries are drawn or assigned.
CREATE TABLE inspectors (
    id              bigserial PRIMARY KEY,
    department_code text NOT NULL REFERENCES departments (code),
    name            text NOT NULL CHECK (name <> ''),
    -- The enforcement certificate number (执法证号).
    certificate_no  text NOT NULL UNIQUE CHECK (certificate_no <> ''),
    active          boolean NOT NULL DEFAULT true,
    email           text NOT NULL DEFAULT '',
    subject         text NOT NULL DEFAULT '',
    user_id         bigint REFERENCES users (id),
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX inspectors_department_active_idx ON inspectors (department_code) WHERE active;
-- Sign-in links entries by subject, or by e-mail (UpsertUser, on each request).
CREATE INDEX inspectors_subject_idx ON inspectors (subject) WHERE subject <> '';
CREATE INDEX inspectors_email_idx ON inspectors (lower(email)) WHERE email <> '';
CREATE INDEX inspectors_user_idx ON inspectors (user_id);

-- A declared conflict of interest: the inspector is never drawn for, nor
-- assigned to, a task at the enterprise.
CREATE TABLE recusals (
    inspector_id  bigint NOT NULL REFERENCES inspectors (id),
    enterprise_id bigint NOT NULL REFERENCES enterprises (id),
    reason        text NOT NULL CHECK (reason <> ''),
    created_by    bigint REFERENCES users (id),
    created_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (inspector_id, enterprise_id)
);
CREATE INDEX recusals_enterprise_idx ON recusals (enterprise_id);

-- Inspections per enterprise and calendar year, by risk grade. The seed is
-- enforcement.DefaultFrequencyRules().
CREATE TABLE frequency_rules (
    risk_grade   smallint PRIMARY KEY CHECK (risk_grade BETWEEN 1 AND 3),
    min_per_year integer NOT NULL CHECK (min_per_year >= 0),
    max_per_year integer NOT NULL,
    CHECK (max_per_year >= min_per_year)
);
INSERT INTO frequency_rules (risk_grade, min_per_year, max_per_year) VALUES (1, 1, 4), (2, 0, 2), (3, 0, 1);

-- Daily capacity: active inspectors ÷ 2 (a team) × visits per team per day.
ALTER TABLE departments ADD COLUMN visits_per_team_per_day integer NOT NULL DEFAULT 4
    CHECK (visits_per_team_per_day > 0);

-- Every user already assigned to a task becomes a roster entry of their
-- department (or, failing that, of the department of a task they are on),
-- with a placeholder certificate number 'USER-<id>' for an admin to
-- correct, so that no assignment is lost.
INSERT INTO inspectors (department_code, name, certificate_no, email, subject, user_id)
SELECT coalesce(u.department_code,
                (SELECT t.department_code FROM task_inspectors ti JOIN tasks t ON t.id = ti.task_id
                 WHERE ti.user_id = u.id ORDER BY ti.task_id LIMIT 1)),
       coalesce(nullif(u.name, ''), u.subject), 'USER-' || u.id, u.email, u.subject, u.id
FROM users u
WHERE u.id IN (SELECT user_id FROM task_inspectors)
ORDER BY u.id;

ALTER TABLE task_inspectors ADD COLUMN inspector_id bigint REFERENCES inspectors (id);
UPDATE task_inspectors ti SET inspector_id = i.id FROM inspectors i WHERE i.certificate_no = 'USER-' || ti.user_id;
ALTER TABLE task_inspectors ALTER COLUMN inspector_id SET NOT NULL;
ALTER TABLE task_inspectors DROP CONSTRAINT task_inspectors_pkey;
DROP INDEX task_inspectors_user_idx;
ALTER TABLE task_inspectors DROP COLUMN user_id;
ALTER TABLE task_inspectors ADD PRIMARY KEY (task_id, inspector_id);
CREATE INDEX task_inspectors_inspector_idx ON task_inspectors (inspector_id);

-- The inspectors the plan job drew for each task (at least two, none
-- recused). A lead who accepts without naming inspectors gets these.
CREATE TABLE task_drawn_inspectors (
    task_id      bigint NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
    inspector_id bigint NOT NULL REFERENCES inspectors (id),
    PRIMARY KEY (task_id, inspector_id)
);

-- +goose Down
DROP TABLE task_drawn_inspectors;

-- Back to users: assignments of roster entries never linked to a user are lost.
ALTER TABLE task_inspectors ADD COLUMN user_id bigint REFERENCES users (id);
UPDATE task_inspectors ti SET user_id = i.user_id FROM inspectors i WHERE i.id = ti.inspector_id;
DELETE FROM task_inspectors WHERE user_id IS NULL;
DELETE FROM task_inspectors a USING task_inspectors b
WHERE a.task_id = b.task_id AND a.user_id = b.user_id AND a.inspector_id > b.inspector_id;
ALTER TABLE task_inspectors DROP CONSTRAINT task_inspectors_pkey;
DROP INDEX task_inspectors_inspector_idx;
ALTER TABLE task_inspectors DROP COLUMN inspector_id;
ALTER TABLE task_inspectors ALTER COLUMN user_id SET NOT NULL;
ALTER TABLE task_inspectors ADD PRIMARY KEY (task_id, user_id);
CREATE INDEX task_inspectors_user_idx ON task_inspectors (user_id);

ALTER TABLE departments DROP COLUMN visits_per_team_per_day;
DROP TABLE frequency_rules, recusals, inspectors;
