package postgres

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/jointops/jointops/enforcement"
)

var _ enforcement.PlanningService = (*DB)(nil)

// PreviewOperation runs the draw of c on the current register and returns
// its summary; nothing is saved.
func (db *DB) PreviewOperation(ctx context.Context, c *enforcement.OperationCreate) (*enforcement.PlanSummary, error) {
	if _, err := enforcement.RequireRole(ctx, enforcement.RoleCoordinator); err != nil {
		return nil, err
	}
	if err := c.Validate(); err != nil {
		return nil, err
	}
	var summary *enforcement.PlanSummary
	err := pgx.BeginTxFunc(ctx, db.Pool, pgx.TxOptions{AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		for _, check := range []struct {
			table, field string
			codes        []string
		}{{"departments", "departments", c.Departments}, {"industries", "criteria.industries", c.Criteria.Industries}, {"subdistricts", "criteria.subdistricts", c.Criteria.Subdistricts}} {
			if err := checkCodes(ctx, tx, check.table, check.field, check.codes); err != nil {
				return err
			}
		}
		op := &enforcement.Operation{Departments: c.Departments, WindowStart: c.WindowStart, WindowEnd: c.WindowEnd, Criteria: c.Criteria}
		in, err := db.planInput(ctx, tx, op)
		if err != nil {
			return err
		}
		plan, err := enforcement.Draw(*in)
		if err != nil {
			return err
		}
		summary = &plan.Summary
		return nil
	})
	return summary, err
}

