package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/jointops/jointops/enforcement"
	"github.com/jointops/jointops/enforcement/calendar"
	"github.com/jointops/jointops/enforcement/postgres"
	"github.com/jointops/jointops/migrations"
)

// The shape of the planner benchmark (issue 3, "Scale and speed"): 8
// departments, 30 industries each covered by 2 of them, 10 subdistricts,
// 600 inspectors (75 per department) and a lead per department, risk grades
// spread about 10/30/60%, and sampling ratios that draw about 20% of the
// enterprises (0.1×0.8 + 0.3×0.3 + 0.6×0.05 = 0.20), so that 100,000
// enterprises give about 20,000 visits and 40,000 tasks.
const (
	benchDepartments  = 8
	benchIndustries   = 30
	benchSubdistricts = 10
	benchInspectors   = 600
	benchWindowDays   = 20 // working days
	// benchSeed seeds PostgreSQL's random() for the generated enterprises,
	// so that every run plans over the same data.
	benchSeed = 0.20261129
)

// benchRatios are the sampling ratios per risk grade.
var benchRatios = map[enforcement.RiskGrade]float64{
	enforcement.RiskHigh:   0.8,
	enforcement.RiskMedium: 0.3,
	enforcement.RiskLow:    0.05,
}

func benchDeptCode(i int) string { return fmt.Sprintf("BD%d", i+1) } // 0-based

// withBenchDatabase creates the benchmark's own database, opens it, runs
// fn with the server's version, and drops the database at the end, also on
// an error.
func withBenchDatabase(ctx context.Context, cfg *Config, opts *benchOptions, fn func(b *plannerBench, version string) error) error {
	bdb, err := createBenchDatabase(ctx, cfg.DatabaseURL)
	if err != nil {
		return err
	}
	opts.logf("created database %s on %s", bdb.Name, redact(cfg.DatabaseURL))
	defer func() {
		if err := bdb.Drop(); err != nil {
			opts.logf("%v (drop it by hand)", err)
		} else {
			opts.logf("dropped database %s", bdb.Name)
		}
	}()
	b, err := openPlannerBench(ctx, cfg, bdb)
	if err != nil {
		return err
	}
	defer b.pool.Close()
	var version string
	if err := b.pool.QueryRow(ctx, `SHOW server_version`).Scan(&version); err != nil {
		return err
	}
	return fn(b, version)
}

// runPlannerBench runs the planner benchmark over each size and prints one
// row per size.
func runPlannerBench(ctx context.Context, cfg *Config, opts *benchOptions, stdout io.Writer) error {
	return withBenchDatabase(ctx, cfg, opts, func(b *plannerBench, version string) error {
		return b.runPlanner(ctx, opts, version, stdout)
	})
}

// runPlanner runs each size on the benchmark's database.
func (b *plannerBench) runPlanner(ctx context.Context, opts *benchOptions, version string, stdout io.Writer) error {
	opts.logf("planner: %d CPUs, PostgreSQL %s, sizes %v, plan timeout %s", runtime.NumCPU(), version, opts.Sizes, opts.Timeout)
	if err := b.setupReference(ctx); err != nil {
		return err
	}
	table := &benchTable{w: stdout, json: opts.JSON}
	for _, size := range opts.Sizes {
		r, err := b.runSize(ctx, size, opts)
		if err != nil {
			return fmt.Errorf("%d enterprises: %w", size, err)
		}
		if err := table.write(r); err != nil {
			return err
		}
	}
	return nil
}

// plannerBench is the planner benchmark's database and store.
type plannerBench struct {
	pool  *pgxpool.Pool
	db    *postgres.DB
	actor *enforcement.Actor // a coordinator
	days  []enforcement.Date // the window's working days
}

