package dbtest

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

type testBundle struct {
	ctx   context.Context
	admin *pgxpool.Pool
}

func setup(t *testing.T) *testBundle {
	t.Helper()
	s, err := getServer()
	if err != nil {
		t.Fatal(err)
	}
	return &testBundle{ctx: t.Context(), admin: s.admin}
}

// databaseExists reports whether the database named in url exists.
func (b *testBundle) databaseExists(t *testing.T, url string) bool {
	t.Helper()
	config, err := pgx.ParseConfig(url)
	if err != nil {
		t.Fatal(err)
	}
	var exists bool
	err = b.admin.QueryRow(b.ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", config.Database).Scan(&exists)
	if err != nil {
		t.Fatal(err)
	}
	return exists
}

func TestURLHasMigratedSchema(t *testing.T) {
	t.Parallel()
	b := setup(t)
	conn, err := pgx.Connect(b.ctx, URL(t))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(b.ctx)

	for _, table := range []string{"enterprises", "escalations", "river_job"} {
		var found bool
		if err := conn.QueryRow(b.ctx, "SELECT to_regclass($1) IS NOT NULL", table).Scan(&found); err != nil {
			t.Fatal(err)
		}
		if !found {
			t.Errorf("table %s is missing", table)
		}
	}
}

func TestURLDatabasesAreIndependent(t *testing.T) {
	t.Parallel()
	b := setup(t)
	one, two := Pool(t), Pool(t)

	_, err := one.Exec(b.ctx, "INSERT INTO enterprises (registry_id, name) VALUES ('X1', 'only in one')")
	if err != nil {
		t.Fatal(err)
	}
	count := func(pool *pgxpool.Pool) int {
		var n int
		if err := pool.QueryRow(b.ctx, "SELECT count(*) FROM enterprises WHERE registry_id = 'X1'").Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := count(one); n != 1 {
		t.Errorf("first database has %d rows, want 1", n)
	}
	if n := count(two); n != 0 {
		t.Errorf("second database has %d rows, want 0", n)
	}
}

func TestURLDroppedAfterCleanup(t *testing.T) {
	t.Parallel()
	b := setup(t)

	var url string
	t.Run("test", func(t *testing.T) {
		url = URL(t)
		// An open connection must not keep the database from being dropped.
		conn, err := pgx.Connect(b.ctx, url)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { conn.Close(context.Background()) })
		if !b.databaseExists(t, url) {
			t.Fatalf("database of %s does not exist during the test", url)
		}
	})
	if b.databaseExists(t, url) {
		t.Errorf("database of %s still exists after cleanup", url)
	}
}

func TestPool(t *testing.T) {
	t.Parallel()
	b := setup(t)
	pool := Pool(t)

	var name string
	if err := pool.QueryRow(b.ctx, "SELECT current_database()").Scan(&name); err != nil {
		t.Fatal(err)
	}
	if len(name) != len(TestPrefix)+16 || name[:len(TestPrefix)] != TestPrefix {
		t.Errorf("current_database() = %q, want %s followed by 16 hex digits", name, TestPrefix)
	}
}

func TestWithDatabase(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, want string }{
		{"postgres://root@127.0.0.1:5432/postgres?sslmode=disable", "postgres://root@127.0.0.1:5432/x?sslmode=disable"},
		{"postgresql://u:p@h/db", "postgresql://u:p@h/x"},
		{"host=h user=u dbname=db", "host=h user=u dbname=db dbname=x"},
	} {
		got, err := withDatabase(tc.in, "x")
		if err != nil {
			t.Fatal(err)
		}
		if got != tc.want {
			t.Errorf("withDatabase(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
