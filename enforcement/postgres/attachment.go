package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"

	"github.com/jointops/jointops/enforcement"
)

var _ enforcement.AttachmentService = (*DB)(nil)

// attachmentColumns are the columns of an enforcement.Attachment, in its
// field order (for pgx.RowToStructByPos), from attachments aliased t.
const attachmentColumns = `t.id, coalesce(t.rectification_order_id, 0), coalesce(t.hazard_id, 0),
	t.filename, t.content_type, t.size_bytes, t.uploaded_by, t.created_at`

// AddAttachment stores a file of the evidence on an order of the actor's
// department that is not closed, as bytea in attachments, and audits it
// on the order.
func (db *DB) AddAttachment(ctx context.Context, orderID int64, c *enforcement.AttachmentCreate) (*enforcement.Attachment, error) {
	a, err := enforcement.RequireRole(ctx, enforcement.RoleInspector, enforcement.RoleDeptLead)
	if err != nil {
		return nil, err
	}
	var att *enforcement.Attachment
	err = db.inTx(ctx, func(tx pgx.Tx) error {
		o, err := lockOrder(ctx, tx, a, orderID)
		if err != nil {
			return err
		}
		if a.Department != o.Department {
			return enforcement.Errorf(enforcement.EFORBIDDEN, "Only %s may add evidence to this order.", o.Department)
		}
		if o.Status.Closed() {
			return enforcement.Errorf(enforcement.ECONFLICT, "Order %d is %s; evidence is added to an order that is not closed.", orderID, o.Status).
				ZH("整改通知 %d 状态为“%s”；只能向尚未办结的整改通知添加佐证材料。", orderID, enforcement.StatusZH(string(o.Status)))
		}
		att, err = db.insertAttachment(ctx, tx, a, &enforcement.Attachment{RectificationOrderID: orderID}, c)
		if err != nil {
			return err
		}
		return db.insertAudit(ctx, tx, a, "rectification_order.attachment_added", enforcement.SubjectRectificationOrder, orderID,
			map[string]any{"attachment_id": att.ID, "filename": att.Filename, "content_type": att.ContentType, "size_bytes": att.SizeBytes})
	})
	if err != nil {
		return nil, err
	}
	return att, nil
}

// AddHazardAttachment stores a photo of a hazard recorded by the actor's
// department, while that department's task on the visit is accepted or in
// progress, and audits it on the hazard.
func (db *DB) AddHazardAttachment(ctx context.Context, hazardID int64, c *enforcement.AttachmentCreate) (*enforcement.Attachment, error) {
	a, err := enforcement.RequireRole(ctx, enforcement.RoleInspector, enforcement.RoleDeptLead)
	if err != nil {
		return nil, err
	}
	var att *enforcement.Attachment
	err = db.inTx(ctx, func(tx pgx.Tx) error {
		// Visibility first, as for the visit: another department that is
		// not on the hazard's visit does not find the hazard.
		var visitID int64
		var dept string
		err := tx.QueryRow(ctx, `
			SELECT coalesce(h.visit_id, 0), coalesce(h.department_code, '') FROM hazards h
			WHERE h.id = $1 AND (`+hazardVisibleSQL+`)`, hazardID, deptScope(a)).Scan(&visitID, &dept)
		if err == pgx.ErrNoRows {
			return notFound("hazard", hazardID)
		} else if err != nil {
			return err
		}
		if a.Department != dept {
			return enforcement.Errorf(enforcement.EFORBIDDEN, "Only %s, who recorded hazard %d, may add photos to it.", dept, hazardID)
		}
		// The task is locked so that a photo does not land while the task
		// is being reported or closed.
		var status enforcement.TaskStatus
		err = tx.QueryRow(ctx, `
			SELECT status FROM tasks
			WHERE visit_id = $1 AND department_code = $2 AND status NOT IN ('cancelled', 'reassigned', 'declined')
			FOR SHARE`, visitID, dept).Scan(&status)
		if err != nil && err != pgx.ErrNoRows {
			return err
		}
		if status != enforcement.TaskAccepted && status != enforcement.TaskInProgress {
			return enforcement.Errorf(enforcement.ECONFLICT, "Your department's task on the visit of hazard %d is not in progress; photos are added while it is.", hazardID).
				ZH("本部门在隐患 %d 所属联合检查中的任务不在检查中，只能在检查过程中添加照片。", hazardID)
		}
		att, err = db.insertHazardAttachment(ctx, tx, a, hazardID, visitID, c)
		return err
	})
	if err != nil {
		return nil, err
	}
	return att, nil
}

