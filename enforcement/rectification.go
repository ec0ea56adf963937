package enforcement

import (
	"strconv"
	"strings"
	"time"
)

// Severity is a hazard's severity: general (一般隐患) or major (重大隐患).
type Severity string

// The severities.
const (
	SeverityGeneral Severity = "general"
	SeverityMajor   Severity = "major"
)

// Valid reports whether s is general or major.
func (s Severity) Valid() bool { return s == SeverityGeneral || s == SeverityMajor }

// Hazard is a defect found during a visit (隐患).
type Hazard struct {
	ID           int64    `json:"id"`
	VisitID      int64    `json:"visit_id,omitempty"`
	EnterpriseID int64    `json:"enterprise_id"`
	Department   string   `json:"department"`
	Severity     Severity `json:"severity"`
	// NegativeList marks a hit on the negative list (负面清单): always a
	// major hazard.
	NegativeList bool      `json:"negative_list"`
	Description  string    `json:"description"`
	RecordedBy   int64     `json:"recorded_by"`
	FoundAt      time.Time `json:"found_at"`
	// Attachments are the hazard's photos (or scans) taken on the visit,
	// without their bytes, in upload order. (Not a column of hazards.)
	Attachments []Attachment `json:"attachments,omitempty" db:"-"`
}

// HazardCreate is the input of a hazard recorded on a visit.
type HazardCreate struct {
	VisitID      int64    `json:"visit_id"`
	Severity     Severity `json:"severity"`
	NegativeList bool     `json:"negative_list"`
	Description  string   `json:"description"`
	// Photo is the photo taken on site, stored with the hazard in one
	// transaction: a bad photo records no hazard. Defaults to none.
	Photo *AttachmentCreate `json:"-"`
}

// Validate checks the input; a negative-list hit is made major. The
// description is required, at most MaxHazardDescriptionRunes. The photo,
// when given, is checked as an attachment of at most maxPhotoBytes
// (AttachmentCreate.Validate). It returns EINVALID with the field at fault
// ("photo" for the photo).
func (h *HazardCreate) Validate(maxPhotoBytes int64) error {
	h.Description = strings.TrimSpace(h.Description)
	if h.NegativeList {
		h.Severity = SeverityMajor
	}
	switch {
	case h.VisitID <= 0:
		return FieldError("visit_id", "Name the visit the hazard was found on.").ZH("请选择发现该隐患的联合检查。")
	case !h.Severity.Valid():
		return FieldError("severity", "Severity must be general or major; got %q.", h.Severity).
			ZH("隐患等级须为一般隐患或重大隐患；实际为“%s”。", h.Severity)
	case h.Description == "":
		return FieldError("description", "Describe the hazard.").ZH("请描述隐患情况。")
	}
	if err := validateText("description", h.Description, MaxHazardDescriptionRunes); err != nil {
		return err
	}
	if h.Photo != nil {
		if _, err := h.Photo.validate("photo", maxPhotoBytes); err != nil {
			return err
		}
	}
	return nil
}

// OrderStatus is where a rectification order stands: open → submitted →
// verified (closed); submitted → open when verification fails; open →
// overdue at the deadline; cancelled by the issuing department.
type OrderStatus string

// The rectification order statuses.
const (
	OrderOpen      OrderStatus = "open"
	OrderOverdue   OrderStatus = "overdue"
	OrderSubmitted OrderStatus = "submitted"
	OrderVerified  OrderStatus = "verified"
	OrderCancelled OrderStatus = "cancelled"
)

// Closed reports whether an order in status s needs no more work.
func (s OrderStatus) Closed() bool { return s == OrderVerified || s == OrderCancelled }

// VerificationDueDays is how long an inspector has to verify a
// rectification after the enterprise asks for it: 10 calendar days (a Hubei
// rule, used as the default; DESIGN.md §3). Calendar days, because 行政处罚法
// art. 85 counts only its 2, 3, 5 and 7 day periods in working days.
const VerificationDueDays = 10

// DueRule says how an order's due date was set: either a calendar date
// (Date set) or N working days after the day of issue (WorkingDays set).
// Exactly one is set. Stored with the order as "date" or "working_days:N".
type DueRule struct {
	Date        *Date `json:"due_date,omitempty"`
	WorkingDays *int  `json:"due_working_days,omitempty"`
}

// MaxDueWorkingDays bounds a due date given in working days (about a year).
const MaxDueWorkingDays = 250

// MaxDueCalendarDays bounds a due date given as a date: at most 366
// calendar days after the day of issue, as MaxDueWorkingDays bounds one
// given in working days and an extension moves a due date by a year at
// most. A date further off is a typing mistake (2099-01-01).
const MaxDueCalendarDays = 366

// LatestDueDate returns the latest due date a date rule accepts for an
// order issued (or a verification failed) on issuedOn.
func LatestDueDate(issuedOn Date) Date { return issuedOn.AddDays(MaxDueCalendarDays) }