// ReplanOperation withdraws a planned operation's tasks and plans it again
// with a new seed.
func (db *DB) ReplanOperation(ctx context.Context, id int64) (*enforcement.Operation, error) {
	a, err := enforcement.RequireRole(ctx, enforcement.RoleCoordinator)
	if err != nil {
		return nil, err
	}
	var op *enforcement.Operation
	err = db.inTx(ctx, func(tx pgx.Tx) error {
		cur, err := findOperationForUpdate(ctx, tx, id)
		if err != nil {
			return err
		}
		if cur.Status != enforcement.OperationPlanned {
			return enforcement.Errorf(enforcement.ECONFLICT, "Operation %d is %s; only a planned operation can be re-planned.", id, cur.Status).
				ZH("联合执法行动 %d 状态为“%s”；只有已编排的行动才能重新编排。", id, enforcement.StatusZH(string(cur.Status)))
		}
		var accepted int
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM tasks WHERE operation_id = $1 AND status IN ('accepted', 'in_progress', 'reported', 'closed')`, id).Scan(&accepted); err != nil {
			return err
		}
		if accepted > 0 {
			return enforcement.Errorf(enforcement.ECONFLICT, "Operation %d has %d accepted task(s): cancel it instead, or let the departments work.", id, accepted).
				ZH("联合执法行动 %d 已有 %d 项任务被接收，不能重新编排：请取消该行动，或让各部门继续执行。", id, accepted)
		}
		now := db.Clock.Now()
		if err := notifyWithdrawn(ctx, tx, cur, "重新排期", "was re-planned", now); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `
			UPDATE escalations SET status = 'cancelled', cancelled_at = $2
			WHERE subject_kind = 'task' AND status = 'pending' AND subject_id IN (SELECT id FROM tasks WHERE operation_id = $1)`, id, now); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM tasks WHERE operation_id = $1`, id); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM visits WHERE operation_id = $1`, id); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `
			UPDATE operations SET status = 'planning', seed = '', candidate_digest = '', candidate_count = 0,
			       plan_summary = NULL, updated_at = $2 WHERE id = $1`, id, now); err != nil {
			return err
		}
		if _, err := db.river.InsertTx(ctx, tx, enforcement.PlanOperationJob{OperationID: id}, nil); err != nil {
			return err
		}
		if err := db.insertAudit(ctx, tx, a, "operation.replanned", enforcement.SubjectOperation, id, map[string]any{"previous_seed": cur.Seed}); err != nil {
			return err
		}
		op, err = findOperation(ctx, tx, id)
		return err
	})
	return op, err
}

// notifyWithdrawn tells the leads of every department with an open task
// of op that its tasks were withdrawn.
func notifyWithdrawn(ctx context.Context, tx pgx.Tx, op *enforcement.Operation, whyZH, whyEN string, now any) error {
	_, err := tx.Exec(ctx, `
		INSERT INTO notifications (user_id, kind, subject_kind, subject_id, title_zh, title_en, created_at)
		SELECT u.id, 'tasks_withdrawn', 'operation', $1::bigint,
		       '联合执法行动「' || $2 || '」已' || $3 || '，原下达的任务已撤回',
		       'Operation "' || $2 || '" ' || $4 || '; its tasks were withdrawn', $5
		FROM (SELECT DISTINCT department_code FROM tasks WHERE operation_id = $1 AND status IN ('pending', 'accepted', 'in_progress', 'declined')) t
		JOIN users u ON u.department_code = t.department_code AND 'dept_lead' = ANY(u.roles)`,
		op.ID, op.Title, whyZH, whyEN, now)
	return err
}

// VerifyDraw re-runs an operation's draw from its stored input and
// compares it with what was built.
func (db *DB) VerifyDraw(ctx context.Context, id int64) (*enforcement.DrawVerification, error) {
	if _, err := enforcement.RequireActor(ctx); err != nil {
		return nil, err
	}
	op, err := findOperation(ctx, db.Pool, id)
	if err != nil {
		return nil, err
	}
	in, version, err := loadSnapshot(ctx, db.Pool, id)
	if err != nil {
		return nil, err
	}
	v := &enforcement.DrawVerification{OperationID: id, Seed: op.Seed, AlgorithmVersion: op.AlgorithmVersion, StoredDigest: op.CandidateDigest}
	if version != enforcement.DrawAlgorithmVersion {
		v.Mismatches = append(v.Mismatches, fmt.Sprintf("the draw used algorithm %s; this build runs %s", version, enforcement.DrawAlgorithmVersion))
		return v, nil
	}
	if in.Seed != op.Seed {
		v.Mismatches = append(v.Mismatches, "the stored snapshot's seed differs from the operation's")
	}
	plan, err := enforcement.Draw(*in)
	if err != nil {
		return nil, err
	}
	v.SnapshotDigest = plan.CandidateDigest
	if v.SnapshotDigest != v.StoredDigest {
		v.Mismatches = append(v.Mismatches, "the candidate snapshot's digest differs from the one recorded at planning")
	}
	built, ids, err := builtVisits(ctx, db.Pool, id)
	if err != nil {
		return nil, err
	}
	v.Mismatches = append(v.Mismatches, compareVisits(plan.Visits, built, ids)...)
	v.Match = len(v.Mismatches) == 0
	return v, nil
}

// builtVisits reads an operation's visits in draw order with the tasks the
// plan made (not those a coordinator added by reassigning) and their drawn
// inspectors.
func builtVisits(ctx context.Context, q querier, id int64) ([]enforcement.PlannedVisit, []int64, error) {
	rows, err := q.Query(ctx, `
		SELECT v.id, v.draw_rank, v.enterprise_id, v.scheduled_on, t.department_code,
		       coalesce((SELECT array_agg(d ORDER BY d) FROM unnest(t.drawn_inspector_ids) d), '{}')
		FROM visits v JOIN tasks t ON t.visit_id = v.id
		WHERE v.operation_id = $1 AND NOT EXISTS (SELECT 1 FROM tasks r WHERE r.reassigned_to = t.id)
		ORDER BY v.draw_rank, t.department_code`, id)
	if err != nil {
		return nil, nil, err
	}
	var visits []enforcement.PlannedVisit
	var ids []int64
	var rank int
	var visitID, enterprise int64
	var on pgDate
	var dept string
	var inspectors []int64
	_, err = pgx.ForEachRow(rows, []any{&visitID, &rank, &enterprise, &on, &dept, &inspectors}, func() error {
		if n := len(visits); n == 0 || visits[n-1].Rank != rank {
			visits = append(visits, enforcement.PlannedVisit{EnterpriseID: enterprise, ScheduledOn: on.Date(), Rank: rank})
			ids = append(ids, visitID)
		}
		v := &visits[len(visits)-1]
		v.Tasks = append(v.Tasks, enforcement.PlannedTask{Department: dept, InspectorIDs: inspectors})
		return nil
	})
	return visits, ids, err
}

// compareVisits lists the differences between a re-run draw and the built
// visits (whose ids are ids), at most ten, naming each visit by its id,
// enterprise and place in the draw.
func compareVisits(want, got []enforcement.PlannedVisit, ids []int64) []string {
	var out []string
	if len(want) != len(got) {
		out = append(out, fmt.Sprintf("the re-run draw makes %d visits; %d were built", len(want), len(got)))
	}
	for i := 0; i < min(len(want), len(got)) && len(out) < 10; i++ {
		w, g := want[i], got[i]
		name := fmt.Sprintf("visit #%d (enterprise %d, draw rank %d)", ids[i], g.EnterpriseID, i)
		switch {
		case w.EnterpriseID != g.EnterpriseID:
			out = append(out, fmt.Sprintf("%s: the draw gives enterprise %d here", name, w.EnterpriseID))
		case w.ScheduledOn != g.ScheduledOn:
			out = append(out, fmt.Sprintf("%s: scheduled on %s by the draw, %s built", name, w.ScheduledOn, g.ScheduledOn))
		case taskKey(w.Tasks) != taskKey(g.Tasks):
			out = append(out, fmt.Sprintf("%s: tasks %s drawn, %s built", name, taskKey(w.Tasks), taskKey(g.Tasks)))
		}
	}
	return out
}

// taskKey writes tasks as "EMB[3 7] MSA[12 15]" with sorted inspectors.
func taskKey(tasks []enforcement.PlannedTask) string {
	parts := make([]string, len(tasks))
	for i, t := range tasks {
		ids := slices.Clone(t.InspectorIDs)
		slices.Sort(ids)
		parts[i] = fmt.Sprint(t.Department, ids)
	}
	slices.Sort(parts)
	return strings.Join(parts, " ")
}
