package postgres

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/jointops/jointops/enforcement"
)

var _ enforcement.PlanService = (*DB)(nil)

// PlanOperation draws the targets of an operation in planning, builds its
// visits and tasks, writes each task's acceptance escalation and notifies
// each department's lead, in one transaction. See enforcement.PlanService.
func (db *DB) PlanOperation(ctx context.Context, id int64) error {
	err := db.inTx(ctx, func(tx pgx.Tx) error {
		op, err := findOperationForUpdate(ctx, tx, id)
		if err != nil {
			return err
		}
		if op.Status != enforcement.OperationPlanning {
			return nil // already planned or cancelled: the job ran before
		}
		plan, err := db.draw(ctx, tx, op)
		var domainErr *enforcement.Error
		if errors.As(err, &domainErr) {
			return db.failPlan(ctx, tx, op.ID, domainErr.Message)
		} else if err != nil {
			return err
		}
		return db.persistPlan(ctx, tx, op, plan)
	})
	if err != nil {
		return fmt.Errorf("plan operation %d: %w", id, err)
	}
	return nil
}

func findOperationForUpdate(ctx context.Context, tx pgx.Tx, id int64) (*enforcement.Operation, error) {
	if _, err := tx.Exec(ctx, `SELECT 1 FROM operations WHERE id = $1 FOR UPDATE`, id); err != nil {
		return nil, err
	}
	return findOperation(ctx, tx, id)
}

