package migrations_test

import (
	"testing"

	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"

	"github.com/jointops/jointops/enforcement"
	"github.com/jointops/jointops/migrations"
	"github.com/jointops/jointops/migrations/dbtest"
)

// TestRostersMigrationConvertsTaskInspectors takes a database back to
// before rosters (00002), assigns users to tasks the old way, and migrates
// up: each assigned user becomes a roster entry of their department and
// each assignment points at it.
func TestRostersMigrationConvertsTaskInspectors(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	pool := dbtest.Pool(t)
	db := stdlib.OpenDBFromPool(pool)
	defer db.Close()
	provider, err := goose.NewProvider(goose.DialectPostgres, db, migrations.FS())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := provider.DownTo(ctx, 2); err != nil {
		t.Fatalf("down to 00002: %v", err)
	}
	if _, err := pool.Exec(ctx, `
		INSERT INTO departments VALUES ('EMB', '应急管理局', 'Emergency Management'), ('MSA', '市场监督管理局', 'Market Supervision');
		INSERT INTO users (id, issuer, subject, name, email, department_code, roles) VALUES
			(10, 'idp', 'u-coord', '张伟', '', NULL, '{coordinator}'),
			(11, 'idp', 'u-emb-1', '李娜', 'li@example.com', 'EMB', '{inspector}'),
			(12, 'idp', 'u-emb-2', '', '', 'EMB', '{inspector}'),
			(13, 'idp', 'u-left', '王离', '', NULL, '{}'),
			(14, 'idp', 'u-msa-1', '吴磊', '', 'MSA', '{inspector}');
		INSERT INTO enterprises (id, registry_id, name) VALUES (1, 'r1', '甲公司');
		INSERT INTO operations (id, title, lead_department, departments, window_start, window_end, criteria, created_by, created_at, updated_at)
			VALUES (1, 'op', 'EMB', '{EMB}', '2026-03-09', '2026-03-13', '{}', 10, now(), now());
		INSERT INTO visits (id, operation_id, enterprise_id, scheduled_on, draw_rank) VALUES (1, 1, 1, '2026-03-09', 0);
		INSERT INTO tasks (id, visit_id, operation_id, department_code, status, acceptance_due_on, acceptance_due_at, created_at, updated_at) VALUES
			(1, 1, 1, 'EMB', 'accepted', '2026-03-04', now(), now(), now()),
			(2, 1, 1, 'EMB', 'accepted', '2026-03-04', now(), now(), now());
		-- u-left has lost their department since; their task's department is used.
		INSERT INTO task_inspectors (task_id, user_id) VALUES (1, 11), (1, 12), (2, 11), (2, 13);`); err != nil {
		t.Fatal(err)
	}
	if _, err := provider.Up(ctx); err != nil {
		t.Fatalf("up: %v", err)
	}

	rows, err := pool.Query(ctx, `SELECT user_id, department_code, name, certificate_no, subject, email, active FROM inspectors ORDER BY user_id`)
	if err != nil {
		t.Fatal(err)
	}
	type entry struct {
		userID                           int64
		dept, name, cert, subject, email string
		active                           bool
	}
	var got []entry
	for rows.Next() {
		var e entry
		if err := rows.Scan(&e.userID, &e.dept, &e.name, &e.cert, &e.subject, &e.email, &e.active); err != nil {
			t.Fatal(err)
		}
		got = append(got, e)
	}
	want := []entry{
		{11, "EMB", "李娜", "USER-11", "u-emb-1", "li@example.com", true},
		{12, "EMB", "u-emb-2", "USER-12", "u-emb-2", "", true},
		{13, "EMB", "王离", "USER-13", "u-left", "", true},
	}
	if len(got) != len(want) {
		t.Fatalf("roster = %+v, want %+v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("entry %d = %+v, want %+v", i, got[i], want[i])
		}
	}
	var pairs int
	if err := pool.QueryRow(ctx, `
		SELECT count(*) FROM task_inspectors ti JOIN inspectors i ON i.id = ti.inspector_id
		WHERE (ti.task_id, i.user_id) IN ((1, 11), (1, 12), (2, 11), (2, 13))`).Scan(&pairs); err != nil {
		t.Fatal(err)
	}
	if pairs != 4 {
		t.Fatalf("%d of 4 assignments converted", pairs)
	}
}

// TestRostersSchema checks what the planner relies on.
func TestRostersSchema(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	pool := dbtest.Pool(t)
	rows, err := pool.Query(ctx, `SELECT risk_grade, min_per_year, max_per_year FROM frequency_rules ORDER BY risk_grade`)
	if err != nil {
		t.Fatal(err)
	}
	var got []enforcement.FrequencyRule
	for rows.Next() {
		var r enforcement.FrequencyRule
		if err := rows.Scan(&r.Grade, &r.MinPerYear, &r.MaxPerYear); err != nil {
			t.Fatal(err)
		}
		got = append(got, r)
	}
	want := enforcement.DefaultFrequencyRules()
	if len(got) != len(want) {
		t.Fatalf("frequency_rules = %+v, want %+v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("frequency_rules = %+v, want %+v", got, want)
		}
	}
	for _, sql := range []string{
		`INSERT INTO departments (code, name_zh, name_en) VALUES ('EMB', 'x', 'x') RETURNING visits_per_team_per_day = 4`,
		`SELECT EXISTS (SELECT 1 FROM information_schema.columns WHERE table_name = 'tasks' AND column_name = 'drawn_inspector_ids')`,
		`SELECT NOT EXISTS (SELECT 1 FROM information_schema.columns WHERE table_name = 'task_inspectors' AND column_name = 'user_id')`,
	} {
		var ok bool
		if err := pool.QueryRow(ctx, sql).Scan(&ok); err != nil || !ok {
			t.Errorf("%s: %v, %v", sql, ok, err)
		}
	}
	for _, sql := range []string{
		`UPDATE frequency_rules SET min_per_year = 5 WHERE risk_grade = 1`,
		`UPDATE departments SET visits_per_team_per_day = 0`,
		`INSERT INTO inspectors (department_code, name, certificate_no) VALUES ('EMB', 'a', '1'), ('EMB', 'b', '1')`,
	} {
		if _, err := pool.Exec(ctx, sql); err == nil {
			t.Errorf("%s: the schema took it", sql)
		}
	}
}
