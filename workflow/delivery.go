package workflow

import (
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/riverqueue/river"

	"github.com/jointops/jointops/enforcement"
)

// DeliveryConfig turns on the delivery of notifications beyond the inbox
// (DESIGN.md §3): the periodic dispatch that groups them into digests, and
// the deliver jobs that send each e-mail or webhook post with retries.
type DeliveryConfig struct {
	// Dispatch groups notifications into deliveries and records how each
	// went. Required.
	Dispatch enforcement.DispatchService
	// DigestWindow is how often the dispatch runs: the notifications a
	// person receives within one window go out as one e-mail. Defaults to
	// 30 s.
	DigestWindow time.Duration
	// Mailer sends e-mail. Defaults to nil: e-mail is off, and the
	// dispatch creates no e-mail deliveries (webhooks still go out).
	Mailer Mailer
	// HTTPClient posts to webhooks. Defaults to a client with a 15 s
	// timeout.
	HTTPClient *http.Client
	// PublicURL starts the links in messages (PUBLIC_URL). Defaults to
	// http://localhost:8080.
	PublicURL string
	// MaxAttempts is how often a delivery is tried before it fails for
	// good. With River's backoff (attempt⁴ seconds) 8 attempts span about
	// 80 minutes. Defaults to 8.
	MaxAttempts int
}

// withDefaults returns a copy of c with the defaults filled in.
func (c DeliveryConfig) withDefaults() DeliveryConfig {
	if c.DigestWindow <= 0 {
		c.DigestWindow = 30 * time.Second
	}
	if c.HTTPClient == nil {
		c.HTTPClient = &http.Client{Timeout: 15 * time.Second}
	}
	if c.PublicURL == "" {
		c.PublicURL = "http://localhost:8080"
	}
	c.PublicURL = strings.TrimRight(c.PublicURL, "/")
	if c.MaxAttempts <= 0 {
		c.MaxAttempts = 8
	}
	return c
}

func (c DeliveryConfig) validate() error {
	if c.Dispatch == nil {
		return errors.New("workflow: DeliveryConfig needs Dispatch")
	}
	return nil
}

// register adds the dispatch and deliver workers to workers and returns
// the periodic dispatch job.
func (c DeliveryConfig) register(workers *river.Workers, clock enforcement.Clock, logger *slog.Logger) *river.PeriodicJob {
	river.AddWorker(workers, &DispatchWorker{Dispatch: c.Dispatch, Clock: clock, Email: c.Mailer != nil, MaxAttempts: c.MaxAttempts})
	river.AddWorker(workers, &DeliverWorker{
		Dispatch: c.Dispatch, Mailer: c.Mailer, HTTPClient: c.HTTPClient, PublicURL: c.PublicURL, Clock: clock, Logger: logger,
	})
	return river.NewPeriodicJob(river.PeriodicInterval(c.DigestWindow),
		func() (river.JobArgs, *river.InsertOpts) { return enforcement.DispatchNotificationsJob{}, nil },
		&river.PeriodicJobOpts{RunOnStart: true})
}
