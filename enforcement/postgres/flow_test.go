package postgres_test

import (
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jointops/jointops/enforcement"
)

func TestPlanOperation(t *testing.T) {
	t.Parallel()
	b := setup(t)
	op := b.plannedOperation(t)
	if op.Status != enforcement.OperationPlanned {
		t.Fatalf("status = %s, plan error %q", op.Status, op.PlanError)
	}
	// Three enterprises: metal (EMB) and two restaurants (EMB + MSA).
	if op.VisitCount != 3 || op.TaskCount != 5 {
		t.Fatalf("visits, tasks = %d, %d; want 3, 5", op.VisitCount, op.TaskCount)
	}
	if op.Seed == "" || op.CandidateDigest == "" || op.AlgorithmVersion != enforcement.DrawAlgorithmVersion {
		t.Fatalf("draw not recorded: %+v", op)
	}
	if n := count(t, b.pool, `SELECT count(*) FROM visits WHERE extract(isodow FROM scheduled_on) > 5 OR scheduled_on NOT BETWEEN '2026-03-09' AND '2026-03-13'`); n != 0 {
		t.Fatalf("%d visits outside the window's working days", n)
	}
	// Acceptance due 2 working days after dispatch (Mon 2 March → Wed 4 March).
	tasks, err := b.db.FindTasks(b.as("msa-lead"), enforcement.TaskFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(tasks) != 2 {
		t.Fatalf("MSA sees %d tasks, want 2", len(tasks))
	}
	for _, task := range tasks {
		if task.Department != "MSA" || task.AcceptanceDueOn.String() != "2026-03-04" || len(task.OtherDepartments) != 1 {
			t.Fatalf("task = %+v", task)
		}
	}
	// The lead was told.
	if n := count(t, b.pool, `SELECT count(*) FROM notifications WHERE user_id = $1 AND kind = 'tasks_dispatched'`, b.people["msa-lead"].UserID); n != 1 {
		t.Fatalf("msa-lead has %d dispatch notifications", n)
	}
	// Planning again is a no-op.
	if err := b.db.PlanOperation(b.ctx, op.ID); err != nil {
		t.Fatal(err)
	}
	if n := count(t, b.pool, `SELECT count(*) FROM tasks`); n != 5 {
		t.Fatalf("re-run made %d tasks", n)
	}
}

func TestTaskIsolationAndAcceptance(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.plannedOperation(t)
	embTasks, _ := b.db.FindTasks(b.as("emb-lead"), enforcement.TaskFilter{})
	id := embTasks[0].ID

	_, err := b.db.FindTaskByID(b.as("msa-lead"), id)
	wantCode(t, err, enforcement.ENOTFOUND)
	_, err = b.db.AcceptTask(b.as("msa-lead"), id, b.rosterIDs("msa-i1", "msa-i2"))
	wantCode(t, err, enforcement.ENOTFOUND)
	_, err = b.db.DeclineTask(b.as("msa-lead"), id, "not ours")
	wantCode(t, err, enforcement.ENOTFOUND)

	_, err = b.db.AcceptTask(b.as("emb-lead"), id, b.rosterIDs("emb-i1"))
	wantCode(t, err, enforcement.EINVALID)
	_, err = b.db.AcceptTask(b.as("emb-lead"), id, b.rosterIDs("emb-i1", "msa-i1"))
	wantCode(t, err, enforcement.EINVALID)
	task, err := b.db.AcceptTask(b.as("emb-lead"), id, b.rosterIDs("emb-i1", "emb-i2"))
	if err != nil {
		t.Fatal(err)
	}
	if task.Status != enforcement.TaskAccepted || len(task.Inspectors) != 2 {
		t.Fatalf("task = %+v", task)
	}
	_, err = b.db.AcceptTask(b.as("emb-lead"), id, b.rosterIDs("emb-i1", "emb-i2"))
	wantCode(t, err, enforcement.ECONFLICT)
	if n := count(t, b.pool, `SELECT count(*) FROM audit_events WHERE action = 'task.accepted' AND subject_id = $1`, id); n != 1 {
		t.Fatalf("%d audit events", n)
	}
}

func TestDeclineReassignAndAcceptanceEscalation(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.plannedOperation(t)
	msaTasks, _ := b.db.FindTasks(b.as("msa-lead"), enforcement.TaskFilter{})
	_, err := b.db.DeclineTask(b.as("msa-lead"), msaTasks[0].ID, "  ")
	wantCode(t, err, enforcement.EINVALID)
	if _, err := b.db.DeclineTask(b.as("msa-lead"), msaTasks[0].ID, "人手不足 / short of staff"); err != nil {
		t.Fatal(err)
	}
	if _, err := b.db.ReassignTask(b.as("coord"), msaTasks[0].ID, "FIRE"); err != nil {
		t.Fatal(err)
	}

	// Past the acceptance deadline (end of Wed 4 March), the tasks nobody
	// answered escalate once to the coordinator and their leads.
	b.clock.Advance(3 * 24 * time.Hour)
	res, err := b.db.SweepEscalations(b.ctx, b.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	// Of the 5 planned tasks the declined one's escalation was cancelled;
	// the 4 others and the new FIRE task (dispatched the same Monday, so
	// also due Wednesday) fire.
	if res.Fired != 5 {
		t.Fatalf("fired %d task escalations, want 5", res.Fired)
	}
	if n := count(t, b.pool, `SELECT count(*) FROM notifications WHERE user_id = $1 AND kind = 'escalation'`, b.people["coord"].UserID); n != 5 {
		t.Fatalf("coordinator has %d escalation notifications, want 5", n)
	}
	res, _ = b.db.SweepEscalations(b.ctx, b.clock.Now())
	if res.Fired != 0 {
		t.Fatalf("second sweep fired %d", res.Fired)
	}
}

// acceptedVisit plans, accepts EMB's task on the metal works, and returns
// its visit id.
func (b *testBundle) acceptedVisit(t *testing.T) int64 {
	t.Helper()
	b.plannedOperation(t)
	tasks, _ := b.db.FindTasks(b.as("emb-lead"), enforcement.TaskFilter{})
	for _, task := range tasks {
		if _, err := b.db.AcceptTask(b.as("emb-lead"), task.ID, b.rosterIDs("emb-i1", "emb-i2")); err != nil {
			t.Fatal(err)
		}
	}
	return tasks[0].VisitID
}

func (b *testBundle) issueOrder(t *testing.T, visitID int64, days int) *enforcement.RectificationOrder {
	t.Helper()
	h, err := b.db.RecordHazard(b.as("emb-i1"), &enforcement.HazardCreate{VisitID: visitID, Severity: enforcement.SeverityGeneral, Description: "灭火器过期 / expired extinguisher"})
	if err != nil {
		t.Fatal(err)
	}
	o, err := b.db.IssueOrder(b.as("emb-i1"), &enforcement.OrderCreate{HazardIDs: []int64{h.ID}, DueRule: enforcement.DueRule{WorkingDays: &days}})
	if err != nil {
		t.Fatal(err)
	}
	return o
}

func TestRectificationLadder(t *testing.T) {
	t.Parallel()
	b := setup(t)
	visitID := b.acceptedVisit(t)

	_, err := b.db.RecordHazard(b.as("msa-i1"), &enforcement.HazardCreate{VisitID: visitID, Severity: enforcement.SeverityGeneral, Description: "x"})
	if code := enforcement.ErrorCode(err); code != enforcement.ENOTFOUND && code != enforcement.ECONFLICT {
		t.Fatalf("MSA inspector recording on EMB-accepted visit: %v", err)
	}

	o := b.issueOrder(t, visitID, 5) // Mon 2 March + 5 working days = Mon 9 March
	if o.DueOn.String() != "2026-03-09" || o.DueRule != "working_days:5" {
		t.Fatalf("due %s by %s", o.DueOn, o.DueRule)
	}
	if len(o.Escalations) != 4 {
		t.Fatalf("ladder has %d levels, want reminder + 3", len(o.Escalations))
	}
	_, err = b.db.FindOrderByID(b.as("msa-lead"), o.ID)
	wantCode(t, err, enforcement.ENOTFOUND)

	// At the deadline (end of 9 March, Shanghai), level 1 fires; 2 working days later level 2.
	deadline := time.Date(2026, 3, 10, 0, 0, 0, 0, b.db.Location)
	b.sweepAt(t, deadline.Add(-time.Second))
	b.assertFired(t, o.ID, 0) // the reminder (Wed 4 March 09:00)
	b.sweepAt(t, deadline)
	b.assertFired(t, o.ID, 0, 1)
	got, _ := b.db.FindOrderByID(b.as("emb-lead"), o.ID)
	if got.Status != enforcement.OrderOverdue {
		t.Fatalf("status %s, want overdue", got.Status)
	}
	b.sweepAt(t, deadline.Add(2*24*time.Hour))
	b.assertFired(t, o.ID, 0, 1, 2)
	if n := count(t, b.pool, `SELECT count(*) FROM notifications WHERE user_id = $1 AND subject_id = $2 AND level = 2`, b.people["coord"].UserID, o.ID); n != 1 {
		t.Fatalf("coordinator got %d level-2 notifications", n)
	}

	// Evidence, verification: the order closes and level 3 never fires.
	if _, err := b.db.SubmitEvidence(b.as("emb-i2"), o.ID, &enforcement.EvidenceCreate{Text: "已更换灭火器"}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.db.VerifyOrder(b.as("emb-i2"), o.ID, &enforcement.VerificationCreate{Passed: ptr(true)}); err != nil {
		t.Fatal(err)
	}
	b.sweepAt(t, deadline.Add(30*24*time.Hour))
	b.assertFired(t, o.ID, 0, 1, 2)
	got, _ = b.db.FindOrderByID(b.as("emb-lead"), o.ID)
	if got.Status != enforcement.OrderVerified || got.ClosedAt == nil {
		t.Fatalf("order = %+v", got)
	}
}

func TestFailedVerificationStartsNewLadder(t *testing.T) {
	t.Parallel()
	b := setup(t)
	o := b.issueOrder(t, b.acceptedVisit(t), 3)
	b.db.SubmitEvidence(b.as("emb-i1"), o.ID, &enforcement.EvidenceCreate{Text: "done"})
	d := enforcement.MustParseDate("2026-03-20")
	got, err := b.db.VerifyOrder(b.as("emb-i1"), o.ID, &enforcement.VerificationCreate{Passed: ptr(false), Note: "仍未整改", NewDue: enforcement.DueRule{Date: &d}})
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != enforcement.OrderOpen || got.DueOn != d {
		t.Fatalf("order = %+v", got)
	}
	if n := count(t, b.pool, `SELECT count(*) FROM escalations WHERE subject_id = $1 AND status = 'pending' AND due_on = '2026-03-20'`, o.ID); n != 4 {
		t.Fatalf("%d pending levels on the new due date", n)
	}
}

func TestSweepFiresExactlyOnceUnderConcurrency(t *testing.T) {
	t.Parallel()
	b := setup(t)
	visitID := b.acceptedVisit(t)
	var orders []int64
	for range 20 {
		orders = append(orders, b.issueOrder(t, visitID, 1).ID)
	}
	at := time.Date(2026, 4, 1, 0, 0, 0, 0, b.db.Location) // past every level
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := b.db.SweepEscalations(b.ctx, at); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	// Each order: levels 1-3 (the reminder fell before issue) fire once each.
	if n := count(t, b.pool, `SELECT count(*) FROM escalations WHERE subject_kind = 'rectification_order' AND status = 'fired'`); n != 3*len(orders) {
		t.Fatalf("fired %d, want %d", n, 3*len(orders))
	}
	if n := count(t, b.pool, `SELECT count(*) FROM (SELECT escalation_id, user_id FROM notifications WHERE escalation_id IS NOT NULL GROUP BY 1, 2 HAVING count(*) > 1) d`); n != 0 {
		t.Fatalf("%d duplicate notifications", n)
	}
	if n := count(t, b.pool, `SELECT count(*) FROM rectification_orders WHERE listed`); n != len(orders) {
		t.Fatalf("%d listed, want %d", n, len(orders))
	}
}

func (b *testBundle) sweepAt(t *testing.T, at time.Time) {
	t.Helper()
	if _, err := b.db.SweepEscalations(b.ctx, at); err != nil {
		t.Fatal(err)
	}
}

func (b *testBundle) assertFired(t *testing.T, orderID int64, levels ...int) {
	t.Helper()
	rows, err := b.pool.Query(b.ctx, `SELECT level FROM escalations WHERE subject_kind = 'rectification_order' AND subject_id = $1 AND status = 'fired' ORDER BY level`, orderID)
	if err != nil {
		t.Fatal(err)
	}
	var got []int
	for rows.Next() {
		var l int
		rows.Scan(&l)
		got = append(got, l)
	}
	if len(got) != len(levels) {
		t.Fatalf("fired levels %v, want %v", got, levels)
	}
	for i := range got {
		if got[i] != levels[i] {
			t.Fatalf("fired levels %v, want %v", got, levels)
		}
	}
}

func TestDueDateMustBeAWorkingDay(t *testing.T) {
	t.Parallel()
	b := setup(t)
	visitID := b.acceptedVisit(t)
	h, err := b.db.RecordHazard(b.as("emb-i1"), &enforcement.HazardCreate{VisitID: visitID, Severity: enforcement.SeverityMajor, Description: "违规动火"})
	if err != nil {
		t.Fatal(err)
	}
	saturday := enforcement.MustParseDate("2026-03-14")
	_, err = b.db.IssueOrder(b.as("emb-i1"), &enforcement.OrderCreate{HazardIDs: []int64{h.ID}, DueRule: enforcement.DueRule{Date: &saturday}})
	wantCode(t, err, enforcement.EINVALID)
	if msg := enforcement.ErrorMessage(err); !strings.Contains(msg, "2026-03-16") {
		t.Fatalf("the message does not name the next working day: %s", msg)
	}
}

func TestOtherDepartmentsOrderIsNotFoundBeforeInputIsChecked(t *testing.T) {
	t.Parallel()
	b := setup(t)
	o := b.issueOrder(t, b.acceptedVisit(t), 3)
	_, err := b.db.SubmitEvidence(b.as("msa-i1"), o.ID, &enforcement.EvidenceCreate{Text: ""})
	wantCode(t, err, enforcement.ENOTFOUND)
	_, err = b.db.CancelOrder(b.as("msa-lead"), o.ID, "")
	wantCode(t, err, enforcement.ENOTFOUND)
	_, err = b.db.AcceptTask(b.as("msa-lead"), 1, nil)
	if code := enforcement.ErrorCode(err); code != enforcement.ENOTFOUND && code != enforcement.EFORBIDDEN {
		t.Fatalf("err = %v", err)
	}
	_, err = b.db.VerifyOrder(b.as("emb-i1"), o.ID, &enforcement.VerificationCreate{})
	wantCode(t, err, enforcement.ECONFLICT) // not submitted yet
}

func TestReassignNotifiesTheNewDepartment(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.plannedOperation(t)
	msaTasks, _ := b.db.FindTasks(b.as("msa-lead"), enforcement.TaskFilter{})
	b.db.DeclineTask(b.as("msa-lead"), msaTasks[0].ID, "人手不足")
	_, err := b.db.ReassignTask(b.as("coord"), msaTasks[0].ID, "")
	wantCode(t, err, enforcement.EINVALID)
	_, err = b.db.ReassignTask(b.as("coord"), msaTasks[0].ID, "NOPE")
	wantCode(t, err, enforcement.EINVALID)
	fire := &enforcement.Actor{Issuer: "test", Subject: "fire-lead", Name: "fire-lead", Department: "FIRE", Roles: []enforcement.Role{enforcement.RoleDeptLead}}
	if err := b.db.UpsertUser(b.ctx, fire); err != nil {
		t.Fatal(err)
	}
	task, err := b.db.ReassignTask(b.as("coord"), msaTasks[0].ID, "FIRE")
	if err != nil {
		t.Fatal(err)
	}
	if n := count(t, b.pool, `SELECT count(*) FROM notifications WHERE user_id = $1 AND kind = 'task_reassigned' AND subject_id = $2`, fire.UserID, task.ID); n != 1 {
		t.Fatalf("the FIRE lead has %d notifications of the reassigned task", n)
	}
	op, _ := b.db.FindOperationByID(b.as("coord"), task.OperationID)
	if !slices.Contains(op.Departments, "FIRE") {
		t.Fatalf("FIRE did not join the operation: %v", op.Departments)
	}
}

func TestLateVerificationEscalatesToTheLead(t *testing.T) {
	t.Parallel()
	b := setup(t)
	o := b.issueOrder(t, b.acceptedVisit(t), 3)
	got, err := b.db.SubmitEvidence(b.as("emb-i1"), o.ID, &enforcement.EvidenceCreate{Text: "已整改"})
	if err != nil {
		t.Fatal(err)
	}
	// Evidence on Mon 2 March: verification due by the end of 12 March.
	verifyAt := time.Date(2026, 3, 13, 0, 0, 0, 0, b.db.Location)
	if got.VerificationDueAt == nil || !got.VerificationDueAt.Equal(verifyAt) {
		t.Fatalf("verification due %v, want %v", got.VerificationDueAt, verifyAt)
	}
	b.sweepAt(t, verifyAt.Add(-time.Second))
	lead := b.people["emb-lead"].UserID
	if n := count(t, b.pool, `SELECT count(*) FROM notifications WHERE user_id = $1 AND kind = 'verification_late'`, lead); n != 0 {
		t.Fatal("escalated before the verification was due")
	}
	b.sweepAt(t, verifyAt)
	b.sweepAt(t, verifyAt.Add(time.Hour))
	if n := count(t, b.pool, `SELECT count(*) FROM notifications WHERE user_id = $1 AND kind = 'verification_late' AND subject_id = $2`, lead, o.ID); n != 1 {
		t.Fatalf("the lead has %d late-verification notifications, want 1", n)
	}
	if n := count(t, b.pool, `SELECT count(*) FROM audit_events WHERE action = 'verification.escalated' AND subject_id = $1`, o.ID); n != 1 {
		t.Fatalf("%d audit events of the late verification", n)
	}
	// The order is still waiting for verification, not overdue.
	if got, _ := b.db.FindOrderByID(b.as("emb-lead"), o.ID); got.Status != enforcement.OrderSubmitted {
		t.Fatalf("status %s", got.Status)
	}
	// Verifying stops nothing more: the clock fired once and is done.
	if _, err := b.db.VerifyOrder(b.as("emb-i1"), o.ID, &enforcement.VerificationCreate{Passed: ptr(true)}); err != nil {
		t.Fatal(err)
	}
}

func TestEscalationFiringIsAudited(t *testing.T) {
	t.Parallel()
	b := setup(t)
	o := b.issueOrder(t, b.acceptedVisit(t), 1)
	b.sweepAt(t, time.Date(2026, 4, 1, 0, 0, 0, 0, b.db.Location))
	if n := count(t, b.pool, `SELECT count(*) FROM audit_events WHERE action = 'escalation.fired' AND subject_kind = 'rectification_order' AND subject_id = $1`, o.ID); n != 3 {
		t.Fatalf("%d audit events for 3 fired levels", n)
	}
}
