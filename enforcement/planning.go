package enforcement

import "context"

// PlanningService previews, re-plans and verifies the draws of operations
// (DESIGN.md §4). Coordinators only, except VerifyDraw, which anyone signed
// in may run: the draw is public (一公开).
type PlanningService interface {
	// PreviewOperation runs the draw of c on the current register with a
	// fresh seed and returns its summary, saving nothing. EINVALID as
	// CreateOperation, or when the plan cannot be scheduled (the message
	// says what is missing).
	PreviewOperation(ctx context.Context, c *OperationCreate) (*PlanSummary, error)
	// ReplanOperation withdraws the tasks of a planned operation and plans
	// it again with a new seed, notifying the departments. ECONFLICT when
	// the operation is not planned or a department has accepted a task.
	ReplanOperation(ctx context.Context, id int64) (*Operation, error)
	// VerifyDraw re-runs an operation's draw from its stored seed, algorithm
	// version and candidate snapshot and compares it with the visits and
	// tasks that were built. ECONFLICT before planning.
	VerifyDraw(ctx context.Context, id int64) (*DrawVerification, error)
}

// DrawVerification is the result of re-running a draw.
type DrawVerification struct {
	OperationID      int64  `json:"operation_id"`
	Seed             string `json:"seed"`
	AlgorithmVersion string `json:"algorithm_version"`
	// StoredDigest is the digest recorded at planning; SnapshotDigest the
	// digest of the stored snapshot now. They differ only if the snapshot
	// was altered.
	StoredDigest   string `json:"stored_digest"`
	SnapshotDigest string `json:"snapshot_digest"`
	// Match is true when the digests agree and the re-run draw gives the
	// same visits, days, departments and drawn inspectors.
	Match      bool     `json:"match"`
	Mismatches []string `json:"mismatches,omitempty"`
}
