package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/jointops/jointops/auth"
	"github.com/jointops/jointops/auth/devidp"
	"github.com/jointops/jointops/enforcement"
	"github.com/jointops/jointops/enforcement/postgres"
)

// Dev mode's fixed client registration at its own identity provider.
const (
	devClientID     = "jointops-dev"
	devClientSecret = "jointops-dev-secret"
)

// devOptions are what `jointops dev` adds to a normal start: a movable
// clock, demo data, and the development identity provider under /idp.
type devOptions struct {
	clock *enforcement.OffsetClock
	idp   *devidp.Provider
	mount func(r chi.Router)
}

// beforeStart loads the demo data and records the demo users, so that a
// lead can assign inspectors who have not signed in yet.
func (d *devOptions) beforeStart(ctx context.Context, app *App) error {
	if err := d.resumeClock(ctx, app); err != nil {
		return err
	}
	if _, err := postgres.LoadDemoData(ctx, app.Pool); err != nil {
		return fmt.Errorf("demo data: %w", err)
	}
	for _, u := range devidp.DemoUsers() {
		a, err := auth.ActorFromClaims(d.idp.Issuer(), u.Subject,
			map[string]any{"name": u.Name, "email": u.Email, "groups": toAny(u.Groups)}, "groups")
		if err != nil {
			return fmt.Errorf("demo user %s: %w", u.Username, err)
		}
		if err := app.DB.UpsertUser(ctx, a); err != nil {
			return err
		}
	}
	return nil
}

// resumeClock moves the dev clock to the latest time the database has
// seen, so that a restart never takes the demo back to before deadlines
// that already passed (the clock only moves forward).
func (d *devOptions) resumeClock(ctx context.Context, app *App) error {
	if d.clock == nil {
		return nil
	}
	var latest *time.Time
	if err := app.Pool.QueryRow(ctx, `SELECT greatest((SELECT max(at) FROM audit_events), (SELECT max(fired_at) FROM escalations))`).Scan(&latest); err != nil {
		return err
	}
	if latest != nil {
		if behind := latest.Sub(d.clock.Now()); behind > 0 {
			if _, err := d.clock.Advance(behind); err != nil {
				return err
			}
			app.Logger.Info("dev clock resumed where the demo left it", "now", d.clock.Now())
		}
	}
	return nil
}

func toAny(s []string) []any {
	out := make([]any, len(s))
	for i, v := range s {
		out[i] = v
	}
	return out
}

// setupDev fills in dev defaults (PUBLIC_URL http://localhost:8080, the
// provider at PUBLIC_URL/idp) and builds the provider.
func setupDev(app *App) (*devOptions, error) {
	cfg := app.Config
	if cfg.PublicURL == "" {
		cfg.PublicURL = "http://localhost" + portOf(app.URL)
	}
	cfg.OIDCIssuer = cfg.PublicURL + "/idp"
	cfg.OIDCClientID, cfg.OIDCClientSecret = devClientID, devClientSecret
	idp, err := devidp.New(cfg.OIDCIssuer, []devidp.Client{{
		ID: devClientID, Secret: devClientSecret, RedirectURIs: []string{cfg.PublicURL + "/auth/callback"},
	}}, devidp.DemoUsers())
	if err != nil {
		return nil, err
	}
	clock, _ := app.Clock.(*enforcement.OffsetClock)
	return &devOptions{
		clock: clock,
		idp:   idp,
		mount: func(r chi.Router) { r.Mount("/idp", idp.Handler()) },
	}, nil
}

// portOf returns ":8080" of "http://127.0.0.1:8080".
func portOf(url string) string {
	return url[strings.LastIndex(url, ":"):]
}

// startDev starts a whole dev instance: it is `jointops dev` without the
// banner, and what the end-to-end tests run on 127.0.0.1:0.
func startDev(ctx context.Context, app *App) (*devOptions, error) {
	if err := app.listen(app.Config.Addr); err != nil {
		return nil, err
	}
	dev, err := setupDev(app)
	if err != nil {
		return nil, err
	}
	return dev, app.start(ctx, dev.idp.HTTPClient(), dev)
}

// runDev runs `jointops dev` until interrupted.
func runDev(ctx context.Context, cfg *Config, logger *slog.Logger, stdout io.Writer) error {
	app := &App{Config: cfg, Logger: logger, Clock: enforcement.NewOffsetClock(time.Time{})}
	defer app.Close()
	dev, err := startDev(ctx, app)
	if err != nil {
		return err
	}
	printDevBanner(stdout, cfg, dev)
	<-ctx.Done()
	return nil
}

func printDevBanner(w io.Writer, cfg *Config, dev *devOptions) {
	fmt.Fprintf(w, `
jointops dev is running (demo data loaded, development sign-in, movable clock).

  web        %[1]s/            sign in with any demo user below
  API        %[1]s/api/v1/     bearer token: go run ./cmd/jointops token coordinator
  identity   %[2]s
  health     %[1]s/healthz  %[1]s/readyz
  clock      %[1]s/api/v1/dev/clock   POST {"advance":"72h"} moves time forward
  e-mail     %[3]s

demo users (no password in dev):
`, cfg.PublicURL, cfg.OIDCIssuer, emailStatus(cfg))
	for _, u := range devidp.DemoUsers() {
		fmt.Fprintf(w, "  %-16s %-8s %s\n", u.Username, u.Name, strings.Join(u.Groups, " "))
	}
	fmt.Fprintln(w, "\nthe README's walkthrough plans an operation, accepts a task and escalates an order in five minutes.")
}
