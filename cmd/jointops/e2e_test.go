package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"strings"
	"testing"
	"time"

	"github.com/jointops/jointops/auth/devidp"
	"github.com/jointops/jointops/enforcement"
	"github.com/jointops/jointops/migrations/dbtest"
	"github.com/jointops/jointops/workflow"
)

// e2eBundle is a whole `jointops dev` instance on 127.0.0.1:0 against a
// throwaway database, with its movable clock.
type e2eBundle struct {
	t      *testing.T
	ctx    context.Context
	app    *App
	clock  *enforcement.OffsetClock
	tokens map[string]string
}

// setupE2E starts the clock on Monday 2026-03-02 10:00 in Shanghai.
func setupE2E(t *testing.T) *e2eBundle {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	cfg, err := ConfigFromEnv(func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	cfg.DatabaseURL = dbtest.URL(t)
	cfg.Addr = "127.0.0.1:0"
	clock := enforcement.NewOffsetClock(time.Date(2026, 3, 2, 10, 0, 0, 0, cfg.District))
	app := &App{Config: cfg, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Clock: clock}
	t.Cleanup(app.Close)
	if _, err := startDev(ctx, app); err != nil {
		t.Fatal(err)
	}
	return &e2eBundle{t: t, ctx: ctx, app: app, clock: clock, tokens: map[string]string{}}
}

// token signs a demo user in through the provider's authorization-code
// flow and returns the ID token for Authorization: Bearer.
func (b *e2eBundle) token(user string) string {
	b.t.Helper()
	if tok, ok := b.tokens[user]; ok {
		return tok
	}
	pub := b.app.Config.PublicURL
	tok, err := devidp.Token(b.ctx, pub+"/idp", devClientID, devClientSecret, pub+"/auth/callback", user)
	if err != nil {
		b.t.Fatal(err)
	}
	b.tokens[user] = tok.Extra("id_token").(string)
	return b.tokens[user]
}

// call sends a JSON request as user ("" for anonymous), decodes the answer
// into out (when not nil) and returns the status.
func (b *e2eBundle) call(user, method, path string, body any, out any) int {
	b.t.Helper()
	var r io.Reader
	if body != nil {
		buf, _ := json.Marshal(body)
		r = bytes.NewReader(buf)
	}
	req, _ := http.NewRequestWithContext(b.ctx, method, b.app.Config.PublicURL+path, r)
	req.Header.Set("Content-Type", "application/json")
	if user != "" {
		req.Header.Set("Authorization", "Bearer "+b.token(user))
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if out != nil && resp.StatusCode < 300 {
		if err := json.Unmarshal(raw, out); err != nil {
			b.t.Fatalf("%s %s: %v in %s", method, path, err, raw)
		}
	}
	if resp.StatusCode >= 400 && !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/problem+json") {
		b.t.Fatalf("%s %s: %d with %s, not problem+json", method, path, resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	return resp.StatusCode
}

// must is call that expects want.
func (b *e2eBundle) must(want int, user, method, path string, body, out any) {
	b.t.Helper()
	if got := b.call(user, method, path, body, out); got != want {
		b.t.Fatalf("%s %s as %s: status %d, want %d", method, path, user, got, want)
	}
}

// eventually polls cond every 50 ms for up to 60 s: River works jobs
// asynchronously. It never waits for a deadline; the clock does that.
func (b *e2eBundle) eventually(what string, cond func() bool) {
	b.t.Helper()
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if cond() {
			return
		}
	}
	b.t.Fatalf("timed out waiting for %s", what)
}

func (b *e2eBundle) count(sql string, args ...any) int {
	b.t.Helper()
	var n int
	if err := b.app.Pool.QueryRow(b.ctx, sql, args...).Scan(&n); err != nil {
		b.t.Fatal(err)
	}
	return n
}

func (b *e2eBundle) userID(subject string) int64 {
	b.t.Helper()
	var id int64
	if err := b.app.Pool.QueryRow(b.ctx, `SELECT id FROM users WHERE subject = $1`, subject).Scan(&id); err != nil {
		b.t.Fatal(err)
	}
	return id
}

// inspectorID returns the roster id of the demo inspector who signs in as
// subject; dev mode links the entry to the user row.
func (b *e2eBundle) inspectorID(subject string) int64 {
	b.t.Helper()
	var id int64
	if err := b.app.Pool.QueryRow(b.ctx, `SELECT i.id FROM inspectors i JOIN users u ON u.id = i.user_id WHERE i.subject = $1`, subject).Scan(&id); err != nil {
		b.t.Fatalf("roster entry of %s: %v", subject, err)
	}
	return id
}

// TestCoreLoop runs the main job end to end over HTTP: sign-in, plan,
// tasks, hazard, rectification order, escalation with two River clients,
// closing, and cross-department isolation.
func TestCoreLoop(t *testing.T) {
	t.Parallel()
	b := setupE2E(t)

	// A browser signs in through the real authorization-code flow.
	jar, _ := cookiejar.New(nil)
	browser := &http.Client{Jar: jar}
	if err := devidp.SignIn(b.ctx, browser, b.app.Config.PublicURL, "emb-lead"); err != nil {
		t.Fatal(err)
	}
	resp, err := browser.Get(b.app.Config.PublicURL + "/")
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(page), "王建国") {
		t.Fatalf("the signed-in page does not name the lead:\n%s", page)
	}
	b.must(401, "", "GET", "/api/v1/tasks", nil, nil)

	// The coordinator plans an operation over the demo data.
	var op enforcement.Operation
	b.must(201, "coordinator", "POST", "/api/v1/operations", map[string]any{
		"title": "春季安全生产联合执法", "lead_department": "EMB", "departments": []string{"MSA", "FIRE"},
		"window_start": "2026-03-09", "window_end": "2026-03-20",
		"criteria": map[string]any{"risk_grades": []int{1}, "sampling_ratio": map[string]float64{"1": 0.5}},
	}, &op)
	b.must(202, "coordinator", "POST", fmt.Sprintf("/api/v1/operations/%d/submit", op.ID), nil, nil)
	b.eventually("the plan job", func() bool {
		b.must(200, "coordinator", "GET", fmt.Sprintf("/api/v1/operations/%d", op.ID), nil, &op)
		return op.Status == enforcement.OperationPlanned
	})
	if op.VisitCount == 0 || op.TaskCount <= op.VisitCount {
		t.Fatalf("planned %d visits and %d tasks: nothing merged", op.VisitCount, op.TaskCount)
	}
	if n := b.count(`SELECT count(*) FROM visits WHERE scheduled_on NOT BETWEEN '2026-03-09' AND '2026-03-20' OR extract(isodow FROM scheduled_on) > 5`); n != 0 {
		t.Fatalf("%d visits off the window's working days", n)
	}

	// Each lead sees only their department's tasks.
	var embTasks, msaTasks struct{ Tasks []enforcement.Task }
	b.must(200, "emb-lead", "GET", "/api/v1/tasks?status=pending", nil, &embTasks)
	b.must(200, "msa-lead", "GET", "/api/v1/tasks?status=pending", nil, &msaTasks)
	if len(embTasks.Tasks) == 0 || len(msaTasks.Tasks) == 0 {
		t.Fatalf("EMB has %d tasks, MSA %d", len(embTasks.Tasks), len(msaTasks.Tasks))
	}
	for _, task := range embTasks.Tasks {
		if task.Department != "EMB" {
			t.Fatalf("EMB lead sees %s's task %d", task.Department, task.ID)
		}
	}
	task := embTasks.Tasks[0]
	inspectors := []int64{b.inspectorID("u-emb-inspector1"), b.inspectorID("u-emb-inspector2")}
	msaInspectors := []int64{b.inspectorID("u-msa-inspector1"), b.inspectorID("u-msa-inspector2")}
	b.must(404, "msa-lead", "GET", fmt.Sprintf("/api/v1/tasks/%d", task.ID), nil, nil)
	b.must(404, "msa-lead", "POST", fmt.Sprintf("/api/v1/tasks/%d/accept", task.ID), map[string]any{"inspector_ids": msaInspectors}, nil)
	b.must(404, "msa-lead", "POST", fmt.Sprintf("/api/v1/tasks/%d/decline", task.ID), map[string]any{"reason": "x"}, nil)
	b.must(422, "emb-lead", "POST", fmt.Sprintf("/api/v1/tasks/%d/accept", task.ID), map[string]any{"inspector_ids": inspectors[:1]}, nil)
	b.must(200, "emb-lead", "POST", fmt.Sprintf("/api/v1/tasks/%d/accept", task.ID), map[string]any{"inspector_ids": inspectors}, nil)
	b.must(200, "msa-lead", "POST", fmt.Sprintf("/api/v1/tasks/%d/decline", msaTasks.Tasks[0].ID), map[string]any{"reason": "本周人手不足"}, nil)

	// An inspector records a hazard and issues an order due in 3 working days.
	var hazard enforcement.Hazard
	b.must(201, "emb-inspector1", "POST", fmt.Sprintf("/api/v1/visits/%d/hazards", task.VisitID),
		map[string]any{"severity": "general", "description": "安全出口堵塞 / blocked fire exit"}, &hazard)
	var order enforcement.RectificationOrder
	b.must(201, "emb-inspector1", "POST", "/api/v1/rectification-orders", map[string]any{"hazard_ids": []int64{hazard.ID}, "due_working_days": 3}, &order)
	if order.DueOn.String() != "2026-03-05" {
		t.Fatalf("due %s, want 2026-03-05 (Mon 2 March + 3 working days)", order.DueOn)
	}
	b.must(404, "msa-lead", "GET", fmt.Sprintf("/api/v1/rectification-orders/%d", order.ID), nil, nil)

	// A second River client runs beside the app's, as a second instance.
	second, err := workflow.NewClient(b.app.Pool, workflow.Config{Plan: b.app.DB, Escalations: b.app.DB, Clock: b.clock, Logger: b.app.Logger})
	if err != nil {
		t.Fatal(err)
	}
	if err := second.Start(b.ctx); err != nil {
		t.Fatal(err)
	}
	defer second.Stop(context.Background())

	// Past the deadline (end of Thursday 5 March): level 1 fires once,
	// whichever instance sweeps; tasks nobody answered escalate too.
	b.must(200, "coordinator", "POST", "/api/v1/dev/clock", map[string]string{"advance": "96h"}, nil) // Mon 10:00 → Fri 10:00
	for range 5 {
		second.Insert(b.ctx, enforcement.SweepEscalationsJob{}, nil)
	}
	b.eventually("level 1", func() bool {
		b.must(200, "emb-lead", "GET", fmt.Sprintf("/api/v1/rectification-orders/%d", order.ID), nil, &order)
		return order.Status == enforcement.OrderOverdue
	})
	var inbox struct{ Notifications []enforcement.Notification }
	b.must(200, "emb-lead", "GET", "/api/v1/notifications", nil, &inbox)
	if n := countLevel(inbox.Notifications, order.ID, 1); n != 1 {
		t.Fatalf("the lead has %d level-1 notifications of the order, want 1", n)
	}
	if n := b.count(`SELECT count(*) FROM notifications WHERE kind = 'escalation' AND subject_kind = 'task' AND user_id = $1`, b.userID("u-coordinator")); n == 0 {
		t.Fatal("unanswered tasks did not escalate to the coordinator")
	}

	// Level 2 fires two working days later (end of Tuesday 10 March).
	b.must(200, "coordinator", "POST", "/api/v1/dev/clock", map[string]string{"advance": "120h"}, nil) // → Wed 11 March 10:00
	b.eventually("level 2", func() bool {
		return b.count(`SELECT count(*) FROM escalations WHERE subject_id = $1 AND subject_kind = 'rectification_order' AND level = 2 AND status = 'fired'`, order.ID) == 1
	})
	b.must(200, "coordinator", "GET", "/api/v1/notifications", nil, &inbox)
	if n := countLevel(inbox.Notifications, order.ID, 2); n != 1 {
		t.Fatalf("the coordinator has %d level-2 notifications, want 1", n)
	}

	// Evidence and a passed verification close the order; level 3 never fires.
	b.must(200, "emb-inspector2", "POST", fmt.Sprintf("/api/v1/rectification-orders/%d/evidence", order.ID), map[string]string{"text": "已清理安全出口"}, nil)
	b.must(200, "emb-inspector2", "POST", fmt.Sprintf("/api/v1/rectification-orders/%d/verify", order.ID), map[string]any{"passed": true}, &order)
	if order.Status != enforcement.OrderVerified {
		t.Fatalf("status %s after a passed verification", order.Status)
	}
	b.must(200, "coordinator", "POST", "/api/v1/dev/clock", map[string]string{"advance": "240h"}, nil)
	for range 3 {
		second.Insert(b.ctx, enforcement.SweepEscalationsJob{}, nil)
	}
	b.eventually("the sweeps", func() bool {
		return b.count(`SELECT count(*) FROM river_job WHERE kind = 'sweep_escalations' AND state NOT IN ('completed', 'discarded', 'cancelled')`) <= 1
	})
	if n := b.count(`SELECT count(*) FROM escalations WHERE subject_id = $1 AND subject_kind = 'rectification_order' AND level = 3 AND status = 'cancelled'`, order.ID); n != 1 {
		t.Fatal("level 3 was not stopped by closing the order")
	}
	if n := b.count(`SELECT count(*) FROM (SELECT escalation_id, user_id FROM notifications WHERE escalation_id IS NOT NULL GROUP BY 1, 2 HAVING count(*) > 1) d`); n != 0 {
		t.Fatalf("%d notifications were sent twice", n)
	}
	// Every state change left an audit event.
	for _, action := range []string{"operation.created", "operation.submitted", "operation.planned", "task.accepted", "task.declined",
		"hazard.recorded", "rectification_order.issued", "rectification_order.evidence_submitted", "rectification_order.verified"} {
		if b.count(`SELECT count(*) FROM audit_events WHERE action = $1`, action) == 0 {
			t.Errorf("no audit event %s", action)
		}
	}
}

func countLevel(ns []enforcement.Notification, orderID int64, level enforcement.EscalationLevel) int {
	n := 0
	for _, x := range ns {
		if x.SubjectKind == enforcement.SubjectRectificationOrder && x.SubjectID == orderID && x.Level != nil && *x.Level == level {
			n++
		}
	}
	return n
}
