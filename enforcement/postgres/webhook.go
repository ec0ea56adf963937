package postgres

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"net/url"

	"github.com/jackc/pgx/v5"

	"github.com/jointops/jointops/enforcement"
)

var _ enforcement.DeliveryService = (*DB)(nil)

// webhookColumns are the columns scanWebhook reads, the secret aside.
const webhookColumns = `id, coalesce(department_code, ''), url, kind, active, created_at`

// scanWebhook reads webhookColumns, then the secret when withSecret.
func scanWebhook(row pgx.Row, withSecret bool) (*enforcement.Webhook, error) {
	w := &enforcement.Webhook{}
	dest := []any{&w.ID, &w.Department, &w.URL, &w.Kind, &w.Active, &w.CreatedAt}
	if withSecret {
		dest = append(dest, &w.Secret)
	}
	return w, row.Scan(dest...)
}

// CreateWebhook registers a webhook, audited as webhook.created.
func (db *DB) CreateWebhook(ctx context.Context, c *enforcement.WebhookCreate) (*enforcement.Webhook, error) {
	a, err := enforcement.RequireRole(ctx, enforcement.RoleAdmin)
	if err != nil {
		return nil, err
	}
	c.Normalize()
	if err := c.Validate(); err != nil {
		return nil, err
	}
	if c.Secret == "" {
		b := make([]byte, 32)
		if _, err := rand.Read(b); err != nil {
			return nil, err
		}
		c.Secret = hex.EncodeToString(b)
	}
	var w *enforcement.Webhook
	err = db.inTx(ctx, func(tx pgx.Tx) error {
		if c.Department != "" {
			if err := checkCodes(ctx, tx, "departments", "department", []string{c.Department}); err != nil {
				return err
			}
		}
		var err error
		w, err = scanWebhook(tx.QueryRow(ctx, `
			INSERT INTO webhooks (department_code, url, secret, kind, created_by, created_at)
			VALUES (NULLIF($1, ''), $2, $3, $4, NULLIF($5, 0), $6)
			RETURNING `+webhookColumns+`, secret`,
			c.Department, c.URL, c.Secret, string(c.Kind), a.UserID, db.Clock.Now()), true)
		if err != nil {
			return interpretError(err)
		}
		// The URL of a group robot carries its access token: the audit
		// trail, which more people read, names only the host.
		return db.insertAudit(ctx, tx, a, "webhook.created", enforcement.SubjectWebhook, w.ID, map[string]any{
			"department": c.Department, "kind": c.Kind, "host": hostOf(c.URL),
		})
	})
	return w, err
}

// hostOf returns the host of a URL, or "" when it has none.
func hostOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	return u.Host
}

// FindWebhooks lists every webhook, oldest first, without secrets.
func (db *DB) FindWebhooks(ctx context.Context) ([]*enforcement.Webhook, error) {
	if _, err := enforcement.RequireRole(ctx, enforcement.RoleAdmin); err != nil {
		return nil, err
	}
	rows, err := db.Pool.Query(ctx, `SELECT `+webhookColumns+` FROM webhooks ORDER BY id`)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (*enforcement.Webhook, error) { return scanWebhook(r, false) })
}

// SetWebhookActive turns a webhook on or off, audited as
// webhook.activated or webhook.deactivated.
func (db *DB) SetWebhookActive(ctx context.Context, id int64, active bool) (*enforcement.Webhook, error) {
	a, err := enforcement.RequireRole(ctx, enforcement.RoleAdmin)
	if err != nil {
		return nil, err
	}
	var w *enforcement.Webhook
	err = db.inTx(ctx, func(tx pgx.Tx) error {
		var err error
		w, err = scanWebhook(tx.QueryRow(ctx, `UPDATE webhooks SET active = $2 WHERE id = $1 RETURNING `+webhookColumns, id, active), false)
		if errors.Is(err, pgx.ErrNoRows) {
			return notFound("webhook", id)
		} else if err != nil {
			return err
		}
		action := "webhook.deactivated"
		if active {
			action = "webhook.activated"
		}
		return db.insertAudit(ctx, tx, a, action, enforcement.SubjectWebhook, id, nil)
	})
	return w, err
}

// FindDeliveries lists deliveries, newest first: admins only. A status
// filter reads through deliveries_status_idx.
func (db *DB) FindDeliveries(ctx context.Context, f enforcement.DeliveryFilter) ([]*enforcement.Delivery, error) {
	if _, err := enforcement.RequireRole(ctx, enforcement.RoleAdmin); err != nil {
		return nil, err
	}
	limit := f.Limit
	if limit <= 0 || limit > 500 {
		limit = 100
	}
	var status *string
	if f.Status != nil {
		s := string(*f.Status)
		status = &s
	}
	rows, err := db.Pool.Query(ctx, `
		SELECT `+deliveryColumns+` FROM deliveries
		WHERE ($1::text IS NULL OR status = $1) AND ($2 = 0 OR id < $2)
		ORDER BY id DESC LIMIT $3`, status, f.BeforeID, limit)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (*enforcement.Delivery, error) { return scanDelivery(r) })
}
