package postgres_test

import (
	"strings"
	"testing"

	"github.com/jointops/jointops/enforcement"
)

// draftOperation creates a draft over both departments for the window.
func (b *testBundle) draftOperation(t *testing.T, from, to string) *enforcement.OperationCreate {
	t.Helper()
	return &enforcement.OperationCreate{
		Title: "夏季联合执法", LeadDepartment: "EMB", Departments: []string{"MSA"},
		WindowStart: enforcement.MustParseDate(from), WindowEnd: enforcement.MustParseDate(to),
	}
}

func TestPlanDrawsInspectorsAndRecordsTheSummary(t *testing.T) {
	t.Parallel()
	b := setup(t)
	op := b.plannedOperation(t)
	if op.Summary == nil || op.Summary.Visits != 3 || op.Summary.Tasks != 5 || op.Summary.VisitsSaved != 2 {
		t.Fatalf("summary = %+v", op.Summary)
	}
	// Every task drew both of its department's two inspectors.
	if n := count(t, b.pool, `SELECT sum(cardinality(drawn_inspector_ids)) FROM tasks`); n != 10 {
		t.Fatalf("%d drawn inspectors, want 10 (5 tasks × 2)", n)
	}
	// No department over its capacity of 1 team × 4 visits a day.
	if n := count(t, b.pool, `SELECT count(*) FROM (SELECT t.department_code, v.scheduled_on FROM tasks t JOIN visits v ON v.id = t.visit_id GROUP BY 1, 2 HAVING count(*) > 4) x`); n != 0 {
		t.Fatalf("%d department-days over capacity", n)
	}
}

func TestPreviewSavesNothing(t *testing.T) {
	t.Parallel()
	b := setup(t)
	s, err := b.db.PreviewOperation(b.as("coord"), b.draftOperation(t, "2026-03-09", "2026-03-13"))
	if err != nil {
		t.Fatal(err)
	}
	if s.Visits != 3 || s.PerDepartment["EMB"] != 3 || s.PerDepartment["MSA"] != 2 || s.BusiestDay["EMB"].Capacity != 4 {
		t.Fatalf("preview = %+v", s)
	}
	if n := count(t, b.pool, `SELECT (SELECT count(*) FROM operations) + (SELECT count(*) FROM visits) + (SELECT count(*) FROM audit_events WHERE subject_kind = 'operation')`); n != 0 {
		t.Fatalf("preview wrote %d rows", n)
	}
	_, err = b.db.PreviewOperation(b.as("emb-lead"), b.draftOperation(t, "2026-03-09", "2026-03-13"))
	wantCode(t, err, enforcement.EFORBIDDEN)
}

func TestPlanThatDoesNotFitLeavesNothingAndSaysWhy(t *testing.T) {
	t.Parallel()
	b := setup(t)
	// One working day (Friday 6 March, after acceptance due Wednesday... the
	// first day is Thursday 5 March): 3 EMB visits fit 4 a day, so make the
	// team smaller: deactivate one EMB inspector.
	if _, err := b.db.SetInspectorActive(b.as("admin"), b.roster["emb-i2"], false); err != nil {
		t.Fatal(err)
	}
	c := b.draftOperation(t, "2026-03-05", "2026-03-06")
	op, err := b.db.CreateOperation(b.as("coord"), c)
	if err != nil {
		t.Fatal(err)
	}
	b.db.SubmitOperation(b.as("coord"), op.ID)
	if err := b.db.PlanOperation(b.ctx, op.ID); err != nil {
		t.Fatal(err)
	}
	op, _ = b.db.FindOperationByID(b.as("coord"), op.ID)
	if op.Status != enforcement.OperationDraft || !strings.Contains(op.PlanError, "EMB has 1 active inspector") {
		t.Fatalf("status %s, plan error %q", op.Status, op.PlanError)
	}
	if n := count(t, b.pool, `SELECT count(*) FROM visits`); n != 0 {
		t.Fatalf("a failed plan left %d visits", n)
	}
	if n := count(t, b.pool, `SELECT count(*) FROM notifications WHERE kind = 'plan_failed'`); n != 1 {
		t.Fatalf("the coordinator was not told: %d", n)
	}
}

func TestReplanWithdrawsTasksAndDrawsAgain(t *testing.T) {
	t.Parallel()
	b := setup(t)
	op := b.plannedOperation(t)
	again, err := b.db.ReplanOperation(b.as("coord"), op.ID)
	if err != nil {
		t.Fatal(err)
	}
	if again.Status != enforcement.OperationPlanning || count(t, b.pool, `SELECT count(*) FROM visits`) != 0 {
		t.Fatalf("after re-plan: %s, %d visits", again.Status, count(t, b.pool, `SELECT count(*) FROM visits`))
	}
	if n := count(t, b.pool, `SELECT count(*) FROM notifications WHERE kind = 'tasks_withdrawn'`); n != 2 {
		t.Fatalf("%d leads told of the withdrawal, want 2", n)
	}
	if err := b.db.PlanOperation(b.ctx, op.ID); err != nil {
		t.Fatal(err)
	}
	replanned, _ := b.db.FindOperationByID(b.as("coord"), op.ID)
	if replanned.Status != enforcement.OperationPlanned || replanned.Seed == op.Seed || replanned.TaskCount != 5 {
		t.Fatalf("re-planned = %+v", replanned)
	}
	// Once a department accepted, re-planning is refused.
	tasks, _ := b.db.FindTasks(b.as("emb-lead"), enforcement.TaskFilter{})
	if _, err := b.db.AcceptTask(b.as("emb-lead"), tasks[0].ID, b.rosterIDs("emb-i1", "emb-i2")); err != nil {
		t.Fatal(err)
	}
	_, err = b.db.ReplanOperation(b.as("coord"), op.ID)
	wantCode(t, err, enforcement.ECONFLICT)
}

