package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"

	"github.com/jointops/jointops/enforcement"
)

var _ enforcement.AttachmentService = (*DB)(nil)

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
			return enforcement.Errorf(enforcement.ECONFLICT, "Order %d is %s; evidence is added to an order that is not closed.", orderID, o.Status)
		}
		ct, err := c.Validate(db.MaxAttachmentBytes)
		if err != nil {
			return err
		}
		now := db.Clock.Now()
		att = &enforcement.Attachment{RectificationOrderID: orderID, Filename: c.Filename, ContentType: ct,
			SizeBytes: int64(len(c.Data)), UploadedBy: a.UserID, CreatedAt: now}
		if err := tx.QueryRow(ctx, `
			INSERT INTO attachments (rectification_order_id, filename, content_type, size_bytes, data, uploaded_by, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
			orderID, att.Filename, ct, att.SizeBytes, c.Data, a.UserID, now).Scan(&att.ID); err != nil {
			return interpretError(err)
		}
		return db.insertAudit(ctx, tx, a, "rectification_order.attachment_added", enforcement.SubjectRectificationOrder, orderID,
			map[string]any{"attachment_id": att.ID, "filename": att.Filename, "content_type": ct, "size_bytes": att.SizeBytes})
	})
	if err != nil {
		return nil, err
	}
	return att, nil
}

// FindAttachment returns a file and its bytes when the actor sees its
// order.
func (db *DB) FindAttachment(ctx context.Context, id int64) (*enforcement.Attachment, []byte, error) {
	a, err := enforcement.RequireActor(ctx)
	if err != nil {
		return nil, nil, err
	}
	var att enforcement.Attachment
	var data []byte
	err = db.Pool.QueryRow(ctx, `
		SELECT t.id, t.rectification_order_id, t.filename, t.content_type, t.size_bytes, t.uploaded_by, t.created_at, t.data
		FROM attachments t JOIN rectification_orders o ON o.id = t.rectification_order_id
		WHERE t.id = $1 AND ($2 = '' OR o.department_code = $2)`, id, deptScope(a)).
		Scan(&att.ID, &att.RectificationOrderID, &att.Filename, &att.ContentType, &att.SizeBytes, &att.UploadedBy, &att.CreatedAt, &data)
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
		SELECT id, rectification_order_id, filename, content_type, size_bytes, uploaded_by, created_at
		FROM attachments WHERE rectification_order_id = $1 ORDER BY id`, orderID)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowToStructByPos[enforcement.Attachment])
}
