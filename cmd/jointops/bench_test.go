package main

import (
	"bytes"
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"regexp"

	"github.com/jackc/pgx/v5"

	"github.com/jointops/jointops/migrations/dbtest"
)

func TestParseBenchSizes(t *testing.T) {
	for in, want := range map[string][]int{
		"10000,100000,1000000": {10_000, 100_000, 1_000_000},
		"10k, 100K,1m":         {10_000, 100_000, 1_000_000},
		"1_000":                {1_000},
	} {
		got, err := parseBenchSizes(in)
		if err != nil || !slices.Equal(got, want) {
			t.Errorf("parseBenchSizes(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"", "0", "-5", "ten", "10000,", "3000m"} {
		if got, err := parseBenchSizes(in); err == nil {
			t.Errorf("parseBenchSizes(%q) = %v; want an error", in, got)
		}
	}
}

func TestRunBenchUsage(t *testing.T) {
	cfg := &Config{DatabaseURL: "postgres://nobody@127.0.0.1:1/none"}
	var out bytes.Buffer
	if err := runBench(context.Background(), cfg, nil, &out); err == nil {
		t.Error("bench without a benchmark: no error")
	}
	if err := runBench(context.Background(), cfg, []string{"nosuch"}, &out); err == nil || !strings.Contains(err.Error(), "nosuch") {
		t.Errorf("bench nosuch: %v", err)
	}
	if err := runBench(context.Background(), cfg, []string{"planner", "--sizes", "x"}, &out); err == nil {
		t.Error("bench planner --sizes x: no error")
	}
	out.Reset()
	if err := runBench(context.Background(), cfg, []string{"planner", "-h"}, &out); err != nil || !strings.Contains(out.String(), "-sizes") {
		t.Errorf("bench planner -h: %v\n%s", err, out.String())
	}
}

// TestBenchPlannerSmall runs the planner benchmark on a small size, with
// --json, and checks the line it prints and that its database is gone.
func TestBenchPlannerSmall(t *testing.T) {
	if testing.Short() {
		t.Skip("creates and migrates a database")
	}
	ctx := context.Background()
	cfg, err := ConfigFromEnv(func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	cfg.DatabaseURL = dbtest.ServerURL()
	log := captureBenchLog(t)
	var out bytes.Buffer
	if err := runBench(ctx, cfg, []string{"planner", "--sizes", "3000", "--json"}, &out); err != nil {
		t.Fatal(err)
	}
	var r benchResult
	if err := json.Unmarshal(out.Bytes(), &r); err != nil {
		t.Fatalf("not one JSON object: %v\n%s", err, out.String())
	}
	// 3,000 enterprises at 0.8/0.3/0.05 over ~10/30/60% draw about 600;
	// each industry is in two departments' remit.
	if r.Enterprises != 3000 || r.Visits < 500 || r.Visits > 700 || r.Tasks != 2*r.Visits ||
		r.PlanMS <= 0 || r.CopyMS < 0 || r.PeakRSSMB <= 0 || r.TimedOut ||
		r.Rows != r.Visits+3*r.Tasks+1+8+1 { // + 2 drawn inspectors a task, the snapshot, 8 leads' notifications, 1 audit event
		t.Errorf("result = %+v", r)
	}
	for _, field := range []string{"enterprises", "visits", "tasks", "plan_ms", "copy_ms", "ratio", "peak_rss_mb", "rows"} {
		if !strings.Contains(out.String(), `"`+field+`":`) {
			t.Errorf("no field %s in %s", field, out.String())
		}
	}
	assertBenchDatabaseDropped(t, cfg.DatabaseURL, log.String())
}

// TestBenchPlannerTimeout checks that a plan job past --timeout is reported,
// not failed, and that the database is still dropped.
func TestBenchPlannerTimeout(t *testing.T) {
	if testing.Short() {
		t.Skip("creates and migrates a database")
	}
	cfg, err := ConfigFromEnv(func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	cfg.DatabaseURL = dbtest.ServerURL()
	log := captureBenchLog(t)
	var out bytes.Buffer
	if err := runBench(context.Background(), cfg, []string{"all", "--sizes", "1000", "--timeout", "1ns",
		"--tracked", "2000", "--burst", "400", "--trickle-seconds", "1", "--cron-interval", "1s"}, &out); err != nil {
		t.Fatal(err)
	}
	// The planner's table, then the escalation benchmark's, whose burst
	// ran into --timeout too.
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 4 || !strings.HasPrefix(lines[0], "size") || !strings.Contains(lines[1], ">") ||
		!strings.HasPrefix(lines[2], "tracked") || !strings.Contains(lines[3], ">") {
		t.Errorf("table:\n%s", out.String())
	}
	for _, m := range benchCreatedRE.FindAllStringSubmatch(log.String(), -1) {
		assertBenchDatabaseDropped(t, cfg.DatabaseURL, m[0])
	}
}

// captureBenchLog sends the benchmarks' progress lines to a buffer until
// the test ends.
func captureBenchLog(t *testing.T) *bytes.Buffer {
	var buf bytes.Buffer
	old := benchLog
	benchLog = &buf
	t.Cleanup(func() { benchLog = old })
	return &buf
}

var benchCreatedRE = regexp.MustCompile(`created database (jointops_bench_[0-9a-f]{16})`)

// assertBenchDatabaseDropped fails unless the log names the database the
// benchmark created, and that database is gone. Other processes may run
// benchmarks at the same time, so it looks only for this one.
func assertBenchDatabaseDropped(t *testing.T, serverURL, log string) {
	t.Helper()
	m := benchCreatedRE.FindStringSubmatch(log)
	if m == nil {
		t.Fatalf("the log names no database:\n%s", log)
	}
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, serverURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var n int
	if err := conn.QueryRow(ctx, `SELECT count(*) FROM pg_database WHERE datname = $1`, m[1]).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Errorf("database %s was left behind", m[1])
	}
}
