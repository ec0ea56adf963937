package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"

	"github.com/jointops/jointops/enforcement"
)

var _ enforcement.VisitService = (*DB)(nil)

// FindVisitByID returns a visit with its tasks and hazards. A departmental
// actor sees it only when their department has a task on it.
func (db *DB) FindVisitByID(ctx context.Context, id int64) (*enforcement.Visit, error) {
	a, err := enforcement.RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	return findVisit(ctx, db.Pool, deptScope(a), id)
}

func findVisit(ctx context.Context, q querier, scope string, id int64) (*enforcement.Visit, error) {
	var v enforcement.Visit
	var on pgDate
	err := q.QueryRow(ctx, `
		SELECT v.id, v.operation_id, v.enterprise_id, e.name, v.scheduled_on
		FROM visits v JOIN enterprises e ON e.id = v.enterprise_id
		WHERE v.id = $1 AND ($2 = '' OR EXISTS (SELECT 1 FROM tasks t WHERE t.visit_id = v.id AND t.department_code = $2))`,
		id, scope).Scan(&v.ID, &v.OperationID, &v.EnterpriseID, &v.EnterpriseName, &on)
	if err == pgx.ErrNoRows {
		return nil, notFound("visit", id)
	} else if err != nil {
		return nil, err
	}
	v.ScheduledOn = on.Date()
	// Everyone on a joint visit sees the whole team ("one entry, many checks").
	if v.Tasks, err = findTasks(ctx, q, "", enforcement.TaskFilter{VisitID: &id}); err != nil {
		return nil, err
	}
	v.Hazards, err = findHazards(ctx, q, id)
	return &v, err
}
