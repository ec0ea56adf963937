package web_test

import (
	"net/http"
	"testing"

	"github.com/jointops/jointops/enforcement"
)

// TestRosterIsolation: a lead changes only their own department's roster;
// another department's entry is 404 (DESIGN.md §5).
func TestRosterIsolation(t *testing.T) {
	t.Parallel()
	b := setup(t)
	var list struct{ Inspectors []enforcement.Inspector }
	b.do(t, "msa-lead", "GET", "/api/v1/roster?department=EMB", nil).want(http.StatusOK).decode(&list)
	if len(list.Inspectors) != 12 {
		t.Fatalf("MSA lead sees %d entries", len(list.Inspectors))
	}
	for _, in := range list.Inspectors {
		if in.Department != "MSA" {
			t.Fatalf("MSA lead sees %+v", in)
		}
	}
	embID := itoa(b.rosterIDs(t, "EMB", 1)[0])
	b.do(t, "msa-lead", "POST", "/api/v1/roster/"+embID+"/deactivate", nil).problem(http.StatusNotFound, "/not_found")
	b.do(t, "msa-lead", "POST", "/api/v1/roster", map[string]any{"department": "EMB", "name": "x", "certificate_no": "1"}).
		problem(http.StatusForbidden, "/forbidden")
	b.do(t, "coord", "POST", "/api/v1/roster/"+embID+"/deactivate", nil).problem(http.StatusForbidden, "/forbidden")
	b.do(t, "", "GET", "/api/v1/roster", nil).problem(http.StatusUnauthorized, "/unauthorized")

	var in enforcement.Inspector
	b.do(t, "emb-lead", "POST", "/api/v1/roster/"+embID+"/deactivate", nil).want(http.StatusOK).decode(&in)
	if in.Active || in.Department != "EMB" {
		t.Fatalf("entry = %+v", in)
	}
	b.do(t, "admin", "POST", "/api/v1/roster/"+embID+"/activate", nil).want(http.StatusOK).decode(&in)
	if !in.Active {
		t.Fatalf("entry = %+v", in)
	}
	b.do(t, "emb-lead", "POST", "/api/v1/roster/abc/activate", nil).problem(http.StatusNotFound, "/not_found")
}

func TestRosterCreate(t *testing.T) {
	t.Parallel()
	b := setup(t)
	var in enforcement.Inspector
	b.do(t, "emb-lead", "POST", "/api/v1/roster", map[string]any{
		"name": "赵新", "certificate_no": "44030320250113", "email": "zhao.xin@example.gov.cn",
	}).want(http.StatusCreated).decode(&in)
	if in.ID == 0 || in.Department != "EMB" || !in.Active || in.Email != "zhao.xin@example.gov.cn" {
		t.Fatalf("entry = %+v", in)
	}
	p := b.do(t, "admin", "POST", "/api/v1/roster", map[string]any{
		"department": "MSA", "name": "重复", "certificate_no": "44030320250113",
	}).problem(http.StatusConflict, "/conflict")
	if p.Errors["certificate_no"] == "" {
		t.Fatalf("problem = %+v", p)
	}
	p = b.do(t, "admin", "POST", "/api/v1/roster", map[string]any{"department": "MSA", "certificate_no": "X"}).
		problem(http.StatusUnprocessableEntity, "/invalid")
	if p.Errors["name"] == "" {
		t.Fatalf("problem = %+v", p)
	}
	b.do(t, "admin", "POST", "/api/v1/roster", map[string]any{"department": "MSA", "name": "x", "certificate_no": "X", "badge": 1}).
		problem(http.StatusBadRequest, "/bad-request")
	var all struct{ Inspectors []enforcement.Inspector }
	b.do(t, "auditor", "GET", "/api/v1/roster", nil).want(http.StatusOK).decode(&all)
	if len(all.Inspectors) != 65 {
		t.Fatalf("the auditor reads %d entries, want 65", len(all.Inspectors))
	}
}

func TestRecusalsAPI(t *testing.T) {
	t.Parallel()
	b := setup(t)
	inspector := b.rosterIDs(t, "EMB", 1)[0]
	body := map[string]any{"inspector_id": inspector, "enterprise_id": 1, "reason": "亲属在该企业担任负责人"}
	b.do(t, "msa-lead", "POST", "/api/v1/recusals", body).problem(http.StatusNotFound, "/not_found")
	var rec enforcement.Recusal
	b.do(t, "emb-lead", "POST", "/api/v1/recusals", body).want(http.StatusCreated).decode(&rec)
	if rec.InspectorID != inspector || rec.EnterpriseID != 1 || rec.Reason == "" {
		t.Fatalf("recusal = %+v", rec)
	}
	b.do(t, "emb-lead", "POST", "/api/v1/recusals", body).problem(http.StatusConflict, "/conflict")
	b.do(t, "emb-lead", "POST", "/api/v1/recusals", map[string]any{"inspector_id": inspector, "enterprise_id": 2}).
		problem(http.StatusUnprocessableEntity, "/invalid")

	q := "/api/v1/recusals?inspector_id=" + itoa(inspector) + "&enterprise_id=1"
	b.do(t, "msa-lead", "DELETE", q, nil).problem(http.StatusNotFound, "/not_found")
	b.do(t, "emb-lead", "DELETE", "/api/v1/recusals?inspector_id="+itoa(inspector), nil).problem(http.StatusUnprocessableEntity, "/invalid")
	if r := b.do(t, "emb-lead", "DELETE", q, nil).want(http.StatusNoContent); r.Body.Len() != 0 {
		t.Fatalf("204 with a body: %s", r.Body)
	}
	b.do(t, "emb-lead", "DELETE", q, nil).problem(http.StatusNotFound, "/not_found")

	var audit struct {
		AuditEvents []enforcement.AuditEvent `json:"audit_events"`
	}
	b.do(t, "auditor", "GET", "/api/v1/audit-events?subject_kind=inspector&subject_id="+itoa(inspector), nil).want(http.StatusOK).decode(&audit)
	if len(audit.AuditEvents) != 2 || audit.AuditEvents[0].Action != "recusal.deleted" {
		t.Fatalf("audit events = %+v", audit.AuditEvents)
	}
}

