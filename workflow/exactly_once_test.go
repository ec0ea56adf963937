package workflow_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"

	"github.com/jointops/jointops/enforcement"
	"github.com/jointops/jointops/enforcement/postgres"
	"github.com/jointops/jointops/migrations/dbtest"
	"github.com/jointops/jointops/workflow"
)

// TestExactlyOnceThreeClients runs three jointops instances (a pool, a
// store and a River client each) against one database with one shared
// clock (DESIGN.md §3, issue 4 "Exactly once"):
//
//  1. Thousands of ladder rows fall due at once and every instance sweeps
//     several times at the same time: each level fires once, and each
//     recipient gets one notification per fired level.
//  2. An instance is killed in the middle of a sweep, after one batch
//     committed and while the next batch's statement is running: the
//     rows of that batch are back to pending once its statement is gone,
//     and the other instances fire them, once.
//  3. An instance is killed the same way, but its statement outlives it on
//     the server (PostgreSQL notices a vanished client only when it next
//     talks to it) and commits after the client is gone: the survivor
//     fires nothing twice.
func TestExactlyOnceThreeClients(t *testing.T) {
	if testing.Short() {
		t.Skip("runs three River clients on PostgreSQL")
	}
	f := newOnceFixture(t)
	for i := range 3 {
		f.startInstance(fmt.Sprintf("instance-%d", i+1))
	}

	// 1. 1,500 orders due Thursday 12 March 2026 on the default general
	// ladder: reminder Mon 9 March 09:00, level 1 at the deadline (end of
	// 12 March), level 2 end of 16 March, level 3 end of 19 March. The clock
	// stands at Mon 2 March 10:00, before all of them.
	due := enforcement.Date{Year: 2026, Month: 3, Day: 12}
	steps, err := enforcement.DefaultEscalationPolicy(enforcement.SeverityGeneral).
		Schedule(enforcement.WeekdayCalendar{}, due, f.loc, f.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	if len(steps) != 4 {
		t.Fatalf("the ladder has %d steps, want 4", len(steps))
	}
	orders := f.insertOrders(1500, due)
	fireAt := map[int]time.Time{}
	for _, s := range steps {
		fireAt[int(s.Level)] = s.FireAt
	}
	first := f.insertLadders(orders, func(_, level int) time.Time { return fireAt[level] }, steps)
	if n := f.count(`SELECT count(*) FROM escalations WHERE status = 'pending'`); n != len(first) {
		t.Fatalf("%d pending rows before the deadlines, want %d", n, len(first))
	}

	if _, err := f.clock.Advance(20 * 24 * time.Hour); err != nil { // → Sun 22 March, past level 3
		t.Fatal(err)
	}
	for _, in := range f.instances {
		for range 3 {
			f.insertSweep(in)
		}
	}
	f.waitFired(first)
	f.waitSweepsDone("phase 1")
	f.assertExactlyOnce("all levels due at once, 9 sweeps on 3 instances")
	if n := f.count(`SELECT count(*) FROM rectification_orders WHERE id = ANY($1) AND status = 'overdue' AND listed`, orders); n != len(orders) {
		t.Errorf("%d of %d orders are overdue and listed after level 3", n, len(orders))
	}
	t.Logf("phase 1: %d rows fired by %d sweeps (distinct fired_at), sweep jobs completed per instance: %v",
		len(first), f.count(`SELECT count(DISTINCT fired_at) FROM escalations`), f.jobsPerInstance())

	// 2. A kill in the middle of a sweep; its statement is ended on the
	// server.
	f.killMidSweep(1300, true)

	// 3. A kill in the middle of a sweep; its statement commits after the
	// client is gone.
	f.killMidSweep(1300, false)
}

// killMidSweep writes n orders with 4 ladder rows each, all due, in an
// order such that a sweep fires the rows of the first orders in its first
// batch and those of the last order in a later one (4n must exceed the
// store's batch of 5,000 rows, sweepBatchSize). It locks the last
// order, so that the statement firing its rows waits, lets one sweep run
// into it, and kills the instance that runs it (StopAndCancel, then its
// pool is closed). With endStatement, the statement the dead client left
// on the server is ended too (pg_terminate_backend, which is what
// PostgreSQL does once it notices that the client is gone): its batch
// rolls back. Otherwise the lock is released first and that statement
// commits on its own. Either way the survivors then sweep, and every row
// must have fired exactly once.
func (f *onceFixture) killMidSweep(n int, endStatement bool) {
	t := f.t
	t.Helper()
	phase := "kill, statement ended"
	if !endStatement {
		phase = "kill, statement outlives the client"
	}
	orders := f.insertOrders(n, enforcement.DateOf(f.clock.Now().In(f.loc)))
	locked := orders[len(orders)-1]
	lockTx, err := f.admin.Begin(f.ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer lockTx.Rollback(context.Background())
	if _, err := lockTx.Exec(f.ctx, `SELECT 1 FROM rectification_orders WHERE id = $1 FOR UPDATE`, locked); err != nil {
		t.Fatal(err)
	}
	// Distinct fire times, order by order: the sweep takes due rows by
	// fire_at, so its batches take whole orders, the locked one last.
	base := f.clock.Now().Add(-time.Hour)
	steps := enforcement.DefaultEscalationPolicy(enforcement.SeverityGeneral).Steps
	scheduled := make([]enforcement.ScheduledEscalation, len(steps))
	for i, s := range steps {
		scheduled[i] = enforcement.ScheduledEscalation{Level: s.Level, Recipients: s.Recipients}
	}
	rows := f.insertLadders(orders, func(i, level int) time.Time {
		return base.Add(time.Duration(i*len(steps)+level) * time.Millisecond)
	}, scheduled)

	survivors := f.live()
	f.insertSweep(survivors[0])
	// Wait until a batch has committed and the next one waits for the lock.
	var pid int
	f.eventually(phase+": a sweep blocked after its first batch", func() bool {
		pid = 0
		if err := f.admin.QueryRow(f.ctx, `
			SELECT coalesce(min(pid), 0) FROM pg_stat_activity
			WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%WITH due AS%'`).Scan(&pid); err != nil {
			t.Fatal(err)
		}
		return pid != 0 && f.count(`SELECT count(*) FROM escalations WHERE id = ANY($1) AND status = 'fired'`, rows) > 0
	})
	var attemptedBy []string
	if err := f.admin.QueryRow(f.ctx, `
		SELECT attempted_by FROM river_job WHERE kind = 'sweep_escalations' AND state = 'running'`).Scan(&attemptedBy); err != nil {
		t.Fatalf("%s: the running sweep job: %v", phase, err)
	}
	var victim *onceInstance
	for _, in := range survivors {
		if len(attemptedBy) > 0 && in.client.ID() == attemptedBy[len(attemptedBy)-1] {
			victim = in
		}
	}
	if victim == nil {
		t.Fatalf("%s: the running sweep job was attempted by %v, none of the live instances", phase, attemptedBy)
	}
	killedAt := f.clock.Now()
	victim.kill(t)
	t.Logf("%s: killed %s while its sweep waited in pid %d", phase, victim.name, pid)

	fired := f.count(`SELECT count(*) FROM escalations WHERE id = ANY($1) AND status = 'fired'`, rows)
	if endStatement {
		if _, err := f.admin.Exec(f.ctx, `SELECT pg_terminate_backend($1)`, pid); err != nil {
			t.Fatal(err)
		}
		f.eventually(phase+": the dead client's statement ends", func() bool {
			return f.count(`SELECT count(*) FROM pg_stat_activity WHERE pid = $1`, pid) == 0
		})
		// The killed instance committed its first batch; the batch in
		// flight rolled back, leaving no notification or audit event
		// behind.
		pending := f.count(`SELECT count(*) FROM escalations WHERE id = ANY($1) AND status = 'pending'`, rows)
		if fired == 0 || pending == 0 || fired+pending != len(rows) {
			t.Fatalf("%s: %d fired and %d pending of %d rows after the kill; want a committed batch and one rolled back", phase, fired, pending, len(rows))
		}
		if n := f.count(`
			SELECT (SELECT count(*) FROM notifications n JOIN escalations e ON e.id = n.escalation_id WHERE e.id = ANY($1) AND e.status = 'pending')
			     + (SELECT count(*) FROM audit_events a JOIN escalations e ON e.id = (a.details->>'escalation_id')::bigint
			        WHERE e.id = ANY($1) AND e.status = 'pending')`, rows); n != 0 {
			t.Errorf("%s: %d notifications or audit events of rows still pending", phase, n)
		}
		t.Logf("%s: %d rows fired before the kill, %d back to pending", phase, fired, pending)
	}
	if err := lockTx.Rollback(f.ctx); err != nil {
		t.Fatal(err)
	}
	if !endStatement {
		// The dead client's statement gets the lock and commits its batch.
		f.eventually(phase+": the dead client's statement commits", func() bool {
			return f.count(`SELECT count(*) FROM pg_stat_activity WHERE pid = $1`, pid) == 0 ||
				f.count(`SELECT count(*) FROM escalations WHERE subject_id = $1 AND subject_kind = 'rectification_order' AND status = 'fired'`, locked) > 0
		})
	}

	for _, in := range f.live() {
		for range 2 {
			f.insertSweep(in)
		}
	}
	f.waitFired(rows)
	f.waitSweepsDone(phase)
	if endStatement {
		if n := f.count(`SELECT count(*) FROM escalations WHERE id = ANY($1) AND fired_at < $2`, rows, killedAt); n != fired {
			t.Errorf("%s: %d rows fired before the kill, want the %d the killed instance committed", phase, n, fired)
		}
	}
	f.assertExactlyOnce(phase)
	t.Logf("%s: all %d rows fired once; sweep jobs completed per instance: %v", phase, len(rows), f.jobsPerInstance())
}

// onceFixture is the database, the clock and the instances of the test.
type onceFixture struct {
	t         *testing.T
	ctx       context.Context
	url       string
	admin     *pgxpool.Pool // the test's own connections
	clock     *enforcement.OffsetClock
	loc       *time.Location
	instances []*onceInstance
	log       *syncBuffer

	departments  []string
	leads        map[string]int64
	inspectors   map[string][]int64
	coordinators []int64
	leadership   []int64
	enterprise   int64
}

// onceInstance is one jointops instance.
type onceInstance struct {
	name   string
	pool   *pgxpool.Pool
	client *river.Client[pgx.Tx]
	killed bool
}

func newOnceFixture(t *testing.T) *onceFixture {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	url := dbtest.URL(t)
	admin, err := pgxpool.New(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(admin.Close)
	f := &onceFixture{
		t: t, ctx: ctx, url: url, admin: admin, loc: loc, log: &syncBuffer{},
		clock:       enforcement.NewOffsetClock(time.Date(2026, 3, 2, 10, 0, 0, 0, loc)),
		departments: []string{"EMB", "MSA", "FIRE"},
		leads:       map[string]int64{}, inspectors: map[string][]int64{},
	}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("River's log:\n%s", f.log.String())
		}
	})

	// Three departments with a lead and two inspectors each, two
	// coordinators and one member of the district leadership.
	for _, d := range f.departments {
		if _, err := admin.Exec(ctx, `INSERT INTO departments (code, name_zh, name_en) VALUES ($1, $1, $1)`, d); err != nil {
			t.Fatal(err)
		}
		f.leads[d] = f.insertUser(d+"-lead", d, "dept_lead")
		f.inspectors[d] = []int64{f.insertUser(d+"-inspector-1", d, "inspector"), f.insertUser(d+"-inspector-2", d, "inspector")}
	}
	f.coordinators = []int64{f.insertUser("coordinator-1", "", "coordinator"), f.insertUser("coordinator-2", "", "coordinator")}
	f.leadership = []int64{f.insertUser("leader", "", "leadership")}
	if err := admin.QueryRow(ctx, `
		INSERT INTO enterprises (registry, registry_id, name) VALUES ('test', 'ONCE-1', '测试企业') RETURNING id`).Scan(&f.enterprise); err != nil {
		t.Fatal(err)
	}
	return f
}

