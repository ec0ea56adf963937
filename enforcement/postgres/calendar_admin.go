package postgres

import (
	"context"
	"errors"
	"log/slog"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/jointops/jointops/enforcement"
)

var _ enforcement.CalendarService = (*DB)(nil)

// calendarChannel is the PostgreSQL notification channel on which a change
// of calendar_overrides is announced, so that every instance reloads.
const calendarChannel = "jointops_calendar"

// LiveCalendar is the working-day calendar the store counts deadlines on
// (DB.Calendar): built by Build from the admin overrides in
// calendar_overrides, and rebuilt whenever they change. The instance that
// makes a change reloads at once; the others hear of it through Listen.
// It is safe for concurrent use.
//
// The store does not know how a calendar is built from overrides (the
// official holiday data lives in enforcement/calendar, which adapters do
// not import): cmd/jointops passes calendar.New as Build.
type LiveCalendar struct {
	// Build returns the calendar for a set of overrides (true: a working
	// day, false: a day off). Required.
	Build func(overrides map[enforcement.Date]bool) enforcement.Calendar

	mu  sync.Mutex // serializes Reload, so an older read never wins
	cur atomic.Pointer[calendarBox]
}

type calendarBox struct{ cal enforcement.Calendar }

var (
	_ enforcement.Calendar          = (*LiveCalendar)(nil)
	_ enforcement.OfficialDayLister = (*LiveCalendar)(nil)
)

// NewLiveCalendar loads the overrides from q and returns the live calendar
// built from them by build.
func NewLiveCalendar(ctx context.Context, q querier, build func(map[enforcement.Date]bool) enforcement.Calendar) (*LiveCalendar, error) {
	c := &LiveCalendar{Build: build}
	return c, c.Reload(ctx, q)
}

// IsWorkingDay answers from the calendar of the latest reload.
func (c *LiveCalendar) IsWorkingDay(d enforcement.Date) bool { return c.current().IsWorkingDay(d) }

// OfficialDays forwards to the built calendar when it can list its
// official data, and returns nil otherwise.
func (c *LiveCalendar) OfficialDays(year int) map[enforcement.Date]bool {
	if l, ok := c.current().(enforcement.OfficialDayLister); ok {
		return l.OfficialDays(year)
	}
	return nil
}

func (c *LiveCalendar) current() enforcement.Calendar {
	if b := c.cur.Load(); b != nil {
		return b.cal
	}
	return c.Build(nil)
}

// Reload reads the overrides from q and rebuilds the calendar.
func (c *LiveCalendar) Reload(ctx context.Context, q querier) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	overrides, err := FindCalendarOverrides(ctx, q)
	if err != nil {
		return err
	}
	c.cur.Store(&calendarBox{c.Build(overrides)})
	return nil
}

// Listen reloads the calendar whenever any instance changes the overrides,
// until ctx ends. It holds a connection of its own (not one of the pool's)
// open for LISTEN; when that connection fails it reconnects after a pause
// and reloads, so that a change made meanwhile is not missed. Run it in a
// goroutine; it returns ctx's error.
func (c *LiveCalendar) Listen(ctx context.Context, pool *pgxpool.Pool, logger *slog.Logger) error {
	const retry = 5 * time.Second
	for {
		err := c.listenOnce(ctx, pool)
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if logger != nil {
			logger.Warn("calendar listener: reconnecting", "err", err, "after", retry)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(retry):
		}
	}
}

