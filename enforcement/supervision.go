package enforcement

import (
	"context"
	"time"
)

// ListedOrder is an entry of the listed-supervision register (挂牌督办): an
// open order whose level 3 fired. It leaves the register when the order is
// closed, and the order records who signed it off
// (RectificationOrder.ListedSignedOffBy).
type ListedOrder struct {
	RectificationOrderID int64       `json:"rectification_order_id"`
	EnterpriseID         int64       `json:"enterprise_id"`
	Enterprise           string      `json:"enterprise_name"`
	Department           string      `json:"department,omitempty"`
	Severity             Severity    `json:"severity"`
	Status               OrderStatus `json:"status"`
	DueOn                Date        `json:"due_on"`
	// DaysOverdue counts calendar days from the due date to today in the
	// order's time zone; 0 while a reopened order's new due date is ahead.
	DaysOverdue int `json:"days_overdue"`
	// ListedSince is when level 3 fired.
	ListedSince *time.Time `json:"listed_since,omitempty"`
}

// Verification is one verification (复查) of an order: passed closed it,
// failed reopened it with NewDueOn.
type Verification struct {
	ID         int64     `json:"id"`
	Passed     bool      `json:"passed"`
	Note       string    `json:"note,omitempty"`
	VerifiedBy int64     `json:"verified_by"`
	VerifiedAt time.Time `json:"verified_at"`
	NewDueOn   *Date     `json:"new_due_on,omitempty"`
}

// The kinds of an OrderHistoryEntry.
const (
	HistoryVerification        = "verification"
	HistoryExtensionRequested  = "extension_requested"
	HistoryExtensionDecided    = "extension_decided"
	HistoryEscalationFired     = "escalation_fired"
	HistoryEscalationCancelled = "escalation_cancelled"
	HistoryEscalationPending   = "escalation_pending"
)

// OrderHistoryEntry is one event in the life of an order. Exactly one of
// Verification, Extension and Escalation is set, per Kind. At is when it
// happened: a verification's time, a request's or a decision's, an
// escalation's firing or cancellation, or, for a pending level, when it
// will fire.
type OrderHistoryEntry struct {
	At           time.Time     `json:"at"`
	Kind         string        `json:"kind"`
	Verification *Verification `json:"verification,omitempty"`
	Extension    *Extension    `json:"extension,omitempty"`
	Escalation   *Escalation   `json:"escalation,omitempty"`
}

// SupervisionService is what supervisors read about rectification orders.
type SupervisionService interface {
	// FindListedOrders returns the listed-supervision register, longest
	// listed first: every department's for coordinators, auditors,
	// leadership and admins; their own department's for a dept_lead;
	// EFORBIDDEN for anyone else.
	FindListedOrders(ctx context.Context) ([]*ListedOrder, error)
	// FindOrderHistory returns the verifications, extension requests and
	// decisions, and escalations of an order in time order (ENOTFOUND for
	// an order the actor does not see).
	FindOrderHistory(ctx context.Context, orderID int64) ([]OrderHistoryEntry, error)
}
