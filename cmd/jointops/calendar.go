package main

import (
	"context"

	"github.com/jointops/jointops/enforcement"
	"github.com/jointops/jointops/enforcement/calendar"
	"github.com/jointops/jointops/enforcement/postgres"
)

// openCalendar returns the store's working-day calendar: the official
// holidays of enforcement/calendar plus the admin overrides, rebuilt
// whenever an admin changes them, on this instance at once and on the
// others through the listener started here (stopped by Close).
func (app *App) openCalendar(ctx context.Context) (*postgres.LiveCalendar, error) {
	live, err := postgres.NewLiveCalendar(ctx, app.Pool, func(overrides map[enforcement.Date]bool) enforcement.Calendar {
		return calendar.New(overrides)
	})
	if err != nil {
		return nil, err
	}
	listenCtx, stop := context.WithCancel(context.WithoutCancel(ctx))
	app.stopCalendar = stop
	go func() { _ = live.Listen(listenCtx, app.Pool, app.Logger) }()
	return live, nil
}