func (c *LiveCalendar) listenOnce(ctx context.Context, pool *pgxpool.Pool) error {
	conn, err := pgx.ConnectConfig(ctx, pool.Config().ConnConfig.Copy())
	if err != nil {
		return err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	if _, err := conn.Exec(ctx, "LISTEN "+calendarChannel); err != nil {
		return err
	}
	// Changes made before LISTEN took effect are read now.
	if err := c.Reload(ctx, pool); err != nil {
		return err
	}
	for {
		if _, err := conn.WaitForNotification(ctx); err != nil {
			return err
		}
		if err := c.Reload(ctx, pool); err != nil {
			return err
		}
	}
}

// afterCalendarChange reloads the store's calendar when it is live, so
// that the next deadline this instance computes counts the change. The
// change is committed already, so a failed reload is not the caller's
// error: the listener of this instance reloads on the notification too.
func (db *DB) afterCalendarChange(ctx context.Context) {
	if lc, ok := db.Calendar.(*LiveCalendar); ok {
		_ = lc.Reload(ctx, db.Pool)
	}
}

// FindCalendarYear returns the official holidays and adjusted working days
// of year and the admin overrides dated in it.
func (db *DB) FindCalendarYear(ctx context.Context, year int) (*enforcement.CalendarYear, error) {
	if _, err := enforcement.RequireActor(ctx); err != nil {
		return nil, err
	}
	if err := enforcement.ValidCalendarYear("year", year); err != nil {
		return nil, err
	}
	var official map[enforcement.Date]bool
	if l, ok := db.Calendar.(enforcement.OfficialDayLister); ok {
		official = l.OfficialDays(year)
	}
	overrides, err := findOverrideDays(ctx, db.Pool, year)
	if err != nil {
		return nil, err
	}
	out := &enforcement.CalendarYear{Year: year, HasOfficialData: len(official) > 0, Days: []enforcement.CalendarDay{}}
	for d, working := range official {
		if _, ok := overrides[d]; !ok {
			out.Days = append(out.Days, enforcement.CalendarDay{Date: d, Working: working, Source: enforcement.CalendarSourceOfficial})
		}
	}
	for d, day := range overrides {
		was, ok := official[d]
		if !ok {
			was = enforcement.WeekdayCalendar{}.IsWorkingDay(d)
		}
		day.OfficialWorking = &was
		out.Days = append(out.Days, day)
	}
	slices.SortFunc(out.Days, func(a, b enforcement.CalendarDay) int { return a.Date.UTC().Compare(b.Date.UTC()) })
	return out, nil
}

// findOverrideDays returns the overrides dated in year (every year when
// year is 0), keyed by date.
func findOverrideDays(ctx context.Context, q querier, year int) (map[enforcement.Date]enforcement.CalendarDay, error) {
	rows, err := q.Query(ctx, `
		SELECT day, working, note, updated_at FROM calendar_overrides
		WHERE $1 = 0 OR day BETWEEN make_date($1, 1, 1) AND make_date($1, 12, 31)`, year)
	if err != nil {
		return nil, err
	}
	out := map[enforcement.Date]enforcement.CalendarDay{}
	var day time.Time
	var d enforcement.CalendarDay
	var updated time.Time
	_, err = pgx.ForEachRow(rows, []any{&day, &d.Working, &d.Note, &updated}, func() error {
		u := updated
		out[dateOf(day)] = enforcement.CalendarDay{Date: dateOf(day), Working: d.Working, Source: enforcement.CalendarSourceOverride,
			Note: d.Note, UpdatedAt: &u}
		return nil
	})
	return out, err
}

// SetCalendarOverride stores an override and reloads the calendar.
func (db *DB) SetCalendarOverride(ctx context.Context, d enforcement.Date, c *enforcement.CalendarOverride) (*enforcement.CalendarDay, error) {
	a, err := enforcement.RequireRole(ctx, enforcement.RoleAdmin)
	if err != nil {
		return nil, err
	}
	if err := enforcement.ValidCalendarYear("date", d.Year); err != nil {
		return nil, err
	}
	if err := c.Validate(); err != nil {
		return nil, err
	}
	var out *enforcement.CalendarDay
	err = db.inTx(ctx, func(tx pgx.Tx) error {
		before, found, err := lockOverride(ctx, tx, d)
		if err != nil {
			return err
		}
		now := db.Clock.Now()
		if _, err := tx.Exec(ctx, `
			INSERT INTO calendar_overrides (day, working, note, updated_at) VALUES ($1, $2, $3, $4)
			ON CONFLICT (day) DO UPDATE SET working = excluded.working, note = excluded.note, updated_at = excluded.updated_at`,
			d.UTC(), *c.Working, c.Note, now); err != nil {
			return err
		}
		details := map[string]any{"date": d.String(), "working": *c.Working, "note": c.Note}
		if found {
			details["before"] = map[string]any{"working": before.Working, "note": before.Note}
		}
		if err := db.insertAudit(ctx, tx, a, "calendar.override_set", enforcement.SubjectCalendarDay, enforcement.CalendarDayID(d), details); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `SELECT pg_notify($1, $2)`, calendarChannel, d.String()); err != nil {
			return err
		}
		was := enforcement.WeekdayCalendar{}.IsWorkingDay(d)
		if l, ok := db.Calendar.(enforcement.OfficialDayLister); ok {
			if w, ok := l.OfficialDays(d.Year)[d]; ok {
				was = w
			}
		}
		out = &enforcement.CalendarDay{Date: d, Working: *c.Working, Source: enforcement.CalendarSourceOverride, Note: c.Note,
			OfficialWorking: &was, UpdatedAt: &now}
		return nil
	})
	if err != nil {
		return nil, err
	}
	db.afterCalendarChange(ctx)
	return out, nil
}

// DeleteCalendarOverride removes an override and reloads the calendar.
func (db *DB) DeleteCalendarOverride(ctx context.Context, d enforcement.Date) error {
	a, err := enforcement.RequireRole(ctx, enforcement.RoleAdmin)
	if err != nil {
		return err
	}
	err = db.inTx(ctx, func(tx pgx.Tx) error {
		before, found, err := lockOverride(ctx, tx, d)
		if err != nil {
			return err
		} else if !found {
			return enforcement.Errorf(enforcement.ENOTFOUND, "%s has no override.", d)
		}
		if _, err := tx.Exec(ctx, `DELETE FROM calendar_overrides WHERE day = $1`, d.UTC()); err != nil {
			return err
		}
		if err := db.insertAudit(ctx, tx, a, "calendar.override_deleted", enforcement.SubjectCalendarDay, enforcement.CalendarDayID(d),
			map[string]any{"date": d.String(), "before": map[string]any{"working": before.Working, "note": before.Note}}); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `SELECT pg_notify($1, $2)`, calendarChannel, d.String())
		return err
	})
	if err != nil {
		return err
	}
	db.afterCalendarChange(ctx)
	return nil
}

// lockOverride locks and returns the override of d, and whether there is
// one.
func lockOverride(ctx context.Context, tx pgx.Tx, d enforcement.Date) (enforcement.CalendarDay, bool, error) {
	var day enforcement.CalendarDay
	err := tx.QueryRow(ctx, `SELECT working, note FROM calendar_overrides WHERE day = $1 FOR UPDATE`, d.UTC()).Scan(&day.Working, &day.Note)
	if errors.Is(err, pgx.ErrNoRows) {
		return day, false, nil
	}
	return day, err == nil, err
}
