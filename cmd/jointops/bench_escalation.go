package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math"
	"runtime"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"

	"github.com/jointops/jointops/enforcement"
	"github.com/jointops/jointops/enforcement/postgres"
	"github.com/jointops/jointops/workflow"
)

// The escalation benchmark (issue 4, "Scale and speed"): a burst of
// deadlines passing at one instant among many tracked orders, a trickle of
// deadlines in real time under River's 5 s periodic sweep, and the same
// trickle under a once-a-minute cron poll.
const (
	// escalationTrickle is the number of deadlines of the trickle and of
	// the cron baseline.
	escalationTrickle = 1000
	// escalationDueDays is the number of working days after the burst's
	// due date that the other tracked orders are due on, evenly.
	escalationDueDays = 60
	// escalationLeadDays is how many working days from today the burst's
	// due date lies: far enough that no tracked ladder row comes due in
	// real time while the trickle runs.
	escalationLeadDays = 10
	// escalationOrdersPerEnterprise: the tracked orders are spread over
	// tracked/2 enterprises.
	escalationOrdersPerEnterprise = 2
	// escalationPoll is how often the burst's progress is read.
	escalationPoll = 100 * time.Millisecond
	// escalationRiverConns bounds the River client's pool: its producer,
	// notifier, elector and maintenance services, and 10 workers.
	escalationRiverConns = 16
)

// escalationFlags are the flags of `jointops bench escalation`.
type escalationFlags struct {
	// Tracked is the number of open rectification orders, each with its
	// ladder.
	Tracked int
	// Burst is the number of them whose level 1 fires at the same instant.
	Burst int
	// TrickleSeconds spreads the trickle's deadlines over this many
	// seconds of real time.
	TrickleSeconds int
	// CronInterval is the period of the baseline's cron poll.
	CronInterval time.Duration
}

// register adds the flags to fs with their defaults.
func (f *escalationFlags) register(fs *flag.FlagSet) {
	f.Tracked, f.Burst = 1_000_000, 100_000
	count := func(dst *int) func(string) error {
		return func(s string) error {
			n, err := parseBenchSizes(s)
			if err != nil || len(n) != 1 {
				return fmt.Errorf("%q is not one positive number", s)
			}
			*dst = n[0]
			return nil
		}
	}
	fs.Func("tracked", "escalation: open rectification orders tracked, each with its ladder, e.g. 1000000 or 1m (default 1000000)", count(&f.Tracked))
	fs.Func("burst", "escalation: how many of the tracked orders pass their deadline at the same instant, e.g. 100k (default 100000)", count(&f.Burst))
	fs.IntVar(&f.TrickleSeconds, "trickle-seconds", 300, "escalation: spread the trickle's 1,000 deadlines over this many seconds of real time")
	fs.DurationVar(&f.CronInterval, "cron-interval", time.Minute, "escalation: the period of the baseline's cron poll")
}

func (f *escalationFlags) validate() error {
	switch {
	case f.Burst > f.Tracked:
		return fmt.Errorf("--burst %d is more than --tracked %d", f.Burst, f.Tracked)
	case f.TrickleSeconds <= 0:
		return errors.New("--trickle-seconds must be positive")
	case f.CronInterval <= 0:
		return errors.New("--cron-interval must be positive")
	}
	return nil
}

// escalationResult is the escalation benchmark's result, one JSON line
// with --json.
type escalationResult struct {
	Bench   string `json:"bench"`
	Tracked int    `json:"tracked"`
	Burst   int    `json:"burst"`
	// BurstDrainMS runs from the instant the clock reaches the burst's
	// deadline until every level-1 row of the burst is fired and its
	// notifications are written (they commit in the same statement).
	BurstDrainMS       int64 `json:"burst_drain_ms"`
	BurstNotifications int   `json:"burst_notifications"`
	// Lateness (fired_at - fire_at) of the trickle under River's periodic
	// sweep, and of the same trickle under the cron poll.
	TrickleP50MS int64 `json:"trickle_p50_ms"`
	TrickleP99MS int64 `json:"trickle_p99_ms"`
	TrickleMaxMS int64 `json:"trickle_max_ms"`
	CronP50MS    int64 `json:"cron_p50_ms"`
	CronP99MS    int64 `json:"cron_p99_ms"`
	CronMaxMS    int64 `json:"cron_max_ms"`
	// DBMB is pg_database_size at the end of the run, in MiB.
	DBMB float64 `json:"db_mb"`
	// TimedOut is set when the burst was not drained within --timeout:
	// BurstDrainMS is then the time waited.
	TimedOut bool `json:"timed_out,omitempty"`
}

