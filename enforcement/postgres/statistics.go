package postgres

import (
	"context"
	"math"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/jointops/jointops/enforcement"
)

var _ enforcement.StatisticsService = (*DB)(nil)

// FindDashboard counts what the dashboard charts, in one read-only
// snapshot: coordinators and leadership for every department (or the one
// f names), a dept_lead for their own department only.
func (db *DB) FindDashboard(ctx context.Context, f enforcement.DashboardFilter) (*enforcement.Dashboard, error) {
	a, err := enforcement.RequireRole(ctx, enforcement.RoleCoordinator, enforcement.RoleLeadership, enforcement.RoleDeptLead)
	if err != nil {
		return nil, err
	}
	if f.Weeks == 0 {
		f.Weeks = enforcement.DefaultDashboardWeeks
	}
	if f.Weeks < 1 || f.Weeks > enforcement.MaxDashboardWeeks {
		return nil, enforcement.FieldError("weeks", "must be from 1 to %d; got %d.", enforcement.MaxDashboardWeeks, f.Weeks).
			ZH("周数须在 1 至 %d 之间；实际为 %d。", enforcement.MaxDashboardWeeks, f.Weeks)
	}
	if !a.Has(enforcement.RoleCoordinator) && !a.Has(enforcement.RoleLeadership) {
		// A lead's dashboard is their own department's (DESIGN.md §5).
		f.Department = a.Department
		if f.Department == "" {
			return nil, enforcement.Errorf(enforcement.EFORBIDDEN, "A department lead needs a department to see its dashboard.")
		}
	}
	d := &enforcement.Dashboard{Department: f.Department, Today: db.Today()}
	err = pgx.BeginTxFunc(ctx, db.Pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		var err error
		if d.Orders, err = findOpenOrderCounts(ctx, tx, f.Department); err != nil {
			return err
		}
		if d.Closure, err = db.findWeeklyClosure(ctx, tx, f.Department, d.Today, f.Weeks); err != nil {
			return err
		}
		if d.Hazards, err = findHazardCounts(ctx, tx, f.Department); err != nil {
			return err
		}
		d.Acceptance, err = db.findAcceptanceTimes(ctx, tx, d.Orders)
		return err
	})
	if err != nil {
		return nil, interpretError(err)
	}
	return d, nil
}

// findOpenOrderCounts counts the orders not closed per department, every
// department in scope included (with zeros). dept "" is every department.
func findOpenOrderCounts(ctx context.Context, tx pgx.Tx, dept string) ([]enforcement.DepartmentOrders, error) {
	rows, err := tx.Query(ctx, `
		SELECT d.code,
		       count(o.id) FILTER (WHERE o.status IN ('open', 'submitted'))::int,
		       count(o.id) FILTER (WHERE o.status = 'overdue')::int,
		       count(o.id) FILTER (WHERE o.listed AND o.status IN ('open', 'submitted', 'overdue'))::int
		FROM departments d
		LEFT JOIN rectification_orders o ON o.department_code = d.code AND o.status IN ('open', 'submitted', 'overdue')
		WHERE $1 = '' OR d.code = $1
		GROUP BY d.code ORDER BY d.code`, dept)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowToStructByPos[enforcement.DepartmentOrders])
}

// findWeeklyClosure computes the closure rate at the end of each of the
// weeks (Monday to Sunday in the district's time zone) up to the one of
// today, oldest first. Cancelled orders are left out: they were neither
// fixed nor left unfixed.
func (db *DB) findWeeklyClosure(ctx context.Context, tx pgx.Tx, dept string, today enforcement.Date, weeks int) ([]enforcement.WeeklyClosure, error) {
	monday := today.AddDays(-((int(today.Weekday()) + 6) % 7))
	out := make([]enforcement.WeeklyClosure, weeks)
	ends := make([]time.Time, weeks)
	for i := range out {
		out[i].WeekOf = monday.AddDays(-7 * (weeks - 1 - i))
		ends[i] = out[i].WeekOf.AddDays(7).In(db.Location) // the next Monday, 00:00 local
	}
	rows, err := tx.Query(ctx, `
		SELECT w.i::int,
		       count(o.id) FILTER (WHERE o.issued_at < w.end_at)::int,
		       count(o.id) FILTER (WHERE o.status = 'verified' AND o.closed_at < w.end_at)::int
		FROM unnest($1::timestamptz[]) WITH ORDINALITY AS w(end_at, i)
		LEFT JOIN rectification_orders o ON o.status <> 'cancelled' AND ($2 = '' OR o.department_code = $2)
		GROUP BY w.i ORDER BY w.i`, ends, dept)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var i, issued, closed int
		if err := rows.Scan(&i, &issued, &closed); err != nil {
			return nil, err
		}
		w := &out[i-1]
		w.Issued, w.Closed = issued, closed
		if issued > 0 {
			w.RatePercent = round1(float64(closed) * 100 / float64(issued))
		}
	}
	return out, rows.Err()
}

