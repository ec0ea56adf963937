package postgres

import (
	"context"
	"errors"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/jointops/jointops/enforcement"
)

var _ enforcement.TaskService = (*DB)(nil)

// FindTasks lists the tasks visible to the actor, soonest visit first.
func (db *DB) FindTasks(ctx context.Context, f enforcement.TaskFilter) ([]*enforcement.Task, error) {
	a, err := enforcement.RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	return findTasks(ctx, db.Pool, deptScope(a), f)
}

// FindTaskByID returns one task; ENOTFOUND for another department's.
func (db *DB) FindTaskByID(ctx context.Context, id int64) (*enforcement.Task, error) {
	a, err := enforcement.RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	return findTask(ctx, db.Pool, deptScope(a), id)
}

func findTask(ctx context.Context, q querier, scope string, id int64) (*enforcement.Task, error) {
	tasks, err := findTasks(ctx, q, scope, enforcement.TaskFilter{ID: &id})
	if err != nil {
		return nil, err
	} else if len(tasks) == 0 {
		return nil, notFound("task", id)
	}
	return tasks[0], nil
}

// findTasks lists tasks; scope "" sees every department's, otherwise only
// the department scope.
func findTasks(ctx context.Context, q querier, scope string, f enforcement.TaskFilter) ([]*enforcement.Task, error) {
	limit := f.Limit
	if limit <= 0 || limit > 1000 {
		limit = 200
	}
	var status *string
	if f.Status != nil {
		s := string(*f.Status)
		status = &s
	}
	rows, err := q.Query(ctx, `
		SELECT t.id, t.visit_id, t.operation_id, t.department_code, t.status, t.acceptance_due_on, t.acceptance_due_at,
		       t.decline_reason, v.scheduled_on, e.id, e.name, o.title, t.created_at, t.updated_at,
		       coalesce((SELECT array_agg(o2.department_code ORDER BY o2.department_code) FROM tasks o2
		                 WHERE o2.visit_id = t.visit_id AND o2.id <> t.id AND o2.status NOT IN ('cancelled', 'reassigned', 'declined')), '{}'),
		       coalesce((SELECT array_agg(i.id ORDER BY i.id) FROM task_inspectors ti JOIN inspectors i ON i.id = ti.inspector_id WHERE ti.task_id = t.id), '{}'),
		       coalesce((SELECT array_agg(i.name ORDER BY i.id) FROM task_inspectors ti JOIN inspectors i ON i.id = ti.inspector_id WHERE ti.task_id = t.id), '{}'),
		       coalesce((SELECT array_agg(i.id ORDER BY i.id) FROM inspectors i WHERE i.id = ANY(t.drawn_inspector_ids)), '{}'),
		       coalesce((SELECT array_agg(i.name ORDER BY i.id) FROM inspectors i WHERE i.id = ANY(t.drawn_inspector_ids)), '{}'),
		       `+enterpriseFactsColumns+`
		FROM tasks t
		JOIN visits v ON v.id = t.visit_id
		JOIN enterprises e ON e.id = v.enterprise_id
		JOIN operations o ON o.id = t.operation_id
		`+enterpriseFactsJoins+`
		WHERE ($1 = '' OR t.department_code = $1)
		  AND ($2::bigint IS NULL OR t.id = $2)
		  AND ($3::bigint IS NULL OR t.operation_id = $3)
		  AND ($4::text IS NULL OR t.department_code = $4)
		  AND ($5::text IS NULL OR t.status = $5)
		  AND ($8::bigint IS NULL OR t.visit_id = $8)
		ORDER BY v.scheduled_on, t.id
		LIMIT $6 OFFSET $7`,
		scope, f.ID, f.OperationID, f.Department, status, limit, max(f.Offset, 0), f.VisitID)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (*enforcement.Task, error) {
		var t enforcement.Task
		var dueOn, scheduled pgDate
		var ids, drawnIDs []int64
		var names, drawnNames []string
		dest := append([]any{&t.ID, &t.VisitID, &t.OperationID, &t.Department, &t.Status, &dueOn, &t.AcceptanceDueAt,
			&t.DeclineReason, &scheduled, &t.EnterpriseID, &t.EnterpriseName, &t.OperationTitle, &t.CreatedAt, &t.UpdatedAt,
			&t.OtherDepartments, &ids, &names, &drawnIDs, &drawnNames}, enterpriseFactsDest(&t.EnterpriseFacts)...)
		err := r.Scan(dest...)
		if err != nil {
			return nil, err
		}
		t.AcceptanceDueOn, t.ScheduledOn = dueOn.Date(), scheduled.Date()
		t.Inspectors, t.DrawnInspectors = userRefs(ids, names), userRefs(drawnIDs, drawnNames)
		return &t, nil
	})
}

