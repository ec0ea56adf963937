package web_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/jointops/jointops/enforcement"
	"github.com/jointops/jointops/enforcement/web"
)

func TestDevClockAbsentInProduction(t *testing.T) {
	t.Parallel()
	b := setup(t, func(s *web.Server) { s.DevClock = nil })
	b.do(t, "coord", "GET", "/api/v1/dev/clock", nil).problem(http.StatusNotFound, "/not_found")
	b.do(t, "coord", "POST", "/api/v1/dev/clock", map[string]string{"advance": "72h"}).problem(http.StatusNotFound, "/not_found")
	if b.sweeps != 0 {
		t.Fatal("AfterClockMove ran")
	}
}

func TestDevClockMovesTime(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.plannedOperation(t) // tasks due for acceptance on Wednesday 2026-03-04
	start := b.clock.Now()

	var c struct{ Now time.Time }
	b.do(t, "emb-i1", "GET", "/api/v1/dev/clock", nil).want(http.StatusOK).decode(&c)
	if d := c.Now.Sub(start); d < 0 || d > time.Minute {
		t.Fatalf("now = %s, clock %s", c.Now, start)
	}
	b.do(t, "", "POST", "/api/v1/dev/clock", map[string]string{"advance": "72h"}).problem(http.StatusUnauthorized, "/unauthorized")

	b.do(t, "emb-i1", "POST", "/api/v1/dev/clock", map[string]string{"advance": "72h"}).want(http.StatusOK).decode(&c)
	if d := c.Now.Sub(start); d < 72*time.Hour || d > 72*time.Hour+time.Minute {
		t.Fatalf("moved by %s, want 72h", d)
	}
	b.do(t, "emb-i1", "POST", "/api/v1/dev/clock", map[string]string{"advance": "1d12h"}).want(http.StatusOK).decode(&c)
	if d := c.Now.Sub(start); d < 108*time.Hour || d > 108*time.Hour+time.Minute {
		t.Fatalf("moved by %s, want 108h", d)
	}
	if b.sweeps != 2 {
		t.Fatalf("AfterClockMove ran %d times, want 2", b.sweeps)
	}
	// The sweep fired the acceptance escalation of the unanswered tasks
	// (Wednesday's deadline passed): the coordinator is told.
	var inbox struct{ Notifications []enforcement.Notification }
	b.do(t, "coord", "GET", "/api/v1/notifications?unread=true", nil).want(http.StatusOK).decode(&inbox)
	if len(inbox.Notifications) == 0 || inbox.Notifications[0].Kind != "escalation" {
		t.Fatalf("coordinator inbox = %+v", inbox.Notifications)
	}

	for _, bad := range []string{"", "-1h", "soon", "3days", "99999d"} {
		p := b.do(t, "emb-i1", "POST", "/api/v1/dev/clock", map[string]string{"advance": bad}).problem(http.StatusUnprocessableEntity, "/invalid")
		if bad != "-1h" && p.Errors["advance"] == "" {
			t.Errorf("advance %q: problem %+v, want errors.advance", bad, p)
		}
	}
	if d := b.clock.Now().Sub(start); d > 108*time.Hour+time.Minute {
		t.Fatalf("a refused move moved the clock to +%s", d)
	}
}
