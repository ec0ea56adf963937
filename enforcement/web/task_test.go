package web_test

import (
	"net/http"
	"testing"

	"github.com/jointops/jointops/enforcement"
)

// TestTaskOfAnotherDepartmentIsNotFound: DESIGN.md §5, another
// department's id answers 404, never 403 with data.
func TestTaskOfAnotherDepartmentIsNotFound(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.plannedOperation(t)
	emb := b.tasksOf(t, "emb-lead", "?status=pending")
	if len(emb) == 0 {
		t.Fatal("EMB has no pending task")
	}
	id := itoa(emb[0].ID)
	msaInspectors := map[string]any{"inspector_ids": b.rosterIDs(t, "MSA", 2)}

	b.do(t, "msa-lead", "GET", "/api/v1/tasks/"+id, nil).problem(http.StatusNotFound, "/not_found")
	b.do(t, "msa-lead", "POST", "/api/v1/tasks/"+id+"/accept", msaInspectors).problem(http.StatusNotFound, "/not_found")
	b.do(t, "msa-lead", "POST", "/api/v1/tasks/"+id+"/decline", map[string]string{"reason": "不是我们的"}).problem(http.StatusNotFound, "/not_found")
	for _, task := range b.tasksOf(t, "msa-lead", "") {
		if task.Department != "MSA" {
			t.Fatalf("MSA lists task %d of %s", task.ID, task.Department)
		}
	}
	// The task is untouched.
	var task enforcement.Task
	b.do(t, "emb-lead", "GET", "/api/v1/tasks/"+id, nil).want(http.StatusOK).decode(&task)
	if task.Status != enforcement.TaskPending {
		t.Fatalf("status = %s", task.Status)
	}
}

// TestAcceptNeedsTwoInspectors: 行政处罚法 art. 42.
func TestAcceptNeedsTwoInspectors(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.plannedOperation(t)
	id := itoa(b.tasksOf(t, "emb-lead", "?status=pending")[0].ID)

	emb, msa := b.rosterIDs(t, "EMB", 1)[0], b.rosterIDs(t, "MSA", 1)[0]
	p := b.do(t, "emb-lead", "POST", "/api/v1/tasks/"+id+"/accept",
		map[string]any{"inspector_ids": []int64{emb}}).problem(http.StatusUnprocessableEntity, "/invalid")
	if p.Errors["inspector_ids"] == "" || p.Code != enforcement.EINVALID {
		t.Fatalf("problem = %+v, want errors.inspector_ids", p)
	}
	// An inspector of another department's roster does not count.
	p = b.do(t, "emb-lead", "POST", "/api/v1/tasks/"+id+"/accept",
		map[string]any{"inspector_ids": []int64{emb, msa}}).problem(http.StatusUnprocessableEntity, "/invalid")
	if p.Errors["inspector_ids"] == "" {
		t.Fatalf("problem = %+v, want errors.inspector_ids", p)
	}

	// The picker lists EMB's active roster (12 in the demo data).
	var inspectors struct{ Inspectors []enforcement.UserRef }
	b.do(t, "emb-lead", "GET", "/api/v1/inspectors?department=MSA", nil).want(http.StatusOK).decode(&inspectors)
	if len(inspectors.Inspectors) != 12 || inspectors.Inspectors[0].ID != emb || inspectors.Inspectors[0].Name != "李娜" {
		t.Fatalf("inspectors = %+v", inspectors.Inspectors)
	}
	var task enforcement.Task
	b.do(t, "emb-lead", "POST", "/api/v1/tasks/"+id+"/accept",
		map[string]any{"inspector_ids": []int64{inspectors.Inspectors[0].ID, inspectors.Inspectors[1].ID}}).want(http.StatusOK).decode(&task)
	if task.Status != enforcement.TaskAccepted || len(task.Inspectors) != 2 {
		t.Fatalf("task = %+v", task)
	}
	b.do(t, "emb-lead", "POST", "/api/v1/tasks/"+id+"/decline", map[string]string{"reason": "太晚了"}).problem(http.StatusConflict, "/conflict")
}

func TestDeclineAndReassign(t *testing.T) {
	t.Parallel()
	b := setup(t)
	op := b.plannedOperation(t)
	msa := b.tasksOf(t, "msa-lead", "?operation_id="+itoa(op.ID))
	id := itoa(msa[0].ID)

	p := b.do(t, "msa-lead", "POST", "/api/v1/tasks/"+id+"/decline", map[string]string{"reason": " "}).problem(http.StatusUnprocessableEntity, "/invalid")
	if p.Errors["reason"] == "" {
		t.Fatalf("problem = %+v", p)
	}
	b.do(t, "msa-lead", "POST", "/api/v1/tasks/"+id+"/decline", map[string]string{"reason": "人手不足"}).want(http.StatusOK)
	b.do(t, "msa-lead", "POST", "/api/v1/tasks/"+id+"/reassign", map[string]string{"department": "FIRE"}).problem(http.StatusForbidden, "/forbidden")

	r := b.do(t, "coord", "POST", "/api/v1/tasks/"+id+"/reassign", map[string]string{"department": "FIRE"}).want(http.StatusCreated)
	var task enforcement.Task
	r.decode(&task)
	if task.Department != "FIRE" || task.Status != enforcement.TaskPending || r.Header().Get("Location") != "/api/v1/tasks/"+itoa(task.ID) {
		t.Fatalf("task = %+v, Location %q", task, r.Header().Get("Location"))
	}
	// The coordinator was told of the decline.
	var inbox struct{ Notifications []enforcement.Notification }
	b.do(t, "coord", "GET", "/api/v1/notifications?unread=true", nil).want(http.StatusOK).decode(&inbox)
	if len(inbox.Notifications) != 1 || inbox.Notifications[0].Kind != "task_declined" {
		t.Fatalf("coordinator inbox = %+v", inbox.Notifications)
	}
}
