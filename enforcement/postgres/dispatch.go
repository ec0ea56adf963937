package postgres

import (
	"context"
	"errors"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"

	"github.com/jointops/jointops/enforcement"
)

var _ enforcement.DispatchService = (*DB)(nil)

// dispatchBatchSize bounds the notifications one dispatch transaction
// takes, and so how long it holds their row locks: marking them is the
// cost (measured: 100,000 in about 7 s on 2 cores, each update writing a
// new entry in every index of notifications). Only a backlog larger than
// this (a burst of escalations) splits a person's digest in two.
const dispatchBatchSize = 20000

// DispatchNotifications groups the notifications not yet dispatched into
// deliveries, batch by batch; see enforcement.DispatchService.
func (db *DB) DispatchNotifications(ctx context.Context, o enforcement.DispatchOptions) (*enforcement.DispatchResult, error) {
	res := &enforcement.DispatchResult{}
	for {
		var taken int
		err := db.inTx(ctx, func(tx pgx.Tx) error {
			// One dispatch at a time: two running side by side would split
			// a person's items between two digests. One that finds another
			// running leaves the items to it, or to the next window.
			var locked bool
			if err := tx.QueryRow(ctx, `SELECT pg_try_advisory_xact_lock(hashtextextended('jointops.dispatch_notifications', 0))`).Scan(&locked); err != nil {
				return err
			} else if !locked {
				return nil
			}
			var ids []int64
			if err := tx.QueryRow(ctx, dispatchSQL, o.Now, dispatchBatchSize, o.Email).Scan(&taken, &ids); err != nil {
				return err
			}
			if len(ids) == 0 {
				return nil
			}
			var opts *river.InsertOpts
			if o.MaxAttempts > 0 {
				opts = &river.InsertOpts{MaxAttempts: o.MaxAttempts}
			}
			params := make([]river.InsertManyParams, len(ids))
			for i, id := range ids {
				params[i] = river.InsertManyParams{Args: enforcement.DeliverJob{DeliveryID: id}, InsertOpts: opts}
			}
			if _, err := db.river.InsertManyTx(ctx, tx, params); err != nil {
				return err
			}
			res.Deliveries += len(ids)
			return nil
		})
		if err != nil {
			return res, err
		}
		res.Notifications += taken
		if taken < dispatchBatchSize {
			return res, nil
		}
	}
}

// dispatchSQL takes one batch of undispatched notifications ($2 at most,
// through notifications_undispatched_idx) and writes their deliveries:
//
//   - one e-mail per recipient with an address and e-mail on (when $3),
//     listing all their items: a lead with 300 overdue orders gets one
//     digest, and the inbox keeps the 300 items;
//   - one post per active webhook of the items' departments and per
//     district-wide webhook, listing each event once: an escalation sent
//     to a lead and to three coordinators is one line in the group.
//
// An item's department is its escalation's, else its recipient's. It
// answers the number of items taken and the ids of the new deliveries.
const dispatchSQL = `
WITH picked AS (
	SELECT id FROM notifications
	WHERE dispatched_at IS NULL
	ORDER BY id
	LIMIT $2
	FOR UPDATE SKIP LOCKED
), marked AS (
	UPDATE notifications n SET dispatched_at = $1
	FROM picked p WHERE n.id = p.id
	RETURNING n.id, n.user_id, n.escalation_id, n.kind, n.subject_kind, n.subject_id, n.title_zh
), emails AS (
	INSERT INTO deliveries (user_id, channel, notification_ids, idempotency_key, created_at)
	SELECT m.user_id, 'email', array_agg(m.id ORDER BY m.id),
	       'email:' || m.user_id || ':' || min(m.id) || '-' || max(m.id), $1
	FROM marked m JOIN users u ON u.id = m.user_id
	WHERE $3 AND u.email <> '' AND u.email_enabled
	GROUP BY m.user_id
	ON CONFLICT (idempotency_key) DO NOTHING
	RETURNING id
), events AS (
	SELECT m.id, coalesce(e.department_code, u.department_code) AS department_code,
	       coalesce('escalation:' || m.escalation_id,
	                m.kind || ':' || m.subject_kind || ':' || m.subject_id || ':' || m.title_zh) AS event
	FROM marked m
	JOIN users u ON u.id = m.user_id
	LEFT JOIN escalations e ON e.id = m.escalation_id
), hook_items AS (
	SELECT w.id AS webhook_id, min(ev.id) AS id
	FROM webhooks w
	JOIN events ev ON w.department_code IS NULL OR w.department_code = ev.department_code
	WHERE w.active
	GROUP BY w.id, ev.event
), hooks AS (
	INSERT INTO deliveries (webhook_id, channel, notification_ids, idempotency_key, created_at)
	SELECT webhook_id, 'webhook', array_agg(id ORDER BY id),
	       'webhook:' || webhook_id || ':' || min(id) || '-' || max(id), $1
	FROM hook_items
	GROUP BY webhook_id
	ON CONFLICT (idempotency_key) DO NOTHING
	RETURNING id
)
SELECT (SELECT count(*) FROM marked),
       coalesce((SELECT array_agg(id ORDER BY id) FROM (SELECT id FROM emails UNION ALL SELECT id FROM hooks) d), '{}')`

