// Package postgres implements the services of package enforcement on
// PostgreSQL with pgx. It owns the transactions: each public method opens
// one, calls small helpers that take the pgx.Tx, writes the audit event and
// inserts the River jobs the change triggers (InsertTx) in the same
// transaction.
package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"

	"github.com/jointops/jointops/enforcement"
)

// DB is the PostgreSQL store. Set the fields before the first call; the
// zero values of Clock, Calendar and Location are not usable, so use New.
type DB struct {
	Pool *pgxpool.Pool
	// Clock gives "now" for every timestamp and deadline.
	Clock enforcement.Clock
	// Calendar counts working days for deadlines. Make it a *LiveCalendar
	// for the admin overrides to apply without a restart: the store
	// reloads it after each change (CalendarService).
	Calendar enforcement.Calendar
	// Location is the district's time zone (TZ_DISTRICT); deadlines are
	// the end of a day in it. Defaults to Asia/Shanghai.
	Location *time.Location
	// AcceptanceWorkingDays is the acceptance due date of a task in working
	// days after dispatch. Defaults to 2 (DESIGN.md §3).
	AcceptanceWorkingDays int
	// MaxAttachmentBytes caps the size of an attachment: evidence on an
	// order, or a hazard's photo.
	// Defaults to enforcement.DefaultMaxAttachmentBytes (5 MiB).
	MaxAttachmentBytes int64

	river *river.Client[pgx.Tx]
}

// New returns a DB on pool with the system clock, the given calendar and
// the Asia/Shanghai zone. It returns an error if River's insert-only
// client cannot be made.
func New(pool *pgxpool.Pool, cal enforcement.Calendar) (*DB, error) {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		return nil, fmt.Errorf("load Asia/Shanghai: %w", err)
	}
	rc, err := river.NewClient(riverpgxv5.New(pool), &river.Config{})
	if err != nil {
		return nil, fmt.Errorf("river insert client: %w", err)
	}
	return &DB{
		Pool:                  pool,
		Clock:                 enforcement.SystemClock{},
		Calendar:              cal,
		Location:              loc,
		AcceptanceWorkingDays: enforcement.DefaultAcceptanceWorkingDays,
		MaxAttachmentBytes:    enforcement.DefaultMaxAttachmentBytes,
		river:                 rc,
	}, nil
}

// Today returns the current date in the district's time zone.
func (db *DB) Today() enforcement.Date {
	return enforcement.DateOf(db.Clock.Now().In(db.Location))
}

// inTx runs fn in a transaction, committing when it returns nil.
func (db *DB) inTx(ctx context.Context, fn func(tx pgx.Tx) error) error {
	return pgx.BeginFunc(ctx, db.Pool, fn)
}

// interpretError turns driver errors into domain errors, in one place.
func interpretError(err error) error {
	var pgErr *pgconn.PgError
	switch {
	case err == nil:
		return nil
	case errors.Is(err, pgx.ErrNoRows):
		return enforcement.Errorf(enforcement.ENOTFOUND, "Not found.")
	case errors.As(err, &pgErr) && pgErr.Code == "23503":
		return enforcement.Errorf(enforcement.EINVALID, "A code or id does not exist (%s).", pgErr.ConstraintName).
			ZH("所填代码或编号不存在（%s）。", pgErr.ConstraintName)
	case errors.As(err, &pgErr) && pgErr.Code == "23505":
		return enforcement.Errorf(enforcement.ECONFLICT, "It exists already (%s).", pgErr.ConstraintName).
			ZH("该记录已存在（%s）。", pgErr.ConstraintName)
	}
	return err
}

// notFound returns the ENOTFOUND error of a kind of thing.
func notFound(kind string, id int64) error {
	return enforcement.Errorf(enforcement.ENOTFOUND, "No %s %d.", kind, id)
}

// insertAudit writes an audit event in tx, at the clock's now. The actor
// may be nil for work done by the system (a River job).
func (db *DB) insertAudit(ctx context.Context, tx pgx.Tx, a *enforcement.Actor, action string, kind enforcement.SubjectKind, id int64, details map[string]any) error {
	return db.insertAuditAt(ctx, tx, db.Clock.Now(), a, action, kind, id, details)
}

// insertAuditAt writes an audit event in tx at the time at: the time of the
// change it records, which the changed rows hold too (an order's history
// places the event among them).
func (db *DB) insertAuditAt(ctx context.Context, tx pgx.Tx, at time.Time, a *enforcement.Actor, action string, kind enforcement.SubjectKind, id int64, details map[string]any) error {
	var actorID *int64
	name, dept := "system", ""
	if a != nil {
		if a.UserID != 0 {
			actorID = &a.UserID
		}
		name, dept = a.Name, a.Department
		if name == "" {
			name = a.Subject
		}
	}
	if details == nil {
		details = map[string]any{}
	}
	b, err := json.Marshal(details)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `
		INSERT INTO audit_events (at, actor_id, actor_name, department_code, action, subject_kind, subject_id, details)
		VALUES ($1, $2, $3, NULLIF($4, ''), $5, $6, $7, $8)`,
		at, actorID, name, dept, action, string(kind), id, b)
	return err
}

// deptScope returns the department an actor is confined to, or "" for an
// actor who reads every department.
func deptScope(a *enforcement.Actor) string {
	if a.ReadsAll() {
		return ""
	}
	if a.Department == "" {
		return "\x00" // a departmental role without a department sees nothing
	}
	return a.Department
}

// dateOf converts a pgx date (midnight UTC) to a Date.
func dateOf(t time.Time) enforcement.Date { return enforcement.DateOf(t.UTC()) }
