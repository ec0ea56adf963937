package postgres_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/jointops/jointops/enforcement"
	"github.com/jointops/jointops/enforcement/postgres"
	"github.com/jointops/jointops/migrations/dbtest"
)

// testBundle is what each store test starts from: a fresh migrated
// database with two departments, three enterprises, and their people.
type testBundle struct {
	ctx   context.Context
	db    *postgres.DB
	pool  *pgxpool.Pool
	clock *enforcement.OffsetClock
	// people, keyed by a short name: coord, admin, emb-lead, emb-i1, emb-i2, msa-lead, msa-i1, msa-i2.
	people map[string]*enforcement.Actor
	// roster holds the roster id of each inspector among people (emb-i1, …).
	roster map[string]int64
}

// setup starts the clock on Monday 2026-03-02 10:00 in Shanghai, a plain
// working week.
func setup(t *testing.T) *testBundle {
	t.Helper()
	ctx := context.Background()
	pool := dbtest.Pool(t)
	db, err := postgres.New(pool, enforcement.WeekdayCalendar{})
	if err != nil {
		t.Fatal(err)
	}
	clock := enforcement.NewOffsetClock(time.Date(2026, 3, 2, 10, 0, 0, 0, db.Location))
	db.Clock = clock
	mustExec(t, pool, `
		INSERT INTO departments VALUES ('EMB', '应急管理局', 'Emergency Management'), ('MSA', '市场监督管理局', 'Market Supervision'), ('FIRE', '消防救援大队', 'Fire and Rescue');
		INSERT INTO subdistricts VALUES ('440303001', '桂园街道'), ('440303002', '黄贝街道');
		INSERT INTO industries VALUES ('3311', '金属结构制造'), ('6210', '正餐服务');
		INSERT INTO department_remits VALUES ('EMB', '3311'), ('MSA', '6210'), ('EMB', '6210');
		INSERT INTO enterprises (registry_id, credit_code, name, subdistrict_code, industry_code, risk_grade) VALUES
			('91440303MA5F00001X', NULL, '深圳市罗湖区甲金属制品有限公司', '440303001', '3311', 1),
			('91440303MA5F00002X', NULL, '深圳市罗湖区乙餐饮有限公司', '440303002', '6210', 1),
			('91440303MA5F00003X', NULL, '深圳市罗湖区丙餐饮有限公司', '440303001', '6210', 3);`)
	b := &testBundle{ctx: ctx, db: db, pool: pool, clock: clock, people: map[string]*enforcement.Actor{}, roster: map[string]int64{}}
	for _, p := range []struct {
		key, dept string
		role      enforcement.Role
	}{
		{"coord", "", enforcement.RoleCoordinator}, {"admin", "", enforcement.RoleAdmin},
		{"emb-lead", "EMB", enforcement.RoleDeptLead}, {"emb-i1", "EMB", enforcement.RoleInspector}, {"emb-i2", "EMB", enforcement.RoleInspector},
		{"msa-lead", "MSA", enforcement.RoleDeptLead}, {"msa-i1", "MSA", enforcement.RoleInspector}, {"msa-i2", "MSA", enforcement.RoleInspector},
	} {
		a := &enforcement.Actor{Issuer: "test", Subject: p.key, Name: p.key, Department: p.dept, Roles: []enforcement.Role{p.role}}
		if err := db.UpsertUser(ctx, a); err != nil {
			t.Fatal(err)
		}
		b.people[p.key] = a
	}
	// Each inspector is on their department's roster, linked by subject.
	for i, key := range []string{"emb-i1", "emb-i2", "msa-i1", "msa-i2"} {
		a := b.people[key]
		in, err := db.CreateInspector(b.as("admin"), &enforcement.InspectorCreate{
			Department: a.Department, Name: a.Name, CertificateNo: fmt.Sprintf("4403032023%04d", i+1), Subject: a.Subject,
		})
		if err != nil {
			t.Fatal(err)
		}
		b.roster[key] = in.ID
	}
	return b
}

// rosterIDs returns the roster ids of the named inspectors.
func (b *testBundle) rosterIDs(keys ...string) []int64 {
	ids := make([]int64, len(keys))
	for i, k := range keys {
		ids[i] = b.roster[k]
	}
	return ids
}

// as returns a context acting for the named person.
func (b *testBundle) as(key string) context.Context {
	return enforcement.NewContextWithActor(b.ctx, b.people[key])
}

func mustExec(t *testing.T, pool *pgxpool.Pool, sql string, args ...any) {
	t.Helper()
	if _, err := pool.Exec(context.Background(), sql, args...); err != nil {
		t.Fatal(err)
	}
}

func count(t *testing.T, pool *pgxpool.Pool, sql string, args ...any) int {
	t.Helper()
	var n int
	if err := pool.QueryRow(context.Background(), sql, args...).Scan(&n); err != nil {
		t.Fatal(fmt.Errorf("%s: %w", sql, err))
	}
	return n
}

func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	if got := enforcement.ErrorCode(err); got != code {
		t.Fatalf("error code = %q (%v), want %q", got, err, code)
	}
}

// plannedOperation creates, submits and plans an operation over both
// departments for the week of 2026-03-09.
func (b *testBundle) plannedOperation(t *testing.T) *enforcement.Operation {
	t.Helper()
	op, err := b.db.CreateOperation(b.as("coord"), &enforcement.OperationCreate{
		Title: "春季安全生产联合执法", LeadDepartment: "EMB", Departments: []string{"MSA"},
		WindowStart: enforcement.MustParseDate("2026-03-09"), WindowEnd: enforcement.MustParseDate("2026-03-13"),
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.db.SubmitOperation(b.as("coord"), op.ID); err != nil {
		t.Fatal(err)
	}
	if err := b.db.PlanOperation(b.ctx, op.ID); err != nil {
		t.Fatal(err)
	}
	op, err = b.db.FindOperationByID(b.as("coord"), op.ID)
	if err != nil {
		t.Fatal(err)
	}
	return op
}

func ptr[T any](v T) *T { return &v }