func (f *onceFixture) insertUser(subject, dept, role string) int64 {
	var id int64
	if err := f.admin.QueryRow(f.ctx, `
		INSERT INTO users (issuer, subject, name, department_code, roles) VALUES ('test', $1, $1, NULLIF($2, ''), ARRAY[$3])
		RETURNING id`, subject, dept, role).Scan(&id); err != nil {
		f.t.Fatal(err)
	}
	return id
}

// startInstance starts an instance with its own pool, store and River
// client on the shared clock. Sweeps run when the test inserts them: the
// periodic sweep runs on start only (the clock then stands before every
// deadline) and then hourly.
func (f *onceFixture) startInstance(name string) {
	t := f.t
	pool, err := pgxpool.New(f.ctx, f.url)
	if err != nil {
		t.Fatal(err)
	}
	store, err := postgres.New(pool, enforcement.WeekdayCalendar{})
	if err != nil {
		t.Fatal(err)
	}
	store.Clock, store.Location = f.clock, f.loc
	logger := slog.New(slog.NewTextHandler(f.log, &slog.HandlerOptions{Level: slog.LevelWarn})).With("instance", name)
	client, err := workflow.NewClient(pool, workflow.Config{
		Plan: store, Escalations: store, Clock: f.clock, SweepInterval: time.Hour, Logger: logger, TestOnly: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := client.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	in := &onceInstance{name: name, pool: pool, client: client}
	t.Cleanup(func() {
		if !in.killed {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			if err := client.Stop(ctx); err != nil {
				t.Errorf("stop %s: %v", name, err)
			}
			pool.Close()
		}
	})
	f.instances = append(f.instances, in)
}

// kill stops the instance the hard way: the contexts of its running jobs
// are cancelled, and its connections closed.
func (in *onceInstance) kill(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	in.killed = true
	if err := in.client.StopAndCancel(ctx); err != nil {
		t.Fatalf("StopAndCancel %s: %v", in.name, err)
	}
	in.pool.Close()
}

func (f *onceFixture) live() []*onceInstance {
	var out []*onceInstance
	for _, in := range f.instances {
		if !in.killed {
			out = append(out, in)
		}
	}
	return out
}

// killedIDs returns the River client ids of the killed instances: a job
// they were running when killed stays running until River rescues it.
func (f *onceFixture) killedIDs() []string {
	ids := []string{}
	for _, in := range f.instances {
		if in.killed {
			ids = append(ids, in.client.ID())
		}
	}
	return ids
}

func (f *onceFixture) insertSweep(in *onceInstance) {
	if _, err := in.client.Insert(f.ctx, enforcement.SweepEscalationsJob{}, nil); err != nil {
		f.t.Fatalf("insert a sweep on %s: %v", in.name, err)
	}
}

// insertOrders writes n open orders due on due, round the departments and
// their inspectors, and returns their ids in order.
func (f *onceFixture) insertOrders(n int, due enforcement.Date) []int64 {
	depts := make([]string, n)
	issuers := make([]int64, n)
	for i := range n {
		d := f.departments[i%len(f.departments)]
		depts[i], issuers[i] = d, f.inspectors[d][(i/len(f.departments))%len(f.inspectors[d])]
	}
	rows, err := f.admin.Query(f.ctx, `
		INSERT INTO rectification_orders (enterprise_id, department_code, severity, issued_by, issued_at, due_on, due_rule,
		                                  due_at, time_zone, created_at, updated_at)
		SELECT $1, d, 'general', u, $2, $3, 'date', $4, $5, $2, $2
		FROM unnest($6::text[], $7::bigint[]) WITH ORDINALITY AS x (d, u, k) ORDER BY k
		RETURNING id`,
		f.enterprise, f.clock.Now(), due.UTC(), enforcement.EndOfDay(due, f.loc), f.loc.String(), depts, issuers)
	if err != nil {
		f.t.Fatal(err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		f.t.Fatal(err)
	}
	slices.Sort(ids)
	return ids
}

// insertLadders writes the ladder of each order, in the shape insertLadder
// writes: a row per step, fire time fireAt(order index, level).
func (f *onceFixture) insertLadders(orders []int64, fireAt func(i, level int) time.Time, steps []enforcement.ScheduledEscalation) []int64 {
	var order, level []int64
	var at []time.Time
	var recipients []string
	for i, id := range orders {
		for _, s := range steps {
			order, level = append(order, id), append(level, int64(s.Level))
			at, recipients = append(at, fireAt(i, int(s.Level))), append(recipients, roleList(s.Recipients))
		}
	}
	rows, err := f.admin.Query(f.ctx, `
		INSERT INTO escalations (subject_kind, subject_id, department_code, level, due_on, fire_at, recipients)
		SELECT 'rectification_order', o.id, o.department_code, x.level, o.due_on, x.fire_at, string_to_array(x.recipients, ',')
		FROM unnest($1::bigint[], $2::int[], $3::timestamptz[], $4::text[]) AS x (order_id, level, fire_at, recipients)
		JOIN rectification_orders o ON o.id = x.order_id
		RETURNING id`, order, level, at, recipients)
	if err != nil {
		f.t.Fatal(err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		f.t.Fatal(err)
	}
	return ids
}

func roleList(roles []enforcement.Role) string {
	s := make([]string, len(roles))
	for i, r := range roles {
		s[i] = string(r)
	}
	return strings.Join(s, ",")
}

// waitSweepsDone waits until no sweep job is waiting or running, but
// for those that killed instances left behind (River rescues a running
// one later, and retries a failed one), and checks that no other failed.
func (f *onceFixture) waitSweepsDone(phase string) {
	f.t.Helper()
	f.eventually(phase+": the sweeps finish", func() bool {
		return f.count(`SELECT count(*) FROM river_job WHERE kind = 'sweep_escalations'
			AND state NOT IN ('completed', 'discarded', 'cancelled')
			AND NOT coalesce(attempted_by[cardinality(attempted_by)] = ANY($1), false)`, f.killedIDs()) == 0
	})
	// No sweep failed but those that were killed: sweeps that run at once
	// wait for one another, they do not deadlock.
	if n := f.count(`SELECT count(*) FROM river_job WHERE kind = 'sweep_escalations' AND errors IS NOT NULL
		AND NOT attempted_by && $1::text[]`, f.killedIDs()); n != 0 {
		f.t.Errorf("%s: %d sweep jobs failed:\n%s", phase, n, f.sweepJobs())
	}
}

// waitFired waits until every row of ids has fired.
func (f *onceFixture) waitFired(ids []int64) {
	f.t.Helper()
	f.eventually(fmt.Sprintf("%d rows fired", len(ids)), func() bool {
		return f.count(`SELECT count(*) FROM escalations WHERE id = ANY($1) AND status <> 'fired'`, ids) == 0
	})
}

// assertExactlyOnce checks every fired row of the database: one audit
// event each, and one notification for each of its recipients (the issuing
// inspector, the department's lead, every coordinator, every member of the
// leadership, by the row's recipients) and no other.
func (f *onceFixture) assertExactlyOnce(phase string) {
	t := f.t
	t.Helper()
	if n := f.count(`SELECT count(*) FROM escalations WHERE status = 'pending'`); n != 0 {
		t.Errorf("%s: %d rows still pending", phase, n)
	}
	if n := f.count(`
		SELECT count(*) FROM escalations e
		FULL JOIN (SELECT (details->>'escalation_id')::bigint AS id, count(*) AS n FROM audit_events
		           WHERE action = 'escalation.fired' GROUP BY 1) a ON a.id = e.id
		WHERE e.status IS DISTINCT FROM 'fired' AND a.n IS NOT NULL OR e.status = 'fired' AND a.n IS DISTINCT FROM 1`); n != 0 {
		t.Errorf("%s: %d rows do not have exactly one audit event of their firing (none when not fired)", phase, n)
	}
	if n := f.count(`SELECT count(*) FROM escalations WHERE status = 'fired' AND fired_at IS NULL`); n != 0 {
		t.Errorf("%s: %d fired rows without fired_at", phase, n)
	}

	want := map[[2]int64]int{}
	rows, err := f.admin.Query(f.ctx, `
		SELECT e.id, e.department_code, e.recipients, o.issued_by
		FROM escalations e JOIN rectification_orders o ON o.id = e.subject_id
		WHERE e.subject_kind = 'rectification_order' AND e.status = 'fired'`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id, issuer int64
		var dept string
		var recipients []string
		if err := rows.Scan(&id, &dept, &recipients, &issuer); err != nil {
			t.Fatal(err)
		}
		var users []int64
		for _, r := range recipients {
			switch enforcement.Role(r) {
			case enforcement.RoleInspector:
				users = append(users, issuer)
			case enforcement.RoleDeptLead:
				users = append(users, f.leads[dept])
			case enforcement.RoleCoordinator:
				users = append(users, f.coordinators...)
			case enforcement.RoleLeadership:
				users = append(users, f.leadership...)
			}
		}
		for _, u := range users {
			want[[2]int64{id, u}] = 1
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	got := map[[2]int64]int{}
	rows, err = f.admin.Query(f.ctx, `SELECT escalation_id, user_id, count(*) FROM notifications WHERE escalation_id IS NOT NULL GROUP BY 1, 2`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var e, u int64
		var n int
		if err := rows.Scan(&e, &u, &n); err != nil {
			t.Fatal(err)
		}
		got[[2]int64{e, u}] = n
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	var missing, extra, doubled int
	for k := range want {
		if got[k] == 0 {
			missing++
		}
	}
	for k, n := range got {
		if want[k] == 0 {
			extra++
		} else if n > 1 {
			doubled++
		}
	}
	if missing+extra+doubled > 0 || len(want) == 0 {
		t.Errorf("%s: of %d expected notifications, %d are missing, %d doubled, and %d went to someone else", phase, len(want), missing, doubled, extra)
	}
}

// jobsPerInstance counts the completed sweep jobs by the instance that
// worked them, to show that the work was spread.
func (f *onceFixture) jobsPerInstance() map[string]int {
	names := map[string]string{}
	for _, in := range f.instances {
		names[in.client.ID()] = in.name
	}
	rows, err := f.admin.Query(f.ctx, `
		SELECT attempted_by[cardinality(attempted_by)], count(*) FROM river_job
		WHERE kind = 'sweep_escalations' AND state = 'completed' GROUP BY 1`)
	if err != nil {
		f.t.Fatal(err)
	}
	out := map[string]int{}
	for rows.Next() {
		var id string
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			f.t.Fatal(err)
		}
		out[names[id]] += n
	}
	return out
}

// sweepJobs describes the sweep jobs, for a failure message.
func (f *onceFixture) sweepJobs() string {
	rows, err := f.admin.Query(context.Background(), `
		SELECT id, state, attempt, coalesce(attempted_by[cardinality(attempted_by)], ''), coalesce(errors::text, '')
		FROM river_job WHERE kind = 'sweep_escalations' ORDER BY id`)
	if err != nil {
		return err.Error()
	}
	defer rows.Close()
	var b strings.Builder
	for rows.Next() {
		var id int64
		var state, by, errs string
		var attempt int
		if err := rows.Scan(&id, &state, &attempt, &by, &errs); err != nil {
			return err.Error()
		}
		fmt.Fprintf(&b, "job %d %s attempt %d by %s %s\n", id, state, attempt, by, errs)
	}
	return b.String()
}

func (f *onceFixture) count(sql string, args ...any) int {
	f.t.Helper()
	var n int
	if err := f.admin.QueryRow(f.ctx, sql, args...).Scan(&n); err != nil {
		f.t.Fatalf("%s: %v", sql, err)
	}
	return n
}

// eventually polls cond every 50 ms for up to 60 s: River works jobs
// asynchronously, and a loaded CI machine is slow. It never waits for a
// deadline; the clock does that.
func (f *onceFixture) eventually(what string, cond func() bool) {
	f.t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			f.t.Fatalf("timed out waiting for %s; sweep jobs:\n%s", what, f.sweepJobs())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// syncBuffer is a bytes.Buffer that River's goroutines may log to.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