func TestPlanningSettingsAPI(t *testing.T) {
	t.Parallel()
	b := setup(t)
	var rules struct {
		FrequencyRules []enforcement.FrequencyRule `json:"frequency_rules"`
	}
	b.do(t, "coord", "GET", "/api/v1/admin/frequency-rules", nil).want(http.StatusOK).decode(&rules)
	if len(rules.FrequencyRules) != 3 || rules.FrequencyRules[0] != enforcement.DefaultFrequencyRules()[0] {
		t.Fatalf("rules = %+v", rules)
	}
	// A maximum below the minimum is refused, and nothing of the request is written.
	p := b.do(t, "admin", "PUT", "/api/v1/admin/frequency-rules", []map[string]int{
		{"risk_grade": 3, "min_per_year": 0, "max_per_year": 2},
		{"risk_grade": 2, "min_per_year": 2, "max_per_year": 1},
	}).problem(http.StatusUnprocessableEntity, "/invalid")
	if p.Errors["max_per_year"] == "" {
		t.Fatalf("problem = %+v", p)
	}
	b.do(t, "coord", "PUT", "/api/v1/admin/frequency-rules", []map[string]int{{"risk_grade": 3, "min_per_year": 0, "max_per_year": 2}}).
		problem(http.StatusForbidden, "/forbidden")
	b.do(t, "admin", "PUT", "/api/v1/admin/frequency-rules", []map[string]int{{"risk_grade": 3, "min_per_year": 0, "max_per_year": 2}}).
		want(http.StatusOK).decode(&rules)
	if rules.FrequencyRules[2] != (enforcement.FrequencyRule{Grade: 3, MinPerYear: 0, MaxPerYear: 2}) || rules.FrequencyRules[1] != enforcement.DefaultFrequencyRules()[1] {
		t.Fatalf("rules = %+v", rules)
	}

	// What GET answers can be sent back as it is; a rule missing a field is refused.
	b.do(t, "admin", "PUT", "/api/v1/admin/frequency-rules", rules).want(http.StatusOK)
	p = b.do(t, "admin", "PUT", "/api/v1/admin/frequency-rules", []map[string]int{{"risk_grade": 3}}).problem(http.StatusUnprocessableEntity, "/invalid")
	if p.Errors["frequency_rules"] == "" {
		t.Fatalf("problem = %+v", p)
	}

	b.do(t, "admin", "PUT", "/api/v1/admin/remits", map[string]any{"department": "UMB", "industry": "3311", "covered": true}).want(http.StatusOK)
	b.do(t, "admin", "PUT", "/api/v1/admin/remits", map[string]any{"department": "UMB", "industry": "3311"}).problem(http.StatusUnprocessableEntity, "/invalid")
	b.do(t, "admin", "PUT", "/api/v1/admin/remits", map[string]any{"department": "UMB", "industry": "0000", "covered": true}).problem(http.StatusUnprocessableEntity, "/invalid")
	b.do(t, "emb-lead", "PUT", "/api/v1/admin/remits", map[string]any{"department": "EMB", "industry": "3311", "covered": false}).problem(http.StatusForbidden, "/forbidden")

	var dept map[string]any
	b.do(t, "admin", "PUT", "/api/v1/admin/departments/emb", map[string]any{"visits_per_team_per_day": 3}).want(http.StatusOK).decode(&dept)
	if dept["code"] != "EMB" || dept["visits_per_team_per_day"] != float64(3) {
		t.Fatalf("department = %v", dept)
	}
	b.do(t, "admin", "PUT", "/api/v1/admin/departments/EMB", map[string]any{"visits_per_team_per_day": 0}).problem(http.StatusUnprocessableEntity, "/invalid")
	b.do(t, "admin", "PUT", "/api/v1/admin/departments/NOPE", map[string]any{"visits_per_team_per_day": 3}).problem(http.StatusNotFound, "/not_found")
}

// TestAcceptAsDrawn: a lead who names no inspectors gets the drawn ones.
func TestAcceptAsDrawn(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.plannedOperation(t)
	tasks := b.tasksOf(t, "emb-lead", "?status=pending")
	drawn := b.rosterIDs(t, "EMB", 3)[1:]
	for i, task := range tasks[:2] {
		ids := []int64{}
		if i == 0 {
			ids = drawn
		}
		if _, err := b.pool.Exec(b.ctx, `UPDATE tasks SET drawn_inspector_ids = $2 WHERE id = $1`, task.ID, ids); err != nil {
			t.Fatal(err)
		}
	}
	var task enforcement.Task
	b.do(t, "emb-lead", "POST", "/api/v1/tasks/"+itoa(tasks[0].ID)+"/accept", nil).want(http.StatusOK).decode(&task)
	if len(task.Inspectors) != 2 || task.Inspectors[0].ID != drawn[0] || task.Inspectors[1].ID != drawn[1] {
		t.Fatalf("task = %+v, want the drawn %v", task, drawn)
	}
	p := b.do(t, "emb-lead", "POST", "/api/v1/tasks/"+itoa(tasks[1].ID)+"/accept", map[string]any{}).problem(http.StatusUnprocessableEntity, "/invalid")
	if p.Errors["inspector_ids"] == "" {
		t.Fatalf("problem = %+v", p)
	}
}
