package migrations_test

import (
	"io/fs"
	"testing"

	"github.com/jointops/jointops/migrations"
	"github.com/jointops/jointops/migrations/dbtest"
)

func TestUpIsIdempotent(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	pool := dbtest.Pool(t)

	// The database is already migrated (cloned from the template): both runs
	// must find nothing to do and succeed.
	for range 2 {
		if err := migrations.Up(ctx, pool); err != nil {
			t.Fatalf("Up: %v", err)
		}
	}

	files, err := fs.Glob(migrations.FS(), "*.sql")
	if err != nil {
		t.Fatal(err)
	}
	var applied int
	err = pool.QueryRow(ctx, "SELECT count(DISTINCT version_id) FROM goose_db_version WHERE version_id > 0 AND is_applied").Scan(&applied)
	if err != nil {
		t.Fatal(err)
	}
	if applied != len(files) {
		t.Errorf("goose applied %d migrations, want %d", applied, len(files))
	}
	var riverJob bool
	if err := pool.QueryRow(ctx, "SELECT to_regclass('river_job') IS NOT NULL").Scan(&riverJob); err != nil {
		t.Fatal(err)
	}
	if !riverJob {
		t.Error("river_job is missing after Up")
	}
}
