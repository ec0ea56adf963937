package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/jointops/jointops/enforcement"
	"github.com/jointops/jointops/enforcement/postgres"
	"github.com/jointops/jointops/enforcement/web"
	"github.com/jointops/jointops/migrations/dbtest"
)

// actorHeader names, in tests only, the person a request acts for: a key
// of testBundle.people. It stands in for the auth middleware, which is not
// this package's.
const actorHeader = "X-Test-Actor"

// testBundle is a fresh migrated database with the demo data and its
// people, the store on it, and the web handler in front.
type testBundle struct {
	ctx   context.Context
	pool  *pgxpool.Pool
	db    *postgres.DB
	clock *enforcement.OffsetClock
	srv   *web.Server
	h     http.Handler
	// people, keyed by a short name: coord, auditor, admin, emb-lead,
	// emb-i1, emb-i2, msa-lead, msa-i1, msa-i2.
	people map[string]*enforcement.Actor
	// sweeps counts the calls of AfterClockMove.
	sweeps int
}

// setup starts the clock on Monday 2026-03-02 10:00 in Shanghai, shared by
// the store and the server's dev clock as in `jointops dev`. Each option
// changes the server before Handler is built.
func setup(t *testing.T, options ...func(*web.Server)) *testBundle {
	t.Helper()
	ctx := context.Background()
	pool := dbtest.Pool(t)
	if _, err := postgres.LoadDemoData(ctx, pool); err != nil {
		t.Fatal(err)
	}
	db, err := postgres.New(pool, enforcement.WeekdayCalendar{})
	if err != nil {
		t.Fatal(err)
	}
	clock := enforcement.NewOffsetClock(time.Date(2026, 3, 2, 10, 0, 0, 0, db.Location))
	db.Clock = clock
	b := &testBundle{ctx: ctx, pool: pool, db: db, clock: clock, people: map[string]*enforcement.Actor{}}
	for _, p := range []struct {
		key, name, dept string
		role            enforcement.Role
	}{
		{"coord", "周协调", "", enforcement.RoleCoordinator},
		{"auditor", "吴审计", "", enforcement.RoleAuditor},
		{"admin", "陈管理", "", enforcement.RoleAdmin},
		{"emb-lead", "王建国", "EMB", enforcement.RoleDeptLead},
		{"emb-i1", "李执法", "EMB", enforcement.RoleInspector},
		{"emb-i2", "陈执法", "EMB", enforcement.RoleInspector},
		{"msa-lead", "张市监", "MSA", enforcement.RoleDeptLead},
		{"msa-i1", "刘市监", "MSA", enforcement.RoleInspector},
		{"msa-i2", "黄市监", "MSA", enforcement.RoleInspector},
	} {
		a := &enforcement.Actor{Issuer: "test", Subject: p.key, Name: p.name, Department: p.dept, Roles: []enforcement.Role{p.role}}
		if err := db.UpsertUser(ctx, a); err != nil {
			t.Fatal(err)
		}
		b.people[p.key] = a
	}
	b.srv = &web.Server{
		Operations: db, Tasks: db, Visits: db, Rectifications: db, Inbox: db, Audit: db, Roster: db, Planning: db,
		Policies: db, Calendars: db, Extensions: db, Attachments: db, Supervision: db, References: db, Statistics: db, Progress: db,
		Ready:    func(ctx context.Context) error { return pool.Ping(ctx) },
		DevClock: clock,
		AfterClockMove: func(ctx context.Context) error {
			b.sweeps++
			_, err := db.SweepEscalations(ctx, clock.Now())
			return err
		},
		Location: db.Location,
		Calendar: enforcement.WeekdayCalendar{},
		Mount:    func(r chi.Router) { r.Use(b.testActor) },
	}
	for _, o := range options {
		o(b.srv)
	}
	b.h = b.srv.Handler()
	return b
}

// testActor puts the person named by actorHeader in the request context,
// as the auth middleware does with the signed-in actor.
func (b *testBundle) testActor(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if a := b.people[r.Header.Get(actorHeader)]; a != nil {
			r = r.WithContext(enforcement.NewContextWithActor(r.Context(), a))
		}
		next.ServeHTTP(w, r)
	})
}

// response is a recorded answer.
type response struct {
	*httptest.ResponseRecorder
	t *testing.T
}

// do sends a request as who ("" for nobody) with body, which is sent as is
// when it is a string and as JSON otherwise.
func (b *testBundle) do(t *testing.T, who, method, path string, body any) *response {
	t.Helper()
	var rd io.Reader
	switch v := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(v)
	default:
		j, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(j)
	}
	req := httptest.NewRequest(method, path, rd)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if who != "" {
		req.Header.Set(actorHeader, who)
	}
	rec := httptest.NewRecorder()
	b.h.ServeHTTP(rec, req)
	return &response{rec, t}
}

// want fails the test unless the status is status.
func (r *response) want(status int) *response {
	r.t.Helper()
	if r.Code != status {
		r.t.Fatalf("status = %d, want %d; body: %s", r.Code, status, r.Body)
	}
	return r
}

