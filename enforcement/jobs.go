package enforcement

// River job arguments. River needs only a Kind method of its job args, so
// they live here, where both the store (which inserts them in the
// transaction of the state change that triggers them) and workflow (which
// works them) can see them without importing each other.

// PlanOperationJob plans one operation; see PlanService.
type PlanOperationJob struct {
	OperationID int64 `json:"operation_id"`
}

// Kind implements river.JobArgs.
func (PlanOperationJob) Kind() string { return "plan_operation" }

// SweepEscalationsJob fires every escalation that has fallen due; see
// EscalationService. River runs it periodically; the dev clock also
// enqueues it after moving time.
type SweepEscalationsJob struct{}

// Kind implements river.JobArgs.
func (SweepEscalationsJob) Kind() string { return "sweep_escalations" }
