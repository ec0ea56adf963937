package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"

	"github.com/jointops/jointops/enforcement"
	"github.com/jointops/jointops/enforcement/postgres"
	"github.com/jointops/jointops/migrations"
	"github.com/jointops/jointops/workflow"
)

// App is one running jointops instance: the pool, the store, the River
// client and the HTTP server. Tests run a whole App on 127.0.0.1:0 against
// a throwaway database.
type App struct {
	Config *Config
	Logger *slog.Logger
	Clock  enforcement.Clock

	Pool   *pgxpool.Pool
	DB     *postgres.DB
	River  *river.Client[pgx.Tx]
	Server *http.Server
	// Listener is where Server listens; URL is its base URL.
	Listener net.Listener
	URL      string

	// stopCalendar ends the calendar listener (openCalendar).
	stopCalendar context.CancelFunc
}

// openDB connects, migrates, and builds the store with the calendar
// (official holidays plus the admin overrides in the database).
func (app *App) openDB(ctx context.Context) error {
	pool, err := pgxpool.New(ctx, app.Config.DatabaseURL)
	if err != nil {
		return fmt.Errorf("DATABASE_URL: %w", err)
	}
	app.Pool = pool
	if err := pool.Ping(ctx); err != nil {
		return fmt.Errorf("cannot reach PostgreSQL at DATABASE_URL (%s): %w", redact(app.Config.DatabaseURL), err)
	}
	if err := migrations.Up(ctx, pool); err != nil {
		return err
	}
	cal, err := app.openCalendar(ctx)
	if err != nil {
		return err
	}
	db, err := postgres.New(pool, cal)
	if err != nil {
		return err
	}
	db.Clock = app.Clock
	db.Location = app.Config.District
	app.DB = db
	return nil
}

// startRiver starts the workers, the periodic escalation sweep and the
// delivery of notifications.
func (app *App) startRiver(ctx context.Context) error {
	delivery, err := app.deliveryConfig()
	if err != nil {
		return err
	}
	client, err := workflow.NewClient(app.Pool, workflow.Config{
		Plan: app.DB, Escalations: app.DB, Clock: app.Clock, Logger: app.Logger, Delivery: delivery,
	})
	if err != nil {
		return err
	}
	app.River = client
	return client.Start(ctx)
}

// listen opens the HTTP listener on addr ("127.0.0.1:0" in tests).
func (app *App) listen(addr string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", addr, err)
	}
	app.Listener = ln
	app.URL = "http://" + ln.Addr().String()
	return nil
}

// serveHTTP serves handler until Close.
func (app *App) serveHTTP(handler http.Handler) {
	app.Server = &http.Server{Handler: handler, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		if err := app.Server.Serve(app.Listener); err != nil && !errors.Is(err, http.ErrServerClosed) {
			app.Logger.Error("http server", "err", err)
		}
	}()
}

// ready reports whether PostgreSQL answers and River runs, for /readyz.
func (app *App) ready(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	if err := app.Pool.Ping(ctx); err != nil {
		return fmt.Errorf("PostgreSQL does not answer: %w", err)
	}
	if app.River == nil {
		return errors.New("River is not running")
	}
	select {
	case <-app.River.Stopped():
		return errors.New("River has stopped")
	default:
	}
	return nil
}

// Close stops HTTP, then River (letting running jobs finish), then the pool.
func (app *App) Close() {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if app.Server != nil {
		_ = app.Server.Shutdown(ctx)
	}
	if app.River != nil {
		_ = app.River.Stop(ctx)
	}
	if app.stopCalendar != nil {
		app.stopCalendar()
	}
	if app.Pool != nil {
		app.Pool.Close()
	}
}

// redact hides a password in a database URL.
func redact(dsn string) string {
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return "(unparsable)"
	}
	return fmt.Sprintf("%s@%s:%d/%s", cfg.User, cfg.Host, cfg.Port, cfg.Database)
}