// runEscalationBench runs the escalation benchmark and prints one row.
func runEscalationBench(ctx context.Context, cfg *Config, opts *benchOptions, stdout io.Writer) error {
	f := opts.Escalation
	if err := f.validate(); err != nil {
		return err
	}
	return withBenchDatabase(ctx, cfg, opts, func(pb *plannerBench, version string) error {
		return runEscalationOn(ctx, cfg, opts, pb, version, stdout)
	})
}

// runEscalationOn runs the escalation benchmark on the benchmark's database.
func runEscalationOn(ctx context.Context, cfg *Config, opts *benchOptions, pb *plannerBench, version string, stdout io.Writer) error {
	f := opts.Escalation
	opts.logf("escalation: %d CPUs, PostgreSQL %s, %d tracked orders, burst %d, trickle %d deadlines over %d s, cron every %s",
		runtime.NumCPU(), version, f.Tracked, f.Burst, escalationTrickle, f.TrickleSeconds, f.CronInterval)
	if err := pb.setupReference(ctx); err != nil {
		return err
	}

	// The River clients get a pool and a store of their own, as in
	// `jointops serve`; the generation and the polls use the planner's.
	pcfg, err := pgxpool.ParseConfig("")
	if err != nil {
		return err
	}
	pcfg.ConnConfig = pb.pool.Config().ConnConfig.Copy()
	pcfg.MaxConns = escalationRiverConns
	riverPool, err := pgxpool.NewWithConfig(ctx, pcfg)
	if err != nil {
		return err
	}
	defer riverPool.Close()
	store, err := postgres.New(riverPool, pb.db.Calendar)
	if err != nil {
		return err
	}
	store.Location = pb.db.Location

	var logOut io.Writer = io.Discard
	if opts.Log != nil {
		logOut = opts.Log
	}
	e := &escalationBench{
		plannerBench: pb, flags: f, opts: opts, store: store, riverPool: riverPool,
		logger: slog.New(slog.NewTextHandler(logOut, &slog.HandlerOptions{Level: slog.LevelWarn})),
	}
	r := &escalationResult{Bench: "escalation", Tracked: f.Tracked, Burst: f.Burst}
	if err := e.generate(ctx); err != nil {
		return err
	}
	if err := e.runBurst(ctx, r); err != nil {
		return fmt.Errorf("burst: %w", err)
	}
	if err := e.runTrickle(ctx, r); err != nil {
		return fmt.Errorf("trickle: %w", err)
	}
	if err := e.runCron(ctx, r); err != nil {
		return fmt.Errorf("cron baseline: %w", err)
	}
	mb, err := e.databaseMB(ctx)
	if err != nil {
		return err
	}
	r.DBMB = benchRound(mb, 1)
	e.logSizes(ctx, "at the end")
	return writeEscalationResult(stdout, r, opts.JSON)
}

// escalationBench is the escalation benchmark's database, stores and the
// instant of its burst.
type escalationBench struct {
	*plannerBench
	flags     escalationFlags
	opts      *benchOptions
	store     *postgres.DB // on riverPool, for the River clients
	riverPool *pgxpool.Pool
	logger    *slog.Logger
	// t is the burst's deadline: the end of its due date in the district.
	t time.Time
	// clockStart is where the burst's clock starts, an hour before t.
	// Ladder rows due before it are generated fired already.
	clockStart time.Time
}

