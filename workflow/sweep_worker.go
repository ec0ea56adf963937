package workflow

import (
	"context"
	"time"

	"github.com/riverqueue/river"

	"github.com/jointops/jointops/enforcement"
)

// SweepWorker works SweepEscalationsJob: it fires every escalation due at
// the clock's now. Sweeps may overlap (several instances, a dev clock
// move); the store fires each escalation once regardless.
type SweepWorker struct {
	river.WorkerDefaults[enforcement.SweepEscalationsJob]
	Escalations enforcement.EscalationService
	Clock       enforcement.Clock
}

// Work runs one sweep.
func (w *SweepWorker) Work(ctx context.Context, job *river.Job[enforcement.SweepEscalationsJob]) error {
	_, err := w.Escalations.SweepEscalations(ctx, w.Clock.Now())
	return err
}

// Timeout bounds a sweep: a burst of 100,000 due orders takes seconds. A
// sweep cut short loses nothing: each batch commits on its own.
func (w *SweepWorker) Timeout(*river.Job[enforcement.SweepEscalationsJob]) time.Duration {
	return 3 * time.Minute
}