// findHazardCounts counts hazards per industry of the enterprise and
// severity, recorded by dept ("" for every department).
func findHazardCounts(ctx context.Context, tx pgx.Tx, dept string) ([]enforcement.IndustryHazards, error) {
	rows, err := tx.Query(ctx, `
		SELECT i.code, i.name,
		       count(*) FILTER (WHERE h.severity = 'general')::int,
		       count(*) FILTER (WHERE h.severity = 'major')::int
		FROM hazards h
		JOIN enterprises e ON e.id = h.enterprise_id
		JOIN industries i ON i.code = e.industry_code
		WHERE $1 = '' OR h.department_code = $1
		GROUP BY i.code, i.name ORDER BY i.code`, dept)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowToStructByPos[enforcement.IndustryHazards])
}

// findAcceptanceTimes measures, for each department of depts, the working
// days from each task's creation to its acceptance (the audit event
// task.accepted), both days taken in the district's time zone and counted
// on db.Calendar.
func (db *DB) findAcceptanceTimes(ctx context.Context, tx pgx.Tx, depts []enforcement.DepartmentOrders) ([]enforcement.DepartmentAcceptance, error) {
	codes := make([]string, len(depts))
	out := make([]enforcement.DepartmentAcceptance, len(depts))
	index := map[string]int{}
	for i, d := range depts {
		codes[i], out[i].Department, index[d.Department] = d.Department, d.Department, i
	}
	rows, err := tx.Query(ctx, `
		SELECT t.department_code, t.created_at, min(a.at)
		FROM tasks t
		JOIN audit_events a ON a.subject_kind = 'task' AND a.subject_id = t.id AND a.action = 'task.accepted'
		WHERE t.department_code = ANY($1)
		GROUP BY t.id`, codes)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	totals := make([]int, len(out))
	for rows.Next() {
		var code string
		var created, accepted time.Time
		if err := rows.Scan(&code, &created, &accepted); err != nil {
			return nil, err
		}
		n := enforcement.WorkingDaysBetween(db.Calendar,
			enforcement.DateOf(created.In(db.Location)), enforcement.DateOf(accepted.In(db.Location)))
		x := &out[index[code]]
		x.Accepted++
		totals[index[code]] += n
		x.MaxWorkingDays = max(x.MaxWorkingDays, n)
	}
	for i := range out {
		if out[i].Accepted > 0 {
			out[i].AverageWorkingDays = round1(float64(totals[i]) / float64(out[i].Accepted))
		}
	}
	return out, rows.Err()
}

// FindDepartmentSettings lists every department with its daily visits per
// team, its active inspectors and its remit.
func (db *DB) FindDepartmentSettings(ctx context.Context) ([]*enforcement.DepartmentSettings, error) {
	if _, err := enforcement.RequireRole(ctx, enforcement.RoleAdmin, enforcement.RoleCoordinator, enforcement.RoleAuditor, enforcement.RoleLeadership); err != nil {
		return nil, err
	}
	rows, err := db.Pool.Query(ctx, `
		SELECT d.code, d.name_zh, d.name_en, d.visits_per_team_per_day,
		       (SELECT count(*) FROM inspectors i WHERE i.department_code = d.code AND i.active)::int,
		       coalesce((SELECT array_agg(r.industry_code ORDER BY r.industry_code) FROM department_remits r WHERE r.department_code = d.code), '{}')
		FROM departments d ORDER BY d.code`)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (*enforcement.DepartmentSettings, error) {
		var s enforcement.DepartmentSettings
		err := row.Scan(&s.Code, &s.NameZH, &s.NameEN, &s.VisitsPerTeamPerDay, &s.ActiveInspectors, &s.Industries)
		return &s, err
	})
}

// round1 rounds x to one decimal.
func round1(x float64) float64 { return math.Round(x*10) / 10 }