// openPlannerBench migrates the benchmark's database and builds the store
// as `jointops serve` does (official calendar, TZ_DISTRICT, system clock).
func openPlannerBench(ctx context.Context, cfg *Config, bdb *benchDatabase) (*plannerBench, error) {
	pcfg, err := pgxpool.ParseConfig("")
	if err != nil {
		return nil, err
	}
	pcfg.ConnConfig = bdb.Config.Copy()
	pcfg.MaxConns = 4
	pool, err := pgxpool.NewWithConfig(ctx, pcfg)
	if err != nil {
		return nil, err
	}
	ok := false
	defer func() {
		if !ok {
			pool.Close()
		}
	}()
	if err := migrations.Up(ctx, pool); err != nil {
		return nil, err
	}
	overrides, err := postgres.FindCalendarOverrides(ctx, pool)
	if err != nil {
		return nil, err
	}
	db, err := postgres.New(pool, calendar.New(overrides))
	if err != nil {
		return nil, err
	}
	db.Location = cfg.District
	ok = true
	return &plannerBench{pool: pool, db: db}, nil
}

// setupReference inserts the departments, industries, subdistricts, remit
// matrix, users and inspector rosters, once for all sizes.
func (b *plannerBench) setupReference(ctx context.Context) error {
	statements := []struct {
		sql  string
		args []any
	}{
		// 600 inspectors are 37 teams a department; 8 visits a team a day
		// give each department room for its ~5,000 tasks in 20 working days.
		{`INSERT INTO departments (code, name_zh, name_en, visits_per_team_per_day)
		  SELECT 'BD' || i, '基准部门' || i, 'Bench department ' || i, $2 FROM generate_series(1, $1::int) i`,
			[]any{benchDepartments, benchVisitsPerTeamPerDay}},
		{`INSERT INTO industries (code, name)
		  SELECT 'B' || lpad(i::text, 3, '0'), 'Bench industry ' || i FROM generate_series(1, $1::int) i`,
			[]any{benchIndustries}},
		{`INSERT INTO subdistricts (code, name)
		  SELECT '4403990' || lpad(i::text, 2, '0'), 'Bench subdistrict ' || i FROM generate_series(1, $1::int) i`,
			[]any{benchSubdistricts}},
		// Industry k (0-based) is covered by departments k mod 8 and
		// (k + 3) mod 8.
		{`INSERT INTO department_remits (department_code, industry_code)
		  SELECT 'BD' || (1 + (k + o) % $1::int), 'B' || lpad((k + 1)::text, 3, '0')
		  FROM generate_series(0, $2::int - 1) k, (VALUES (0), (3)) AS offsets (o)`,
			[]any{benchDepartments, benchIndustries}},
		// Inspectors spread evenly over the departments, and a lead each,
		// who receives the plan's notification.
		{`INSERT INTO users (issuer, subject, name, email, department_code, roles)
		  SELECT 'bench', 'inspector-' || i, 'Inspector ' || i, 'inspector' || i || '@example.com',
		         'BD' || (1 + (i - 1) % $1::int), '{inspector}'::text[]
		  FROM generate_series(1, $2::int) i
		  UNION ALL
		  SELECT 'bench', 'lead-' || i, 'Lead ' || i, 'lead' || i || '@example.com', 'BD' || i, '{dept_lead}'
		  FROM generate_series(1, $1::int) i`,
			[]any{benchDepartments, benchInspectors}},
		// The planner draws from the rosters: each inspector has an entry.
		{`INSERT INTO inspectors (department_code, name, certificate_no, subject, user_id)
		  SELECT department_code, name, 'BENCH-' || subject, subject, id
		  FROM users WHERE issuer = 'bench' AND 'inspector' = ANY(roles) ORDER BY id`, nil},
	}
	err := pgx.BeginFunc(ctx, b.pool, func(tx pgx.Tx) error {
		for _, st := range statements {
			if _, err := tx.Exec(ctx, st.sql, st.args...); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("reference data: %w", err)
	}
	b.actor = &enforcement.Actor{Issuer: "bench", Subject: "coordinator", Name: "Bench coordinator",
		Email: "coordinator@example.com", Roles: []enforcement.Role{enforcement.RoleCoordinator}}
	if err := b.db.UpsertUser(ctx, b.actor); err != nil {
		return err
	}
	// The window: 20 working days, starting a week after today, so that it
	// starts after the tasks' acceptance due date and the plan job uses it
	// whole.
	start, err := enforcement.AddWorkingDays(b.db.Calendar, b.db.Today(), 5)
	if err != nil {
		return err
	}
	end, err := enforcement.AddWorkingDays(b.db.Calendar, start, benchWindowDays-1)
	if err != nil {
		return err
	}
	b.days = enforcement.WorkingDaysIn(b.db.Calendar, start, end)
	return nil
}

// runSize generates size enterprises, plans an operation over them, and
// times a bare COPY of as many visit and task rows.
func (b *plannerBench) runSize(ctx context.Context, size int, opts *benchOptions) (*benchResult, error) {
	began := time.Now()
	if err := b.generate(ctx, size); err != nil {
		return nil, err
	}
	wantVisits, err := b.expectedVisits(ctx)
	if err != nil {
		return nil, err
	}
	// Every industry has two departments in its remit, and all of them
	// take part: each visit has two tasks.
	wantTasks := 2 * wantVisits
	opts.logf("planner: %d enterprises generated in %s; the draw should give %d visits, %d tasks",
		size, time.Since(began).Round(time.Millisecond), wantVisits, wantTasks)

	actx := enforcement.NewContextWithActor(ctx, b.actor)
	op, err := b.db.CreateOperation(actx, &enforcement.OperationCreate{
		Title:          fmt.Sprintf("Bench %d", size),
		LeadDepartment: benchDeptCode(0),
		Departments:    benchAllDepartments(),
		WindowStart:    b.days[0],
		WindowEnd:      b.days[len(b.days)-1],
		Criteria: enforcement.Criteria{
			RiskGrades:    []enforcement.RiskGrade{enforcement.RiskHigh, enforcement.RiskMedium, enforcement.RiskLow},
			SamplingRatio: benchRatios,
		},
	})
	if err != nil {
		return nil, err
	}
	if _, err := b.db.SubmitOperation(actx, op.ID); err != nil {
		return nil, err
	}
	b.settle(ctx)

	r := &benchResult{Bench: "planner", Enterprises: size}
	opts.logf("planner: %d enterprises: planning operation %d", size, op.ID)
	pctx, cancel := context.WithTimeout(ctx, opts.Timeout)
	began = time.Now()
	err = b.db.PlanOperation(pctx, op.ID)
	plan := time.Since(began)
	cancel()
	switch {
	case err != nil && ctx.Err() == nil && errors.Is(pctx.Err(), context.DeadlineExceeded):
		opts.logf("planner: %d enterprises: the plan job ran past --timeout %s and was cancelled: %v", size, opts.Timeout, err)
		r.TimedOut = true
		r.Visits, r.Tasks = wantVisits, wantTasks
	case err != nil:
		return nil, err
	default:
		if err := b.countPlan(ctx, op.ID, r); err != nil {
			return nil, err
		}
		if r.Visits != wantVisits || r.Tasks != wantTasks {
			opts.logf("planner: %d enterprises: the plan has %d visits and %d tasks; expected %d and %d",
				size, r.Visits, r.Tasks, wantVisits, wantTasks)
		}
	}
	r.PlanMS = plan.Milliseconds()
	if r.PeakRSSMB, err = peakRSSMB(); err != nil {
		return nil, err
	}
	r.PeakRSSMB = benchRound(r.PeakRSSMB, 1)

	opts.logf("planner: %d enterprises: plan %s; timing a bare COPY of %d visits and %d tasks", size, plan.Round(time.Millisecond), r.Visits, r.Tasks)
	cp, err := b.copyBaseline(ctx, op.ID, r.Visits, r.Tasks, size)
	if err != nil {
		return nil, err
	}
	r.CopyMS = cp.Milliseconds()
	if cp > 0 {
		r.Ratio = benchRound(plan.Seconds()/cp.Seconds(), 2)
	}
	return r, nil
}

func benchAllDepartments() []string {
	codes := make([]string, benchDepartments)
	for i := range codes {
		codes[i] = benchDeptCode(i)
	}
	return codes
}

// generate empties the tables of the previous size and inserts size
// enterprises in one INSERT … SELECT generate_series. The enterprises are in
// registry "bench" with an 18-character registry id (the length of a credit
// code) and no credit code: the plan job keys candidates by
// "registry:registry_id" and never reads the credit code, and leaving it
// out keeps the generation set-based and fast.
func (b *plannerBench) generate(ctx context.Context, size int) error {
	if _, err := b.pool.Exec(ctx, `
		TRUNCATE enterprises, operations, visits, tasks, task_inspectors, escalations, notifications,
		         audit_events, river_job RESTART IDENTITY CASCADE`); err != nil {
		return fmt.Errorf("empty the tables: %w", err)
	}
	err := pgx.BeginFunc(ctx, b.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT setseed($1)`, benchSeed); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `
			INSERT INTO enterprises (registry, registry_id, name, address, subdistrict_code, industry_code, risk_grade,
			                         contact_name, contact_phone, contact_email)
			SELECT 'bench', 'BENCH' || lpad(i::text, 13, '0'), 'Bench enterprise ' || i, 'Bench road ' || i,
			       '4403990' || lpad((1 + floor(s * $2))::int::text, 2, '0'),
			       'B' || lpad((1 + floor(t * $3))::int::text, 3, '0'),
			       CASE WHEN g < 0.1 THEN 1 WHEN g < 0.4 THEN 2 ELSE 3 END,
			       'Contact ' || i, '13800000000', 'bench' || i || '@example.com'
			FROM (SELECT i, random() AS s, random() AS t, random() AS g FROM generate_series(1, $1::int) i) r`,
			size, benchSubdistricts, benchIndustries)
		return err
	})
	if err != nil {
		return fmt.Errorf("generate enterprises: %w", err)
	}
	// The rosters grow with the district: 600 inspectors for 100,000
	// enterprises (issue 3), never fewer than 600.
	if _, err := b.pool.Exec(ctx, `
		INSERT INTO inspectors (department_code, name, certificate_no)
		SELECT 'BD' || (1 + (i - 1) % $1::int), 'Roster inspector ' || i, 'BENCH-ROSTER-' || i
		FROM generate_series((SELECT count(*) FROM inspectors) + 1, $2::int) i`,
		benchDepartments, max(benchInspectors, size*benchInspectors/100_000)); err != nil {
		return fmt.Errorf("grow the rosters: %w", err)
	}
	// A district's directory is vacuumed and analysed long before anyone
	// plans over it.
	if _, err := b.pool.Exec(ctx, `VACUUM ANALYZE enterprises, users, inspectors, department_remits`); err != nil {
		return fmt.Errorf("vacuum: %w", err)
	}
	return nil
}

// expectedVisits returns the number of visits the draw must give:
// ceil(n × ratio) per (grade, subdistrict) stratum, with the same float64
// arithmetic as enforcement.Draw.
func (b *plannerBench) expectedVisits(ctx context.Context) (int, error) {
	var n int
	err := b.pool.QueryRow(ctx, `
		SELECT coalesce(sum(ceil(n::float8 * CASE risk_grade WHEN 1 THEN $1::float8 WHEN 2 THEN $2::float8 ELSE $3::float8 END)), 0)::int
		FROM (SELECT risk_grade, subdistrict_code, count(*) AS n FROM enterprises GROUP BY 1, 2) s`,
		benchRatios[enforcement.RiskHigh], benchRatios[enforcement.RiskMedium], benchRatios[enforcement.RiskLow]).Scan(&n)
	return n, err
}

// settle writes the WAL of the generation out before a timed step, so that
// a checkpoint it triggers does not land in the measurement. CHECKPOINT
// needs a superuser or pg_checkpoint (PostgreSQL 15); without them the
// step is skipped.
func (b *plannerBench) settle(ctx context.Context) {
	_, _ = b.pool.Exec(ctx, `CHECKPOINT`)
}

// countPlan counts what the plan job wrote: visits, tasks, their
// drawn inspectors, the draw snapshot, the leads' notifications and the audit event.
// benchVisitsPerTeamPerDay is the bench departments' daily visits a team.
const benchVisitsPerTeamPerDay = 8

func (b *plannerBench) countPlan(ctx context.Context, opID int64, r *benchResult) error {
	var status, planErr string
	var drawn, notifications, audits int
	err := b.pool.QueryRow(ctx, `
		SELECT o.status, o.plan_error,
		       (SELECT count(*) FROM visits WHERE operation_id = o.id),
		       (SELECT count(*) FROM tasks WHERE operation_id = o.id),
		       (SELECT coalesce(sum(cardinality(drawn_inspector_ids)), 0) FROM tasks WHERE operation_id = o.id)
		         + (SELECT count(*) FROM draw_snapshots WHERE operation_id = o.id),
		       (SELECT count(*) FROM notifications WHERE subject_kind = 'operation' AND subject_id = o.id),
		       (SELECT count(*) FROM audit_events WHERE subject_kind = 'operation' AND subject_id = o.id
		          AND action = 'operation.planned')
		FROM operations o WHERE o.id = $1`, opID,
	).Scan(&status, &planErr, &r.Visits, &r.Tasks, &drawn, &notifications, &audits)
	if err != nil {
		return err
	}
	if status != string(enforcement.OperationPlanned) {
		return fmt.Errorf("operation %d is %s after the plan job, not planned: %s", opID, status, planErr)
	}
	r.Rows = r.Visits + r.Tasks + drawn + notifications + audits
	return nil
}

// copyBaseline times a bare COPY (pgx CopyFrom) of visits visit rows and
// tasks task rows, in one transaction like the plan job, into plain logged
// tables with the columns of visits and tasks and no index, constraint or
// foreign key: the physical limit of writing those rows on this machine.
func (b *plannerBench) copyBaseline(ctx context.Context, opID int64, visits, tasks, enterprises int) (time.Duration, error) {
	if _, err := b.pool.Exec(ctx, `
		DROP TABLE IF EXISTS bench_copy_tasks, bench_copy_visits;
		CREATE TABLE bench_copy_visits (LIKE visits);
		CREATE TABLE bench_copy_tasks (LIKE tasks)`); err != nil {
		return 0, fmt.Errorf("copy tables: %w", err)
	}
	now := b.db.Clock.Now()
	dueOn, err := enforcement.AddWorkingDays(b.db.Calendar, b.db.Today(), b.db.AcceptanceWorkingDays)
	if err != nil {
		return 0, err
	}
	dueAt := enforcement.EndOfDay(dueOn, b.db.Location)
	depts := benchAllDepartments()
	b.settle(ctx)

	began := time.Now()
	err = pgx.BeginFunc(ctx, b.pool, func(tx pgx.Tx) error {
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{"bench_copy_visits"},
			[]string{"id", "operation_id", "enterprise_id", "scheduled_on", "draw_rank"},
			pgx.CopyFromSlice(visits, func(i int) ([]any, error) {
				return []any{int64(i + 1), opID, int64(1 + (i*5)%enterprises), b.days[i*len(b.days)/visits].UTC(), int32(i)}, nil
			})); err != nil {
			return err
		}
		_, err := tx.CopyFrom(ctx, pgx.Identifier{"bench_copy_tasks"},
			[]string{"id", "visit_id", "operation_id", "department_code", "status", "acceptance_due_on", "acceptance_due_at",
				"decline_reason", "drawn_inspector_ids", "created_at", "updated_at"},
			pgx.CopyFromSlice(tasks, func(i int) ([]any, error) {
				return []any{int64(i + 1), int64(1 + i*visits/tasks), opID, depts[i%len(depts)], "pending", dueOn.UTC(), dueAt,
					"", []int64{int64(2 * i), int64(2*i + 1)}, now, now}, nil
			}))
		return err
	})
	took := time.Since(began)
	if err != nil {
		return 0, fmt.Errorf("bare COPY: %w", err)
	}
	if _, err := b.pool.Exec(ctx, `DROP TABLE bench_copy_tasks, bench_copy_visits`); err != nil {
		return 0, err
	}
	return took, nil
}