// inspectorsSQL gives each department's inspector users as an array, for
// the generated orders' issuers.
const inspectorsSQL = `SELECT department_code, array_agg(id ORDER BY id) AS ids FROM users
	WHERE 'inspector' = ANY(roles) GROUP BY department_code`

// generate writes the tracked orders set-based: enterprises, one hazard
// per order, the orders, and their ladders in the shape insertLadder
// writes, with the fire times of the store's policies and calendar.
func (e *escalationBench) generate(ctx context.Context) error {
	began := time.Now()
	f := e.flags
	enterprises := max(1, f.Tracked/escalationOrdersPerEnterprise)
	if err := e.plannerBench.generate(ctx, enterprises); err != nil {
		return err
	}
	e.opts.logf("escalation: %d enterprises generated in %s", enterprises, time.Since(began).Round(time.Millisecond))

	cal, loc := e.db.Calendar, e.db.Location
	d0, err := enforcement.AddWorkingDays(cal, e.db.Today(), escalationLeadDays)
	if err != nil {
		return err
	}
	e.t = enforcement.EndOfDay(d0, loc)
	e.clockStart = e.t.Add(-time.Hour)
	dueOn := []time.Time{d0.UTC()}
	dueAt := []time.Time{e.t}
	for k := 1; k <= escalationDueDays; k++ {
		d, err := enforcement.AddWorkingDays(cal, d0, k)
		if err != nil {
			return err
		}
		dueOn, dueAt = append(dueOn, d.UTC()), append(dueAt, enforcement.EndOfDay(d, loc))
	}

	// The orders are issued under the policies in force (the seeded
	// defaults), and name them as the store does.
	stored, err := e.db.FindEscalationPolicies(enforcement.NewContextWithActor(ctx, e.actor), false)
	if err != nil {
		return err
	}
	policies := map[enforcement.Severity]*enforcement.StoredEscalationPolicy{}
	for _, p := range stored {
		policies[p.Severity] = p
	}
	general, major := policies[enforcement.SeverityGeneral], policies[enforcement.SeverityMajor]
	if general == nil || major == nil {
		return errors.New("no escalation policy in force for general or major hazards")
	}

	step := time.Now()
	err = pgx.BeginFunc(ctx, e.pool, func(tx pgx.Tx) error {
		// Order i is due on the burst's date when i ≤ burst, else on one
		// of the next 60 working days; every fifth is major; departments
		// and issuing inspectors go round.
		if _, err := tx.Exec(ctx, `
			WITH insp AS (`+inspectorsSQL+`),
			due AS (SELECT k - 1 AS k, d AS due_on, a AS due_at FROM unnest($4::date[], $5::timestamptz[]) WITH ORDINALITY AS x (d, a, k))
			INSERT INTO rectification_orders (id, enterprise_id, department_code, severity, status, issued_by, issued_at,
			                                  due_on, due_rule, due_at, time_zone, created_at, updated_at, escalation_policy_id)
			SELECT i, 1 + (i - 1) % $2::int, insp.department_code, CASE WHEN i % 5 = 0 THEN 'major' ELSE 'general' END, 'open',
			       insp.ids[1 + ((i - 1) / $7::int) % cardinality(insp.ids)], due.due_at - interval '30 days',
			       due.due_on, 'date', due.due_at, $6, due.due_at - interval '30 days', due.due_at - interval '30 days',
			       CASE WHEN i % 5 = 0 THEN $10::bigint ELSE $9::bigint END
			FROM generate_series(1, $1::int) i
			JOIN insp ON insp.department_code = 'BD' || (1 + (i - 1) % $7::int)
			JOIN due ON due.k = CASE WHEN i <= $3::int THEN 0 ELSE 1 + (i - 1) % $8::int END`,
			f.Tracked, enterprises, f.Burst, dueOn, dueAt, loc.String(), benchDepartments, escalationDueDays, general.ID, major.ID); err != nil {
			return fmt.Errorf("orders: %w", err)
		}
		if _, err := tx.Exec(ctx, `
			INSERT INTO hazards (id, enterprise_id, department_code, severity, description, recorded_by, found_at)
			SELECT id, enterprise_id, department_code, severity, 'Bench hazard ' || id, issued_by, issued_at
			FROM rectification_orders ORDER BY id`); err != nil {
			return fmt.Errorf("hazards: %w", err)
		}
		if _, err := tx.Exec(ctx, `
			INSERT INTO rectification_order_hazards (rectification_order_id, hazard_id)
			SELECT id, id FROM rectification_orders ORDER BY id`); err != nil {
			return fmt.Errorf("order hazards: %w", err)
		}
		_, err := tx.Exec(ctx, `
			SELECT setval(pg_get_serial_sequence('rectification_orders', 'id'), $1),
			       setval(pg_get_serial_sequence('hazards', 'id'), $1)`, f.Tracked)
		return err
	})
	if err != nil {
		return fmt.Errorf("generate orders: %w", err)
	}
	e.opts.logf("escalation: %d orders and their hazards generated in %s", f.Tracked, time.Since(step).Round(time.Millisecond))

	// The ladder of each (due date, severity), computed once in Go by the
	// store's policies, joined to the orders in one INSERT … SELECT.
	var ladder [][]any
	for i, d := range dueOn {
		for _, p := range []*enforcement.StoredEscalationPolicy{general, major} {
			sev := p.Severity
			steps, err := p.Schedule(cal, enforcement.DateOf(d), loc, dueAt[i].Add(-30*24*time.Hour))
			if err != nil {
				return err
			}
			for _, s := range steps {
				roles := make([]string, len(s.Recipients))
				for j, r := range s.Recipients {
					roles[j] = string(r)
				}
				ladder = append(ladder, []any{d, string(sev), int16(s.Level), s.FireAt, roles})
			}
		}
	}
	step = time.Now()
	var rows int64
	err = pgx.BeginFunc(ctx, e.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `CREATE TEMP TABLE bench_ladder (due_on date, severity text, level smallint,
			fire_at timestamptz, recipients text[]) ON COMMIT DROP`); err != nil {
			return err
		}
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{"bench_ladder"}, []string{"due_on", "severity", "level", "fire_at", "recipients"},
			pgx.CopyFromRows(ladder)); err != nil {
			return err
		}
		// A level whose time came before the burst's clock starts (the
		// reminders of orders due around the burst's date) has fired
		// already, as the sweep would have left it.
		tag, err := tx.Exec(ctx, `
			INSERT INTO escalations (subject_kind, subject_id, department_code, level, due_on, fire_at, recipients, status, fired_at)
			SELECT 'rectification_order', o.id, o.department_code, l.level, o.due_on, l.fire_at, l.recipients,
			       CASE WHEN l.fire_at < $1 THEN 'fired' ELSE 'pending' END, CASE WHEN l.fire_at < $1 THEN l.fire_at END
			FROM rectification_orders o JOIN bench_ladder l ON l.due_on = o.due_on AND l.severity = o.severity`, e.clockStart)
		rows = tag.RowsAffected()
		return err
	})
	if err != nil {
		return fmt.Errorf("generate ladders: %w", err)
	}
	e.opts.logf("escalation: %d ladder rows generated in %s", rows, time.Since(step).Round(time.Millisecond))

	step = time.Now()
	if _, err := e.pool.Exec(ctx, `VACUUM ANALYZE rectification_orders, hazards, rectification_order_hazards, escalations, users`); err != nil {
		return fmt.Errorf("vacuum: %w", err)
	}
	e.opts.logf("escalation: vacuumed in %s; generation took %s", time.Since(step).Round(time.Millisecond), time.Since(began).Round(time.Millisecond))
	e.logSizes(ctx, "after generation")
	return nil
}

