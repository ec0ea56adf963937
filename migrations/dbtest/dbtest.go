// Package dbtest gives each test a fresh, migrated PostgreSQL database of its
// own, cloned from a template database (DESIGN.md §6).
//
// The server comes from TEST_DATABASE_URL, else DATABASE_URL, else
// DefaultServerURL; `make test` sets TEST_DATABASE_URL with .ci/pg-ensure. On
// first use, a process builds or finds the template database of the current
// migration set, named TemplatePrefix plus a digest of the migrations, by
// running migrations.Up on it once. Each call to URL or Pool then clones the
// template with CREATE DATABASE … TEMPLATE, which takes a few milliseconds,
// and drops the clone when the test ends.
//
// Several test binaries may run at once against one server: the template is
// built under a pg_advisory_lock, under a temporary name that is renamed when
// it is complete, so that no process ever clones a half-migrated template.
package dbtest

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivermigrate"

	"github.com/jointops/jointops/migrations"
)

// DefaultServerURL is the server used when neither TEST_DATABASE_URL nor
// DATABASE_URL is set: the machine's PostgreSQL on 127.0.0.1:5432.
const DefaultServerURL = "postgres://root@127.0.0.1:5432/postgres?sslmode=disable"

// TemplatePrefix starts the name of each template database; 12 hex digits of
// the SHA-256 of the migrations follow it, e.g. "jointops_tmpl_3f2a9c0b1d4e".
const TemplatePrefix = "jointops_tmpl_"

// TestPrefix starts the name of each database that URL creates; 16 random
// hex digits follow it, e.g. "jointops_test_9b1c2d3e4f5a6b7c".
const TestPrefix = "jointops_test_"

// setupTimeout bounds connecting to the server and building the template.
const setupTimeout = 2 * time.Minute

// ServerURL returns the URL of the server that URL and Pool use:
// TEST_DATABASE_URL, else DATABASE_URL, else DefaultServerURL. Its database
// is used as the maintenance database: it holds the advisory lock, and test
// databases are created and dropped from a connection to it.
func ServerURL() string {
	for _, name := range []string{"TEST_DATABASE_URL", "DATABASE_URL"} {
		if v := os.Getenv(name); v != "" {
			return v
		}
	}
	return DefaultServerURL
}