// Resolve returns the concrete due date and the stored rule text. issuedOn
// is the day of issue in the order's time zone (for a failed
// verification's new due date, the day of the verification). It returns
// EINVALID when neither or both are set, when the date is before the day of
// issue or more than MaxDueCalendarDays after it (LatestDueDate), or when
// the number of working days is not between 1 and MaxDueWorkingDays.
func (r DueRule) Resolve(cal Calendar, issuedOn Date) (Date, string, error) {
	switch {
	case r.Date != nil && r.WorkingDays != nil:
		return Date{}, "", FieldError("due_date", "Give the due date either as a date or as a number of working days, not both.").
			ZH("整改期限请填写具体日期或工作日数，二者只填其一。")
	case r.Date != nil:
		if r.Date.Before(issuedOn) {
			return Date{}, "", FieldError("due_date", "The due date %s is before the day of issue %s.", r.Date, issuedOn).
				ZH("整改期限 %s 早于下达日期 %s。", r.Date, issuedOn)
		}
		if latest := LatestDueDate(issuedOn); r.Date.After(latest) {
			return Date{}, "", FieldError("due_date", "The due date %s is more than a year after the day of issue %s; pick a date no later than %s.",
				r.Date, issuedOn, latest).
				ZH("整改期限 %s 距下达日期 %s 超过一年，请选择不晚于 %s 的日期。",
					r.Date, issuedOn, latest)
		}
		return *r.Date, "date", nil
	case r.WorkingDays != nil:
		n := *r.WorkingDays
		if n < 1 || n > MaxDueWorkingDays {
			return Date{}, "", FieldError("due_working_days", "The number of working days must be between 1 and %d; got %d.", MaxDueWorkingDays, n).
				ZH("工作日数须在 1 至 %d 之间；实际为 %d。", MaxDueWorkingDays, n)
		}
		d, err := AddWorkingDays(cal, issuedOn, n)
		if err != nil {
			return Date{}, "", err
		}
		return d, "working_days:" + strconv.Itoa(n), nil
	}
	return Date{}, "", FieldError("due_date", "Give a due date (YYYY-MM-DD) or a number of working days.").
		ZH("请填写整改期限（YYYY-MM-DD）或工作日数。")
}

// RectificationOrder is the order to fix one or more hazards by a due date
// (整改通知 / 责令限期整改).
type RectificationOrder struct {
	ID           int64  `json:"id"`
	EnterpriseID int64  `json:"enterprise_id"`
	Enterprise   string `json:"enterprise_name"`
	// Subdistrict and Industry are the enterprise's subdistrict (街道)
	// and GB/T 4754 industry codes, for the ledger's columns and filters.
	Subdistrict string      `json:"subdistrict,omitempty"`
	Industry    string      `json:"industry,omitempty"`
	VisitID     int64       `json:"visit_id,omitempty"`
	Department  string      `json:"department"`
	Severity    Severity    `json:"severity"`
	Status      OrderStatus `json:"status"`
	HazardIDs   []int64     `json:"hazard_ids"`
	IssuedBy    int64       `json:"issued_by"`
	IssuedAt    time.Time   `json:"issued_at"`
	// DueOn is the due date in TimeZone; DueAt is its end (the deadline).
	DueOn    Date      `json:"due_on"`
	DueRule  string    `json:"due_rule"`
	DueAt    time.Time `json:"due_at"`
	TimeZone string    `json:"time_zone"`
	Evidence string    `json:"evidence,omitempty"`
	// EvidenceAt is when the latest evidence was recorded.
	EvidenceAt *time.Time `json:"evidence_at,omitempty"`
	// VerificationDueAt is set when evidence arrives: VerificationDueDays
	// calendar days later.
	VerificationDueAt *time.Time `json:"verification_due_at,omitempty"`
	ClosedAt          *time.Time `json:"closed_at,omitempty"`
	Listed            bool       `json:"listed"`
	// ListedSignedOffBy and ListedSignedOffAt record who took a listed
	// order off the register (挂牌督办销号) by closing it, and when.
	ListedSignedOffBy *int64     `json:"listed_signed_off_by,omitempty"`
	ListedSignedOffAt *time.Time `json:"listed_signed_off_at,omitempty"`
	// EscalationPolicyID names the policy the order was issued under; its
	// ladders, also after an extension or a failed verification, follow it.
	EscalationPolicyID int64        `json:"escalation_policy_id,omitempty"`
	Escalations        []Escalation `json:"escalations"`
	// Attachments are the files of the evidence, without their bytes.
	Attachments []Attachment `json:"attachments"`
}

// OrderCreate is the input of a rectification order issued on a visit.
type OrderCreate struct {
	HazardIDs []int64 `json:"hazard_ids"`
	DueRule
}

// EvidenceCreate is the enterprise's report that the hazards are fixed,
// recorded by an inspector on the enterprise's behalf.
type EvidenceCreate struct {
	Text string `json:"text"`
}

// Validate trims the text and checks it: required, at most
// MaxEvidenceTextRunes. EINVALID on the field "text".
func (c *EvidenceCreate) Validate() error {
	var err error
	c.Text, err = requiredText("text", c.Text, MaxEvidenceTextRunes, "Describe the enterprise's evidence of rectification.", "请描述企业提交的整改情况及佐证材料。")
	return err
}

// VerificationCreate is the inspector's verification (复查). A failed
// verification reopens the order with a new due date from NewDue.
type VerificationCreate struct {
	// Passed is required: true closes the order, false reopens it.
	Passed *bool   `json:"passed"`
	Note   string  `json:"note"`
	NewDue DueRule `json:"new_due"`
}

// Validate trims the note and checks the input: Passed given, the note at
// most MaxVerificationNoteRunes. The new due date of a failed verification
// is checked by DueRule.Resolve on the day of the verification. EINVALID
// with the field at fault.
func (c *VerificationCreate) Validate() error {
	c.Note = strings.TrimSpace(c.Note)
	if c.Passed == nil {
		return FieldError("passed", "Say whether the verification passed (true) or failed (false).").
			ZH("请选择复查是否通过。")
	}
	return validateText("note", c.Note, MaxVerificationNoteRunes)
}

// OrderFilter selects rectification orders. A dept_lead or inspector only
// ever sees their own department's.
type OrderFilter struct {
	ID         *int64
	Department *string
	Status     *OrderStatus
	Listed     *bool
	// Severity, Subdistrict and Industry select by the order's severity
	// and by its enterprise's subdistrict and industry codes.
	Severity    *Severity
	Subdistrict *string
	Industry    *string
	Limit       int
	Offset      int
}
