package web_test

import (
	"net/http"
	"strings"
	"testing"
)

func TestIndexPageAnonymous(t *testing.T) {
	t.Parallel()
	b := setup(t)
	r := b.do(t, "", "GET", "/", nil).want(http.StatusOK)
	body := r.Body.String()
	if ct := r.Header().Get("Content-Type"); ct != "text/html; charset=utf-8" {
		t.Fatalf("Content-Type = %q", ct)
	}
	for _, want := range []string{"jointops 联合执法协同", `href="/login"`, "登录 / Sign in", `name="viewport"`} {
		if !strings.Contains(body, want) {
			t.Errorf("page lacks %q:\n%s", want, body)
		}
	}
	if strings.Contains(body, "/logout") {
		t.Error("a visitor is offered to sign out")
	}
}

func TestIndexPageSignedIn(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.plannedOperation(t)
	task := b.tasksOf(t, "emb-lead", "?status=pending&limit=1")[0]

	body := b.do(t, "emb-lead", "GET", "/", nil).want(http.StatusOK).Body.String()
	// Monday 2 March: the tasks are due on Wednesday 4 March.
	for _, want := range []string{"王建国", "EMB", "部门负责人 / department lead", `action="/logout"`,
		task.EnterpriseName, task.ScheduledOn.String(), "2026-03-04",
		"2 个工作日后到期", "due in 2 working days", "春季安全生产联合执法", // the dispatch notification
	} {
		if !strings.Contains(body, want) {
			t.Errorf("page lacks %q:\n%s", want, body)
		}
	}
	if strings.Contains(body, "已逾期") || strings.Contains(body, "/login") {
		t.Errorf("page shows overdue or sign-in:\n%s", body)
	}
	if other := b.tasksOf(t, "msa-lead", "?status=pending&limit=1"); strings.Contains(body, "#"+itoa(other[0].ID)+" ") {
		t.Errorf("page shows MSA's task %d", other[0].ID)
	}

	// Thursday: past the deadline.
	b.do(t, "emb-lead", "POST", "/api/v1/dev/clock", map[string]string{"advance": "3d"}).want(http.StatusOK)
	body = b.do(t, "emb-lead", "GET", "/", nil).want(http.StatusOK).Body.String()
	for _, want := range []string{`class="overdue"`, "已逾期 / overdue"} {
		if !strings.Contains(body, want) {
			t.Errorf("page lacks %q:\n%s", want, body)
		}
	}
}
