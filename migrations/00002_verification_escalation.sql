-- +goose Up
-- A late verification (复查) escalates to the department lead: its clock is
-- an escalation row of kind 'verification' on the order, due
-- VerificationDueDays calendar days after the enterprise's evidence.
ALTER TABLE escalations DROP CONSTRAINT escalations_subject_kind_check;
ALTER TABLE escalations ADD CONSTRAINT escalations_subject_kind_check
    CHECK (subject_kind IN ('rectification_order', 'task', 'verification'));

-- +goose Down
DELETE FROM escalations WHERE subject_kind = 'verification';
ALTER TABLE escalations DROP CONSTRAINT escalations_subject_kind_check;
ALTER TABLE escalations ADD CONSTRAINT escalations_subject_kind_check
    CHECK (subject_kind IN ('rectification_order', 'task'));
