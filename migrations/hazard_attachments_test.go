package migrations_test

import (
	"testing"

	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"

	"github.com/jointops/jointops/migrations"
	"github.com/jointops/jointops/migrations/dbtest"
)

// TestHazardAttachmentsMigrationRoundTrip takes the database back to
// before hazard photos (00007) and up again: down restores an attachment
// that must have an order, up allows one of a hazard instead.
func TestHazardAttachmentsMigrationRoundTrip(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	pool := dbtest.Pool(t)
	db := stdlib.OpenDBFromPool(pool)
	defer db.Close()
	provider, err := goose.NewProvider(goose.DialectPostgres, db, migrations.FS())
	if err != nil {
		t.Fatal(err)
	}
	// nullable reports whether attachments.column may be NULL, and
	// whether the column exists at all.
	nullable := func(column string) (isNullable, exists bool) {
		t.Helper()
		var n string
		err := pool.QueryRow(ctx, `SELECT is_nullable FROM information_schema.columns WHERE table_name = 'attachments' AND column_name = $1`, column).Scan(&n)
		if err != nil {
			return false, false
		}
		return n == "YES", true
	}
	if n, ok := nullable("hazard_id"); !n || !ok {
		t.Fatalf("after up: hazard_id nullable %v, exists %v", n, ok)
	}
	if n, _ := nullable("rectification_order_id"); !n {
		t.Fatal("after up: rectification_order_id is NOT NULL")
	}
	if _, err := provider.DownTo(ctx, 7); err != nil {
		t.Fatalf("down to 00007: %v", err)
	}
	if _, ok := nullable("hazard_id"); ok {
		t.Fatal("after down: hazard_id is still there")
	}
	if n, _ := nullable("rectification_order_id"); n {
		t.Fatal("after down: rectification_order_id is nullable")
	}
	if _, err := provider.Up(ctx); err != nil {
		t.Fatalf("up again: %v", err)
	}
	if _, ok := nullable("hazard_id"); !ok {
		t.Fatal("after up again: hazard_id is missing")
	}
}
