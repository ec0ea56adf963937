-- +goose Up
-- The input of each draw, so that anyone can re-run it (双随机、一公开):
-- gzip-compressed JSON of enforcement.PlanInput.
CREATE TABLE draw_snapshots (
    operation_id      bigint PRIMARY KEY REFERENCES operations (id) ON DELETE CASCADE,
    algorithm_version text NOT NULL,
    input             bytea NOT NULL,
    created_at        timestamptz NOT NULL
);

-- What the plan job reported: counts, visits saved, coverage gap, busiest days.
ALTER TABLE operations ADD COLUMN plan_summary jsonb;

-- Tasks are dispatched in bulk with COPY; their acceptance escalations are
-- written by the sweep when they fall due, found by this index.
CREATE INDEX tasks_pending_acceptance_idx ON tasks (acceptance_due_at) WHERE status = 'pending';

-- Plans write many visits and tasks at once: the checks a COPY runs per row
-- are kept to those that can fail. A task's operation is its visit's, and
-- its department is checked against the operation's departments by the
-- store.
ALTER TABLE tasks DROP CONSTRAINT tasks_operation_id_fkey;
ALTER TABLE tasks DROP CONSTRAINT tasks_department_code_fkey;

-- +goose Down
ALTER TABLE tasks ADD CONSTRAINT tasks_department_code_fkey FOREIGN KEY (department_code) REFERENCES departments (code);
ALTER TABLE tasks ADD CONSTRAINT tasks_operation_id_fkey FOREIGN KEY (operation_id) REFERENCES operations (id) ON DELETE CASCADE;
DROP INDEX tasks_pending_acceptance_idx;
ALTER TABLE operations DROP COLUMN plan_summary;
DROP TABLE draw_snapshots;
