package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/jointops/jointops/enforcement"
)

// querier is what both a pool and a transaction offer.
type querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
}

// pgDate scans a nullable date column; NULL scans as the zero Date.
type pgDate struct{ t time.Time }

// ScanDate implements pgtype.DateScanner.
func (d *pgDate) ScanDate(v pgtype.Date) error {
	d.t = time.Time{}
	if v.Valid {
		d.t = v.Time
	}
	return nil
}

// Date returns the scanned date, or the zero Date for NULL.
func (d pgDate) Date() enforcement.Date {
	if d.t.IsZero() {
		return enforcement.Date{}
	}
	return enforcement.DateOf(d.t.UTC())
}
