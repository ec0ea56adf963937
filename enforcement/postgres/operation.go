package postgres

import (
	"context"
	"encoding/json"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/jointops/jointops/enforcement"
)

var _ enforcement.OperationService = (*DB)(nil)

// CreateOperation stores a draft operation; see enforcement.OperationService.
func (db *DB) CreateOperation(ctx context.Context, c *enforcement.OperationCreate) (*enforcement.Operation, error) {
	a, err := enforcement.RequireRole(ctx, enforcement.RoleCoordinator)
	if err != nil {
		return nil, err
	}
	if err := c.Validate(); err != nil {
		return nil, err
	}
	if today := db.Today(); c.WindowEnd.Before(today) {
		return nil, enforcement.FieldError("window_end", "The window ends on %s, before today (%s).", c.WindowEnd, today).
			ZH("行动时段结束于 %s，早于今天（%s）。", c.WindowEnd, today)
	}
	var op *enforcement.Operation
	err = db.inTx(ctx, func(tx pgx.Tx) error {
		if err := checkCodes(ctx, tx, "departments", "departments", c.Departments); err != nil {
			return err
		}
		if err := checkCodes(ctx, tx, "industries", "criteria.industries", c.Criteria.Industries); err != nil {
			return err
		}
		if err := checkCodes(ctx, tx, "subdistricts", "criteria.subdistricts", c.Criteria.Subdistricts); err != nil {
			return err
		}
		criteria, err := json.Marshal(c.Criteria)
		if err != nil {
			return err
		}
		now := db.Clock.Now()
		var id int64
		if err := tx.QueryRow(ctx, `
			INSERT INTO operations (title, lead_department, departments, window_start, window_end, criteria, created_by, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING id`,
			c.Title, c.LeadDepartment, c.Departments, c.WindowStart.UTC(), c.WindowEnd.UTC(), criteria, a.UserID, now,
		).Scan(&id); err != nil {
			return interpretError(err)
		}
		if err := db.insertAudit(ctx, tx, a, "operation.created", enforcement.SubjectOperation, id, map[string]any{"title": c.Title}); err != nil {
			return err
		}
		op, err = findOperation(ctx, tx, id)
		return err
	})
	return op, err
}

// checkCodes returns EINVALID naming field and every code in codes that is
// not in table.
func checkCodes(ctx context.Context, tx pgx.Tx, table, field string, codes []string) error {
	if len(codes) == 0 {
		return nil
	}
	rows, err := tx.Query(ctx, `SELECT c FROM unnest($1::text[]) c WHERE NOT EXISTS (SELECT 1 FROM `+table+` t WHERE t.code = c)`, codes)
	if err != nil {
		return err
	}
	missing, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return err
	}
	if len(missing) > 0 {
		return enforcement.FieldError(field, "Unknown code(s): %s.", strings.Join(missing, ", ")).
			ZH("未知的代码：%s。", strings.Join(missing, "、"))
	}
	return nil
}

// FindOperationByID returns one operation.
func (db *DB) FindOperationByID(ctx context.Context, id int64) (*enforcement.Operation, error) {
	ops, err := db.FindOperations(ctx, enforcement.OperationFilter{ID: &id})
	if err != nil {
		return nil, err
	} else if len(ops) == 0 {
		return nil, notFound("operation", id)
	}
	return ops[0], nil
}

// FindOperations lists operations newest first. Everyone signed in may read
// operations: they are the public frame of the tasks (一公开).
func (db *DB) FindOperations(ctx context.Context, f enforcement.OperationFilter) ([]*enforcement.Operation, error) {
	if _, err := enforcement.RequireActor(ctx); err != nil {
		return nil, err
	}
	return findOperations(ctx, db.Pool, f)
}

func findOperation(ctx context.Context, q querier, id int64) (*enforcement.Operation, error) {
	ops, err := findOperations(ctx, q, enforcement.OperationFilter{ID: &id})
	if err != nil {
		return nil, err
	} else if len(ops) == 0 {
		return nil, notFound("operation", id)
	}
	return ops[0], nil
}

func findOperations(ctx context.Context, q querier, f enforcement.OperationFilter) ([]*enforcement.Operation, error) {
	limit := f.Limit
	if limit <= 0 || limit > 500 {
		limit = 100
	}
	var status *string
	if f.Status != nil {
		s := string(*f.Status)
		status = &s
	}
	rows, err := q.Query(ctx, `
		SELECT o.id, o.title, o.lead_department, o.departments, o.window_start, o.window_end, o.criteria,
		       o.status, o.seed, o.algorithm_version, o.candidate_digest, o.candidate_count, o.plan_error, o.plan_error_zh,
		       o.created_by, o.created_at, o.updated_at, o.plan_summary,
		       (SELECT count(*) FROM visits v WHERE v.operation_id = o.id),
		       (SELECT count(*) FROM tasks t WHERE t.operation_id = o.id AND t.status <> 'cancelled'),
		       coalesce(c.details->>'reason', ''), c.at, c.actor_id, c.actor_name
		FROM operations o
		-- Who cancelled, when and why are kept by the audit trail alone.
		LEFT JOIN LATERAL (
			SELECT a.details, a.at, a.actor_id, a.actor_name FROM audit_events a
			WHERE o.status = 'cancelled' AND a.subject_kind = 'operation' AND a.subject_id = o.id AND a.action = 'operation.cancelled'
			ORDER BY a.at DESC, a.id DESC LIMIT 1
		) c ON true
		WHERE ($1::bigint IS NULL OR o.id = $1) AND ($2::text IS NULL OR o.status = $2)
		ORDER BY o.id DESC LIMIT $3`, f.ID, status, limit)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (*enforcement.Operation, error) {
		var o enforcement.Operation
		var ws, we pgDate
		var criteria []byte
		var cancelledByID *int64
		var cancelledByName *string
		err := r.Scan(&o.ID, &o.Title, &o.LeadDepartment, &o.Departments, &ws, &we, &criteria,
			&o.Status, &o.Seed, &o.AlgorithmVersion, &o.CandidateDigest, &o.CandidateCount, &o.PlanError, &o.PlanErrorZH,
			&o.CreatedBy, &o.CreatedAt, &o.UpdatedAt, &o.Summary, &o.VisitCount, &o.TaskCount,
			&o.CancelReason, &o.CancelledAt, &cancelledByID, &cancelledByName)
		if err != nil {
			return nil, err
		}
		if cancelledByName != nil {
			o.CancelledBy = &enforcement.UserRef{Name: *cancelledByName}
			if cancelledByID != nil {
				o.CancelledBy.ID = *cancelledByID
			}
		}
		o.WindowStart, o.WindowEnd = ws.Date(), we.Date()
		return &o, json.Unmarshal(criteria, &o.Criteria)
	})
}

