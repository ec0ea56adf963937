package postgres

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/jointops/jointops/enforcement"
)

var _ enforcement.ExtensionService = (*DB)(nil)

// RequestExtension records an inspector's request to move an order's due
// date, made before the deadline, and tells the department's leads.
func (db *DB) RequestExtension(ctx context.Context, orderID int64, c *enforcement.ExtensionCreate) (*enforcement.Extension, error) {
	a, err := enforcement.RequireRole(ctx, enforcement.RoleInspector)
	if err != nil {
		return nil, err
	}
	var ext *enforcement.Extension
	err = db.inTx(ctx, func(tx pgx.Tx) error {
		o, err := lockOrder(ctx, tx, a, orderID)
		if err != nil {
			return err
		}
		if a.Department != o.Department {
			return enforcement.Errorf(enforcement.EFORBIDDEN, "Only %s may ask to extend this order.", o.Department)
		}
		now := db.Clock.Now()
		switch {
		case o.Status.Closed() || o.Status == enforcement.OrderSubmitted:
			return enforcement.Errorf(enforcement.ECONFLICT, "Order %d is %s; an extension is asked for an open order.", orderID, o.Status).
				ZH("整改通知 %d 状态为“%s”；只有整改中的整改通知才能申请延期。", orderID, enforcement.StatusZH(string(o.Status)))
		case o.Status == enforcement.OrderOverdue || !now.Before(o.DueAt):
			// DESIGN.md §3: an extension is requested before the due date.
			return enforcement.Errorf(enforcement.ECONFLICT, "The due date %s has passed; an extension must be asked before it.", o.DueOn).
				ZH("整改期限 %s 已过；延期须在期限届满前申请。", o.DueOn)
		}
		pending, err := findExtensions(ctx, tx, "", &orderID, nil, enforcement.ExtensionPending)
		if err != nil {
			return err
		} else if len(pending) > 0 {
			return enforcement.Errorf(enforcement.ECONFLICT, "Extension %d of order %d, to %s, is waiting for the lead's answer; ask again after it.",
				pending[0].ID, orderID, pending[0].ProposedDueOn).
				ZH("整改通知 %[2]d 的延期申请 %[1]d（延至 %[3]s）正等待部门负责人审批，请在审批后再申请。",
					pending[0].ID, orderID, pending[0].ProposedDueOn)
		}
		if err := c.Validate(o.DueOn); err != nil {
			return err
		}
		_, cal, err := db.enterpriseClock(ctx, tx, o.EnterpriseID)
		if err != nil {
			return err
		}
		if err := requireWorkingDay(cal, c.ProposedDueDate, "proposed_due_date"); err != nil {
			return err
		}
		var id int64
		if err := tx.QueryRow(ctx, `
			INSERT INTO extensions (rectification_order_id, requested_by, reason, previous_due_on, proposed_due_on, created_at)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
			orderID, a.UserID, c.Reason, o.DueOn.UTC(), c.ProposedDueDate.UTC(), now).Scan(&id); err != nil {
			return interpretError(err)
		}
		if _, err := tx.Exec(ctx, `
			INSERT INTO notifications (user_id, kind, subject_kind, subject_id, title_zh, title_en, created_at)
			SELECT u.id, 'extension_requested', 'rectification_order', $1::bigint,
			       '整改通知 #' || $1::bigint || '（' || $3 || '）申请延期：' || $4 || ' → ' || $5 || '，理由：' || $6,
			       'Rectification order #' || $1::bigint || ' (' || $3 || '): extension asked from ' || $4 || ' to ' || $5 || ': ' || $6,
			       $7
			FROM users u WHERE 'dept_lead' = ANY(u.roles) AND u.department_code = $2`,
			orderID, o.Department, o.Enterprise, o.DueOn.String(), c.ProposedDueDate.String(), c.Reason, now); err != nil {
			return err
		}
		if err := db.insertAudit(ctx, tx, a, "extension.requested", enforcement.SubjectRectificationOrder, orderID, map[string]any{
			"extension_id": id, "reason": c.Reason, "previous_due_on": o.DueOn.String(), "proposed_due_on": c.ProposedDueDate.String(),
		}); err != nil {
			return err
		}
		ext, err = findExtension(ctx, tx, "", id)
		return err
	})
	return ext, err
}

// ApproveExtension moves the due date and restarts the ladder from it.
func (db *DB) ApproveExtension(ctx context.Context, id int64, d *enforcement.ExtensionDecision) (*enforcement.Extension, error) {
	return db.decideExtension(ctx, id, d, enforcement.ExtensionApproved)
}

// RefuseExtension refuses a request; the current ladder goes on.
func (db *DB) RefuseExtension(ctx context.Context, id int64, d *enforcement.ExtensionDecision) (*enforcement.Extension, error) {
	return db.decideExtension(ctx, id, d, enforcement.ExtensionRefused)
}

// decideExtension answers a pending request as the lead of the order's
// department, audits the answer on the order and tells the requester.
func (db *DB) decideExtension(ctx context.Context, id int64, d *enforcement.ExtensionDecision, answer enforcement.ExtensionStatus) (*enforcement.Extension, error) {
	a, err := enforcement.RequireRole(ctx, enforcement.RoleDeptLead)
	if err != nil {
		return nil, err
	}
	note := strings.TrimSpace(d.Note)
	var ext *enforcement.Extension
	err = db.inTx(ctx, func(tx pgx.Tx) error {
		// Lock the order before the request, as RequestExtension does.
		var orderID int64
		if err := tx.QueryRow(ctx, `SELECT rectification_order_id FROM extensions WHERE id = $1`, id).Scan(&orderID); errors.Is(err, pgx.ErrNoRows) {
			return notFound("extension", id)
		} else if err != nil {
			return err
		}
		o, err := lockOrder(ctx, tx, a, orderID)
		if enforcement.ErrorCode(err) == enforcement.ENOTFOUND {
			return notFound("extension", id)
		} else if err != nil {
			return err
		}
		if a.Department != o.Department {
			return enforcement.Errorf(enforcement.EFORBIDDEN, "Only the lead of %s answers this extension.", o.Department)
		}
		if _, err := tx.Exec(ctx, `SELECT 1 FROM extensions WHERE id = $1 FOR UPDATE`, id); err != nil {
			return err
		}
		e, err := findExtension(ctx, tx, "", id)
		if err != nil {
			return err
		}
		if e.Status != enforcement.ExtensionPending {
			return enforcement.Errorf(enforcement.ECONFLICT, "Extension %d is %s already.", id, e.Status).
				ZH("延期申请 %d %s。", id, enforcement.StatusZH(string(e.Status)))
		}
		now := db.Clock.Now()
		details := map[string]any{"extension_id": id, "note": note, "previous_due_on": o.DueOn.String(), "proposed_due_on": e.ProposedDueOn.String()}
		if err := (&enforcement.ExtensionDecision{Note: note}).Validate(answer); err != nil {
			return err
		}
		if answer == enforcement.ExtensionApproved {
			if err := db.moveDueDate(ctx, tx, o, e, now); err != nil {
				return err
			}
		}
		if _, err := tx.Exec(ctx, `UPDATE extensions SET status = $2, decided_by = $3, decided_at = $4, note = $5 WHERE id = $1`,
			id, string(answer), a.UserID, now, note); err != nil {
			return err
		}
		zh, en := "批准", "approved"
		if answer == enforcement.ExtensionRefused {
			zh, en = "不予批准", "refused"
		}
		if _, err := tx.Exec(ctx, `
			INSERT INTO notifications (user_id, kind, subject_kind, subject_id, title_zh, title_en, created_at)
			VALUES ($1, $2, 'rectification_order', $3,
			        '整改通知 #' || $3::bigint || '（' || $4 || '）延期至 ' || $5 || ' 的申请' || $6 || CASE WHEN $8 = '' THEN '' ELSE '：' || $8 END,
			        'Rectification order #' || $3::bigint || ' (' || $4 || '): the extension to ' || $5 || ' was ' || $7 || CASE WHEN $8 = '' THEN '' ELSE ': ' || $8 END,
			        $9)`,
			e.RequestedBy, "extension_"+string(answer), o.ID, o.Enterprise, e.ProposedDueOn.String(), zh, en, note, now); err != nil {
			return err
		}
		if err := db.insertAudit(ctx, tx, a, "extension."+string(answer), enforcement.SubjectRectificationOrder, o.ID, details); err != nil {
			return err
		}
		ext, err = findExtension(ctx, tx, "", id)
		return err
	})
	return ext, err
}

// moveDueDate applies an approved extension: the order is due on the
// proposed date (due_rule "extension"), an overdue order is open again, the
// levels not yet fired are cancelled and a new ladder is written from the
// new date under the order's own policy. Fired levels stay as they are.
func (db *DB) moveDueDate(ctx context.Context, tx pgx.Tx, o *enforcement.RectificationOrder, e *enforcement.Extension, now time.Time) error {
	switch {
	case o.Status.Closed() || o.Status == enforcement.OrderSubmitted:
		return enforcement.Errorf(enforcement.ECONFLICT, "Order %d is %s; there is no due date to move. Refuse the request instead.", o.ID, o.Status).
			ZH("整改通知 %d 状态为“%s”，已没有可变更的整改期限，请作不予延期处理。", o.ID, enforcement.StatusZH(string(o.Status)))
	case o.Listed:
		return enforcement.Errorf(enforcement.ECONFLICT, "Order %d is under listed supervision (挂牌督办); its due date can no longer be moved. Refuse the request instead.", o.ID).
			ZH("整改通知 %d 已挂牌督办，整改期限不能再变更，请作不予延期处理。", o.ID)
	}
	loc, cal, err := db.enterpriseClock(ctx, tx, o.EnterpriseID)
	if err != nil {
		return err
	}
	dueAt := enforcement.EndOfDay(e.ProposedDueOn, loc)
	if !now.Before(dueAt) {
		return enforcement.Errorf(enforcement.ECONFLICT, "The proposed due date %s has passed; refuse the request instead.", e.ProposedDueOn).
			ZH("申请延至的期限 %s 已过，请作不予延期处理。", e.ProposedDueOn)
	}
	// The calendar may have changed since the request.
	if err := requireWorkingDay(cal, e.ProposedDueOn, "proposed_due_date"); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `
		UPDATE rectification_orders SET due_on = $2, due_rule = $3, due_at = $4,
		       status = CASE WHEN status = 'overdue' THEN 'open' ELSE status END, updated_at = $5
		WHERE id = $1`, o.ID, e.ProposedDueOn.UTC(), enforcement.DueRuleExtension, dueAt, now); err != nil {
		return err
	}
	if err := cancelEscalations(ctx, tx, enforcement.SubjectRectificationOrder, o.ID, now); err != nil {
		return err
	}
	return db.insertLadder(ctx, tx, o.ID, o.Department, e.ProposedDueOn, loc, now, cal)
}

// FindExtensionByID returns an extension the actor may see.
func (db *DB) FindExtensionByID(ctx context.Context, id int64) (*enforcement.Extension, error) {
	a, err := enforcement.RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	return findExtension(ctx, db.Pool, deptScope(a), id)
}

func findExtension(ctx context.Context, q querier, scope string, id int64) (*enforcement.Extension, error) {
	exts, err := findExtensions(ctx, q, scope, nil, &id)
	if err != nil {
		return nil, err
	} else if len(exts) == 0 {
		return nil, notFound("extension", id)
	}
	return exts[0], nil
}

// findExtensions lists extensions, oldest first, of an order or by id, in
// the department scope, with one of statuses (any when none is given).
func findExtensions(ctx context.Context, q querier, scope string, orderID, id *int64, statuses ...enforcement.ExtensionStatus) ([]*enforcement.Extension, error) {
	st := make([]string, len(statuses))
	for i, s := range statuses {
		st[i] = string(s)
	}
	rows, err := q.Query(ctx, `
		SELECT x.id, x.rectification_order_id, x.requested_by, x.reason, x.previous_due_on, x.proposed_due_on, x.status,
		       x.decided_by, x.decided_at, x.note, x.created_at
		FROM extensions x JOIN rectification_orders o ON o.id = x.rectification_order_id
		WHERE ($1 = '' OR o.department_code = $1)
		  AND ($2::bigint IS NULL OR x.rectification_order_id = $2)
		  AND ($3::bigint IS NULL OR x.id = $3)
		  AND (cardinality($4::text[]) = 0 OR x.status = ANY($4))
		ORDER BY x.id`, scope, orderID, id, st)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (*enforcement.Extension, error) {
		var e enforcement.Extension
		var prev, proposed pgDate
		err := r.Scan(&e.ID, &e.RectificationOrderID, &e.RequestedBy, &e.Reason, &prev, &proposed, &e.Status,
			&e.DecidedBy, &e.DecidedAt, &e.Note, &e.CreatedAt)
		e.PreviousDueOn, e.ProposedDueOn = prev.Date(), proposed.Date()
		return &e, err
	})
}
