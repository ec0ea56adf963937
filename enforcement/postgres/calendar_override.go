package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/jointops/jointops/enforcement"
)

// FindCalendarOverrides returns the admin overrides of the working-day
// calendar: true marks a working day, false a day off. They take precedence
// over the official holiday data (the way to enter next year's holidays
// when the State Council publishes them).
func FindCalendarOverrides(ctx context.Context, q interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}) (map[enforcement.Date]bool, error) {
	rows, err := q.Query(ctx, `SELECT day, working FROM calendar_overrides`)
	if err != nil {
		return nil, err
	}
	out := map[enforcement.Date]bool{}
	var day time.Time
	var working bool
	_, err = pgx.ForEachRow(rows, []any{&day, &working}, func() error {
		out[dateOf(day)] = working
		return nil
	})
	return out, err
}