// SubmitOperation moves a draft to planning and enqueues the plan job in
// the same transaction.
func (db *DB) SubmitOperation(ctx context.Context, id int64) (*enforcement.Operation, error) {
	a, err := enforcement.RequireRole(ctx, enforcement.RoleCoordinator)
	if err != nil {
		return nil, err
	}
	var op *enforcement.Operation
	err = db.inTx(ctx, func(tx pgx.Tx) error {
		var status enforcement.OperationStatus
		var windowEnd pgDate
		if err := tx.QueryRow(ctx, `SELECT status, window_end FROM operations WHERE id = $1 FOR UPDATE`, id).Scan(&status, &windowEnd); err != nil {
			return interpretError(err)
		}
		if status != enforcement.OperationDraft {
			return enforcement.Errorf(enforcement.ECONFLICT, "Operation %d is %s; only a draft can be submitted.", id, status).
				ZH("联合执法行动 %d 状态为“%s”；只有草稿才能提交。", id, enforcement.StatusZH(string(status)))
		}
		if today := db.Today(); windowEnd.Date().Before(today) {
			return enforcement.FieldError("window_end", "The window ended on %s, before today (%s).", windowEnd.Date(), today).
				ZH("行动时段已于 %s 结束，早于今天（%s）。", windowEnd.Date(), today)
		}
		if _, err := tx.Exec(ctx, `UPDATE operations SET status = 'planning', plan_error = '', plan_error_zh = '', updated_at = $2 WHERE id = $1`, id, db.Clock.Now()); err != nil {
			return err
		}
		if _, err := db.river.InsertTx(ctx, tx, enforcement.PlanOperationJob{OperationID: id}, nil); err != nil {
			return err
		}
		if err := db.insertAudit(ctx, tx, a, "operation.submitted", enforcement.SubjectOperation, id, nil); err != nil {
			return err
		}
		op, err = findOperation(ctx, tx, id)
		return err
	})
	return op, err
}

// CancelOperation cancels an operation before it completes, and its open
// tasks and their pending escalations.
func (db *DB) CancelOperation(ctx context.Context, id int64, reason string) (*enforcement.Operation, error) {
	a, err := enforcement.RequireRole(ctx, enforcement.RoleCoordinator)
	if err != nil {
		return nil, err
	}
	reason, err = enforcement.ValidateOperationCancelReason(reason)
	if err != nil {
		return nil, err
	}
	var op *enforcement.Operation
	err = db.inTx(ctx, func(tx pgx.Tx) error {
		var status enforcement.OperationStatus
		if err := tx.QueryRow(ctx, `SELECT status FROM operations WHERE id = $1 FOR UPDATE`, id).Scan(&status); err != nil {
			return interpretError(err)
		}
		if status == enforcement.OperationCompleted || status == enforcement.OperationCancelled {
			return enforcement.Errorf(enforcement.ECONFLICT, "Operation %d is %s and cannot be cancelled.", id, status).
				ZH("联合执法行动 %d 状态为“%s”，不能取消。", id, enforcement.StatusZH(string(status)))
		}
		now := db.Clock.Now()
		cur, err := findOperation(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := notifyWithdrawn(ctx, tx, cur, "取消", "was cancelled", now); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE operations SET status = 'cancelled', updated_at = $2 WHERE id = $1`, id, now); err != nil {
			return err
		}
		if err := cancelOpenTasks(ctx, tx, id, now); err != nil {
			return err
		}
		if err := db.insertAudit(ctx, tx, a, "operation.cancelled", enforcement.SubjectOperation, id, map[string]any{"reason": reason}); err != nil {
			return err
		}
		op, err = findOperation(ctx, tx, id)
		return err
	})
	return op, err
}

// cancelOpenTasks cancels the tasks of an operation that are not done, and
// the escalations they have pending.
func cancelOpenTasks(ctx context.Context, tx pgx.Tx, operationID int64, now any) error {
	_, err := tx.Exec(ctx, `
		WITH cancelled AS (
			UPDATE tasks SET status = 'cancelled', updated_at = $2
			WHERE operation_id = $1 AND status IN ('pending', 'accepted', 'in_progress', 'declined')
			RETURNING id
		)
		UPDATE escalations e SET status = 'cancelled', cancelled_at = $2
		FROM cancelled c WHERE e.subject_kind = 'task' AND e.subject_id = c.id AND e.status = 'pending'`,
		operationID, now)
	return err
}
