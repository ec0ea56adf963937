package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/jointops/jointops/enforcement"
)

var _ enforcement.EscalationService = (*DB)(nil)

// sweepBatchSize bounds the escalations one statement fires, so that a
// burst of 100,000 due orders commits in steps that do not hold locks long.
const sweepBatchSize = 5000

// SweepEscalations fires every pending escalation due at now. Each batch is
// one statement: it flips pending rows to fired (FOR UPDATE SKIP LOCKED, so
// concurrent sweeps on several instances split the rows and never fire one
// twice), marks orders overdue or listed, and writes the notifications of
// the recipients. See enforcement.EscalationService.
func (db *DB) SweepEscalations(ctx context.Context, now time.Time) (*enforcement.SweepResult, error) {
	res := &enforcement.SweepResult{}
	// Tasks are dispatched in bulk without escalation rows: write the rows
	// of those whose acceptance deadline has passed, once each.
	if _, err := db.Pool.Exec(ctx, `
		INSERT INTO escalations (subject_kind, subject_id, department_code, level, due_on, fire_at, recipients)
		SELECT 'task', id, department_code, 1, acceptance_due_on, acceptance_due_at, '{dept_lead,coordinator}'
		FROM tasks WHERE status = 'pending' AND acceptance_due_at <= $1
		ON CONFLICT (subject_kind, subject_id, level, due_on) DO NOTHING`, now); err != nil {
		return res, err
	}
	for {
		var fired, notes int
		err := db.Pool.QueryRow(ctx, sweepSQL, now, sweepBatchSize).Scan(&fired, &notes)
		if err != nil {
			return res, err
		}
		res.Fired += fired
		res.Notifications += notes
		if fired < sweepBatchSize {
			return res, nil
		}
	}
}

// sweepSQL fires one batch. The titles name the order or task, the
// enterprise, the due date and the level, in Chinese and English.
const sweepSQL = `
WITH due AS (
	SELECT id FROM escalations
	WHERE status = 'pending' AND fire_at <= $1
	ORDER BY fire_at
	LIMIT $2
	FOR UPDATE SKIP LOCKED
), fired AS (
	UPDATE escalations e SET status = 'fired', fired_at = $1
	FROM due WHERE e.id = due.id
	RETURNING e.id, e.subject_kind, e.subject_id, e.department_code, e.level, e.due_on, e.recipients
), locked AS (
	-- Sweeps that run at once may fire levels of the same orders: each
	-- locks its orders in id order, so that they wait for one another
	-- instead of deadlocking.
	SELECT id FROM rectification_orders
	WHERE id IN (SELECT subject_id FROM fired WHERE subject_kind = 'rectification_order')
	ORDER BY id FOR UPDATE
), orders AS (
	UPDATE rectification_orders o
	SET status = CASE WHEN f.level >= 1 AND o.status = 'open' THEN 'overdue' ELSE o.status END,
	    listed = o.listed OR f.level >= 3,
	    updated_at = $1
	FROM (SELECT subject_id, max(level) AS level FROM fired WHERE subject_kind = 'rectification_order' GROUP BY subject_id) f
	JOIN locked l ON l.id = f.subject_id
	WHERE o.id = f.subject_id
	RETURNING o.id
), audits AS (
	INSERT INTO audit_events (at, actor_name, department_code, action, subject_kind, subject_id, details)
	SELECT $1, 'system', f.department_code,
	       CASE WHEN f.subject_kind = 'verification' THEN 'verification.escalated' ELSE 'escalation.fired' END,
	       CASE WHEN f.subject_kind = 'verification' THEN 'rectification_order' ELSE f.subject_kind END, f.subject_id,
	       jsonb_build_object('escalation_id', f.id, 'level', f.level, 'due_on', f.due_on)
	FROM fired f
), subjects AS (
	SELECT f.*, coalesce(ro.issued_by, 0) AS issued_by,
	       coalesce(eo.name, et.name) AS enterprise
	FROM fired f
	LEFT JOIN rectification_orders ro ON f.subject_kind IN ('rectification_order', 'verification') AND ro.id = f.subject_id
	LEFT JOIN enterprises eo ON eo.id = ro.enterprise_id
	LEFT JOIN tasks t ON f.subject_kind = 'task' AND t.id = f.subject_id
	LEFT JOIN visits v ON v.id = t.visit_id
	LEFT JOIN enterprises et ON et.id = v.enterprise_id
), role_holders AS MATERIALIZED (
	SELECT id, department_code, roles FROM users WHERE roles && '{dept_lead,coordinator,leadership}'
), notes AS (
	INSERT INTO notifications (user_id, escalation_id, kind, subject_kind, subject_id, level, title_zh, title_en, created_at)
	SELECT u.id, s.id, CASE WHEN s.subject_kind = 'verification' THEN 'verification_late' ELSE 'escalation' END,
	       CASE WHEN s.subject_kind = 'verification' THEN 'rectification_order' ELSE s.subject_kind END, s.subject_id, s.level,
	       CASE WHEN s.subject_kind = 'task' THEN
	            '任务 #' || s.subject_id || '（' || s.enterprise || '）超过接收期限 ' || to_char(s.due_on, 'YYYY-MM-DD') || ' 未接收'
	       WHEN s.subject_kind = 'verification' THEN
	            '整改通知 #' || s.subject_id || '（' || s.enterprise || '）复查逾期：应于 ' || to_char(s.due_on, 'YYYY-MM-DD') || ' 前复查'
	       ELSE '整改通知 #' || s.subject_id || '（' || s.enterprise || '，整改期限 ' || to_char(s.due_on, 'YYYY-MM-DD') || '）' ||
	            CASE s.level WHEN 0 THEN '即将到期' WHEN 1 THEN '已逾期（一级督办）' WHEN 2 THEN '逾期未整改（二级督办）' ELSE '挂牌督办（三级）' END
	       END,
	       CASE WHEN s.subject_kind = 'task' THEN
	            'Task #' || s.subject_id || ' (' || s.enterprise || ') was not accepted by ' || to_char(s.due_on, 'YYYY-MM-DD')
	       WHEN s.subject_kind = 'verification' THEN
	            'Verification of rectification order #' || s.subject_id || ' (' || s.enterprise || ') is late: due by ' || to_char(s.due_on, 'YYYY-MM-DD')
	       ELSE 'Rectification order #' || s.subject_id || ' (' || s.enterprise || ', due ' || to_char(s.due_on, 'YYYY-MM-DD') || ') ' ||
	            CASE s.level WHEN 0 THEN 'is due soon' WHEN 1 THEN 'is overdue (level 1)' WHEN 2 THEN 'is still overdue (level 2)' ELSE 'is under listed supervision (level 3)' END
	       END,
	       $1
	FROM subjects s
	-- The recipients: the holders of a role among a handful of users, and
	-- the issuing inspector by id. (One join on all users with these ORs
	-- is a nested loop of every fired row with every user, inspectors
	-- included: 3 million comparisons a batch with 600 inspectors.)
	JOIN LATERAL (
		SELECT r.id FROM role_holders r
		WHERE ('dept_lead' = ANY(s.recipients) AND 'dept_lead' = ANY(r.roles) AND r.department_code = s.department_code)
		   OR ('coordinator' = ANY(s.recipients) AND 'coordinator' = ANY(r.roles))
		   OR ('leadership' = ANY(s.recipients) AND 'leadership' = ANY(r.roles))
		   -- An order from a registry has no department: its departmental levels go to the coordinators.
		   OR (s.department_code IS NULL AND s.recipients && '{dept_lead,inspector}' AND 'coordinator' = ANY(r.roles))
		UNION
		SELECT s.issued_by WHERE 'inspector' = ANY(s.recipients) AND s.issued_by <> 0
	) u ON true
	ON CONFLICT DO NOTHING
	RETURNING 1
)
SELECT (SELECT count(*) FROM fired), (SELECT count(*) FROM notes)`

