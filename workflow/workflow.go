// Package workflow runs jointops' background work on River: the plan job of
// an operation, the periodic escalation sweep, and the delivery of
// notifications by e-mail and webhook (delivery.go). The jobs call the
// domain services (implemented by enforcement/postgres) and are wired in
// cmd.
package workflow

import (
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"

	"github.com/jointops/jointops/enforcement"
)

// Config wires the workers to the services they drive.
type Config struct {
	// Plan runs plan jobs. Required.
	Plan enforcement.PlanService
	// Escalations fires due escalations. Required.
	Escalations enforcement.EscalationService
	// Clock is the time the sweep fires escalations at. Defaults to the
	// system clock.
	Clock enforcement.Clock
	// SweepInterval is how often the escalation sweep runs. River's
	// scheduler promotes jobs every 5 s, so a shorter interval gains
	// nothing. Defaults to 5 s.
	SweepInterval time.Duration
	// Logger defaults to slog.Default().
	Logger *slog.Logger
	// MaxWorkers is the number of jobs worked at once. Defaults to 10.
	MaxWorkers int
	// TestOnly skips River's maintenance services' delays, for tests.
	TestOnly bool
	// Delivery sends notifications by e-mail and webhook (delivery.go).
	// Defaults to nil: notifications stay in the in-app inbox.
	Delivery *DeliveryConfig
	// RetryPolicy decides when a failed job runs again. Defaults to
	// River's: attempt⁴ seconds, with jitter.
	RetryPolicy river.ClientRetryPolicy
}

// WithDefaults returns a copy of c with the defaults filled in.
func (c Config) WithDefaults() Config {
	if c.Clock == nil {
		c.Clock = enforcement.SystemClock{}
	}
	if c.SweepInterval <= 0 {
		c.SweepInterval = 5 * time.Second
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	if c.MaxWorkers <= 0 {
		c.MaxWorkers = 10
	}
	return c
}

func (c Config) validate() error {
	if c.Plan == nil || c.Escalations == nil {
		return errors.New("workflow: Config needs Plan and Escalations")
	}
	if c.Delivery != nil {
		return c.Delivery.validate()
	}
	return nil
}

// rescueStuckJobsAfter is how long a running job may go unfinished before
// River retries it; workers with a longer Timeout get that instead.
const rescueStuckJobsAfter = 2 * time.Minute

// NewClient returns a River client on pool with jointops' workers and the
// periodic escalation sweep registered. Start it with Start; several
// clients (one per instance) may run against one database: River elects
// one leader for the periodic job and spreads the other jobs.
func NewClient(pool *pgxpool.Pool, cfg Config) (*river.Client[pgx.Tx], error) {
	cfg = cfg.WithDefaults()
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	workers := river.NewWorkers()
	river.AddWorker(workers, &PlanWorker{Plan: cfg.Plan})
	river.AddWorker(workers, &SweepWorker{Escalations: cfg.Escalations, Clock: cfg.Clock})
	periodic := []*river.PeriodicJob{
		river.NewPeriodicJob(river.PeriodicInterval(cfg.SweepInterval),
			func() (river.JobArgs, *river.InsertOpts) { return enforcement.SweepEscalationsJob{}, nil },
			&river.PeriodicJobOpts{RunOnStart: true}),
	}
	if cfg.Delivery != nil {
		periodic = append(periodic, cfg.Delivery.withDefaults().register(workers, cfg.Clock, cfg.Logger))
	}
	client, err := river.NewClient(riverpgxv5.New(pool), &river.Config{
		Queues: map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: cfg.MaxWorkers}},
		// A job left running by a crashed instance is retried after this
		// (or after its worker's longer timeout), not after River's default
		// hour: an operation must not sit in planning for an hour.
		RescueStuckJobsAfter: rescueStuckJobsAfter,
		Workers:              workers,
		Logger:               cfg.Logger,
		TestOnly:             cfg.TestOnly,
		RetryPolicy:          cfg.RetryPolicy,
		PeriodicJobs:         periodic,
	})
	if err != nil {
		return nil, fmt.Errorf("river client: %w", err)
	}
	return client, nil
}
