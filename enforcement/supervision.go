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
	HistoryIssued              = "issued"
	HistoryEvidenceSubmitted   = "evidence_submitted"
	HistoryVerification        = "verification"
	HistoryExtensionRequested  = "extension_requested"
	HistoryExtensionDecided    = "extension_decided"
	HistoryEscalationFired     = "escalation_fired"
	HistoryEscalationCancelled = "escalation_cancelled"
	HistoryEscalationPending   = "escalation_pending"
)

// OrderIssue is the issue of an order as it was recorded then. The order
// itself holds its current due date, which an approved extension or a
// failed verification may have moved since.
type OrderIssue struct {
	// IssuedBy is the user id of the inspector who issued the order; 0
	// when no user did (an order of an outside registry).
	IssuedBy int64 `json:"issued_by,omitempty"`
	// IssuedByName is the issuer's name as the audit trail recorded it
	// ("system" for an outside registry's order); "" when the order is
	// older than its audit trail.
	IssuedByName string `json:"issued_by_name,omitempty"`
	// DueOn is the due date set at issue; zero when it is not known (an
	// order older than its audit trail whose due date has moved since).
	DueOn Date `json:"due_on,omitzero"`
	// DueRule is the rule DueOn was set by, as RectificationOrder.DueRule;
	// "" when it is not known.
	DueRule string `json:"due_rule,omitempty"`
}

// EvidenceSubmission is one submission of the enterprise's evidence of
// rectification. The order holds only the latest one, and a failed
// verification clears it; each submission stays here.
type EvidenceSubmission struct {
	// SubmittedBy is the user id of the inspector or lead who recorded
	// it; 0 when it is not known.
	SubmittedBy int64 `json:"submitted_by,omitempty"`
	// SubmittedByName is their name as the audit trail recorded it; ""
	// when it is not known.
	SubmittedByName string `json:"submitted_by_name,omitempty"`
	// Text is the evidence as submitted; "" when it is not known (a
	// submission recorded before the audit trail kept the text, and since
	// cleared from the order by a failed verification).
	Text string `json:"text"`
}

// OrderHistoryEntry is one event in the life of an order. Exactly one of
// Issue, Evidence, Verification, Extension and Escalation is set, per
// Kind. At is when it happened: the issue, a submission of evidence, a
// verification's time, a request's or a decision's, an escalation's
// firing or cancellation, or, for a pending level, when it will fire.
type OrderHistoryEntry struct {
	At   time.Time `json:"at"`
	Kind string    `json:"kind"`
	// Issue is set for HistoryIssued: the due date the order was issued
	// with.
	Issue *OrderIssue `json:"issue,omitempty"`
	// Evidence is set for HistoryEvidenceSubmitted: one submission of
	// evidence, with its text.
	Evidence     *EvidenceSubmission `json:"evidence,omitempty"`
	Verification *Verification       `json:"verification,omitempty"`
	Extension    *Extension          `json:"extension,omitempty"`
	Escalation   *Escalation         `json:"escalation,omitempty"`
}

// SupervisionService is what supervisors read about rectification orders.
type SupervisionService interface {
	// FindListedOrders returns the listed-supervision register, longest
	// listed first: every department's for coordinators, auditors,
	// leadership and admins; their own department's for a dept_lead;
	// EFORBIDDEN for anyone else.
	FindListedOrders(ctx context.Context) ([]*ListedOrder, error)
	// FindOrderHistory returns the issue, the submissions of evidence,
	// the verifications, extension requests and decisions, and escalations
	// of an order in time order (ENOTFOUND for an order the actor does not
	// see). Anyone who sees the order sees its whole history: the issue and
	// the submissions come from the order's own audit events, without the
	// audit trail's roles.
	FindOrderHistory(ctx context.Context, orderID int64) ([]OrderHistoryEntry, error)
}
