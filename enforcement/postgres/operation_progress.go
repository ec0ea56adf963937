package postgres

import (
	"context"
	"encoding/json"

	"github.com/jackc/pgx/v5"

	"github.com/jointops/jointops/enforcement"
)

var _ enforcement.OperationProgressService = (*DB)(nil)

// FindOperationProgress counts the tasks of operations ids per department
// and status, in one aggregate over tasks_operation_idx; see
// enforcement.OperationProgressService.
func (db *DB) FindOperationProgress(ctx context.Context, ids []int64) (map[int64][]enforcement.DepartmentProgress, error) {
	if _, err := enforcement.RequireRole(ctx, enforcement.RoleCoordinator); err != nil {
		return nil, err
	}
	rows, err := db.Pool.Query(ctx, `
		SELECT operation_id, department_code,
		       count(*) FILTER (WHERE status IN ('accepted', 'in_progress', 'reported', 'closed')),
		       count(*) FILTER (WHERE status = 'pending'),
		       count(*) FILTER (WHERE status = 'declined'),
		       count(*) FILTER (WHERE status = 'reassigned')
		FROM tasks
		WHERE operation_id = ANY($1) AND status <> 'cancelled'
		GROUP BY operation_id, department_code
		ORDER BY operation_id, department_code`, ids)
	if err != nil {
		return nil, err
	}
	out := map[int64][]enforcement.DepartmentProgress{}
	var id int64
	var p enforcement.DepartmentProgress
	_, err = pgx.ForEachRow(rows, []any{&id, &p.Department, &p.Accepted, &p.Pending, &p.Declined, &p.Reassigned}, func() error {
		out[id] = append(out[id], p)
		return nil
	})
	return out, err
}

// FindVisitDays lists the days of an operation's schedule with their first
// visits; see enforcement.OperationProgressService. One query: visits are
// numbered per day by enterprise name and those past f.PerDay are counted,
// not listed.
func (db *DB) FindVisitDays(ctx context.Context, id int64, f enforcement.VisitDayFilter) ([]enforcement.VisitDay, error) {
	if _, err := enforcement.RequireRole(ctx, enforcement.RoleCoordinator); err != nil {
		return nil, err
	}
	if _, err := findOperation(ctx, db.Pool, id); err != nil {
		return nil, err
	}
	perDay := f.PerDay
	if perDay <= 0 {
		perDay = 5
	}
	perDay = min(perDay, 1000)
	var on any
	if f.On != nil {
		on = f.On.UTC()
	}
	rows, err := db.Pool.Query(ctx, `
		WITH day_visits AS (
			SELECT v.id, v.scheduled_on, e.name,
			       row_number() OVER (PARTITION BY v.scheduled_on ORDER BY e.name, v.id) AS n,
			       count(*) OVER (PARTITION BY v.scheduled_on) AS day_count
			FROM visits v JOIN enterprises e ON e.id = v.enterprise_id
			WHERE v.operation_id = $1 AND ($2::date IS NULL OR v.scheduled_on = $2)
		)
		SELECT d.scheduled_on, d.day_count, d.id, d.name,
		       coalesce((SELECT json_agg(json_build_object('id', t.id, 'department', t.department_code, 'status', t.status)
		                        ORDER BY t.department_code, t.id)
		                 FROM tasks t WHERE t.visit_id = d.id AND t.status <> 'cancelled'), '[]')
		FROM day_visits d
		WHERE d.n <= $3
		ORDER BY d.scheduled_on, d.n`, id, on, perDay)
	if err != nil {
		return nil, err
	}
	var days []enforcement.VisitDay
	var day pgDate
	var count int
	var v enforcement.VisitBrief
	var tasks []byte
	_, err = pgx.ForEachRow(rows, []any{&day, &count, &v.VisitID, &v.EnterpriseName, &tasks}, func() error {
		v.Tasks = nil
		if err := json.Unmarshal(tasks, &v.Tasks); err != nil {
			return err
		}
		if n := len(days); n == 0 || days[n-1].Date != day.Date() {
			days = append(days, enforcement.VisitDay{Date: day.Date(), Count: count})
		}
		days[len(days)-1].Visits = append(days[len(days)-1].Visits, v)
		return nil
	})
	return days, err
}
