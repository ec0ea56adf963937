package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/jointops/jointops/enforcement"
)

// planInput gathers everything the draw of an operation depends on: the
// candidates with their inspections this year, the remits, the active
// rosters and their daily visits, the recusals and the frequency rules.
// A stored seed is reused (a re-run); otherwise a new one is made.
func (db *DB) planInput(ctx context.Context, q querier, op *enforcement.Operation) (*enforcement.PlanInput, error) {
	seed := op.Seed
	if seed == "" {
		var err error
		if seed, err = newSeed(); err != nil {
			return nil, err
		}
	}
	candidates, err := findCandidates(ctx, q, op)
	if err != nil {
		return nil, err
	}
	in := &enforcement.PlanInput{
		Criteria:            op.Criteria,
		Departments:         op.Departments,
		Candidates:          candidates,
		Seed:                seed,
		Remits:              map[string][]string{},
		Frequency:           map[enforcement.RiskGrade]enforcement.FrequencyRule{},
		Rosters:             map[string][]enforcement.RosterEntry{},
		VisitsPerTeamPerDay: map[string]int{},
		Recusals:            map[int64][]int64{},
	}
	// Visits start after the acceptance due date, so that every department
	// has accepted and named its inspectors before the team arrives.
	accepted, _, err := db.acceptanceDue(db.Clock.Now())
	if err != nil {
		return nil, err
	}
	first := op.WindowStart
	if !first.After(accepted) {
		first = accepted.AddDays(1)
	}
	in.Days = enforcement.WorkingDaysIn(db.Calendar, first, op.WindowEnd)
	if err := loadPlanSettings(ctx, q, in); err != nil {
		return nil, err
	}
	in.BookedInspectors, err = findBookedInspectors(ctx, q, op.ID, first, op.WindowEnd)
	return in, err
}

// findBookedInspectors returns the visits each inspector has in other
// planned or running operations on the days from first to last: the
// assigned inspectors of accepted tasks, the drawn ones of pending tasks.
func findBookedInspectors(ctx context.Context, q querier, operationID int64, first, last enforcement.Date) ([]enforcement.InspectorBooking, error) {
	rows, err := q.Query(ctx, `
		SELECT i, v.scheduled_on, count(*)
		FROM tasks t
		JOIN visits v ON v.id = t.visit_id
		JOIN operations o ON o.id = t.operation_id,
		     unnest(CASE WHEN t.status = 'pending' THEN t.drawn_inspector_ids
		                 ELSE ARRAY(SELECT ti.inspector_id FROM task_inspectors ti WHERE ti.task_id = t.id) END) i
		WHERE t.operation_id <> $1 AND o.status IN ('planned', 'in_progress')
		  AND t.status IN ('pending', 'accepted', 'in_progress')
		  AND v.scheduled_on BETWEEN $2 AND $3
		GROUP BY 1, 2
		ORDER BY 1, 2`, operationID, first.UTC(), last.UTC())
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (enforcement.InspectorBooking, error) {
		var b enforcement.InspectorBooking
		var day pgDate
		err := r.Scan(&b.InspectorID, &day, &b.Visits)
		b.Day = day.Date()
		return b, err
	})
}

// loadPlanSettings reads the remits, rosters, daily visits, recusals and
// frequency rules into in, in one round trip each.
func loadPlanSettings(ctx context.Context, q querier, in *enforcement.PlanInput) error {
	var a, b string
	rows, err := q.Query(ctx, `SELECT industry_code, department_code FROM department_remits`)
	if err != nil {
		return err
	}
	if _, err := pgx.ForEachRow(rows, []any{&a, &b}, func() error {
		in.Remits[a] = append(in.Remits[a], b)
		return nil
	}); err != nil {
		return err
	}
	var id int64
	rows, err = q.Query(ctx, `SELECT department_code, id, certificate_no FROM inspectors WHERE active AND department_code = ANY($1)`, in.Departments)
	if err != nil {
		return err
	}
	if _, err := pgx.ForEachRow(rows, []any{&a, &id, &b}, func() error {
		in.Rosters[a] = append(in.Rosters[a], enforcement.RosterEntry{ID: id, Key: b})
		return nil
	}); err != nil {
		return err
	}
	var n int
	rows, err = q.Query(ctx, `SELECT code, visits_per_team_per_day FROM departments WHERE code = ANY($1)`, in.Departments)
	if err != nil {
		return err
	}
	if _, err := pgx.ForEachRow(rows, []any{&a, &n}, func() error {
		in.VisitsPerTeamPerDay[a] = n
		return nil
	}); err != nil {
		return err
	}
	var enterprise int64
	rows, err = q.Query(ctx, `SELECT r.enterprise_id, r.inspector_id FROM recusals r JOIN inspectors i ON i.id = r.inspector_id WHERE i.active`)
	if err != nil {
		return err
	}
	if _, err := pgx.ForEachRow(rows, []any{&enterprise, &id}, func() error {
		in.Recusals[enterprise] = append(in.Recusals[enterprise], id)
		return nil
	}); err != nil {
		return err
	}
	var rule enforcement.FrequencyRule
	rows, err = q.Query(ctx, `SELECT risk_grade, min_per_year, max_per_year FROM frequency_rules`)
	if err != nil {
		return err
	}
	_, err = pgx.ForEachRow(rows, []any{&rule.Grade, &rule.MinPerYear, &rule.MaxPerYear}, func() error {
		in.Frequency[rule.Grade] = rule
		return nil
	})
	return err
}

