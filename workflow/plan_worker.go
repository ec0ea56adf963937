package workflow

import (
	"context"
	"time"

	"github.com/riverqueue/river"

	"github.com/jointops/jointops/enforcement"
)

// PlanWorker works PlanOperationJob: it plans one operation. Planning is
// idempotent, so a retry after a crash does no harm.
type PlanWorker struct {
	river.WorkerDefaults[enforcement.PlanOperationJob]
	Plan enforcement.PlanService
}

// Work plans the operation.
func (w *PlanWorker) Work(ctx context.Context, job *river.Job[enforcement.PlanOperationJob]) error {
	return w.Plan.PlanOperation(ctx, job.Args.OperationID)
}

// Timeout bounds one plan job. A plan commits in one transaction, so a job
// cut short (or lost with a crashed instance) leaves nothing behind and is
// retried.
func (w *PlanWorker) Timeout(*river.Job[enforcement.PlanOperationJob]) time.Duration {
	return 3 * time.Minute
}