// deliveryColumns are the columns scanDelivery reads.
const deliveryColumns = `id, channel, user_id, webhook_id, notification_ids, idempotency_key, status, attempts, last_error, sent_at, created_at`

func scanDelivery(row pgx.Row) (*enforcement.Delivery, error) {
	d := &enforcement.Delivery{}
	err := row.Scan(&d.ID, &d.Channel, &d.UserID, &d.WebhookID, &d.NotificationIDs, &d.IdempotencyKey,
		&d.Status, &d.Attempts, &d.LastError, &d.SentAt, &d.CreatedAt)
	return d, err
}

// FindDeliveryMessage returns a delivery with its recipient and its first
// limit notifications.
func (db *DB) FindDeliveryMessage(ctx context.Context, id int64, limit int) (*enforcement.DeliveryMessage, error) {
	d, err := scanDelivery(db.Pool.QueryRow(ctx, `SELECT `+deliveryColumns+` FROM deliveries WHERE id = $1`, id))
	if err != nil {
		if errors.Is(err, pgx.ErrNoRows) {
			return nil, notFound("delivery", id)
		}
		return nil, err
	}
	m := &enforcement.DeliveryMessage{Delivery: *d, Total: len(d.NotificationIDs)}
	switch {
	case d.UserID != nil:
		r := &enforcement.DeliveryRecipient{}
		if err := db.Pool.QueryRow(ctx, `SELECT id, name, email, language, email_enabled FROM users WHERE id = $1`, *d.UserID).
			Scan(&r.UserID, &r.Name, &r.Email, &r.Language, &r.EmailEnabled); err != nil {
			return nil, interpretError(err)
		}
		m.Recipient = r
	case d.WebhookID != nil:
		w, err := scanWebhook(db.Pool.QueryRow(ctx, `SELECT `+webhookColumns+`, secret FROM webhooks WHERE id = $1`, *d.WebhookID), true)
		if err != nil {
			return nil, interpretError(err)
		}
		m.Webhook = w
	}
	ids := d.NotificationIDs
	if limit > 0 && len(ids) > limit {
		ids = ids[:limit]
	}
	rows, err := db.Pool.Query(ctx, `
		SELECT id, kind, subject_kind, subject_id, level, title_zh, title_en, created_at, read_at
		FROM notifications WHERE id = ANY($1) ORDER BY id`, ids)
	if err != nil {
		return nil, err
	}
	m.Notifications, err = pgx.CollectRows(rows, pgx.RowToAddrOfStructByPos[enforcement.Notification])
	return m, err
}

// MarkDeliverySent records the successful attempt of a delivery not yet
// sent.
func (db *DB) MarkDeliverySent(ctx context.Context, id int64, attempt int, at time.Time) error {
	_, err := db.Pool.Exec(ctx, `
		UPDATE deliveries SET status = 'sent', sent_at = $3, attempts = greatest(attempts, $2), last_error = ''
		WHERE id = $1 AND status <> 'sent'`, id, attempt, at)
	return err
}

// maxErrorBytes bounds the last_error kept of a failed attempt.
const maxErrorBytes = 2000

// MarkDeliveryAttemptFailed records a failed attempt of a pending
// delivery; final marks it failed for good.
func (db *DB) MarkDeliveryAttemptFailed(ctx context.Context, id int64, attempt int, message string, final bool) error {
	if len(message) > maxErrorBytes {
		cut := maxErrorBytes
		for cut > 0 && !utf8.RuneStart(message[cut]) {
			cut--
		}
		message = message[:cut] + "…"
	}
	_, err := db.Pool.Exec(ctx, `
		UPDATE deliveries SET attempts = greatest(attempts, $2), last_error = $3,
		       status = CASE WHEN $4 THEN 'failed' ELSE status END
		WHERE id = $1 AND status = 'pending'`, id, attempt, message, final)
	return err
}