func TestVerifyDrawMatchesAndCatchesTampering(t *testing.T) {
	t.Parallel()
	b := setup(t)
	op := b.plannedOperation(t)
	v, err := b.db.VerifyDraw(b.as("msa-lead"), op.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !v.Match || v.SnapshotDigest != op.CandidateDigest {
		t.Fatalf("verification = %+v", v)
	}
	// The register changing later does not matter: the snapshot is stored.
	mustExec(t, b.pool, `UPDATE enterprises SET risk_grade = 3`)
	if v, _ := b.db.VerifyDraw(b.as("coord"), op.ID); !v.Match {
		t.Fatalf("a register change broke verification: %+v", v)
	}
	// Moving a visit to another day is caught.
	mustExec(t, b.pool, `UPDATE visits SET scheduled_on = scheduled_on + 1 WHERE draw_rank = 0`)
	v, _ = b.db.VerifyDraw(b.as("coord"), op.ID)
	if v.Match || len(v.Mismatches) == 0 || !strings.Contains(v.Mismatches[0], "draw rank 0") {
		t.Fatalf("tampering not caught: %+v", v)
	}
}

func TestYearlyMaximumHoldsAcrossOperations(t *testing.T) {
	t.Parallel()
	b := setup(t)
	mustExec(t, b.pool, `UPDATE frequency_rules SET min_per_year = 0, max_per_year = 1`)
	first := b.plannedOperation(t)
	if first.VisitCount != 3 {
		t.Fatalf("first operation has %d visits", first.VisitCount)
	}
	op, err := b.db.CreateOperation(b.as("coord"), b.draftOperation(t, "2026-03-16", "2026-03-20"))
	if err != nil {
		t.Fatal(err)
	}
	b.db.SubmitOperation(b.as("coord"), op.ID)
	if err := b.db.PlanOperation(b.ctx, op.ID); err != nil {
		t.Fatal(err)
	}
	op, _ = b.db.FindOperationByID(b.as("coord"), op.ID)
	if op.Status != enforcement.OperationDraft || op.VisitCount != 0 || !strings.Contains(op.PlanError, "3 are at their yearly maximum") {
		t.Fatalf("second operation = %s, %d visits, plan error %q", op.Status, op.VisitCount, op.PlanError)
	}
}

func TestOperationsShareCapacityAndTheMinimumGap(t *testing.T) {
	t.Parallel()
	b := setup(t)
	first := b.plannedOperation(t) // 3 visits in the week of 9 March, EMB on all 3
	if first.VisitCount != 3 {
		t.Fatalf("first: %d visits", first.VisitCount)
	}
	// EMB has one team of two: 4 visits a day. Fill the rest of that week
	// with a second operation over the same enterprises, and no gap rule.
	mustExec(t, b.pool, `UPDATE departments SET visits_per_team_per_day = 1 WHERE code = 'EMB'`)
	c := b.draftOperation(t, "2026-03-09", "2026-03-10")
	op, err := b.db.CreateOperation(b.as("coord"), c)
	if err != nil {
		t.Fatal(err)
	}
	b.db.SubmitOperation(b.as("coord"), op.ID)
	b.db.PlanOperation(b.ctx, op.ID)
	op, _ = b.db.FindOperationByID(b.as("coord"), op.ID)
	// The first operation's visits fell on 9, 10 and 12 March, so its team
	// is at the new limit of one visit on both days of the second window.
	if op.Status != enforcement.OperationDraft || !strings.Contains(op.PlanError, "other operations already booked 2") {
		t.Fatalf("second operation %s, plan error %q: the first operation's bookings were not counted", op.Status, op.PlanError)
	}

	// With a 30-day gap, enterprises another operation visits in the window's
	// 30 days are left out.
	gap := b.draftOperation(t, "2026-03-23", "2026-03-27")
	gap.Criteria.MinGapDays = 30
	s, err := b.db.PreviewOperation(b.as("coord"), gap)
	if enforcement.ErrorCode(err) != enforcement.EINVALID || !strings.Contains(enforcement.ErrorMessage(err), "select no enterprise") {
		t.Fatalf("preview with a 30-day gap = %+v, %v; want no enterprise selected", s, err)
	}
}