// userRefs pairs ids with names.
func userRefs(ids []int64, names []string) []enforcement.UserRef {
	refs := make([]enforcement.UserRef, len(ids))
	for i := range ids {
		refs[i] = enforcement.UserRef{ID: ids[i], Name: names[i]}
	}
	return refs
}

// lockTaskForLead locks a task the actor's department owns and checks the
// actor leads that department. Another department's task is ENOTFOUND.
func lockTaskForLead(ctx context.Context, tx pgx.Tx, a *enforcement.Actor, id int64) (*enforcement.Task, error) {
	if _, err := tx.Exec(ctx, `SELECT 1 FROM tasks WHERE id = $1 FOR UPDATE`, id); err != nil {
		return nil, err
	}
	t, err := findTask(ctx, tx, deptScope(a), id)
	if err != nil {
		return nil, err
	}
	if !a.Has(enforcement.RoleDeptLead) || a.Department != t.Department {
		return nil, enforcement.Errorf(enforcement.EFORBIDDEN, "Only the lead of %s may accept or decline this task.", t.Department)
	}
	if !t.Status.CanAccept() {
		return nil, enforcement.Errorf(enforcement.ECONFLICT, "Task %d is %s; only a pending task can be accepted or declined.", id, t.Status).
			ZH("任务 %d 状态为“%s”；只有待接收的任务才能接收或退回。", id, enforcement.StatusZH(string(t.Status)))
	}
	return t, nil
}

