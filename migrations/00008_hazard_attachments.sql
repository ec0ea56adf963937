-- +goose Up
-- Photos of hazards (issue 5): an inspector photographs a hazard when
-- recording it, before any rectification order exists. An attachment now
-- belongs to exactly one of an order (evidence of rectification) or a
-- hazard (a photo taken on the visit).
ALTER TABLE attachments
    ADD COLUMN hazard_id bigint REFERENCES hazards (id),
    ALTER COLUMN rectification_order_id DROP NOT NULL,
    ADD CONSTRAINT attachments_one_subject_check CHECK (num_nonnulls(rectification_order_id, hazard_id) = 1);
-- The visit page lists the photos of a visit's hazards.
CREATE INDEX attachments_hazard_idx ON attachments (hazard_id) WHERE hazard_id IS NOT NULL;

-- +goose Down
-- Hazard photos have nowhere to go in the older schema: they are dropped.
DELETE FROM attachments WHERE hazard_id IS NOT NULL;
DROP INDEX attachments_hazard_idx;
ALTER TABLE attachments
    DROP CONSTRAINT attachments_one_subject_check,
    DROP COLUMN hazard_id,
    ALTER COLUMN rectification_order_id SET NOT NULL;