// insertHazardAttachment stores a photo of hazard hazardID (on visit
// visitID) and audits it on the hazard, in the caller's transaction: for
// AddHazardAttachment, and for RecordHazard with the hazard's photo.
func (db *DB) insertHazardAttachment(ctx context.Context, tx pgx.Tx, a *enforcement.Actor, hazardID, visitID int64, c *enforcement.AttachmentCreate) (*enforcement.Attachment, error) {
	att, err := db.insertAttachment(ctx, tx, a, &enforcement.Attachment{HazardID: hazardID}, c)
	if err != nil {
		return nil, err
	}
	if err := db.insertAudit(ctx, tx, a, "hazard.attachment_added", enforcement.SubjectHazard, hazardID,
		map[string]any{"attachment_id": att.ID, "visit_id": visitID, "filename": att.Filename, "content_type": att.ContentType, "size_bytes": att.SizeBytes}); err != nil {
		return nil, err
	}
	return att, nil
}

// insertAttachment validates c with the store's size limit and inserts it
// for the order or hazard att names; it returns att completed.
func (db *DB) insertAttachment(ctx context.Context, tx pgx.Tx, a *enforcement.Actor, att *enforcement.Attachment, c *enforcement.AttachmentCreate) (*enforcement.Attachment, error) {
	ct, err := c.Validate(db.MaxAttachmentBytes)
	if err != nil {
		return nil, err
	}
	att.Filename, att.ContentType, att.SizeBytes = c.Filename, ct, int64(len(c.Data))
	att.UploadedBy, att.CreatedAt = a.UserID, db.Clock.Now()
	if err := tx.QueryRow(ctx, `
		INSERT INTO attachments (rectification_order_id, hazard_id, filename, content_type, size_bytes, data, uploaded_by, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
		nullID(att.RectificationOrderID), nullID(att.HazardID), att.Filename, ct, att.SizeBytes, c.Data, a.UserID, att.CreatedAt).
		Scan(&att.ID); err != nil {
		return nil, interpretError(err)
	}
	return att, nil
}

// nullID is id, or NULL for 0.
func nullID(id int64) *int64 {
	if id == 0 {
		return nil
	}
	return &id
}

// hazardVisibleSQL is true when the department $2 sees hazard h: when it
// has a task on the hazard's visit, as for the visit itself, or recorded
// the hazard; an empty $2 sees every hazard.
const hazardVisibleSQL = `$2 = '' OR h.department_code = $2
	OR EXISTS (SELECT 1 FROM tasks k WHERE k.visit_id = h.visit_id AND k.department_code = $2)`

// FindAttachment returns a file and its bytes when the actor sees its
// order, or the visit of its hazard.
func (db *DB) FindAttachment(ctx context.Context, id int64) (*enforcement.Attachment, []byte, error) {
	a, err := enforcement.RequireActor(ctx)
	if err != nil {
		return nil, nil, err
	}
	var att enforcement.Attachment
	var data []byte
	err = db.Pool.QueryRow(ctx, `
		SELECT `+attachmentColumns+`, t.data
		FROM attachments t
		LEFT JOIN rectification_orders o ON o.id = t.rectification_order_id
		LEFT JOIN hazards h ON h.id = t.hazard_id
		WHERE t.id = $1 AND ((o.id IS NOT NULL AND ($2 = '' OR o.department_code = $2))
		                  OR (h.id IS NOT NULL AND (`+hazardVisibleSQL+`)))`, id, deptScope(a)).
		Scan(&att.ID, &att.RectificationOrderID, &att.HazardID, &att.Filename, &att.ContentType, &att.SizeBytes,
			&att.UploadedBy, &att.CreatedAt, &data)
	if err != nil {
		if enforcement.ErrorCode(interpretError(err)) == enforcement.ENOTFOUND {
			return nil, nil, notFound("attachment", id)
		}
		return nil, nil, err
	}
	return &att, data, nil
}

// findAttachments lists the files of an order, without their bytes.
func findAttachments(ctx context.Context, q querier, orderID int64) ([]enforcement.Attachment, error) {
	rows, err := q.Query(ctx, `
		SELECT `+attachmentColumns+`
		FROM attachments t WHERE t.rectification_order_id = $1 ORDER BY t.id`, orderID)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowToStructByPos[enforcement.Attachment])
}

// findHazardAttachments lists the files of the hazards of a visit, without
// their bytes, in upload order.
func findHazardAttachments(ctx context.Context, q querier, visitID int64) ([]enforcement.Attachment, error) {
	rows, err := q.Query(ctx, `
		SELECT `+attachmentColumns+`
		FROM hazards h JOIN attachments t ON t.hazard_id = h.id
		WHERE h.visit_id = $1 ORDER BY t.id`, visitID)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowToStructByPos[enforcement.Attachment])
}