// findCandidates returns the enterprises matching the criteria, less those
// inspected within the minimum gap before the window, with their visits in
// the window's calendar year by other operations and the inspectors of
// their last visit.
func findCandidates(ctx context.Context, q querier, op *enforcement.Operation) ([]enforcement.Candidate, error) {
	c := op.Criteria
	grades := make([]int32, len(c.RiskGrades))
	for i, g := range c.RiskGrades {
		grades[i] = int32(g)
	}
	// A window across New Year counts the busier of its years: the cap of
	// each year then holds whichever year a visit falls in.
	yearStart := time.Date(op.WindowStart.Year, 1, 1, 0, 0, 0, 0, time.UTC)
	yearEnd := time.Date(op.WindowEnd.Year+1, 1, 1, 0, 0, 0, 0, time.UTC)
	rows, err := q.Query(ctx, `
		WITH other_visits AS (
			SELECT v.enterprise_id, v.scheduled_on
			FROM visits v JOIN operations o ON o.id = v.operation_id
			WHERE o.id <> $6 AND o.status <> 'cancelled'
		), per_year AS (
			SELECT enterprise_id, max(n) AS n FROM (
				SELECT enterprise_id, extract(year FROM scheduled_on) AS y, count(*) AS n
				FROM other_visits WHERE scheduled_on >= $7 AND scheduled_on < $8
				GROUP BY 1, 2) c
			GROUP BY 1
		), recent AS (
			-- Visited or scheduled by another operation within the minimum gap.
			SELECT DISTINCT enterprise_id FROM other_visits WHERE $4 > 0 AND scheduled_on >= $5
		)
		SELECT e.id, e.registry || ':' || e.registry_id, e.risk_grade, coalesce(e.subdistrict_code, ''),
		       coalesce(e.industry_code, ''), coalesce(y.n, 0)
		FROM enterprises e LEFT JOIN per_year y ON y.enterprise_id = e.id
		WHERE (cardinality($1::text[]) = 0 OR e.industry_code = ANY($1))
		  AND (cardinality($2::text[]) = 0 OR e.subdistrict_code = ANY($2))
		  AND (cardinality($3::int[]) = 0 OR e.risk_grade = ANY($3))
		  AND ($4 = 0 OR e.last_inspected_on IS NULL OR e.last_inspected_on < $5)
		  AND NOT EXISTS (SELECT 1 FROM recent r WHERE r.enterprise_id = e.id)`,
		nonNil(c.Industries), nonNil(c.Subdistricts), grades, c.MinGapDays, op.WindowStart.AddDays(-c.MinGapDays).UTC(),
		op.ID, yearStart, yearEnd)
	if err != nil {
		return nil, err
	}
	candidates, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (enforcement.Candidate, error) {
		var cand enforcement.Candidate
		err := r.Scan(&cand.EnterpriseID, &cand.Key, &cand.Grade, &cand.Subdistrict, &cand.Industry, &cand.InspectionsThisYear)
		return cand, err
	})
	if err != nil {
		return nil, err
	}
	return candidates, fillLastInspectors(ctx, q, candidates)
}

// fillLastInspectors sets the inspectors of each candidate's latest visit
// that had inspectors assigned.
func fillLastInspectors(ctx context.Context, q querier, candidates []enforcement.Candidate) error {
	rows, err := q.Query(ctx, `
		SELECT DISTINCT ON (v.enterprise_id) v.enterprise_id, array_agg(ti.inspector_id ORDER BY ti.inspector_id)
		FROM visits v JOIN tasks t ON t.visit_id = v.id JOIN task_inspectors ti ON ti.task_id = t.id
		GROUP BY v.enterprise_id, v.id, v.scheduled_on
		ORDER BY v.enterprise_id, v.scheduled_on DESC, v.id DESC`)
	if err != nil {
		return err
	}
	last := map[int64][]int64{}
	var enterprise int64
	var ids []int64
	if _, err := pgx.ForEachRow(rows, []any{&enterprise, &ids}, func() error {
		last[enterprise] = ids
		return nil
	}); err != nil {
		return err
	}
	for i := range candidates {
		candidates[i].LastInspectors = last[candidates[i].EnterpriseID]
	}
	return nil
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
