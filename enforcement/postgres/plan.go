package postgres

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/jointops/jointops/enforcement"
)

var _ enforcement.PlanService = (*DB)(nil)

// PlanOperation draws the targets of an operation in planning, builds its
// visits and tasks with their drawn inspectors, stores the draw's input for
// verification and notifies each department's lead, in one transaction.
// See enforcement.PlanService.
func (db *DB) PlanOperation(ctx context.Context, id int64) error {
	err := db.inTx(ctx, func(tx pgx.Tx) error {
		op, err := findOperationForUpdate(ctx, tx, id)
		if err != nil {
			return err
		}
		if op.Status != enforcement.OperationPlanning {
			return nil // already planned or cancelled: the job ran before
		}
		in, err := db.planInput(ctx, tx, op)
		if err != nil {
			return err
		}
		plan, err := enforcement.Draw(*in)
		var domainErr *enforcement.Error
		if errors.As(err, &domainErr) {
			return db.failPlan(ctx, tx, op.ID, domainErr.Message, enforcement.ErrorMessageIn(domainErr, "zh"))
		} else if err != nil {
			return err
		}
		return db.persistPlan(ctx, tx, op, in, plan)
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

// newSeed returns 16 random bytes in hex.
func newSeed() (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return hex.EncodeToString(b), nil
}

// failPlan records why planning failed and returns the operation to draft,
// so the coordinator can fix the criteria and submit again. reasonZH is
// the reason in Chinese, for the notification's Chinese title.
func (db *DB) failPlan(ctx context.Context, tx pgx.Tx, id int64, reason, reasonZH string) error {
	if _, err := tx.Exec(ctx, `UPDATE operations SET status = 'draft', plan_error = $2, plan_error_zh = $4, updated_at = $3 WHERE id = $1`,
		id, reason, db.Clock.Now(), reasonZH); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `
		INSERT INTO notifications (user_id, kind, subject_kind, subject_id, title_zh, title_en, created_at)
		SELECT u.id, 'plan_failed', 'operation', $1::bigint, '联合执法行动 #' || $1::bigint || ' 未能排期：' || $4,
		       'Operation #' || $1::bigint || ' could not be planned: ' || $2, $3
		FROM users u WHERE 'coordinator' = ANY(u.roles)`, id, reason, db.Clock.Now(), reasonZH); err != nil {
		return err
	}
	return db.insertAudit(ctx, tx, nil, "operation.plan_failed", enforcement.SubjectOperation, id, map[string]any{"reason": reason})
}

// persistPlan writes a plan with COPY: ids are taken from the sequences
// first, so visits, tasks and drawn inspectors go in as three COPYs with no
// statement per row. Acceptance escalations are not written here: the sweep
// writes them when the tasks fall due.
func (db *DB) persistPlan(ctx context.Context, tx pgx.Tx, op *enforcement.Operation, in *enforcement.PlanInput, plan *enforcement.Plan) error {
	now := db.Clock.Now()
	dueOn, dueAt, err := db.acceptanceDue(now)
	if err != nil {
		return err
	}
	visitIDs, err := nextIDs(ctx, tx, "visits_id_seq", len(plan.Visits))
	if err != nil {
		return err
	}
	taskIDs, err := nextIDs(ctx, tx, "tasks_id_seq", plan.Summary.Tasks)
	if err != nil {
		return err
	}
	// Rows go in by enterprise, so that every index of visits and tasks
	// grows at its end instead of at random places: at a million
	// enterprises that halves the COPY.
	order := make([]int, len(plan.Visits))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int { return cmp.Compare(plan.Visits[a].EnterpriseID, plan.Visits[b].EnterpriseID) })
	if _, err := tx.CopyFrom(ctx, pgx.Identifier{"visits"}, []string{"id", "operation_id", "enterprise_id", "scheduled_on", "draw_rank"},
		pgx.CopyFromSlice(len(order), func(i int) ([]any, error) {
			v := &plan.Visits[order[i]]
			return []any{visitIDs[i], op.ID, v.EnterpriseID, v.ScheduledOn.UTC(), v.Rank}, nil
		})); err != nil {
		return err
	}
	type taskRow struct {
		visitID int64
		task    *enforcement.PlannedTask
	}
	tasks := make([]taskRow, 0, plan.Summary.Tasks)
	for i, k := range order {
		for j := range plan.Visits[k].Tasks {
			tasks = append(tasks, taskRow{visitIDs[i], &plan.Visits[k].Tasks[j]})
		}
	}
	dueOnUTC := dueOn.UTC()
	if _, err := tx.CopyFrom(ctx, pgx.Identifier{"tasks"},
		[]string{"id", "visit_id", "operation_id", "department_code", "acceptance_due_on", "acceptance_due_at", "drawn_inspector_ids", "created_at", "updated_at"},
		pgx.CopyFromSlice(len(tasks), func(i int) ([]any, error) {
			t := tasks[i]
			return []any{taskIDs[i], t.visitID, op.ID, t.task.Department, dueOnUTC, dueAt, nonNilIDs(t.task.InspectorIDs), now, now}, nil
		})); err != nil {
		return err
	}
	if err := db.storeSnapshot(ctx, tx, op.ID, in, now); err != nil {
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
		op.ID, op.Title, dueOnUTC, now); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `
		UPDATE operations SET status = 'planned', seed = $2, algorithm_version = $3, candidate_digest = $4,
		       candidate_count = $5, plan_summary = $6, plan_error = '', plan_error_zh = '', updated_at = $7
		WHERE id = $1`,
		op.ID, plan.Seed, plan.AlgorithmVersion, plan.CandidateDigest, plan.Summary.Eligible, plan.Summary, now); err != nil {
		return err
	}
	return db.insertAudit(ctx, tx, nil, "operation.planned", enforcement.SubjectOperation, op.ID, map[string]any{
		"visits": len(plan.Visits), "tasks": plan.Summary.Tasks, "visits_saved": plan.Summary.VisitsSaved,
		"eligible": plan.Summary.Eligible, "seed": plan.Seed, "algorithm_version": plan.AlgorithmVersion,
		"candidate_digest": plan.CandidateDigest,
	})
}

// nextIDs takes n values from a sequence in one round trip.
func nextIDs(ctx context.Context, tx pgx.Tx, seq string, n int) ([]int64, error) {
	rows, err := tx.Query(ctx, `SELECT nextval($1::regclass) FROM generate_series(1, $2)`, seq, n)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[int64])
}

// acceptanceDue returns the acceptance due date and deadline of a task
// dispatched now: AcceptanceWorkingDays working days later, end of day.
func (db *DB) acceptanceDue(now time.Time) (enforcement.Date, time.Time, error) {
	dueOn, err := enforcement.AddWorkingDays(db.Calendar, enforcement.DateOf(now.In(db.Location)), db.AcceptanceWorkingDays)
	return dueOn, enforcement.EndOfDay(dueOn, db.Location), err
}

func nonNilIDs(ids []int64) []int64 {
	if ids == nil {
		return []int64{}
	}
	return ids
}
