package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/jointops/jointops/enforcement/postgres"
	"github.com/jointops/jointops/migrations"
	"github.com/jointops/jointops/migrations/dbtest"
)

func TestImportInspectorsCommand(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	cfg, err := ConfigFromEnv(func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	cfg.DatabaseURL = dbtest.URL(t)
	pool, err := pgxpool.New(ctx, cfg.DatabaseURL)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	if err := migrations.Up(ctx, pool); err != nil {
		t.Fatal(err)
	}
	if _, err := postgres.LoadDemoData(ctx, pool); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}

	// Every bad line is listed, unknown departments among them, and nothing is written.
	bad := write("bad.csv", "department,name,certificate_no\nEMB,,44030320250113\nXYZ,赵新,44030320250114\n")
	var out bytes.Buffer
	err = runImport(ctx, cfg, []string{"inspectors", bad}, &out)
	if err == nil || !strings.Contains(err.Error(), "nothing imported: 2 bad row(s)") {
		t.Fatalf("err = %v", err)
	}
	if !strings.Contains(out.String(), "line 2: name: required") || !strings.Contains(out.String(), `line 3: department: unknown department "XYZ"`) {
		t.Fatalf("output:\n%s", out.String())
	}

	// A roster in Excel's CSV UTF-8: a new officer, and 李娜 off duty.
	good := write("good.csv", "\xef\xbb\xbf部门,姓名,执法证号,在岗\nEMB,赵新,44030320250113,是\nEMB,李娜,44030320180101,否\n")
	out.Reset()
	if err := runImport(ctx, cfg, []string{"inspectors", good}, &out); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "1 inspectors inserted, 1 updated, 0 unchanged") {
		t.Fatalf("output: %s", out.String())
	}
	var active bool
	if err := pool.QueryRow(ctx, `SELECT active FROM inspectors WHERE certificate_no = '44030320180101'`).Scan(&active); err != nil || active {
		t.Fatalf("李娜 active = %v, %v", active, err)
	}

	if err := runImport(ctx, cfg, []string{"rosters", good}, &out); err == nil || !strings.Contains(err.Error(), "import inspectors FILE.csv") {
		t.Fatalf("usage error = %v", err)
	}
}
