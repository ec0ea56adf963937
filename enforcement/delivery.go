package enforcement

import (
	"context"
	"net/url"
	"strings"
	"time"
)

// Deliveries carry notifications beyond the in-app inbox (DESIGN.md §3):
// an e-mail digest to a person, or a post to a webhook (a DingTalk or WeCom
// group robot, or any receiver). A periodic dispatch groups every
// notification not yet dispatched into one delivery per person and per
// webhook; each delivery is then sent by a River job of its own, with
// retries, and records its outcome.

// DeliveryChannel is how a delivery travels.
type DeliveryChannel string

// The channels.
const (
	ChannelEmail   DeliveryChannel = "email"
	ChannelWebhook DeliveryChannel = "webhook"
)

// DeliveryStatus is where a delivery stands: pending until sent, sent
// once, or failed after its last attempt.
type DeliveryStatus string

// The delivery statuses.
const (
	DeliveryPending DeliveryStatus = "pending"
	DeliverySent    DeliveryStatus = "sent"
	DeliveryFailed  DeliveryStatus = "failed"
)

// WebhookKind is the receiver of a webhook. Every kind gets the same
// DingTalk/WeCom text-robot body and the X-Jointops-* signature headers;
// dingtalk also gets DingTalk's own 加签 query parameters, and generic
// also gets the items as data.
type WebhookKind string

// The webhook kinds.
const (
	WebhookGeneric  WebhookKind = "generic"
	WebhookDingTalk WebhookKind = "dingtalk"
	WebhookWeCom    WebhookKind = "wecom"
)

// The subject kinds of the audit events of this file.
const (
	SubjectWebhook SubjectKind = "webhook"
	SubjectUser    SubjectKind = "user"
)

// Webhook is a receiver of notifications: those of one department, or of
// every department when Department is empty (district-wide).
type Webhook struct {
	ID         int64       `json:"id"`
	Department string      `json:"department,omitempty"`
	URL        string      `json:"url"`
	Kind       WebhookKind `json:"kind"`
	Active     bool        `json:"active"`
	CreatedAt  time.Time   `json:"created_at"`
	// Secret keys the HMAC-SHA256 signature. It is shown once, in the
	// answer to its creation, and never listed.
	Secret string `json:"secret,omitempty"`
}

// WebhookCreate is the input of CreateWebhook.
type WebhookCreate struct {
	// Department is a department code, or empty for district-wide.
	Department string      `json:"department"`
	URL        string      `json:"url"`
	Kind       WebhookKind `json:"kind"`
	// Secret is the signing key. Defaults to 32 random bytes, hex: the
	// answer shows it once. A DingTalk robot with 加签 needs its own SEC…
	// secret here.
	Secret string `json:"secret"`
}

// Normalize trims the input and fills in the default kind.
func (c *WebhookCreate) Normalize() {
	c.Department = strings.ToUpper(strings.TrimSpace(c.Department))
	c.URL = strings.TrimSpace(c.URL)
	c.Secret = strings.TrimSpace(c.Secret)
	if c.Kind == "" {
		c.Kind = WebhookGeneric
	}
}

// Validate returns EINVALID for a URL that is not absolute http(s) or an
// unknown kind, or a URL or secret longer than MaxURLRunes or
// MaxWebhookSecretRunes.
func (c *WebhookCreate) Validate() error {
	if err := validateTexts(textLimit{"url", c.URL, MaxURLRunes}, textLimit{"secret", c.Secret, MaxWebhookSecretRunes}); err != nil {
		return err
	}
	u, err := url.Parse(c.URL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return FieldError("url", "%q is not an http or https URL.", c.URL).ZH("“%s”不是 http 或 https 网址。", c.URL)
	}
	switch c.Kind {
	case WebhookGeneric, WebhookDingTalk, WebhookWeCom:
	default:
		return FieldError("kind", "%q is not one of generic, dingtalk, wecom.", c.Kind).
			ZH("“%s”不是 generic、dingtalk、wecom 之一。", c.Kind)
	}
	return nil
}

// Delivery is one message to send: an e-mail digest to UserID, or a post
// to WebhookID, listing NotificationIDs.
type Delivery struct {
	ID              int64           `json:"id"`
	Channel         DeliveryChannel `json:"channel"`
	UserID          *int64          `json:"user_id,omitempty"`
	WebhookID       *int64          `json:"webhook_id,omitempty"`
	NotificationIDs []int64         `json:"notification_ids"`
	// IdempotencyKey is deterministic: "email:<user id>:<min>-<max
	// notification id>" or "webhook:<webhook id>:<min>-<max>". It travels
	// with the message (Message-ID, X-Jointops-Delivery) so a receiver can
	// drop a duplicate.
	IdempotencyKey string         `json:"idempotency_key"`
	Status         DeliveryStatus `json:"status"`
	// Attempts counts the sends tried so far.
	Attempts  int        `json:"attempts"`
	LastError string     `json:"last_error,omitempty"`
	SentAt    *time.Time `json:"sent_at,omitempty"`
	CreatedAt time.Time  `json:"created_at"`
}