// cancelEscalations stops every level of a subject not yet fired: the work
// closed, was extended or was cancelled.
func cancelEscalations(ctx context.Context, tx pgx.Tx, kind enforcement.SubjectKind, id int64, now time.Time) error {
	_, err := tx.Exec(ctx, `
		UPDATE escalations SET status = 'cancelled', cancelled_at = $3
		WHERE subject_kind = $1 AND subject_id = $2 AND status = 'pending'`, string(kind), id, now)
	return err
}

// insertLadder writes the escalation ladder of an order due on dueOn,
// from the order's own escalation policy (the first ladder of an order
// fixes it: the policy in force then; see orderPolicy). A level cancelled
// earlier for the same due date (evidence came, then the verification
// failed with the same date) is revived; a fired one stays fired, so no
// level fires twice for one due date.
func (db *DB) insertLadder(ctx context.Context, tx pgx.Tx, orderID int64, dept string,
	dueOn enforcement.Date, loc *time.Location, issuedAt time.Time, cal enforcement.Calendar) error {
	policy, err := orderPolicy(ctx, tx, orderID)
	if err != nil {
		return err
	}
	steps, err := policy.Schedule(cal, dueOn, loc, issuedAt)
	if err != nil {
		return err
	}
	batch := &pgx.Batch{}
	for _, s := range steps {
		roles := make([]string, len(s.Recipients))
		for i, r := range s.Recipients {
			roles[i] = string(r)
		}
		batch.Queue(`
			INSERT INTO escalations (subject_kind, subject_id, department_code, level, due_on, fire_at, recipients)
			VALUES ('rectification_order', $1, NULLIF($2, ''), $3, $4, $5, $6)
			ON CONFLICT (subject_kind, subject_id, level, due_on) DO UPDATE
			SET status = 'pending', fire_at = excluded.fire_at, recipients = excluded.recipients, cancelled_at = NULL
			WHERE escalations.status = 'cancelled'`,
			orderID, dept, int(s.Level), dueOn.UTC(), s.FireAt, roles)
	}
	return tx.SendBatch(ctx, batch).Close()
}

// findEscalations lists the escalations of a subject, oldest first.
func findEscalations(ctx context.Context, q querier, kind enforcement.SubjectKind, id int64) ([]enforcement.Escalation, error) {
	rows, err := q.Query(ctx, `
		SELECT id, subject_kind, subject_id, coalesce(department_code, ''), level, due_on, fire_at, recipients, status, fired_at
		FROM escalations WHERE subject_kind = $1 AND subject_id = $2 ORDER BY due_on, level`, string(kind), id)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (enforcement.Escalation, error) {
		var e enforcement.Escalation
		var dueOn pgDate
		var roles []string
		err := r.Scan(&e.ID, &e.SubjectKind, &e.SubjectID, &e.Department, &e.Level, &dueOn, &e.FireAt, &roles, &e.Status, &e.FiredAt)
		e.DueOn = dueOn.Date()
		for _, r := range roles {
			e.Recipients = append(e.Recipients, enforcement.Role(r))
		}
		return e, err
	})
}