// runBurst starts a River client whose clock stands an hour before the
// burst's deadline, moves the clock to the deadline, and times until
// every level-1 row of the burst is fired with its notifications.
func (e *escalationBench) runBurst(ctx context.Context, r *escalationResult) error {
	clock := enforcement.NewOffsetClock(e.clockStart)
	client, err := e.startRiver(ctx, clock)
	if err != nil {
		return err
	}
	defer e.stopRiver(client)

	var pending int
	if err := e.pool.QueryRow(ctx, `SELECT count(*) FROM escalations WHERE status = 'pending' AND fire_at <= $1`, e.t).Scan(&pending); err != nil {
		return err
	}
	if pending != r.Burst {
		return fmt.Errorf("%d ladder rows are due at the burst's deadline, want %d", pending, r.Burst)
	}
	// Each level-1 row notifies the issuing inspector and the department's
	// lead (one per department).
	want := 2 * r.Burst
	e.settle(ctx)

	opts := e.opts
	opts.logf("escalation: burst: moving the clock to %s, where %d level-1 rows fall due", e.t.In(e.db.Location).Format(time.RFC3339), r.Burst)
	began := time.Now()
	if _, err := clock.Advance(e.t.Sub(clock.Now())); err != nil {
		return err
	}
	deadline := began.Add(opts.Timeout)
	var notes int
	for {
		if err := e.pool.QueryRow(ctx, `SELECT count(*) FROM escalations WHERE status = 'pending' AND fire_at <= $1`, e.t).Scan(&pending); err != nil {
			return err
		}
		if pending == 0 {
			// The notifications commit in the statement that fires the
			// rows: once none is pending, they are all there.
			if err := e.pool.QueryRow(ctx, `SELECT count(*) FROM notifications WHERE kind = 'escalation' AND level = 1`).Scan(&notes); err != nil {
				return err
			}
			if notes >= want {
				break
			}
		}
		if time.Now().After(deadline) {
			r.TimedOut = true
			opts.logf("escalation: burst: %d rows still pending after --timeout %s", pending, opts.Timeout)
			break
		}
		time.Sleep(escalationPoll)
	}
	drain := time.Since(began)
	r.BurstDrainMS, r.BurstNotifications = drain.Milliseconds(), notes
	if !r.TimedOut && notes != want {
		opts.logf("escalation: burst: %d notifications, expected %d", notes, want)
	}
	// fired_at is the now of the sweep that fired a row: the first tells
	// how long the burst waited for the periodic sweep, the count how
	// many sweeps shared it.
	var wait time.Duration
	var sweeps int
	if err := e.pool.QueryRow(ctx, `
		SELECT coalesce(min(fired_at) - $1, '0'), count(DISTINCT fired_at)
		FROM escalations WHERE fire_at = $1 AND status = 'fired'`, e.t).Scan(&wait, &sweeps); err != nil {
		return err
	}
	opts.logf("escalation: burst: drained in %s (%d notifications); the first sweep began %s after the deadline, %d sweeps fired it",
		drain.Round(time.Millisecond), notes, wait.Round(time.Millisecond), sweeps)
	return nil
}

