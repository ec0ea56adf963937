package enforcement

import (
	"context"
	"time"
)

// Every service method reads the actor from ctx (see ActorFromContext) and
// returns EUNAUTHORIZED when there is none. A dept_lead or inspector only
// sees their own department's records, plus the joint visits their
// department is part of: any other id returns ENOTFOUND, never EFORBIDDEN
// (DESIGN.md §5). Every state change writes an AuditEvent in the same
// transaction.

// OperationService plans joint operations.
type OperationService interface {
	// CreateOperation stores a draft. Coordinators only (EFORBIDDEN);
	// EINVALID for bad input or unknown department, industry or
	// subdistrict codes.
	CreateOperation(ctx context.Context, c *OperationCreate) (*Operation, error)
	// FindOperationByID returns ENOTFOUND when there is no such operation.
	FindOperationByID(ctx context.Context, id int64) (*Operation, error)
	// FindOperations lists operations, newest first.
	FindOperations(ctx context.Context, f OperationFilter) ([]*Operation, error)
	// SubmitOperation moves a draft to planning and enqueues the plan job in
	// the same transaction. ECONFLICT unless the operation is a draft.
	SubmitOperation(ctx context.Context, id int64) (*Operation, error)
	// CancelOperation cancels an operation that is not completed, and its
	// open tasks. The reason is required, at most
	// MaxOperationCancelReasonRunes (EINVALID, field "reason"); who
	// cancelled, when and why are then on Operation (CancelReason,
	// CancelledAt, CancelledBy). ECONFLICT when it is completed or already
	// cancelled.
	CancelOperation(ctx context.Context, id int64, reason string) (*Operation, error)
}

// PlanService runs the plan job of an operation. It is called by a River
// worker with no actor in ctx.
type PlanService interface {
	// PlanOperation draws the targets, builds visits and tasks and moves the
	// operation from planning to planned, all in one transaction. It is
	// idempotent: an operation no longer in planning is left alone. A draw
	// that cannot be scheduled marks the plan error and moves the operation
	// back to draft, leaving no visit behind.
	PlanOperation(ctx context.Context, id int64) error
}

// TaskService hands out tasks to departments.
type TaskService interface {
	// FindTasks lists tasks visible to the actor, soonest visit first.
	FindTasks(ctx context.Context, f TaskFilter) ([]*Task, error)
	// FindTaskByID returns ENOTFOUND for another department's task.
	FindTaskByID(ctx context.Context, id int64) (*Task, error)
	// AcceptTask accepts a pending task of the lead's department and assigns
	// inspectorIDs, roster ids (Inspector.ID): at least MinInspectorsPerTask
	// (行政处罚法 art. 42), all active entries of the department's roster
	// with no recusal for the enterprise (EINVALID otherwise). With no ids
	// at all it assigns the inspectors the plan drew for the task (those
	// still active), and answers EINVALID, asking the lead to pick
	// inspectors, when fewer than two are left. ECONFLICT unless pending;
	// EFORBIDDEN for a non-lead of that department.
	AcceptTask(ctx context.Context, id int64, inspectorIDs []int64) (*Task, error)
	// DeclineTask declines a pending task; the reason is required, at
	// most MaxDeclineReasonRunes (EINVALID, field "reason").
	DeclineTask(ctx context.Context, id int64, reason string) (*Task, error)
	// ReassignTask hands a declined task to department dept (coordinators
	// only) as a new pending task with a new acceptance due date, and marks
	// the declined one reassigned. It returns the new task. The rules:
	//   - only a declined task is reassigned (ECONFLICT);
	//   - the visit must be after today in the district's time zone;
	//     a visit today or before is ECONFLICT ("the visit date has
	//     passed");
	//   - dept must exist, must not be a department that declined the
	//     task (this one, or an earlier task it was reassigned from), and
	//     must have no open task on the visit already (EINVALID, field
	//     "department");
	//   - the new task is due per ReassignedAcceptanceDue: the usual
	//     working days after today, but no later than the working day
	//     before the visit, and never before today.
	ReassignTask(ctx context.Context, id int64, dept string) (*Task, error)
	// FindInspectors lists the active roster of the actor's department
	// (any department for coordinators and admins when dept is given), as
	// UserRef{ID: roster id, Name}: the ids AcceptTask takes.
	FindInspectors(ctx context.Context, dept string) ([]UserRef, error)
}

