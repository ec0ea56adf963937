package web_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/jointops/jointops/enforcement/postgres"
	"github.com/jointops/jointops/enforcement/web"
)

func TestReadyz(t *testing.T) {
	t.Parallel()
	b := setup(t)
	r := b.do(t, "", "GET", "/readyz", nil).want(http.StatusOK)
	if r.Body.String() != "ready" {
		t.Fatalf("body = %q", r.Body)
	}

	down := *b
	srv := *b.srv
	srv.Ready = func(context.Context) error { return errors.New("database: connection refused") }
	down.h = srv.Handler()
	p := down.do(t, "", "GET", "/readyz", nil).problem(http.StatusServiceUnavailable, "about:blank")
	if !strings.Contains(p.Detail, "connection refused") {
		t.Fatalf("detail = %q, want the reason", p.Detail)
	}
	down.do(t, "", "GET", "/healthz", nil).want(http.StatusOK)
}

func TestHandlerPanicsWithoutAService(t *testing.T) {
	t.Parallel()
	defer func() {
		if v := recover(); v == nil || !strings.Contains(v.(error).Error(), "Server.Audit") {
			t.Fatalf("recovered %v, want a panic naming Server.Audit", v)
		}
	}()
	db := &postgres.DB{} // never called: Handler checks its fields first
	s := &web.Server{Operations: db, Tasks: db, Visits: db, Rectifications: db, Inbox: db, Roster: db, Planning: db,
		Policies: db, Calendars: db, Extensions: db, Attachments: db, Supervision: db, References: db, Statistics: db, Progress: db}
	s.Handler()
}
