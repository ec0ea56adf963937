package enforcement

import (
	"context"
	"strings"
	"time"
)

// ExtensionStatus is where an extension request stands: pending until the
// department lead approves or refuses it.
type ExtensionStatus string

// The extension statuses.
const (
	ExtensionPending  ExtensionStatus = "pending"
	ExtensionApproved ExtensionStatus = "approved"
	ExtensionRefused  ExtensionStatus = "refused"
)

// DueRuleExtension is the due_rule of a due date moved by an approved
// extension.
const DueRuleExtension = "extension"

// Extension is a request to move the due date of a rectification order
// (延期), made by an inspector of the order's department on the
// enterprise's behalf before the due date, and answered by the department
// lead. Approval moves the due date and restarts the escalation ladder from
// it, under the order's own policy.
type Extension struct {
	ID                   int64  `json:"id"`
	RectificationOrderID int64  `json:"rectification_order_id"`
	RequestedBy          int64  `json:"requested_by"`
	Reason               string `json:"reason"`
	// PreviousDueOn is the due date when the request was made.
	PreviousDueOn Date            `json:"previous_due_on"`
	ProposedDueOn Date            `json:"proposed_due_on"`
	Status        ExtensionStatus `json:"status"`
	DecidedBy     *int64          `json:"decided_by,omitempty"`
	DecidedAt     *time.Time      `json:"decided_at,omitempty"`
	Note          string          `json:"note,omitempty"`
	CreatedAt     time.Time       `json:"created_at"`
}

// ExtensionCreate is the input of an extension request.
type ExtensionCreate struct {
	Reason          string `json:"reason"`
	ProposedDueDate Date   `json:"proposed_due_date"`
}

// maxExtensionCalendarDays bounds how far an extension may move a due
// date: one year.
const maxExtensionCalendarDays = 366

// Validate trims the reason (required, at most MaxExtensionReasonRunes)
// and checks the input against the order's current due date; whether the proposed date is a working day is the
// store's check, on the district calendar. EINVALID with the field at
// fault.
func (c *ExtensionCreate) Validate(currentDueOn Date) error {
	var err error
	if c.Reason, err = requiredText("reason", c.Reason, MaxExtensionReasonRunes, "Say why the enterprise needs more time (延期理由).", "请填写企业申请延期的理由。"); err != nil {
		return err
	}
	switch {
	case c.ProposedDueDate.IsZero():
		return FieldError("proposed_due_date", "Give the proposed due date (YYYY-MM-DD).").
			ZH("请填写申请延至的整改期限（YYYY-MM-DD）。")
	case !c.ProposedDueDate.After(currentDueOn):
		return FieldError("proposed_due_date", "The proposed due date %s must be after the current due date %s.", c.ProposedDueDate, currentDueOn).
			ZH("申请延至的期限 %s 须晚于现整改期限 %s。", c.ProposedDueDate, currentDueOn)
	case currentDueOn.DaysUntil(c.ProposedDueDate) > maxExtensionCalendarDays:
		return FieldError("proposed_due_date", "An extension moves a due date by a year at most; %s is %d days after %s.",
			c.ProposedDueDate, currentDueOn.DaysUntil(c.ProposedDueDate), currentDueOn).
			ZH("延期最长不超过一年；申请延至的 %s 比现整改期限 %s 晚 %d 天。",
				c.ProposedDueDate, currentDueOn, currentDueOn.DaysUntil(c.ProposedDueDate))
	}
	return nil
}

// ExtensionDecision is the lead's answer: a note, required when refusing.
type ExtensionDecision struct {
	Note string `json:"note"`
}

// Validate trims the note and checks it for the answer (ExtensionApproved
// or ExtensionRefused): at most MaxExtensionNoteRunes, and required when
// refusing. EINVALID on the field "note".
func (d *ExtensionDecision) Validate(answer ExtensionStatus) error {
	d.Note = strings.TrimSpace(d.Note)
	if answer == ExtensionRefused && d.Note == "" {
		return FieldError("note", "Say why the extension is refused.").ZH("请说明不予延期的理由。")
	}
	return validateText("note", d.Note, MaxExtensionNoteRunes)
}

// ExtensionService runs extension requests.
type ExtensionService interface {
	// RequestExtension asks for a new due date of an order of the
	// inspector's department (inspectors only: EFORBIDDEN). ENOTFOUND for
	// another department's order. ECONFLICT when the due date has passed
	// (an extension is asked before it), when the order is not open, or
	// when a request is pending already. EINVALID per
	// ExtensionCreate.Validate, or when the proposed date is not a working
	// day.
	RequestExtension(ctx context.Context, orderID int64, c *ExtensionCreate) (*Extension, error)
	// ApproveExtension approves a pending request (the lead of the order's
	// department): the due date moves (due_rule "extension"), the levels
	// of the ladder not yet fired are cancelled, and a new ladder is
	// written from the new date under the order's policy; fired levels
	// stay. An overdue order becomes open again. ECONFLICT when the
	// request is not pending, the order is closed, has evidence submitted
	// or is listed, or the proposed date has passed.
	ApproveExtension(ctx context.Context, id int64, d *ExtensionDecision) (*Extension, error)
	// RefuseExtension refuses a pending request; the note is required
	// (EINVALID per ExtensionDecision.Validate, as for an approval's
	// note). The ladder of the current due date goes on.
	RefuseExtension(ctx context.Context, id int64, d *ExtensionDecision) (*Extension, error)
	// FindExtensionByID returns ENOTFOUND for another department's.
	FindExtensionByID(ctx context.Context, id int64) (*Extension, error)
}
