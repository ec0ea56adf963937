package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"

	"github.com/jointops/jointops/enforcement"
)

// RecordHazard records a hazard on a visit where the inspector's department
// has an accepted or in-progress task; the task moves to in_progress. The
// hazard's photo, if any, is stored and audited in the same transaction.
func (db *DB) RecordHazard(ctx context.Context, c *enforcement.HazardCreate) (*enforcement.Hazard, error) {
	a, err := enforcement.RequireRole(ctx, enforcement.RoleInspector)
	if err != nil {
		return nil, err
	}
	if err := c.Validate(db.MaxAttachmentBytes); err != nil {
		return nil, err
	}
	var h *enforcement.Hazard
	err = db.inTx(ctx, func(tx pgx.Tx) error {
		var taskID, enterpriseID int64
		var status enforcement.TaskStatus
		err := tx.QueryRow(ctx, `
			SELECT t.id, t.status, v.enterprise_id FROM tasks t JOIN visits v ON v.id = t.visit_id
			WHERE t.visit_id = $1 AND t.department_code = $2 AND t.status NOT IN ('cancelled', 'reassigned', 'declined')
			FOR UPDATE OF t`, c.VisitID, a.Department).Scan(&taskID, &status, &enterpriseID)
		if err == pgx.ErrNoRows {
			return notFound("visit", c.VisitID)
		} else if err != nil {
			return err
		}
		if status != enforcement.TaskAccepted && status != enforcement.TaskInProgress {
			return enforcement.Errorf(enforcement.ECONFLICT, "Your department's task on visit %d is %s; accept it before recording hazards.", c.VisitID, status).
				ZH("本部门在联合检查 %d 中的任务状态为“%s”，请先接收任务再登记隐患。", c.VisitID, enforcement.StatusZH(string(status)))
		}
		now := db.Clock.Now()
		var id int64
		if err := tx.QueryRow(ctx, `
			INSERT INTO hazards (visit_id, enterprise_id, department_code, severity, negative_list, description, recorded_by, found_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
			c.VisitID, enterpriseID, a.Department, string(c.Severity), c.NegativeList, c.Description, a.UserID, now).Scan(&id); err != nil {
			return interpretError(err)
		}
		if _, err := tx.Exec(ctx, `UPDATE tasks SET status = 'in_progress', updated_at = $2 WHERE id = $1 AND status = 'accepted'`, taskID, now); err != nil {
			return err
		}
		if err := db.insertAudit(ctx, tx, a, "hazard.recorded", enforcement.SubjectHazard, id,
			map[string]any{"visit_id": c.VisitID, "severity": c.Severity, "negative_list": c.NegativeList}); err != nil {
			return err
		}
		h = &enforcement.Hazard{ID: id, VisitID: c.VisitID, EnterpriseID: enterpriseID, Department: a.Department,
			Severity: c.Severity, NegativeList: c.NegativeList, Description: c.Description, RecordedBy: a.UserID, FoundAt: now}
		if c.Photo != nil {
			att, err := db.insertHazardAttachment(ctx, tx, a, id, c.VisitID, c.Photo)
			if err != nil {
				return err
			}
			h.Attachments = []enforcement.Attachment{*att}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return h, nil
}

// findHazards lists the hazards of a visit, each with its photos.
func findHazards(ctx context.Context, q querier, visitID int64) ([]*enforcement.Hazard, error) {
	rows, err := q.Query(ctx, `
		SELECT id, coalesce(visit_id, 0), enterprise_id, coalesce(department_code, ''), severity, negative_list,
		       description, coalesce(recorded_by, 0), found_at
		FROM hazards WHERE visit_id = $1 ORDER BY id`, visitID)
	if err != nil {
		return nil, err
	}
	hazards, err := pgx.CollectRows(rows, pgx.RowToAddrOfStructByPos[enforcement.Hazard])
	if err != nil {
		return nil, err
	}
	atts, err := findHazardAttachments(ctx, q, visitID)
	if err != nil {
		return nil, err
	}
	byID := make(map[int64]*enforcement.Hazard, len(hazards))
	for _, h := range hazards {
		byID[h.ID] = h
	}
	for _, att := range atts {
		if h := byID[att.HazardID]; h != nil {
			h.Attachments = append(h.Attachments, att)
		}
	}
	return hazards, nil
}