// runTrickle starts a River client on the system clock, then writes 1,000
// level-1 rows due over --trickle-seconds from now, and measures how late
// the periodic sweep fires them.
func (e *escalationBench) runTrickle(ctx context.Context, r *escalationResult) error {
	client, err := e.startRiver(ctx, enforcement.SystemClock{})
	if err != nil {
		return err
	}
	defer e.stopRiver(client)
	e.opts.logf("escalation: trickle: %d deadlines over the next %d s, River's periodic sweep every 5 s", escalationTrickle, e.flags.TrickleSeconds)
	ids, err := e.insertTrickle(ctx)
	if err != nil {
		return err
	}
	if err := e.waitFired(ctx, ids, nil); err != nil {
		return err
	}
	r.TrickleP50MS, r.TrickleP99MS, r.TrickleMaxMS, err = e.lateness(ctx, ids)
	if err != nil {
		return err
	}
	e.opts.logf("escalation: trickle: lateness p50 %d ms, p99 %d ms, max %d ms", r.TrickleP50MS, r.TrickleP99MS, r.TrickleMaxMS)
	return nil
}

// runCron measures the baseline: the same trickle, with no River client,
// fired by db.SweepEscalations on a --cron-interval ticker.
func (e *escalationBench) runCron(ctx context.Context, r *escalationResult) error {
	e.opts.logf("escalation: cron baseline: %d deadlines over the next %d s, swept every %s", escalationTrickle, e.flags.TrickleSeconds, e.flags.CronInterval)
	ids, err := e.insertTrickle(ctx)
	if err != nil {
		return err
	}
	ticker := time.NewTicker(e.flags.CronInterval)
	defer ticker.Stop()
	tick := func() error {
		select {
		case <-ticker.C:
			_, err := e.store.SweepEscalations(ctx, time.Now())
			return err
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	if err := e.waitFired(ctx, ids, tick); err != nil {
		return err
	}
	r.CronP50MS, r.CronP99MS, r.CronMaxMS, err = e.lateness(ctx, ids)
	if err != nil {
		return err
	}
	e.opts.logf("escalation: cron baseline: lateness p50 %d ms, p99 %d ms, max %d ms", r.CronP50MS, r.CronP99MS, r.CronMaxMS)
	return nil
}

// insertTrickle writes 1,000 open orders, each with a level-1 row due at
// now + uniform(0, --trickle-seconds), and returns the rows' ids.
func (e *escalationBench) insertTrickle(ctx context.Context) ([]int64, error) {
	rows, err := e.pool.Query(ctx, `
		WITH insp AS (`+inspectorsSQL+`),
		o AS (
			INSERT INTO rectification_orders (enterprise_id, department_code, severity, status, issued_by, issued_at,
			                                  due_on, due_rule, due_at, time_zone, created_at, updated_at)
			SELECT 1 + (i - 1) % (SELECT count(*) FROM enterprises), insp.department_code, 'general', 'open',
			       insp.ids[1 + (i - 1) % cardinality(insp.ids)], $1, ($1::timestamptz AT TIME ZONE $4)::date, 'date',
			       $1::timestamptz + random() * $2::int * interval '1 second', $4, $1, $1
			FROM generate_series(1, $3::int) i
			JOIN insp ON insp.department_code = 'BD' || (1 + (i - 1) % $5::int)
			RETURNING id, department_code, due_on, due_at
		)
		INSERT INTO escalations (subject_kind, subject_id, department_code, level, due_on, fire_at, recipients)
		SELECT 'rectification_order', id, department_code, 1, due_on, due_at, '{inspector,dept_lead}' FROM o
		RETURNING id`,
		time.Now(), e.flags.TrickleSeconds, escalationTrickle, e.db.Location.String(), benchDepartments)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[int64])
}

// waitFired polls until every row of ids is fired, calling tick (when not
// nil) between polls instead of sleeping. It gives up a minute after the
// last deadline plus the cron interval.
func (e *escalationBench) waitFired(ctx context.Context, ids []int64, tick func() error) error {
	deadline := time.Now().Add(time.Duration(e.flags.TrickleSeconds)*time.Second + e.flags.CronInterval + time.Minute)
	for {
		var pending int
		if err := e.pool.QueryRow(ctx, `SELECT count(*) FROM escalations WHERE id = ANY($1) AND status <> 'fired'`, ids).Scan(&pending); err != nil {
			return err
		}
		if pending == 0 {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%d of %d deadlines not fired by %s", pending, len(ids), deadline.Format(time.TimeOnly))
		}
		if tick != nil {
			if err := tick(); err != nil {
				return err
			}
			continue
		}
		select {
		case <-time.After(time.Second):
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// lateness returns p50, p99 and max of fired_at - fire_at over ids, in ms.
// fired_at is the sweep's now: the system clock when the sweep started.
func (e *escalationBench) lateness(ctx context.Context, ids []int64) (p50, p99, most int64, err error) {
	var a, b, c float64
	err = e.pool.QueryRow(ctx, `
		SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY ms), percentile_cont(0.99) WITHIN GROUP (ORDER BY ms), max(ms)
		FROM (SELECT extract(epoch FROM fired_at - fire_at) * 1000 AS ms FROM escalations WHERE id = ANY($1)) l`, ids).Scan(&a, &b, &c)
	return int64(math.Round(a)), int64(math.Round(b)), int64(math.Round(c)), err
}

// startRiver starts a River client as `jointops serve` does, with the
// periodic sweep every 5 s on clock, and waits for its first sweep (run on
// start) to complete.
func (e *escalationBench) startRiver(ctx context.Context, clock enforcement.Clock) (*river.Client[pgx.Tx], error) {
	var before int
	if err := e.pool.QueryRow(ctx, `SELECT count(*) FROM river_job WHERE kind = 'sweep_escalations' AND state = 'completed'`).Scan(&before); err != nil {
		return nil, err
	}
	client, err := workflow.NewClient(e.riverPool, workflow.Config{Plan: e.store, Escalations: e.store, Clock: clock, Logger: e.logger})
	if err != nil {
		return nil, err
	}
	if err := client.Start(ctx); err != nil {
		return nil, err
	}
	deadline := time.Now().Add(time.Minute)
	for {
		var n int
		if err := e.pool.QueryRow(ctx, `SELECT count(*) FROM river_job WHERE kind = 'sweep_escalations' AND state = 'completed'`).Scan(&n); err != nil {
			e.stopRiver(client)
			return nil, err
		}
		if n > before {
			return client, nil
		}
		if time.Now().After(deadline) {
			e.stopRiver(client)
			return nil, errors.New("the River client ran no sweep within a minute of starting")
		}
		time.Sleep(escalationPoll)
	}
}

// stopRiver stops a client, letting a running sweep finish, and cancels
// it after 30 s.
func (e *escalationBench) stopRiver(client *river.Client[pgx.Tx]) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := client.Stop(ctx); err != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = client.StopAndCancel(ctx)
	}
}

// databaseMB returns pg_database_size of the benchmark's database in MiB.
func (e *escalationBench) databaseMB(ctx context.Context) (float64, error) {
	var size int64
	err := e.pool.QueryRow(ctx, `SELECT pg_database_size(current_database())`).Scan(&size)
	return float64(size) / (1 << 20), err
}

// logSizes logs the database's size and its largest tables with their
// indexes.
func (e *escalationBench) logSizes(ctx context.Context, when string) {
	mb, err := e.databaseMB(ctx)
	if err != nil {
		return
	}
	rows, err := e.pool.Query(ctx, `
		SELECT relname, pg_total_relation_size(oid) FROM pg_class
		WHERE relkind = 'r' AND relnamespace = 'public'::regnamespace
		ORDER BY 2 DESC LIMIT 6`)
	if err != nil {
		return
	}
	tables := ""
	for rows.Next() {
		var name string
		var size int64
		if rows.Scan(&name, &size) == nil {
			tables += fmt.Sprintf(", %s %.0f", name, float64(size)/(1<<20))
		}
	}
	rows.Close()
	e.opts.logf("escalation: database %s: %.0f MiB (with indexes, MiB%s)", when, mb, tables)
}

const escalationRowFormat = "%-9s %8s %14s %15s %15s %15s %12s %12s %8s\n"

// writeEscalationResult prints r as one JSON line, or as a table.
func writeEscalationResult(w io.Writer, r *escalationResult, asJSON bool) error {
	if asJSON {
		b, err := json.Marshal(r)
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(w, "%s\n", b)
		return err
	}
	drain := strconv.FormatInt(r.BurstDrainMS, 10)
	if r.TimedOut {
		drain = ">" + drain
	}
	ms := func(x int64) string { return strconv.FormatInt(x, 10) }
	if _, err := fmt.Fprintf(w, escalationRowFormat, "tracked", "burst", "burst_drain_ms",
		"trickle_p50_ms", "trickle_p99_ms", "trickle_max_ms", "cron_p50_ms", "cron_p99_ms", "db_mb"); err != nil {
		return err
	}
	_, err := fmt.Fprintf(w, escalationRowFormat, strconv.Itoa(r.Tracked), strconv.Itoa(r.Burst), drain,
		ms(r.TrickleP50MS), ms(r.TrickleP99MS), ms(r.TrickleMaxMS), ms(r.CronP50MS), ms(r.CronP99MS),
		strconv.FormatFloat(r.DBMB, 'f', 1, 64))
	return err
}
