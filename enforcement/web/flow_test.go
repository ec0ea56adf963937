package web_test

import (
	"net/http"
	"testing"

	"github.com/jointops/jointops/enforcement"
)

// TestInspectionFlow walks one visit through the API: draw, accept, record
// a hazard, issue a rectification order, evidence, verification, and the
// audit trail of it all.
func TestInspectionFlow(t *testing.T) {
	t.Parallel()
	b := setup(t)
	op := b.plannedOperation(t)

	var d map[string]any
	b.do(t, "emb-i1", "GET", "/api/v1/operations/"+itoa(op.ID)+"/draw", nil).want(http.StatusOK).decode(&d)
	if d["seed"] != op.Seed || d["algorithm_version"] != enforcement.DrawAlgorithmVersion || d["candidate_digest"] == "" || d["candidate_count"].(float64) < 1 {
		t.Fatalf("draw = %v", d)
	}
	var ops struct{ Operations []enforcement.Operation }
	b.do(t, "emb-lead", "GET", "/api/v1/operations?status=planned", nil).want(http.StatusOK).decode(&ops)
	if len(ops.Operations) != 1 || ops.Operations[0].ID != op.ID {
		t.Fatalf("operations = %+v", ops.Operations)
	}

	task := b.tasksOf(t, "emb-lead", "?status=pending&limit=1")[0]
	ids := b.rosterIDs(t, "EMB", 2)
	b.do(t, "emb-lead", "POST", "/api/v1/tasks/"+itoa(task.ID)+"/accept", map[string]any{"inspector_ids": ids}).want(http.StatusOK)

	var visit enforcement.Visit
	b.do(t, "emb-i1", "GET", "/api/v1/visits/"+itoa(task.VisitID), nil).want(http.StatusOK).decode(&visit)
	if visit.EnterpriseName != task.EnterpriseName || len(visit.Tasks) < 2 {
		t.Fatalf("visit = %+v; want the joint team of EMB and MSA", visit)
	}

	var hazard enforcement.Hazard
	b.do(t, "emb-i1", "POST", "/api/v1/visits/"+itoa(task.VisitID)+"/hazards", map[string]any{
		"severity": "general", "negative_list": true, "description": "焊接作业区未配置灭火器",
	}).want(http.StatusCreated).decode(&hazard)
	if hazard.Severity != enforcement.SeverityMajor || hazard.VisitID != task.VisitID {
		t.Fatalf("hazard = %+v; a negative-list hit is major", hazard)
	}
	b.do(t, "emb-i1", "POST", "/api/v1/visits/"+itoa(task.VisitID)+"/hazards", map[string]any{
		"severity": "grave", "description": "x",
	}).problem(http.StatusUnprocessableEntity, "/invalid")

	var order enforcement.RectificationOrder
	r := b.do(t, "emb-i1", "POST", "/api/v1/rectification-orders", map[string]any{
		"hazard_ids": []int64{hazard.ID}, "due_working_days": 5,
	}).want(http.StatusCreated)
	r.decode(&order)
	if order.Status != enforcement.OrderOpen || order.DueOn.String() != "2026-03-09" || order.DueRule != "working_days:5" || len(order.Escalations) == 0 {
		t.Fatalf("order = %+v", order)
	}
	if r.Header().Get("Location") != "/api/v1/rectification-orders/"+itoa(order.ID) {
		t.Fatalf("Location = %q", r.Header().Get("Location"))
	}
	oid := itoa(order.ID)
	b.do(t, "msa-lead", "GET", "/api/v1/rectification-orders/"+oid, nil).problem(http.StatusNotFound, "/not_found")
	b.do(t, "emb-i1", "POST", "/api/v1/rectification-orders/"+oid+"/verify", map[string]any{"passed": true}).problem(http.StatusConflict, "/conflict")
	b.do(t, "emb-i1", "POST", "/api/v1/rectification-orders/"+oid+"/evidence", map[string]string{"text": "已配置4具灭火器，附照片"}).want(http.StatusOK)
	b.do(t, "emb-i2", "POST", "/api/v1/rectification-orders/"+oid+"/verify", map[string]any{"passed": true, "note": "复查合格"}).want(http.StatusOK).decode(&order)
	if order.Status != enforcement.OrderVerified || order.ClosedAt == nil {
		t.Fatalf("order = %+v", order)
	}
	var ledger struct {
		RectificationOrders []enforcement.RectificationOrder `json:"rectification_orders"`
	}
	b.do(t, "emb-lead", "GET", "/api/v1/rectification-orders?status=verified&listed=false", nil).want(http.StatusOK).decode(&ledger)
	if len(ledger.RectificationOrders) != 1 {
		t.Fatalf("ledger = %+v", ledger)
	}
	b.do(t, "emb-lead", "POST", "/api/v1/rectification-orders/"+oid+"/cancel", map[string]string{"reason": "x"}).problem(http.StatusConflict, "/conflict")

	var audit struct {
		AuditEvents []enforcement.AuditEvent `json:"audit_events"`
	}
	b.do(t, "auditor", "GET", "/api/v1/audit-events?subject_kind=rectification_order&subject_id="+oid, nil).want(http.StatusOK).decode(&audit)
	if len(audit.AuditEvents) != 3 { // issued, evidence, verified
		t.Fatalf("audit events = %+v", audit.AuditEvents)
	}
}

func TestInboxAndMe(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.plannedOperation(t)

	var inbox struct{ Notifications []enforcement.Notification }
	b.do(t, "emb-lead", "GET", "/api/v1/notifications?unread=true", nil).want(http.StatusOK).decode(&inbox)
	if len(inbox.Notifications) != 1 || inbox.Notifications[0].Kind != "tasks_dispatched" {
		t.Fatalf("inbox = %+v", inbox.Notifications)
	}
	id := itoa(inbox.Notifications[0].ID)
	b.do(t, "msa-lead", "POST", "/api/v1/notifications/"+id+"/read", nil).problem(http.StatusNotFound, "/not_found")
	r := b.do(t, "emb-lead", "POST", "/api/v1/notifications/"+id+"/read", nil).want(http.StatusNoContent)
	if r.Body.Len() != 0 {
		t.Fatalf("204 with a body: %s", r.Body)
	}
	b.do(t, "emb-lead", "GET", "/api/v1/notifications?unread=true", nil).want(http.StatusOK).decode(&inbox)
	if len(inbox.Notifications) != 0 {
		t.Fatalf("still unread: %+v", inbox.Notifications)
	}
	b.do(t, "emb-lead", "GET", "/api/v1/notifications", nil).want(http.StatusOK).decode(&inbox)
	if len(inbox.Notifications) != 1 || inbox.Notifications[0].ReadAt == nil {
		t.Fatalf("inbox = %+v", inbox.Notifications)
	}

	var me enforcement.Actor
	b.do(t, "emb-lead", "GET", "/api/v1/me", nil).want(http.StatusOK).decode(&me)
	if me.Name != "王建国" || me.Department != "EMB" || !me.Has(enforcement.RoleDeptLead) || me.UserID == 0 {
		t.Fatalf("me = %+v", me)
	}
}