// draw loads the candidates and remits and runs enforcement.Draw with a new
// seed, or the stored one when the operation has one (a re-run).
func (db *DB) draw(ctx context.Context, tx pgx.Tx, op *enforcement.Operation) (*enforcement.Plan, error) {
	seed := op.Seed
	if seed == "" {
		b := make([]byte, 16)
		if _, err := rand.Read(b); err != nil {
			return nil, err
		}
		seed = hex.EncodeToString(b)
	}
	candidates, err := findCandidates(ctx, tx, op)
	if err != nil {
		return nil, err
	}
	remits, err := findRemits(ctx, tx)
	if err != nil {
		return nil, err
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
	return enforcement.Draw(enforcement.PlanInput{
		Criteria:    op.Criteria,
		Departments: op.Departments,
		Remits:      remits,
		Candidates:  candidates,
		Seed:        seed,
		Days:        enforcement.WorkingDaysIn(db.Calendar, first, op.WindowEnd),
	})
}

// findCandidates returns the enterprises matching the criteria, less those
// inspected within the minimum gap before the window.
func findCandidates(ctx context.Context, tx pgx.Tx, op *enforcement.Operation) ([]enforcement.Candidate, error) {
	c := op.Criteria
	grades := make([]int32, len(c.RiskGrades))
	for i, g := range c.RiskGrades {
		grades[i] = int32(g)
	}
	gapStart := op.WindowStart.AddDays(-c.MinGapDays).UTC()
	rows, err := tx.Query(ctx, `
		SELECT id, registry || ':' || registry_id, risk_grade, coalesce(subdistrict_code, ''), coalesce(industry_code, '')
		FROM enterprises
		WHERE (cardinality($1::text[]) = 0 OR industry_code = ANY($1))
		  AND (cardinality($2::text[]) = 0 OR subdistrict_code = ANY($2))
		  AND (cardinality($3::int[]) = 0 OR risk_grade = ANY($3))
		  AND ($4 = 0 OR last_inspected_on IS NULL OR last_inspected_on < $5)`,
		nonNil(c.Industries), nonNil(c.Subdistricts), grades, c.MinGapDays, gapStart)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (enforcement.Candidate, error) {
		var cand enforcement.Candidate
		err := r.Scan(&cand.EnterpriseID, &cand.Key, &cand.Grade, &cand.Subdistrict, &cand.Industry)
		return cand, err
	})
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// findRemits maps each industry to the departments whose remit covers it.
func findRemits(ctx context.Context, tx pgx.Tx) (map[string][]string, error) {
	rows, err := tx.Query(ctx, `SELECT industry_code, department_code FROM department_remits`)
	if err != nil {
		return nil, err
	}
	remits := map[string][]string{}
	var industry, dept string
	_, err = pgx.ForEachRow(rows, []any{&industry, &dept}, func() error {
		remits[industry] = append(remits[industry], dept)
		return nil
	})
	return remits, err
}

// failPlan records why planning failed and returns the operation to draft,
// so the coordinator can fix the criteria and submit again.
func (db *DB) failPlan(ctx context.Context, tx pgx.Tx, id int64, reason string) error {
	if _, err := tx.Exec(ctx, `UPDATE operations SET status = 'draft', plan_error = $2, updated_at = $3 WHERE id = $1`,
		id, reason, db.Clock.Now()); err != nil {
		return err
	}
	return db.insertAudit(ctx, tx, nil, "operation.plan_failed", enforcement.SubjectOperation, id, map[string]any{"reason": reason})
}

// persistPlan writes visits and tasks set-based: the planned visits go in
// with COPY, then one INSERT … SELECT makes the tasks, one their acceptance
// escalations and one the department leads' notifications.
func (db *DB) persistPlan(ctx context.Context, tx pgx.Tx, op *enforcement.Operation, plan *enforcement.Plan) error {
	now := db.Clock.Now()
	if _, err := tx.Exec(ctx, `CREATE TEMP TABLE plan_rows (enterprise_id bigint, scheduled_on date, draw_rank int, departments text[]) ON COMMIT DROP`); err != nil {
		return err
	}
	if _, err := tx.CopyFrom(ctx, pgx.Identifier{"plan_rows"}, []string{"enterprise_id", "scheduled_on", "draw_rank", "departments"},
		pgx.CopyFromSlice(len(plan.Visits), func(i int) ([]any, error) {
			v := plan.Visits[i]
			return []any{v.EnterpriseID, v.ScheduledOn.UTC(), v.Rank, v.Departments}, nil
		})); err != nil {
		return err
	}
	dueOn, dueAt, err := db.acceptanceDue(now)
	if err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `
		WITH v AS (
			INSERT INTO visits (operation_id, enterprise_id, scheduled_on, draw_rank)
			SELECT $1, enterprise_id, scheduled_on, draw_rank FROM plan_rows
			RETURNING id, draw_rank
		), t AS (
			INSERT INTO tasks (visit_id, operation_id, department_code, acceptance_due_on, acceptance_due_at, created_at, updated_at)
			SELECT v.id, $1, d, $2, $3, $4, $4
			FROM v JOIN plan_rows p USING (draw_rank), unnest(p.departments) d
			RETURNING id, department_code
		)
		INSERT INTO escalations (subject_kind, subject_id, department_code, level, due_on, fire_at, recipients)
		SELECT 'task', t.id, t.department_code, 1, $2, $3, '{dept_lead,coordinator}' FROM t`,
		op.ID, dueOn.UTC(), dueAt, now); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `
		INSERT INTO notifications (user_id, kind, subject_kind, subject_id, title_zh, title_en, created_at)
		SELECT u.id, 'tasks_dispatched', 'operation', $1,
		       '联合执法行动「' || $2 || '」下达 ' || n || ' 项任务，请于 ' || to_char($3::date, 'YYYY-MM-DD') || ' 前接收或退回',
		       'Operation "' || $2 || '" sent you ' || n || ' tasks; accept or decline by ' || to_char($3::date, 'YYYY-MM-DD'),
		       $4
		FROM (SELECT department_code, count(*) n FROM tasks WHERE operation_id = $1 GROUP BY department_code) t
		JOIN users u ON u.department_code = t.department_code AND 'dept_lead' = ANY(u.roles)`,
		op.ID, op.Title, dueOn.UTC(), now); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `
		UPDATE operations SET status = 'planned', seed = $2, algorithm_version = $3, candidate_digest = $4,
		       candidate_count = $5, plan_error = '', updated_at = $6
		WHERE id = $1`,
		op.ID, plan.Seed, plan.AlgorithmVersion, plan.CandidateDigest, plan.CandidateCount, now); err != nil {
		return err
	}
	return db.insertAudit(ctx, tx, nil, "operation.planned", enforcement.SubjectOperation, op.ID, map[string]any{
		"visits": len(plan.Visits), "tasks": plan.TaskCount, "visits_saved": plan.VisitsSaved,
		"candidates": plan.CandidateCount, "seed": plan.Seed, "algorithm_version": plan.AlgorithmVersion,
	})
}

// acceptanceDue returns the acceptance due date and deadline of a task
// dispatched now.
func (db *DB) acceptanceDue(now time.Time) (enforcement.Date, time.Time, error) {
	dueOn, err := enforcement.AddWorkingDays(db.Calendar, enforcement.DateOf(now.In(db.Location)), db.AcceptanceWorkingDays)
	return dueOn, enforcement.EndOfDay(dueOn, db.Location), err
}
