package main

import (
	"context"
	"log/slog"
	"net/http"

	"github.com/go-chi/chi/v5"
	"github.com/riverqueue/river"

	"github.com/jointops/jointops/auth"
	"github.com/jointops/jointops/enforcement"
	"github.com/jointops/jointops/enforcement/web"
)

// runServe is the production entry point. It refuses to start without an
// identity provider and never starts the development one.
func runServe(ctx context.Context, cfg *Config, logger *slog.Logger) error {
	if err := cfg.validateServe(); err != nil {
		return err
	}
	app := &App{Config: cfg, Logger: logger, Clock: systemClock}
	defer app.Close()
	if err := app.start(ctx, nil, nil); err != nil {
		return err
	}
	logger.Info("jointops serving", "addr", cfg.Addr, "public_url", cfg.PublicURL)
	<-ctx.Done()
	return nil
}

// start opens the database, starts River, signs in through the configured
// provider (httpClient, when set, reaches it) and serves HTTP on cfg.Addr.
// devClock and extraRoutes are for `jointops dev` only.
func (app *App) start(ctx context.Context, httpClient *http.Client, dev *devOptions) error {
	if app.Listener == nil {
		if err := app.listen(app.Config.Addr); err != nil {
			return err
		}
	}
	if err := app.openDB(ctx); err != nil {
		return err
	}
	if dev != nil {
		if err := dev.beforeStart(ctx, app); err != nil {
			return err
		}
	}
	if err := app.startRiver(ctx); err != nil {
		return err
	}
	authn, err := auth.New(ctx, &auth.Config{
		Issuer:       app.Config.OIDCIssuer,
		ClientID:     app.Config.OIDCClientID,
		ClientSecret: app.Config.OIDCClientSecret,
		PublicURL:    app.Config.PublicURL,
		GroupsClaim:  app.Config.OIDCGroupsClaim,
		SessionKey:   sessionKey(app.Config.SessionKey),
		HTTPClient:   httpClient,
		Logger:       app.Logger,
	})
	if err != nil {
		return err
	}
	authn.Resolve = app.DB.UpsertUser
	srv := &web.Server{
		Operations: app.DB, Tasks: app.DB, Visits: app.DB, Rectifications: app.DB, Inbox: app.DB, Audit: app.DB,
		Roster: app.DB, Planning: app.DB, Deliveries: app.DB,
		Policies: app.DB, Calendars: app.DB, Extensions: app.DB, Attachments: app.DB, Supervision: app.DB, References: app.DB, Statistics: app.DB, Progress: app.DB,
		Ready:    app.ready,
		Location: app.Config.District,
		Calendar: app.DB.Calendar,
		Logger:   app.Logger,
		Mount: func(r chi.Router) {
			r.Use(authn.Middleware)
			authn.Routes(r)
			if dev != nil && dev.mount != nil {
				dev.mount(r)
			}
		},
	}
	srv.MaxAttachmentBytes = app.DB.MaxAttachmentBytes
	if dev != nil {
		srv.DevClock = dev.clock
		srv.AfterClockMove = app.enqueueSweep
	}
	app.serveHTTP(srv.Handler())
	return nil
}

// enqueueSweep asks River for an escalation sweep now, after the dev clock
// moved.
func (app *App) enqueueSweep(ctx context.Context) error {
	_, err := app.River.Insert(ctx, enforcement.SweepEscalationsJob{}, &river.InsertOpts{})
	return err
}

// sessionKey returns SESSION_KEY's bytes, or nil for a random key.
func sessionKey(s string) []byte {
	if s == "" {
		return nil
	}
	return []byte(s)
}
