package postgres_test

import (
	"strings"
	"testing"

	"github.com/jointops/jointops/enforcement"
)

// drawn replaces the inspectors drawn for a task by hand, as the plan job
// records them.
func (b *testBundle) drawn(t *testing.T, taskID int64, inspectorIDs ...int64) {
	t.Helper()
	if inspectorIDs == nil {
		inspectorIDs = []int64{}
	}
	mustExec(t, b.pool, `UPDATE tasks SET drawn_inspector_ids = $2 WHERE id = $1`, taskID, inspectorIDs)
}

func TestAcceptWithDrawnInspectors(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.plannedOperation(t)
	tasks, _ := b.db.FindTasks(b.as("emb-lead"), enforcement.TaskFilter{})
	if len(tasks) < 3 {
		t.Fatalf("EMB has %d tasks", len(tasks))
	}
	third := b.createInspector(t, "emb-lead", &enforcement.InspectorCreate{Name: "陈志伟", CertificateNo: "44030320240103"})

	// Two drawn: accepting without ids assigns them, and the task shows the draw.
	b.drawn(t, tasks[0].ID, b.rosterIDs("emb-i1", "emb-i2")...)
	task, err := b.db.AcceptTask(b.as("emb-lead"), tasks[0].ID, nil)
	if err != nil {
		t.Fatal(err)
	}
	if task.Status != enforcement.TaskAccepted || len(task.Inspectors) != 2 || task.Inspectors[0].ID != b.roster["emb-i1"] ||
		task.Inspectors[1].ID != b.roster["emb-i2"] || task.Inspectors[0].Name != "emb-i1" || len(task.DrawnInspectors) != 2 {
		t.Fatalf("task = %+v", task)
	}
	if n := count(t, b.pool, `SELECT count(*) FROM audit_events WHERE action = 'task.accepted' AND subject_id = $1 AND details->>'as_drawn' = 'true'`, task.ID); n != 1 {
		t.Fatal("the acceptance as drawn is not in the audit trail")
	}

	// One drawn: the lead must pick.
	b.drawn(t, tasks[1].ID, b.roster["emb-i1"])
	_, err = b.db.AcceptTask(b.as("emb-lead"), tasks[1].ID, nil)
	wantCode(t, err, enforcement.EINVALID)
	if msg := enforcement.ErrorMessage(err); !strings.Contains(msg, "pick") {
		t.Fatalf("message %q does not ask to pick inspectors", msg)
	}
	// Naming inspectors overrides the draw; the trail keeps what was drawn.
	task, err = b.db.AcceptTask(b.as("emb-lead"), tasks[1].ID, []int64{third.ID, b.roster["emb-i2"]})
	if err != nil {
		t.Fatal(err)
	}
	if len(task.Inspectors) != 2 || len(task.DrawnInspectors) != 1 || task.DrawnInspectors[0].ID != b.roster["emb-i1"] {
		t.Fatalf("task = %+v", task)
	}

	// Three drawn, one deactivated since: the two still active are assigned.
	b.drawn(t, tasks[2].ID, third.ID, b.roster["emb-i1"], b.roster["emb-i2"])
	if _, err := b.db.SetInspectorActive(b.as("emb-lead"), b.roster["emb-i1"], false); err != nil {
		t.Fatal(err)
	}
	task, err = b.db.AcceptTask(b.as("emb-lead"), tasks[2].ID, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(task.Inspectors) != 2 || task.Inspectors[0].ID != b.roster["emb-i2"] || task.Inspectors[1].ID != third.ID {
		t.Fatalf("task = %+v", task)
	}
}

func TestAcceptChecksTheRoster(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.plannedOperation(t)
	tasks, _ := b.db.FindTasks(b.as("emb-lead"), enforcement.TaskFilter{})
	id := tasks[0].ID

	// Another department's entries and an inactive entry do not count.
	_, err := b.db.AcceptTask(b.as("emb-lead"), id, b.rosterIDs("msa-i1", "msa-i2"))
	wantCode(t, err, enforcement.EINVALID)
	third := b.createInspector(t, "admin", &enforcement.InspectorCreate{Department: "EMB", Name: "离岗", CertificateNo: "X1", Active: ptr(false)})
	_, err = b.db.AcceptTask(b.as("emb-lead"), id, []int64{b.roster["emb-i1"], third.ID})
	wantCode(t, err, enforcement.EINVALID)

	// A recused inspector cannot be assigned to the enterprise's task.
	if err := b.db.CreateRecusal(b.as("emb-lead"), &enforcement.Recusal{InspectorID: b.roster["emb-i2"], EnterpriseID: tasks[0].EnterpriseID, Reason: "曾在该企业任职"}); err != nil {
		t.Fatal(err)
	}
	_, err = b.db.AcceptTask(b.as("emb-lead"), id, b.rosterIDs("emb-i1", "emb-i2"))
	wantCode(t, err, enforcement.EINVALID)
	if msg := enforcement.ErrorMessage(err); !strings.Contains(msg, "emb-i2") || !strings.Contains(msg, "回避") {
		t.Fatalf("message %q does not name the recused inspector", msg)
	}
	b.drawn(t, id, b.rosterIDs("emb-i1", "emb-i2")...)
	_, err = b.db.AcceptTask(b.as("emb-lead"), id, nil)
	wantCode(t, err, enforcement.EINVALID)
	if n := count(t, b.pool, `SELECT count(*) FROM task_inspectors`); n != 0 {
		t.Fatalf("%d assignments after refusals", n)
	}
}

// The trail says the draw was kept whether the lead named the drawn team
// (as the page does, with the drawn pair ticked) or named no one.
func TestAcceptNamingTheDrawnTeamIsAsDrawn(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.plannedOperation(t)
	tasks, _ := b.db.FindTasks(b.as("emb-lead"), enforcement.TaskFilter{})
	if len(tasks) < 2 {
		t.Fatalf("EMB has %d tasks", len(tasks))
	}
	third := b.createInspector(t, "emb-lead", &enforcement.InspectorCreate{Name: "陈志伟", CertificateNo: "44030320240103"})
	asDrawn := func(taskID int64) string {
		var v string
		if err := b.pool.QueryRow(b.ctx, `SELECT details->>'as_drawn' FROM audit_events WHERE action = 'task.accepted' AND subject_id = $1`, taskID).Scan(&v); err != nil {
			t.Fatal(err)
		}
		return v
	}
	b.drawn(t, tasks[0].ID, b.rosterIDs("emb-i1", "emb-i2")...)
	if _, err := b.db.AcceptTask(b.as("emb-lead"), tasks[0].ID, []int64{b.roster["emb-i2"], b.roster["emb-i1"]}); err != nil {
		t.Fatal(err)
	}
	if got := asDrawn(tasks[0].ID); got != "true" {
		t.Errorf("naming the drawn pair: as_drawn = %s, want true", got)
	}
	b.drawn(t, tasks[1].ID, b.rosterIDs("emb-i1", "emb-i2")...)
	if _, err := b.db.AcceptTask(b.as("emb-lead"), tasks[1].ID, []int64{b.roster["emb-i1"], third.ID}); err != nil {
		t.Fatal(err)
	}
	if got := asDrawn(tasks[1].ID); got != "false" {
		t.Errorf("changing the pair: as_drawn = %s, want false", got)
	}
}
