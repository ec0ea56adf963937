package postgres

import (
	"context"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/jointops/jointops/enforcement"
)

var (
	_ enforcement.InboxService = (*DB)(nil)
	_ enforcement.AuditService = (*DB)(nil)
)

// FindNotifications lists the actor's own inbox, newest first.
func (db *DB) FindNotifications(ctx context.Context, f enforcement.NotificationFilter) ([]*enforcement.Notification, error) {
	a, err := enforcement.RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	limit := f.Limit
	if limit <= 0 || limit > 500 {
		limit = 100
	}
	rows, err := db.Pool.Query(ctx, `
		SELECT id, kind, subject_kind, subject_id, level, title_zh, title_en, created_at, read_at
		FROM notifications WHERE user_id = $1 AND (NOT $2 OR read_at IS NULL) AND ($4::bigint = 0 OR id < $4::bigint)
		ORDER BY id DESC LIMIT $3`, a.UserID, f.UnreadOnly, limit, f.BeforeID)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowToAddrOfStructByPos[enforcement.Notification])
}

// MarkNotificationRead marks one of the actor's notifications read.
func (db *DB) MarkNotificationRead(ctx context.Context, id int64) error {
	a, err := enforcement.RequireActor(ctx)
	if err != nil {
		return err
	}
	tag, err := db.Pool.Exec(ctx, `UPDATE notifications SET read_at = coalesce(read_at, $3) WHERE id = $1 AND user_id = $2`,
		id, a.UserID, db.Clock.Now())
	if err != nil {
		return err
	} else if tag.RowsAffected() == 0 {
		return notFound("notification", id)
	}
	return nil
}

// FindAuditEvents lists audit events, newest first: auditors, coordinators,
// leadership and admins only.
func (db *DB) FindAuditEvents(ctx context.Context, f enforcement.AuditFilter) ([]*enforcement.AuditEvent, error) {
	if _, err := enforcement.RequireRole(ctx, enforcement.RoleAuditor, enforcement.RoleCoordinator, enforcement.RoleLeadership, enforcement.RoleAdmin); err != nil {
		return nil, err
	}
	limit := f.Limit
	if limit <= 0 || limit > 1000 {
		limit = 200
	}
	var kind *string
	if f.SubjectKind != nil {
		k := string(*f.SubjectKind)
		kind = &k
	}
	// The days are the district's: From's midnight to the midnight after To.
	var from, to *time.Time
	if !f.From.IsZero() {
		t := f.From.In(db.Location)
		from = &t
	}
	if !f.To.IsZero() {
		t := f.To.AddDays(1).In(db.Location)
		to = &t
	}
	action, exact := f.Action, !strings.HasSuffix(f.Action, ".")
	rows, err := db.Pool.Query(ctx, `
		SELECT id, at, actor_id, actor_name, coalesce(department_code, ''), action, subject_kind, subject_id, details
		FROM audit_events
		WHERE ($1::text IS NULL OR subject_kind = $1) AND ($2::bigint IS NULL OR subject_id = $2) AND ($4::bigint = 0 OR id < $4::bigint)
		  AND ($5 = '' OR strpos(lower(actor_name), lower($5)) > 0)
		  AND ($6 = '' OR CASE WHEN $7 THEN action = $6 ELSE starts_with(action, $6) END)
		  AND ($8::timestamptz IS NULL OR at >= $8) AND ($9::timestamptz IS NULL OR at < $9)
		ORDER BY id DESC LIMIT $3`, kind, f.SubjectID, limit, f.BeforeID, strings.TrimSpace(f.Actor), action, exact, from, to)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowToAddrOfStructByPos[enforcement.AuditEvent])
}