// decode reads the JSON body into v.
func (r *response) decode(v any) {
	r.t.Helper()
	if ct := r.Header().Get("Content-Type"); ct != "application/json" {
		r.t.Fatalf("Content-Type = %q, want application/json; body: %s", ct, r.Body)
	}
	if err := json.Unmarshal(r.Body.Bytes(), v); err != nil {
		r.t.Fatalf("decode %s: %v", r.Body, err)
	}
}

// problem checks that the answer is problem+json of status and type
// suffix typ, and returns it.
func (r *response) problem(status int, typ string) *web.Problem {
	r.t.Helper()
	r.want(status)
	if ct := r.Header().Get("Content-Type"); ct != "application/problem+json" {
		r.t.Fatalf("Content-Type = %q, want application/problem+json; body: %s", ct, r.Body)
	}
	var p web.Problem
	if err := json.Unmarshal(r.Body.Bytes(), &p); err != nil {
		r.t.Fatalf("decode problem %s: %v", r.Body, err)
	}
	if p.Status != status || !strings.HasSuffix(p.Type, typ) || p.Title == "" || p.Detail == "" || p.RequestID == "" {
		r.t.Fatalf("problem = %+v, want status %d, type …%s, a title, a detail and a request id", p, status, typ)
	}
	return &p
}

// plannedOperation creates, submits and plans over the API an operation of
// EMB and MSA on the metal-structure makers (3311, in both remits) of one
// subdistrict, for the week of 2026-03-09. The plan job runs inline.
func (b *testBundle) plannedOperation(t *testing.T) *enforcement.Operation {
	t.Helper()
	var op enforcement.Operation
	b.do(t, "coord", "POST", "/api/v1/operations", map[string]any{
		"title": "春季安全生产联合执法", "lead_department": "EMB", "departments": []string{"MSA"},
		"window_start": "2026-03-09", "window_end": "2026-03-13",
		"criteria": map[string]any{"industries": []string{"3311"}, "subdistricts": []string{"440303001"}},
	}).want(http.StatusCreated).decode(&op)
	b.do(t, "coord", "POST", "/api/v1/operations/"+itoa(op.ID)+"/submit", nil).want(http.StatusAccepted)
	if err := b.db.PlanOperation(b.ctx, op.ID); err != nil {
		t.Fatal(err)
	}
	b.do(t, "coord", "GET", "/api/v1/operations/"+itoa(op.ID), nil).want(http.StatusOK).decode(&op)
	if op.Status != enforcement.OperationPlanned || op.VisitCount == 0 {
		t.Fatalf("operation = %+v; want planned with visits", op)
	}
	return &op
}

// tasksOf lists the tasks the named person sees.
func (b *testBundle) tasksOf(t *testing.T, who, query string) []*enforcement.Task {
	t.Helper()
	var body struct{ Tasks []*enforcement.Task }
	b.do(t, who, "GET", "/api/v1/tasks"+query, nil).want(http.StatusOK).decode(&body)
	return body.Tasks
}

// rosterIDs returns the roster ids of the first n active inspectors of a
// department's demo roster: the ids a lead assigns.
func (b *testBundle) rosterIDs(t *testing.T, dept string, n int) []int64 {
	t.Helper()
	rows, err := b.pool.Query(b.ctx, `SELECT id FROM inspectors WHERE department_code = $1 AND active ORDER BY id LIMIT $2`, dept, n)
	if err != nil {
		t.Fatal(err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil || len(ids) != n {
		t.Fatalf("%s roster: %v, %v", dept, ids, err)
	}
	return ids
}

func itoa(id int64) string { return strconv.FormatInt(id, 10) }

// post sends an HTML form as who ("" for nobody), as a browser on this site
// would (Sec-Fetch-Site: same-origin).
func (b *testBundle) post(t *testing.T, who, path string, form url.Values) *response {
	t.Helper()
	req := httptest.NewRequest("POST", path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	if who != "" {
		req.Header.Set(actorHeader, who)
	}
	rec := httptest.NewRecorder()
	b.h.ServeHTTP(rec, req)
	return &response{rec, t}
}

// page fetches an HTML page as who and checks its status and type.
func (b *testBundle) page(t *testing.T, who, path string, status int) string {
	t.Helper()
	r := b.do(t, who, "GET", path, nil).want(status)
	if ct := r.Header().Get("Content-Type"); ct != "text/html; charset=utf-8" {
		t.Fatalf("GET %s: Content-Type = %q, want text/html", path, ct)
	}
	return r.Body.String()
}

// wantIn fails unless body holds every one of wants.
func wantIn(t *testing.T, body string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(body, w) {
			t.Errorf("page lacks %q:\n%s", w, body)
		}
	}
}

// httptestForm builds a form POST without the browser's same-origin mark.
func httptestForm(path string, form url.Values) *http.Request {
	req := httptest.NewRequest("POST", path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return req
}

// serve runs req through the handler.
func (b *testBundle) serve(req *http.Request) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	b.h.ServeHTTP(rec, req)
	return rec
}