// AcceptTask accepts a pending task and assigns its inspectors: the roster
// entries named, or, when none are named, the ones the plan drew.
func (db *DB) AcceptTask(ctx context.Context, id int64, inspectorIDs []int64) (*enforcement.Task, error) {
	a, err := enforcement.RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	slices.Sort(inspectorIDs)
	inspectorIDs = slices.Compact(inspectorIDs)
	var task *enforcement.Task
	err = db.inTx(ctx, func(tx pgx.Tx) error {
		// Visibility first: another department's task is not found, whatever the input.
		t, err := lockTaskForLead(ctx, tx, a, id)
		if err != nil {
			return err
		}
		drawn := len(inspectorIDs) == 0
		if drawn {
			if inspectorIDs, err = drawnInspectors(ctx, tx, t); err != nil {
				return err
			}
		} else if err := checkAssignable(ctx, tx, t, inspectorIDs); err != nil {
			return err
		}
		now := db.Clock.Now()
		if _, err := tx.Exec(ctx, `INSERT INTO task_inspectors (task_id, inspector_id) SELECT $1, unnest($2::bigint[])`, id, inspectorIDs); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE tasks SET status = 'accepted', updated_at = $2 WHERE id = $1`, id, now); err != nil {
			return err
		}
		if err := cancelEscalations(ctx, tx, enforcement.SubjectTask, id, now); err != nil {
			return err
		}
		drawnIDs := make([]int64, len(t.DrawnInspectors))
		for i, d := range t.DrawnInspectors {
			drawnIDs[i] = d.ID
		}
		// The trail shows whether the lead kept the draw (双随机) or not:
		// as drawn when the team is the drawn one, named or not.
		asDrawn := drawn || (len(drawnIDs) > 0 && sameIDs(inspectorIDs, drawnIDs))
		if err := db.insertAudit(ctx, tx, a, "task.accepted", enforcement.SubjectTask, id, map[string]any{
			"inspector_ids": inspectorIDs, "as_drawn": asDrawn, "drawn_inspector_ids": drawnIDs,
		}); err != nil {
			return err
		}
		task, err = findTask(ctx, tx, "", id)
		return err
	})
	return task, err
}

// checkAssignable checks the roster ids a lead named: at least two
// (行政处罚法 art. 42), each an active entry of the task's department's
// roster with no recusal for the task's enterprise.
func checkAssignable(ctx context.Context, tx pgx.Tx, t *enforcement.Task, ids []int64) error {
	if len(ids) < enforcement.MinInspectorsPerTask {
		return enforcement.FieldError("inspector_ids",
			"Assign at least %d inspectors (行政处罚法 art. 42 requires two enforcement officers); got %d.",
			enforcement.MinInspectorsPerTask, len(ids)).
			ZH("请至少选派 %d 名执法人员（《行政处罚法》第四十二条）；实际 %d 名。",
				enforcement.MinInspectorsPerTask, len(ids))
	}
	rows, err := tx.Query(ctx, `
		SELECT x FROM unnest($1::bigint[]) x
		WHERE NOT EXISTS (SELECT 1 FROM inspectors i WHERE i.id = x AND i.department_code = $2 AND i.active)
		ORDER BY x`, ids, t.Department)
	if err != nil {
		return err
	}
	bad, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return err
	}
	if len(bad) > 0 {
		return enforcement.FieldError("inspector_ids", "%v are not active inspectors on the roster of %s.", bad, t.Department).
			ZH("编号为 %s 的人员不是 %s 名册中的在岗执法人员。", idListZH(bad), t.Department)
	}
	rows, err = tx.Query(ctx, `
		SELECT i.name FROM recusals r JOIN inspectors i ON i.id = r.inspector_id
		WHERE r.inspector_id = ANY($1) AND r.enterprise_id = $2 ORDER BY i.id`, ids, t.EnterpriseID)
	if err != nil {
		return err
	}
	recused, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return err
	}
	if len(recused) > 0 {
		return enforcement.FieldError("inspector_ids", "%s declared a conflict of interest with %s (回避); pick other inspectors.",
			strings.Join(recused, ", "), t.EnterpriseName).
			ZH("%s 已申报与 %s 存在回避事由，请选派其他执法人员。",
				strings.Join(recused, "、"), t.EnterpriseName)
	}
	return nil
}

// drawnInspectors returns the inspectors the plan drew for a task that are
// still active and not recused, or EINVALID asking the lead to pick when
// fewer than two are left.
func drawnInspectors(ctx context.Context, tx pgx.Tx, t *enforcement.Task) ([]int64, error) {
	rows, err := tx.Query(ctx, `
		SELECT i.id FROM tasks t JOIN inspectors i ON i.id = ANY(t.drawn_inspector_ids)
		WHERE t.id = $1 AND i.active AND i.department_code = $2
		  AND NOT EXISTS (SELECT 1 FROM recusals r WHERE r.inspector_id = i.id AND r.enterprise_id = $3)
		ORDER BY i.id`, t.ID, t.Department, t.EnterpriseID)
	if err != nil {
		return nil, err
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return nil, err
	}
	if len(ids) < enforcement.MinInspectorsPerTask {
		return nil, enforcement.FieldError("inspector_ids",
			"The draw left %d assignable inspector(s) for this task (%d drawn); pick at least %d from the roster of %s (行政处罚法 art. 42).",
			len(ids), len(t.DrawnInspectors), enforcement.MinInspectorsPerTask, t.Department).
			ZH("随机抽取的 %[2]d 名执法人员中，仍可选派的只有 %[1]d 名；请从 %[4]s 名册中选派至少 %[3]d 名（《行政处罚法》第四十二条）。",
				len(ids), len(t.DrawnInspectors), enforcement.MinInspectorsPerTask, t.Department)
	}
	return ids, nil
}

// DeclineTask declines a pending task with a reason.
func (db *DB) DeclineTask(ctx context.Context, id int64, reason string) (*enforcement.Task, error) {
	a, err := enforcement.RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	var task *enforcement.Task
	err = db.inTx(ctx, func(tx pgx.Tx) error {
		// Visibility first: another department's task is not found, whatever the reason.
		if _, err := lockTaskForLead(ctx, tx, a, id); err != nil {
			return err
		}
		reason, err := enforcement.ValidateDeclineReason(reason)
		if err != nil {
			return err
		}
		now := db.Clock.Now()
		if _, err := tx.Exec(ctx, `UPDATE tasks SET status = 'declined', decline_reason = $2, updated_at = $3 WHERE id = $1`, id, reason, now); err != nil {
			return err
		}
		if err := cancelEscalations(ctx, tx, enforcement.SubjectTask, id, now); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `
			INSERT INTO notifications (user_id, kind, subject_kind, subject_id, title_zh, title_en, created_at)
			SELECT u.id, 'task_declined', 'task', $1::bigint, $2 || ' 退回任务 #' || $1::bigint || '：' || $3, $2 || ' declined task #' || $1::bigint || ': ' || $3, $4
			FROM users u WHERE 'coordinator' = ANY(u.roles)`, id, a.Department, reason, now); err != nil {
			return err
		}
		if err := db.insertAudit(ctx, tx, a, "task.declined", enforcement.SubjectTask, id, map[string]any{"reason": reason}); err != nil {
			return err
		}
		task, err = findTask(ctx, tx, "", id)
		return err
	})
	return task, err
}

// ReassignTask hands a declined task to a department as a new pending task.
// The department must not be one that declined the task (this task, or an
// earlier task it was reassigned from); the visit must be after today; and
// the new task is due per enforcement.ReassignedAcceptanceDue: before the
// visit day, never before today.
func (db *DB) ReassignTask(ctx context.Context, id int64, dept string) (*enforcement.Task, error) {
	a, err := enforcement.RequireRole(ctx, enforcement.RoleCoordinator)
	if err != nil {
		return nil, err
	}
	if dept = strings.TrimSpace(dept); dept == "" {
		return nil, enforcement.FieldError("department", "Name the department to hand the task to.").ZH("请选择改派的部门。")
	}
	var task *enforcement.Task
	err = db.inTx(ctx, func(tx pgx.Tx) error {
		var status enforcement.TaskStatus
		var visitID, operationID int64
		var visitOn pgDate
		if err := tx.QueryRow(ctx, `
			SELECT t.status, t.visit_id, t.operation_id, v.scheduled_on
			FROM tasks t JOIN visits v ON v.id = t.visit_id WHERE t.id = $1 FOR UPDATE OF t`, id).
			Scan(&status, &visitID, &operationID, &visitOn); err != nil {
			return interpretError(err)
		}
		if status != enforcement.TaskDeclined {
			return enforcement.Errorf(enforcement.ECONFLICT, "Task %d is %s; only a declined task can be reassigned.", id, status).
				ZH("任务 %d 状态为“%s”；只有已退回的任务才能改派。", id, enforcement.StatusZH(string(status)))
		}
		now := db.Clock.Now()
		dueOn, err := enforcement.ReassignedAcceptanceDue(db.Calendar, enforcement.DateOf(now.In(db.Location)), visitOn.Date(), db.AcceptanceWorkingDays)
		if err != nil {
			return err
		}
		dueAt := enforcement.EndOfDay(dueOn, db.Location)
		if err := checkCodes(ctx, tx, "departments", "department", []string{dept}); err != nil {
			return err
		}
		// The department that declined the task, here or on an earlier
		// task it was reassigned from, does not get it back.
		var declinedOn int64
		err = tx.QueryRow(ctx, `
			WITH RECURSIVE chain AS (
				SELECT id, department_code FROM tasks WHERE id = $1
				UNION ALL
				SELECT t.id, t.department_code FROM tasks t JOIN chain c ON t.reassigned_to = c.id
			)
			SELECT id FROM chain WHERE department_code = $2 ORDER BY id DESC LIMIT 1`, id, dept).Scan(&declinedOn)
		if err == nil {
			return enforcement.FieldError("department", "%s declined this task (task #%d); hand it to another department.", dept, declinedOn).
				ZH("%s 已退回此任务（任务 #%d），请改派给其他部门。", dept, declinedOn)
		} else if !errors.Is(err, pgx.ErrNoRows) {
			return err
		}
		var busy bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM tasks WHERE visit_id = $1 AND department_code = $2 AND status NOT IN ('declined', 'reassigned', 'cancelled'))`,
			visitID, dept).Scan(&busy); err != nil {
			return err
		}
		if busy {
			return enforcement.FieldError("department", "%s already has a task on this visit.", dept).
				ZH("%s 在此次联合检查中已有任务。", dept)
		}
		var newID int64
		if err := tx.QueryRow(ctx, `
			INSERT INTO tasks (visit_id, operation_id, department_code, acceptance_due_on, acceptance_due_at, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id`,
			visitID, operationID, dept, dueOn.UTC(), dueAt, now).Scan(&newID); err != nil {
			return interpretError(err)
		}
		if _, err := tx.Exec(ctx, `UPDATE tasks SET status = 'reassigned', reassigned_to = $2, updated_at = $3 WHERE id = $1`, id, newID, now); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `
			INSERT INTO escalations (subject_kind, subject_id, department_code, level, due_on, fire_at, recipients)
			VALUES ('task', $1, $2, 1, $3, $4, '{dept_lead,coordinator}')`, newID, dept, dueOn.UTC(), dueAt); err != nil {
			return err
		}
		// The department joins the operation if it was not on it, and its
		// lead hears of the new task at once.
		if _, err := tx.Exec(ctx, `
			UPDATE operations SET departments = array_append(departments, $2), updated_at = $3
			WHERE id = $1 AND NOT ($2 = ANY(departments))`, operationID, dept, now); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `
			INSERT INTO notifications (user_id, kind, subject_kind, subject_id, title_zh, title_en, created_at)
			SELECT u.id, 'task_reassigned', 'task', $1::bigint,
			       '协调员转派任务 #' || $1::bigint || '，请于 ' || to_char($3::date, 'YYYY-MM-DD') || ' 前接收或退回',
			       'The coordinator handed you task #' || $1::bigint || '; accept or decline by ' || to_char($3::date, 'YYYY-MM-DD'), $4
			FROM users u WHERE u.department_code = $2 AND 'dept_lead' = ANY(u.roles)`,
			newID, dept, dueOn.UTC(), now); err != nil {
			return err
		}
		if err := db.insertAudit(ctx, tx, a, "task.reassigned", enforcement.SubjectTask, id, map[string]any{"new_task_id": newID, "department": dept}); err != nil {
			return err
		}
		task, err = findTask(ctx, tx, "", newID)
		return err
	})
	return task, err
}

// FindInspectors lists the active roster of a department, as the roster
// ids AcceptTask takes: the actor's own department, or any for an actor
// who reads all departments.
func (db *DB) FindInspectors(ctx context.Context, dept string) ([]enforcement.UserRef, error) {
	a, err := enforcement.RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	if scope := deptScope(a); scope != "" {
		dept = scope
	}
	rows, err := db.Pool.Query(ctx, `SELECT id, name FROM inspectors WHERE department_code = $1 AND active ORDER BY id`, dept)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowToStructByPos[enforcement.UserRef])
}

// sameIDs reports whether a and b hold the same ids, in any order.
func sameIDs(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	x, y := slices.Clone(a), slices.Clone(b)
	slices.Sort(x)
	slices.Sort(y)
	return slices.Equal(x, y)
}
