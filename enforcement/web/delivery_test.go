package web_test

import (
	"net/http"
	"testing"

	"github.com/jointops/jointops/enforcement"
	"github.com/jointops/jointops/enforcement/web"
)

// notify writes n inbox items for the named person.
func (b *testBundle) notify(t *testing.T, who string, n int) {
	t.Helper()
	if _, err := b.pool.Exec(b.ctx, `
		INSERT INTO notifications (user_id, kind, subject_kind, subject_id, title_zh, title_en, created_at)
		SELECT $1, 'escalation', 'rectification_order', g, '整改通知 #' || g, 'Rectification order #' || g, now()
		FROM generate_series(1, $2) g`, b.people[who].UserID, n); err != nil {
		t.Fatal(err)
	}
}

func TestInboxReadAndUnread(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.notify(t, "emb-lead", 3)
	b.notify(t, "msa-lead", 1)

	var inbox struct {
		Notifications []enforcement.Notification `json:"notifications"`
		Unread        int                        `json:"unread"`
	}
	b.do(t, "emb-lead", "GET", "/api/v1/notifications?limit=1", nil).want(http.StatusOK).decode(&inbox)
	if len(inbox.Notifications) != 1 || inbox.Unread != 3 {
		t.Fatalf("page of %d items, unread %d; want 1 item and 3 unread", len(inbox.Notifications), inbox.Unread)
	}
	b.do(t, "emb-lead", "POST", "/api/v1/notifications/"+itoa(inbox.Notifications[0].ID)+"/read", nil).want(http.StatusNoContent)
	b.do(t, "emb-lead", "GET", "/api/v1/notifications", nil).want(http.StatusOK).decode(&inbox)
	if inbox.Unread != 2 {
		t.Fatalf("unread %d after reading one, want 2", inbox.Unread)
	}

	var marked struct{ Marked int }
	b.do(t, "emb-lead", "POST", "/api/v1/notifications/read-all", nil).want(http.StatusOK).decode(&marked)
	if marked.Marked != 2 {
		t.Errorf("read-all marked %d, want 2", marked.Marked)
	}
	b.do(t, "emb-lead", "GET", "/api/v1/notifications?unread=true", nil).want(http.StatusOK).decode(&inbox)
	if inbox.Unread != 0 || len(inbox.Notifications) != 0 {
		t.Errorf("after read-all: %d unread items listed, unread %d", len(inbox.Notifications), inbox.Unread)
	}
	// Another person's inbox is untouched.
	b.do(t, "msa-lead", "GET", "/api/v1/notifications", nil).want(http.StatusOK).decode(&inbox)
	if inbox.Unread != 1 {
		t.Errorf("msa-lead's unread %d, want 1", inbox.Unread)
	}
	b.do(t, "", "POST", "/api/v1/notifications/read-all", nil).problem(http.StatusUnauthorized, "unauthorized")
}

func TestMePreferences(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.do(t, "emb-i1", "PUT", "/api/v1/me/language", map[string]string{"language": "en"}).want(http.StatusOK)
	var me enforcement.Actor
	b.do(t, "emb-i1", "GET", "/api/v1/me", nil).want(http.StatusOK).decode(&me)
	if me.Language != "en" {
		t.Errorf("language %q after PUT en", me.Language)
	}
	b.do(t, "emb-i1", "PUT", "/api/v1/me/language", map[string]string{"language": "fr"}).problem(http.StatusUnprocessableEntity, "invalid")
	b.do(t, "emb-i1", "PUT", "/api/v1/me/language", map[string]string{}).problem(http.StatusUnprocessableEntity, "invalid")
	b.do(t, "emb-i1", "PUT", "/api/v1/me/email-notifications", map[string]bool{"enabled": false}).want(http.StatusOK)

	var lang string
	var email bool
	if err := b.pool.QueryRow(b.ctx, `SELECT language, email_enabled FROM users WHERE id = $1`, b.people["emb-i1"].UserID).Scan(&lang, &email); err != nil {
		t.Fatal(err)
	}
	if lang != "en" || email {
		t.Errorf("stored language %q, email_enabled %v; want en, false", lang, email)
	}
	var audits int
	if err := b.pool.QueryRow(b.ctx, `SELECT count(*) FROM audit_events WHERE action = 'user.preferences_changed'`).Scan(&audits); err != nil {
		t.Fatal(err)
	}
	if audits != 2 {
		t.Errorf("%d audit events, want 2", audits)
	}
}