// DeliveryFilter selects deliveries for admins.
type DeliveryFilter struct {
	Status *DeliveryStatus
	// BeforeID pages back: only deliveries with a smaller id. Zero starts
	// at the newest.
	BeforeID int64
	Limit    int
}

// DeliveryMessage is what a delivery sends: the delivery, its recipient
// (a user for e-mail, a webhook with its secret otherwise) and the first
// of its notifications, oldest first.
type DeliveryMessage struct {
	Delivery Delivery
	// Recipient is the user of an e-mail delivery; nil for a webhook.
	Recipient *DeliveryRecipient
	// Webhook is the webhook of a webhook delivery, with its secret; nil
	// for e-mail.
	Webhook *Webhook
	// Notifications are the first items of the delivery, at most the limit
	// asked for; Total counts them all.
	Notifications []*Notification
	Total         int
}

// DeliveryRecipient is the person an e-mail digest goes to.
type DeliveryRecipient struct {
	UserID       int64
	Name         string
	Email        string
	Language     string
	EmailEnabled bool
}

// DispatchOptions are the inputs of one dispatch.
type DispatchOptions struct {
	// Now stamps dispatched_at and created_at.
	Now time.Time
	// Email, when false, creates no e-mail deliveries (no SMTP server is
	// configured); the notifications are still marked dispatched.
	Email bool
	// MaxAttempts of each deliver job. Defaults to River's (25).
	MaxAttempts int
}

// DispatchResult counts what a dispatch did.
type DispatchResult struct {
	Notifications int `json:"notifications"`
	Deliveries    int `json:"deliveries"`
}

// DeliveryService is the admins' view of deliveries and webhooks.
type DeliveryService interface {
	// FindDeliveries lists deliveries, newest first. Admins only
	// (EFORBIDDEN).
	FindDeliveries(ctx context.Context, f DeliveryFilter) ([]*Delivery, error)
	// CreateWebhook registers a webhook; admins only (EFORBIDDEN). EINVALID
	// for a bad URL, kind or unknown department. The answer carries the
	// secret, the only time it is shown.
	CreateWebhook(ctx context.Context, c *WebhookCreate) (*Webhook, error)
	// FindWebhooks lists every webhook without its secret; admins only.
	FindWebhooks(ctx context.Context) ([]*Webhook, error)
	// SetWebhookActive turns a webhook on or off; admins only. ENOTFOUND
	// for an unknown id.
	SetWebhookActive(ctx context.Context, id int64, active bool) (*Webhook, error)
}

// DispatchService turns notifications into deliveries and records how
// each went. River workers call it with no actor in ctx.
type DispatchService interface {
	// DispatchNotifications takes every notification not yet dispatched
	// (FOR UPDATE SKIP LOCKED, so concurrent dispatches split them): one
	// e-mail delivery per user with an e-mail address who has e-mail on
	// (when o.Email), one delivery per active webhook of the
	// notifications' departments and per district-wide webhook. In the
	// same transaction it marks the notifications dispatched and inserts a
	// DeliverJob per delivery, so nothing is lost if the process dies.
	DispatchNotifications(ctx context.Context, o DispatchOptions) (*DispatchResult, error)
	// FindDeliveryMessage returns delivery id with its recipient and its
	// first limit notifications. ENOTFOUND for an unknown id.
	FindDeliveryMessage(ctx context.Context, id int64, limit int) (*DeliveryMessage, error)
	// MarkDeliverySent records the successful attempt. A delivery already
	// sent stays as it was.
	MarkDeliverySent(ctx context.Context, id int64, attempt int, at time.Time) error
	// MarkDeliveryAttemptFailed records a failed attempt and its error;
	// final marks the delivery failed for good.
	MarkDeliveryAttemptFailed(ctx context.Context, id int64, attempt int, message string, final bool) error
}

// DispatchNotificationsJob groups the notifications not yet dispatched
// into deliveries; see DispatchService. River runs it periodically (the
// digest window).
type DispatchNotificationsJob struct{}

// Kind implements river.JobArgs.
func (DispatchNotificationsJob) Kind() string { return "dispatch_notifications" }

// DeliverJob sends one delivery.
type DeliverJob struct {
	DeliveryID int64 `json:"delivery_id"`
}

// Kind implements river.JobArgs.
func (DeliverJob) Kind() string { return "deliver" }

// ValidLanguage reports whether lang is a language jointops writes: "zh"
// or "en".
func ValidLanguage(lang string) bool { return lang == "zh" || lang == "en" }

// NotificationPreferences say how notifications reach a person. A nil
// field is left as it is.
type NotificationPreferences struct {
	// Language is "zh" (the default) or "en": the language of e-mail.
	Language *string `json:"language,omitempty"`
	// EmailEnabled turns e-mail digests on or off; the inbox keeps every
	// item regardless.
	EmailEnabled *bool `json:"email_enabled,omitempty"`
}
