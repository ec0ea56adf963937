package postgres

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/jointops/jointops/enforcement"
)

// CreateRecusal declares an inspector's conflict of interest (回避) with an
// enterprise: the planner never draws them for it, and a lead cannot assign
// them to its tasks.
func (db *DB) CreateRecusal(ctx context.Context, r *enforcement.Recusal) error {
	a, err := enforcement.RequireActor(ctx)
	if err != nil {
		return err
	}
	return db.inTx(ctx, func(tx pgx.Tx) error {
		// Visibility first: another department's inspector is not found,
		// whatever the input.
		if r.InspectorID > 0 {
			if _, err := lockInspectorForChange(ctx, tx, a, r.InspectorID); err != nil {
				return err
			}
		}
		if err := r.Validate(); err != nil {
			return err
		}
		var createdBy *int64
		if a.UserID != 0 {
			createdBy = &a.UserID
		}
		_, err := tx.Exec(ctx, `
			INSERT INTO recusals (inspector_id, enterprise_id, reason, created_by, created_at)
			VALUES ($1, $2, $3, $4, $5)`, r.InspectorID, r.EnterpriseID, r.Reason, createdBy, db.Clock.Now())
		var pgErr *pgconn.PgError
		switch {
		case errors.As(err, &pgErr) && pgErr.Code == "23503" && pgErr.ConstraintName == "recusals_enterprise_id_fkey":
			return enforcement.FieldError("enterprise_id", "There is no enterprise %d.", r.EnterpriseID).
				ZH("企业 %d 不存在。", r.EnterpriseID)
		case errors.As(err, &pgErr) && pgErr.Code == "23505":
			return enforcement.Errorf(enforcement.ECONFLICT, "Inspector %d has declared a conflict of interest with enterprise %d already.", r.InspectorID, r.EnterpriseID).
				ZH("执法人员 %d 已申报与企业 %d 存在回避事由。", r.InspectorID, r.EnterpriseID)
		case err != nil:
			return interpretError(err)
		}
		return db.insertAudit(ctx, tx, a, "recusal.created", enforcement.SubjectInspector, r.InspectorID,
			map[string]any{"enterprise_id": r.EnterpriseID, "reason": r.Reason})
	})
}

// DeleteRecusal withdraws a declared conflict of interest.
func (db *DB) DeleteRecusal(ctx context.Context, inspectorID, enterpriseID int64) error {
	a, err := enforcement.RequireActor(ctx)
	if err != nil {
		return err
	}
	return db.inTx(ctx, func(tx pgx.Tx) error {
		if _, err := lockInspectorForChange(ctx, tx, a, inspectorID); err != nil {
			return err
		}
		var reason string
		err := tx.QueryRow(ctx, `DELETE FROM recusals WHERE inspector_id = $1 AND enterprise_id = $2 RETURNING reason`,
			inspectorID, enterpriseID).Scan(&reason)
		if errors.Is(err, pgx.ErrNoRows) {
			return enforcement.Errorf(enforcement.ENOTFOUND, "Inspector %d has no recusal for enterprise %d.", inspectorID, enterpriseID)
		} else if err != nil {
			return err
		}
		return db.insertAudit(ctx, tx, a, "recusal.deleted", enforcement.SubjectInspector, inspectorID,
			map[string]any{"enterprise_id": enterpriseID, "reason": reason})
	})
}
