package main

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/jointops/jointops/migrations/dbtest"
)

// TestBenchEscalationSmall runs the escalation benchmark on small sizes
// with --json, and checks the line it prints and that its database is
// gone.
func TestBenchEscalationSmall(t *testing.T) {
	if testing.Short() {
		t.Skip("creates and migrates a database, and runs River")
	}
	cfg, err := ConfigFromEnv(func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	cfg.DatabaseURL = dbtest.ServerURL()
	log := captureBenchLog(t)
	var out bytes.Buffer
	if err := runBench(context.Background(), cfg, []string{"escalation", "--tracked", "3000", "--burst", "600",
		"--trickle-seconds", "2", "--cron-interval", "1s", "--json"}, &out); err != nil {
		t.Fatalf("%v\n%s", err, log.String())
	}
	var r escalationResult
	if err := json.Unmarshal(out.Bytes(), &r); err != nil {
		t.Fatalf("not one JSON object: %v\n%s", err, out.String())
	}
	// River's sweep runs every 5 s; the cron poll every second. Each
	// level-1 row notifies the issuing inspector and the department's lead.
	if r.Bench != "escalation" || r.Tracked != 3000 || r.Burst != 600 || r.TimedOut ||
		r.BurstDrainMS <= 0 || r.BurstNotifications != 1200 ||
		r.TrickleP50MS < 0 || r.TrickleP50MS > r.TrickleP99MS || r.TrickleP99MS > r.TrickleMaxMS || r.TrickleMaxMS > 15_000 ||
		r.CronP50MS < 0 || r.CronP50MS > r.CronP99MS || r.CronP99MS > r.CronMaxMS || r.CronMaxMS > 5_000 ||
		r.DBMB <= 0 {
		t.Errorf("result = %+v\n%s", r, log.String())
	}
	for _, field := range []string{"tracked", "burst", "burst_drain_ms", "trickle_p50_ms", "trickle_p99_ms", "trickle_max_ms",
		"cron_p50_ms", "cron_p99_ms", "db_mb"} {
		if !strings.Contains(out.String(), `"`+field+`":`) {
			t.Errorf("no field %s in %s", field, out.String())
		}
	}
	assertBenchDatabaseDropped(t, cfg.DatabaseURL, log.String())
}

func TestEscalationFlags(t *testing.T) {
	cfg := &Config{DatabaseURL: "postgres://nobody@127.0.0.1:1/none"}
	var out bytes.Buffer
	for _, args := range [][]string{
		{"escalation", "--tracked", "1000", "--burst", "2000"},
		{"escalation", "--tracked", "1k,2k"},
		{"escalation", "--trickle-seconds", "0"},
		{"escalation", "--cron-interval", "0s"},
	} {
		if err := runBench(context.Background(), cfg, args, &out); err == nil || strings.Contains(err.Error(), "cannot reach") {
			t.Errorf("bench %v: %v; want a flag error before connecting", args, err)
		}
	}
	out.Reset()
	if err := runBench(context.Background(), cfg, []string{"escalation", "-h"}, &out); err != nil ||
		!strings.Contains(out.String(), "-tracked") || !strings.Contains(out.String(), "-trickle-seconds") {
		t.Errorf("bench escalation -h: %v\n%s", err, out.String())
	}
}