func TestAdminWebhooksAndDeliveries(t *testing.T) {
	t.Parallel()
	// The store is the delivery service too, as cmd/jointops wires it.
	b := setup(t, func(s *web.Server) { s.Deliveries = s.Inbox.(enforcement.DeliveryService) })

	body := map[string]string{"url": "https://oapi.dingtalk.com/robot/send?access_token=x", "kind": "dingtalk", "department": "EMB", "secret": "SECabc"}
	b.do(t, "emb-lead", "POST", "/api/v1/admin/webhooks", body).problem(http.StatusForbidden, "forbidden")
	b.do(t, "admin", "POST", "/api/v1/admin/webhooks", map[string]string{"url": "ftp://x"}).problem(http.StatusUnprocessableEntity, "invalid")
	b.do(t, "admin", "POST", "/api/v1/admin/webhooks", map[string]string{"url": "https://x.example", "department": "NOPE"}).problem(http.StatusUnprocessableEntity, "invalid")
	var created enforcement.Webhook
	b.do(t, "admin", "POST", "/api/v1/admin/webhooks", body).want(http.StatusCreated).decode(&created)
	if created.Secret != "SECabc" || created.Kind != enforcement.WebhookDingTalk || !created.Active || created.Department != "EMB" {
		t.Errorf("created %+v", created)
	}
	var list struct{ Webhooks []enforcement.Webhook }
	b.do(t, "admin", "GET", "/api/v1/admin/webhooks", nil).want(http.StatusOK).decode(&list)
	if len(list.Webhooks) != 1 || list.Webhooks[0].Secret != "" {
		t.Errorf("list %+v, want one webhook without its secret", list.Webhooks)
	}
	var hook enforcement.Webhook
	b.do(t, "admin", "POST", "/api/v1/admin/webhooks/"+itoa(created.ID)+"/deactivate", nil).want(http.StatusOK).decode(&hook)
	if hook.Active {
		t.Error("deactivated webhook is active")
	}
	b.do(t, "admin", "POST", "/api/v1/admin/webhooks/999/activate", nil).problem(http.StatusNotFound, "not_found")

	b.notify(t, "emb-lead", 1)
	if _, err := b.pool.Exec(b.ctx, `
		INSERT INTO deliveries (user_id, channel, notification_ids, idempotency_key, status, attempts, last_error, created_at)
		VALUES ($1, 'email', '{1}', 'email:1:1-1', 'failed', 8, '550 mailbox unavailable', now()),
		       ($1, 'email', '{1}', 'email:1:2-2', 'sent', 1, '', now())`, b.people["emb-lead"].UserID); err != nil {
		t.Fatal(err)
	}
	b.do(t, "coord", "GET", "/api/v1/admin/deliveries?status=failed", nil).problem(http.StatusForbidden, "forbidden")
	b.do(t, "admin", "GET", "/api/v1/admin/deliveries?status=lost", nil).problem(http.StatusUnprocessableEntity, "invalid")
	var deliveries struct{ Deliveries []enforcement.Delivery }
	b.do(t, "admin", "GET", "/api/v1/admin/deliveries?status=failed", nil).want(http.StatusOK).decode(&deliveries)
	if len(deliveries.Deliveries) != 1 || deliveries.Deliveries[0].LastError != "550 mailbox unavailable" || deliveries.Deliveries[0].Attempts != 8 {
		t.Errorf("failed deliveries %+v", deliveries.Deliveries)
	}
}

func TestAdminDeliveryRoutesNeedTheService(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.do(t, "admin", "GET", "/api/v1/admin/deliveries", nil).problem(http.StatusNotFound, "not_found")
}
