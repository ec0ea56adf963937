package web_test

import (
	"net/http"
	"strings"
	"testing"
)

func TestProblems(t *testing.T) {
	t.Parallel()
	b := setup(t)

	t.Run("401 anonymous", func(t *testing.T) {
		r := b.do(t, "", "GET", "/api/v1/tasks", nil)
		p := r.problem(http.StatusUnauthorized, "/unauthorized")
		if p.Code != "unauthorized" || r.Header().Get("WWW-Authenticate") == "" {
			t.Fatalf("problem = %+v, WWW-Authenticate %q", p, r.Header().Get("WWW-Authenticate"))
		}
		// Before the body is read, and on /me too.
		b.do(t, "", "POST", "/api/v1/operations", `{"nonsense`).problem(http.StatusUnauthorized, "/unauthorized")
		b.do(t, "", "GET", "/api/v1/me", nil).problem(http.StatusUnauthorized, "/unauthorized")
	})

	t.Run("404 bad or unknown id", func(t *testing.T) {
		for _, path := range []string{"/api/v1/tasks/abc", "/api/v1/tasks/0", "/api/v1/tasks/-3",
			"/api/v1/tasks/99999999999999999999", "/api/v1/tasks/424242", "/api/v1/operations/x/draw"} {
			b.do(t, "emb-lead", "GET", path, nil).problem(http.StatusNotFound, "/not_found")
		}
	})

	t.Run("404 unmatched route", func(t *testing.T) {
		b.do(t, "emb-lead", "GET", "/api/v1/nope", nil).problem(http.StatusNotFound, "/not_found")
		b.do(t, "emb-lead", "GET", "/api/v2/tasks", nil).problem(http.StatusNotFound, "/not_found")
		b.do(t, "emb-lead", "POST", "/api/v1/tasks/1/explode", "{}").problem(http.StatusNotFound, "/not_found")
		r := b.do(t, "", "GET", "/nope", nil).want(http.StatusNotFound)
		if strings.Contains(r.Header().Get("Content-Type"), "problem") {
			t.Fatalf("a page route answered %q", r.Header().Get("Content-Type"))
		}
	})

	t.Run("405", func(t *testing.T) {
		r := b.do(t, "coord", "DELETE", "/api/v1/operations", nil)
		r.problem(http.StatusMethodNotAllowed, "about:blank")
		if got := r.Header().Get("Allow"); got != "GET, POST" {
			t.Fatalf("Allow = %q", got)
		}
		r = b.do(t, "coord", "GET", "/api/v1/tasks/1/accept", nil)
		r.problem(http.StatusMethodNotAllowed, "about:blank")
		if got := r.Header().Get("Allow"); got != "POST" {
			t.Fatalf("Allow = %q", got)
		}
	})

	t.Run("409", func(t *testing.T) {
		var op struct{ ID int64 }
		b.do(t, "coord", "POST", "/api/v1/operations", map[string]any{
			"title": "夏季检查", "lead_department": "EMB", "window_start": "2026-06-01", "window_end": "2026-06-05",
		}).want(http.StatusCreated).decode(&op)
		b.do(t, "coord", "GET", "/api/v1/operations/"+itoa(op.ID)+"/draw", nil).problem(http.StatusConflict, "/conflict")
		b.do(t, "coord", "POST", "/api/v1/operations/"+itoa(op.ID)+"/submit", nil).want(http.StatusAccepted)
		b.do(t, "coord", "POST", "/api/v1/operations/"+itoa(op.ID)+"/submit", nil).problem(http.StatusConflict, "/conflict")
		b.do(t, "coord", "GET", "/api/v1/operations/"+itoa(op.ID)+"/draw", nil).problem(http.StatusConflict, "/conflict")
	})

	t.Run("403", func(t *testing.T) {
		b.do(t, "emb-i1", "POST", "/api/v1/operations", map[string]any{
			"title": "x", "lead_department": "EMB", "window_start": "2026-06-01", "window_end": "2026-06-05",
		}).problem(http.StatusForbidden, "/forbidden")
		b.do(t, "emb-lead", "GET", "/api/v1/audit-events", nil).problem(http.StatusForbidden, "/forbidden")
	})

	t.Run("422 with the field", func(t *testing.T) {
		p := b.do(t, "coord", "POST", "/api/v1/operations", map[string]any{
			"title": "  ", "lead_department": "EMB", "window_start": "2026-06-01", "window_end": "2026-06-05",
		}).problem(http.StatusUnprocessableEntity, "/invalid")
		if p.Errors["title"] == "" {
			t.Fatalf("errors = %v, want title", p.Errors)
		}
		p = b.do(t, "coord", "POST", "/api/v1/operations", map[string]any{
			"title": "x", "lead_department": "NOPE", "window_start": "2026-06-01", "window_end": "2026-06-05",
		}).problem(http.StatusUnprocessableEntity, "/invalid")
		if p.Errors["departments"] == "" {
			t.Fatalf("errors = %v, want departments", p.Errors)
		}
		// A date the domain type rejects.
		b.do(t, "coord", "POST", "/api/v1/operations", map[string]any{
			"title": "x", "lead_department": "EMB", "window_start": "2026-13-01", "window_end": "2026-06-05",
		}).problem(http.StatusUnprocessableEntity, "/invalid")
		// Bad query parameters.
		p = b.do(t, "emb-lead", "GET", "/api/v1/tasks?status=maybe", nil).problem(http.StatusUnprocessableEntity, "/invalid")
		if p.Errors["status"] == "" {
			t.Fatalf("errors = %v, want status", p.Errors)
		}
		b.do(t, "emb-lead", "GET", "/api/v1/tasks?operation_id=x", nil).problem(http.StatusUnprocessableEntity, "/invalid")
		b.do(t, "emb-lead", "GET", "/api/v1/rectification-orders?listed=perhaps", nil).problem(http.StatusUnprocessableEntity, "/invalid")
		// A reason is required.
		b.do(t, "coord", "POST", "/api/v1/operations/1/cancel", `{"reason": ""}`).problem(http.StatusUnprocessableEntity, "/invalid")
	})

	t.Run("400 malformed JSON", func(t *testing.T) {
		for body, want := range map[string]string{
			`{"title": "x",`:             "ends in the middle",
			`{"title" "x"}`:              "Malformed JSON at byte",
			``:                           "empty",
			`{"title": "x"} {"more": 1}`: "more than one",
			`["x"]`:                      "must be a JSON object",
		} {
			p := b.do(t, "coord", "POST", "/api/v1/operations", body).problem(http.StatusBadRequest, "/bad-request")
			if !strings.Contains(p.Detail, want) {
				t.Errorf("body %q: detail %q, want it to say %q", body, p.Detail, want)
			}
		}
	})

	t.Run("400 unknown field", func(t *testing.T) {
		p := b.do(t, "coord", "POST", "/api/v1/operations", `{"titel": "x"}`).problem(http.StatusBadRequest, "/bad-request")
		if p.Errors["titel"] == "" || !strings.Contains(p.Detail, `"titel"`) {
			t.Fatalf("problem = %+v", p)
		}
		// The visit of a hazard comes from the path only.
		p = b.do(t, "emb-i1", "POST", "/api/v1/visits/1/hazards", `{"visit_id": 2, "severity": "general", "description": "x"}`).
			problem(http.StatusBadRequest, "/bad-request")
		if p.Errors["visit_id"] == "" {
			t.Fatalf("problem = %+v", p)
		}
	})

	t.Run("400 wrong type", func(t *testing.T) {
		p := b.do(t, "emb-lead", "POST", "/api/v1/tasks/1/accept", `{"inspector_ids": ["a", "b"]}`).problem(http.StatusBadRequest, "/bad-request")
		if p.Errors["inspector_ids"] == "" {
			t.Fatalf("problem = %+v", p)
		}
	})

	t.Run("413", func(t *testing.T) {
		big := `{"reason": "` + strings.Repeat("x", 2<<20) + `"}`
		b.do(t, "coord", "POST", "/api/v1/operations/1/cancel", big).problem(http.StatusRequestEntityTooLarge, "/too-large")
	})

	t.Run("request id", func(t *testing.T) {
		r := b.do(t, "", "GET", "/healthz", nil).want(http.StatusOK)
		if r.Body.String() != "ok" || r.Header().Get("X-Request-Id") == "" {
			t.Fatalf("healthz = %q, X-Request-Id %q", r.Body, r.Header().Get("X-Request-Id"))
		}
	})
}