// VisitService records what inspectors find on a visit.
type VisitService interface {
	// FindVisitByID returns the visit with its tasks and hazards; ENOTFOUND
	// when the actor's department has no task on it.
	FindVisitByID(ctx context.Context, id int64) (*Visit, error)
	// RecordHazard records a hazard on a visit on which the inspector's
	// department has an accepted (or in-progress) task; ECONFLICT otherwise.
	// Its photo, if c has one, is stored with it in one transaction:
	// EINVALID per HazardCreate.Validate (field "photo") records nothing.
	RecordHazard(ctx context.Context, c *HazardCreate) (*Hazard, error)
}

// RectificationService runs rectification orders and their clocks.
type RectificationService interface {
	// IssueOrder issues a rectification order for hazards of one visit
	// recorded by the actor's department, due per c.DueRule in the
	// enterprise's time zone (a date at most MaxDueCalendarDays after
	// the day of issue, on a working day), and writes its escalation
	// ladder. EINVALID on "hazard_ids" naming only the hazards that are
	// not the department's; ECONFLICT naming only those already ordered.
	IssueOrder(ctx context.Context, c *OrderCreate) (*RectificationOrder, error)
	// FindOrderByID returns the order with its escalations; ENOTFOUND for
	// another department's order.
	FindOrderByID(ctx context.Context, id int64) (*RectificationOrder, error)
	// FindOrders lists orders visible to the actor (the 整改台账).
	FindOrders(ctx context.Context, f OrderFilter) ([]*RectificationOrder, error)
	// SubmitEvidence records the enterprise's evidence: open or overdue →
	// submitted, and the verification falls due VerificationDueDays
	// calendar days later. ECONFLICT in any other status; EINVALID per
	// EvidenceCreate.Validate. Each submission, with its text, stays in the
	// order's history (SupervisionService.FindOrderHistory) after a failed
	// verification clears it from the order.
	SubmitEvidence(ctx context.Context, id int64, c *EvidenceCreate) (*RectificationOrder, error)
	// VerifyOrder records a verification of a submitted order. Passed closes
	// it (verified) and cancels the escalations not yet fired; failed
	// reopens it with the new due date and a new ladder. EINVALID per
	// VerificationCreate.Validate, and per DueRule.Resolve from the day of
	// the verification on the fields "new_due.…".
	VerifyOrder(ctx context.Context, id int64, c *VerificationCreate) (*RectificationOrder, error)
	// CancelOrder cancels an order not yet closed and its pending
	// escalations. Department leads only. The reason is required, at most
	// MaxOrderCancelReasonRunes (EINVALID, field "reason").
	CancelOrder(ctx context.Context, id int64, reason string) (*RectificationOrder, error)
}

// EscalationService fires the escalations whose time has come.
type EscalationService interface {
	// SweepEscalations fires every pending escalation with fire_at ≤ now,
	// set-based, each exactly once even when several sweeps run at once,
	// and writes the inbox notifications of its recipients. Level 1 of an
	// order marks it overdue; level 3 lists it (挂牌督办).
	SweepEscalations(ctx context.Context, now time.Time) (*SweepResult, error)
}

// InboxService is the actor's in-app inbox.
type InboxService interface {
	FindNotifications(ctx context.Context, f NotificationFilter) ([]*Notification, error)
	// MarkNotificationRead returns ENOTFOUND for another person's item.
	MarkNotificationRead(ctx context.Context, id int64) error
	// MarkAllNotificationsRead marks every unread item of the actor read
	// and returns how many it marked.
	MarkAllNotificationsRead(ctx context.Context) (int, error)
	// CountUnreadNotifications counts the actor's unread items.
	CountUnreadNotifications(ctx context.Context) (int, error)
	// SetNotificationPreferences sets how notifications reach the actor
	// (see delivery.go). EINVALID for a language other than zh or en.
	SetNotificationPreferences(ctx context.Context, p NotificationPreferences) error
}

// AuditService reads the audit trail: auditors, coordinators and admins.
type AuditService interface {
	FindAuditEvents(ctx context.Context, f AuditFilter) ([]*AuditEvent, error)
}

// UserService keeps the users table in step with sign-ins.
type UserService interface {
	// UpsertUser records a signed-in actor (by issuer and subject) and sets
	// a.UserID. It links the roster entries that name the actor's subject,
	// or, for an unlinked entry that names no subject, their e-mail.
	UpsertUser(ctx context.Context, a *Actor) error
}
