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
		SELECT v.id, v.operation_id, v.enterprise_id, e.name, v.scheduled_on, `+enterpriseFactsColumns+`
		FROM visits v JOIN enterprises e ON e.id = v.enterprise_id
		`+enterpriseFactsJoins+`
		WHERE v.id = $1 AND ($2 = '' OR EXISTS (SELECT 1 FROM tasks t WHERE t.visit_id = v.id AND t.department_code = $2))`,
		id, scope).Scan(append([]any{&v.ID, &v.OperationID, &v.EnterpriseID, &v.EnterpriseName, &on}, enterpriseFactsDest(&v.EnterpriseFacts)...)...)
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
	if v.Hazards, err = findHazards(ctx, q, id); err != nil {
		return nil, err
	}
	return &v, nil
}

// enterpriseFactsColumns are the columns of an enforcement.EnterpriseFacts
// from enterprises e and enterpriseFactsJoins, in the order of
// enterpriseFactsDest.
const enterpriseFactsColumns = `coalesce(e.credit_code, ''), e.address, coalesce(e.industry_code, ''), coalesce(ind.name, ''),
	coalesce(e.subdistrict_code, ''), coalesce(sub.name, ''), e.risk_grade`

// enterpriseFactsJoins join the industry and subdistrict of enterprises e.
const enterpriseFactsJoins = `LEFT JOIN industries ind ON ind.code = e.industry_code
	LEFT JOIN subdistricts sub ON sub.code = e.subdistrict_code`

// enterpriseFactsDest are the scan destinations of enterpriseFactsColumns.
func enterpriseFactsDest(f *enforcement.EnterpriseFacts) []any {
	return []any{&f.EnterpriseCreditCode, &f.EnterpriseAddress, &f.IndustryCode, &f.IndustryName,
		&f.SubdistrictCode, &f.SubdistrictName, &f.RiskGrade}
}
