package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"

	"github.com/jointops/jointops/enforcement"
)

// MarkAllNotificationsRead marks every unread item of the actor read.
func (db *DB) MarkAllNotificationsRead(ctx context.Context) (int, error) {
	a, err := enforcement.RequireActor(ctx)
	if err != nil {
		return 0, err
	}
	tag, err := db.Pool.Exec(ctx, `UPDATE notifications SET read_at = $2 WHERE user_id = $1 AND read_at IS NULL`,
		a.UserID, db.Clock.Now())
	if err != nil {
		return 0, err
	}
	return int(tag.RowsAffected()), nil
}

// CountUnreadNotifications counts the actor's unread items, through the
// partial index notifications_user_unread_idx.
func (db *DB) CountUnreadNotifications(ctx context.Context) (int, error) {
	a, err := enforcement.RequireActor(ctx)
	if err != nil {
		return 0, err
	}
	var n int
	err = db.Pool.QueryRow(ctx, `SELECT count(*) FROM notifications WHERE user_id = $1 AND read_at IS NULL`, a.UserID).Scan(&n)
	return n, err
}

// SetNotificationPreferences sets the actor's language and e-mail switch,
// audited as user.preferences_changed.
func (db *DB) SetNotificationPreferences(ctx context.Context, p enforcement.NotificationPreferences) error {
	a, err := enforcement.RequireActor(ctx)
	if err != nil {
		return err
	}
	if p.Language != nil && !enforcement.ValidLanguage(*p.Language) {
		return enforcement.FieldError("language", "%q is not zh or en.", *p.Language).
			ZH("“%s”不是 zh 或 en。", *p.Language)
	}
	if p.Language == nil && p.EmailEnabled == nil {
		return nil
	}
	err = db.inTx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `
			UPDATE users SET language = coalesce($2, language), email_enabled = coalesce($3, email_enabled), updated_at = $4
			WHERE id = $1`, a.UserID, p.Language, p.EmailEnabled, db.Clock.Now())
		if err != nil {
			return err
		} else if tag.RowsAffected() == 0 {
			return notFound("user", a.UserID)
		}
		details := map[string]any{}
		if p.Language != nil {
			details["language"] = *p.Language
		}
		if p.EmailEnabled != nil {
			details["email_enabled"] = *p.EmailEnabled
		}
		return db.insertAudit(ctx, tx, a, "user.preferences_changed", enforcement.SubjectUser, a.UserID, details)
	})
	if err != nil {
		return err
	}
	if p.Language != nil {
		a.Language = *p.Language
	}
	return nil
}
