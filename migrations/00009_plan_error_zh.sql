-- +goose Up
-- Why planning failed, in Chinese too (issue 5): the operation page shows
-- the reason in the viewer's language. Empty for failures recorded before.
ALTER TABLE operations ADD COLUMN plan_error_zh text NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE operations DROP COLUMN plan_error_zh;
