package workflow

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/mail"
	"time"

	"github.com/riverqueue/river"

	"github.com/jointops/jointops/enforcement"
)

// DeliverWorker works DeliverJob: it sends one delivery, an e-mail digest
// or a webhook post, and records the outcome on the delivery's row.
//
// A delivery already sent is not sent again, so a retry after a success
// sends nothing twice. The one gap left is a crash between the server
// taking the message and the row being marked sent: the retry then sends
// again, with the same Message-ID or X-Jointops-Delivery, so that the
// receiver can drop it. A failed attempt returns its error, and River
// retries with its backoff; the last attempt marks the delivery failed,
// where admins see it.
type DeliverWorker struct {
	river.WorkerDefaults[enforcement.DeliverJob]
	Dispatch enforcement.DispatchService
	// Mailer sends e-mail; nil when e-mail is off.
	Mailer     Mailer
	HTTPClient *http.Client
	// PublicURL starts every link.
	PublicURL string
	Clock     enforcement.Clock
	// Logger, when set, logs each delivery that fails for good.
	Logger *slog.Logger
}

// permanentError is a failure that no retry can mend: the delivery fails
// at once.
type permanentError struct{ msg string }

func (e *permanentError) Error() string { return e.msg }

// Work sends the delivery once.
func (w *DeliverWorker) Work(ctx context.Context, job *river.Job[enforcement.DeliverJob]) error {
	id := job.Args.DeliveryID
	m, err := w.Dispatch.FindDeliveryMessage(ctx, id, emailListLimit)
	if enforcement.ErrorCode(err) == enforcement.ENOTFOUND {
		return river.JobCancel(err)
	} else if err != nil {
		return err
	}
	if m.Delivery.Status != enforcement.DeliveryPending {
		return nil // sent already (or failed for good): nothing to do twice
	}
	sendErr := w.send(ctx, m)
	// The row is marked even when the job's context has ended (a timeout):
	// the outcome must not be lost with it.
	mctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if sendErr == nil {
		return w.Dispatch.MarkDeliverySent(mctx, id, job.Attempt, w.Clock.Now())
	}
	var perm *permanentError
	permanent := errors.As(sendErr, &perm)
	final := permanent || job.Attempt >= job.MaxAttempts
	if err := w.Dispatch.MarkDeliveryAttemptFailed(mctx, id, job.Attempt, sendErr.Error(), final); err != nil {
		return errors.Join(sendErr, err)
	}
	if final && w.Logger != nil {
		w.Logger.Warn("delivery failed for good", "delivery_id", id, "channel", m.Delivery.Channel, "attempts", job.Attempt, "err", sendErr)
	}
	if permanent {
		return river.JobCancel(sendErr)
	}
	return sendErr
}

// send sends the message of m on its channel.
func (w *DeliverWorker) send(ctx context.Context, m *enforcement.DeliveryMessage) error {
	switch {
	case m.Recipient != nil:
		r := m.Recipient
		switch {
		case w.Mailer == nil:
			return &permanentError{"e-mail is off: SMTP_URL is not set"}
		case r.Email == "":
			return &permanentError{fmt.Sprintf("user %d has no e-mail address", r.UserID)}
		case !r.EmailEnabled:
			return &permanentError{fmt.Sprintf("user %d turned e-mail off", r.UserID)}
		}
		subject, body := renderEmail(m, w.PublicURL)
		return w.Mailer.Send(ctx, &Mail{
			To:      mail.Address{Name: r.Name, Address: r.Email},
			Subject: subject,
			Body:    body,
			Date:    time.Now(), // wire times are real: see below
			ID:      fmt.Sprintf("jointops.delivery.%d", m.Delivery.ID),
			Headers: map[string]string{HeaderDelivery: m.Delivery.IdempotencyKey},
		})
	case m.Webhook != nil:
		if !m.Webhook.Active {
			return &permanentError{fmt.Sprintf("webhook %d is deactivated", m.Webhook.ID)}
		}
		// The signature's timestamp is the real time, not Clock's (which
		// `jointops dev` moves): the receiver checks it against its own.
		return postWebhook(ctx, w.HTTPClient, m, w.PublicURL, time.Now())
	}
	return &permanentError{fmt.Sprintf("delivery %d has neither a user nor a webhook", m.Delivery.ID)}
}

// Timeout bounds one attempt: the SMTP session and the HTTP post have
// their own shorter timeouts.
func (w *DeliverWorker) Timeout(*river.Job[enforcement.DeliverJob]) time.Duration {
	return time.Minute
}

// DispatchWorker works DispatchNotificationsJob: it groups the
// notifications not yet dispatched into deliveries (the digest) and
// inserts their deliver jobs, in one transaction per batch.
type DispatchWorker struct {
	river.WorkerDefaults[enforcement.DispatchNotificationsJob]
	Dispatch enforcement.DispatchService
	Clock    enforcement.Clock
	// Email creates e-mail deliveries; false when no SMTP server is set.
	Email bool
	// MaxAttempts of each deliver job.
	MaxAttempts int
}

// Work runs one dispatch.
func (w *DispatchWorker) Work(ctx context.Context, job *river.Job[enforcement.DispatchNotificationsJob]) error {
	_, err := w.Dispatch.DispatchNotifications(ctx, enforcement.DispatchOptions{
		Now: w.Clock.Now(), Email: w.Email, MaxAttempts: w.MaxAttempts,
	})
	return err
}

// Timeout bounds a dispatch: a batch of 20,000 notifications takes about
// a second and a half, and each batch commits on its own.
func (w *DispatchWorker) Timeout(*river.Job[enforcement.DispatchNotificationsJob]) time.Duration {
	return 3 * time.Minute
}