// URL creates a database cloned from the migrated template and returns its
// URL: ServerURL with the database name replaced. The database is dropped
// WITH (FORCE) when the test and its subtests end, so connections left open
// do not keep it. URL fails the test if no server answers, telling to run
// `make test`, or if the template cannot be built.
func URL(t testing.TB) string {
	t.Helper()
	s, err := getServer()
	if err != nil {
		t.Fatal(err)
	}
	name := TestPrefix + randomHex(8)
	ctx, cancel := context.WithTimeout(context.Background(), setupTimeout)
	defer cancel()
	if _, err := s.admin.Exec(ctx, "CREATE DATABASE "+ident(name)+" TEMPLATE "+ident(s.template)); err != nil {
		t.Fatalf("dbtest: create database %s from %s: %v", name, s.template, err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if _, err := s.admin.Exec(ctx, "DROP DATABASE IF EXISTS "+ident(name)+" WITH (FORCE)"); err != nil {
			t.Errorf("dbtest: drop database %s: %v", name, err)
		}
	})
	u, err := withDatabase(s.url, name)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// Pool returns a pgxpool.Pool on a fresh database from URL. The pool is
// closed, then the database dropped, when the test ends.
func Pool(t testing.TB) *pgxpool.Pool {
	t.Helper()
	u := URL(t)
	ctx, cancel := context.WithTimeout(context.Background(), setupTimeout)
	defer cancel()
	pool, err := pgxpool.New(ctx, u)
	if err != nil {
		t.Fatalf("dbtest: open pool: %v", err)
	}
	t.Cleanup(pool.Close)
	return pool
}

// server is what every test of one process shares: a small pool on the
// maintenance database, and the name of the template database.
type server struct {
	url      string
	admin    *pgxpool.Pool
	template string
}

// getServer connects and builds the template once per process. A failure is
// remembered, so that every later test fails at once with the same message.
var getServer = sync.OnceValues(func() (*server, error) {
	ctx, cancel := context.WithTimeout(context.Background(), setupTimeout)
	defer cancel()

	serverURL := ServerURL()
	config, err := pgxpool.ParseConfig(serverURL)
	if err != nil {
		return nil, fmt.Errorf("dbtest: parse server URL: %w", err)
	}
	if config.ConnConfig.ConnectTimeout == 0 {
		config.ConnConfig.ConnectTimeout = 5 * time.Second
	}
	config.MaxConns = 4
	admin, err := pgxpool.NewWithConfig(ctx, config)
	if err == nil {
		err = admin.Ping(ctx)
	}
	if err != nil {
		if admin != nil {
			admin.Close()
		}
		return nil, fmt.Errorf("dbtest: no PostgreSQL answers at %s: %w\n"+
			"Run the tests with `make test`, which finds or starts a server, or set TEST_DATABASE_URL to a server's URL.",
			redact(serverURL), err)
	}

	digest, err := migrationDigest()
	if err != nil {
		admin.Close()
		return nil, err
	}
	s := &server{url: serverURL, admin: admin, template: TemplatePrefix + digest[:12]}
	if err := s.ensureTemplate(ctx); err != nil {
		admin.Close()
		return nil, err
	}
	return s, nil
})

// migrationDigest returns the hex SHA-256 of the embedded jointops migrations
// and of River's migrations, so that a change to either (a new migration, a
// River upgrade) gets a new template.
func migrationDigest() (string, error) {
	h := sha256.New()
	err := fs.WalkDir(migrations.FS(), ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(migrations.FS(), path)
		if err != nil {
			return err
		}
		fmt.Fprintf(h, "%s\x00%d\x00", path, len(b))
		h.Write(b)
		return nil
	})
	if err != nil {
		return "", fmt.Errorf("dbtest: read migrations: %w", err)
	}
	migrator, err := rivermigrate.New(riverpgxv5.New(nil), nil)
	if err != nil {
		return "", fmt.Errorf("dbtest: river migrator: %w", err)
	}
	for _, m := range migrator.AllVersions() {
		fmt.Fprintf(h, "river\x00%d\x00%d\x00", m.Version, len(m.SQLUp))
		h.Write([]byte(m.SQLUp))
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// ensureTemplate makes sure the template database exists and is complete.
// The fast path, taken by every process once some process has built it, is
// one query.
func (s *server) ensureTemplate(ctx context.Context) error {
	if ok, err := s.templateReady(ctx, s.admin); err != nil || ok {
		return err
	}

	conn, err := s.admin.Acquire(ctx)
	if err != nil {
		return fmt.Errorf("dbtest: acquire connection: %w", err)
	}
	defer conn.Release()
	// The lock belongs to this session: if the process dies, it goes with it.
	if _, err := conn.Exec(ctx, "SELECT pg_advisory_lock(hashtextextended($1, 0))", s.template); err != nil {
		return fmt.Errorf("dbtest: lock template %s: %w", s.template, err)
	}
	defer func() {
		_, _ = conn.Exec(context.Background(), "SELECT pg_advisory_unlock(hashtextextended($1, 0))", s.template)
	}()

	// Another process may have built it while this one waited for the lock.
	if ok, err := s.templateReady(ctx, conn); err != nil || ok {
		return err
	}
	// What is left under these names comes from a process that died while
	// building; the lock says that none is building now.
	building := s.template + "_build"
	for _, name := range []string{building, s.template} {
		if _, err := conn.Exec(ctx, "DROP DATABASE IF EXISTS "+ident(name)+" WITH (FORCE)"); err != nil {
			return fmt.Errorf("dbtest: drop stale %s: %w", name, err)
		}
	}
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+ident(building)); err != nil {
		return fmt.Errorf("dbtest: create %s: %w", building, err)
	}
	if err := s.migrate(ctx, building); err != nil {
		return err
	}
	// The complete database takes its name, then is marked as a template,
	// which templateReady waits for. It accepts no connections, so that
	// CREATE DATABASE … TEMPLATE never finds it in use.
	for _, stmt := range []string{
		"ALTER DATABASE " + ident(building) + " RENAME TO " + ident(s.template),
		"ALTER DATABASE " + ident(s.template) + " WITH IS_TEMPLATE true ALLOW_CONNECTIONS false",
	} {
		if _, err := conn.Exec(ctx, stmt); err != nil {
			return fmt.Errorf("dbtest: finish template %s: %w", s.template, err)
		}
	}
	return nil
}

// templateReady reports whether the template exists and is marked as one,
// which happens only once it is complete.
func (s *server) templateReady(ctx context.Context, q interface {
	QueryRow(context.Context, string, ...any) pgx.Row
}) (bool, error) {
	var ready bool
	err := q.QueryRow(ctx, "SELECT datistemplate FROM pg_database WHERE datname = $1", s.template).Scan(&ready)
	if errors.Is(err, pgx.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("dbtest: look up template %s: %w", s.template, err)
	}
	return ready, nil
}

// migrate runs migrations.Up on the named database, and closes every
// connection to it before returning.
func (s *server) migrate(ctx context.Context, name string) error {
	u, err := withDatabase(s.url, name)
	if err != nil {
		return err
	}
	pool, err := pgxpool.New(ctx, u)
	if err != nil {
		return fmt.Errorf("dbtest: connect to %s: %w", name, err)
	}
	defer pool.Close()
	if err := migrations.Up(ctx, pool); err != nil {
		return fmt.Errorf("dbtest: migrate %s: %w", name, err)
	}
	return nil
}

// withDatabase returns serverURL with its database replaced by name. It
// accepts both URLs (postgres://…) and keyword/value strings (host=… dbname=…).
func withDatabase(serverURL, name string) (string, error) {
	if !strings.HasPrefix(serverURL, "postgres://") && !strings.HasPrefix(serverURL, "postgresql://") {
		// In a keyword/value string the last setting of a keyword wins.
		return serverURL + " dbname=" + name, nil
	}
	u, err := url.Parse(serverURL)
	if err != nil {
		return "", fmt.Errorf("dbtest: parse server URL: %w", err)
	}
	u.Path = "/" + name
	u.RawPath = ""
	return u.String(), nil
}

// redact hides a password in a URL, for error messages. A keyword/value
// string is not shown at all.
func redact(serverURL string) string {
	u, err := url.Parse(serverURL)
	if err != nil || u.Scheme == "" {
		return "the server in TEST_DATABASE_URL or DATABASE_URL"
	}
	return u.Redacted()
}

// ident quotes a database name. Names here are built from fixed prefixes and
// hex digits, so this only guards against mistakes.
func ident(name string) string { return pgx.Identifier{name}.Sanitize() }

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
