package workflow

import (
	"context"

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
