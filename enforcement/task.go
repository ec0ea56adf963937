package enforcement

import "time"

// TaskStatus is where a task (任务, one department's share of a visit)
// stands: pending → accepted → in_progress → reported → closed;
// pending → declined (with a reason) → reassigned by a coordinator; and
// cancelled when its operation is re-planned or cancelled (DESIGN.md §3).
type TaskStatus string

// The task statuses.
const (
	TaskPending    TaskStatus = "pending"
	TaskAccepted   TaskStatus = "accepted"
	TaskInProgress TaskStatus = "in_progress"
	TaskReported   TaskStatus = "reported"
	TaskClosed     TaskStatus = "closed"
	TaskDeclined   TaskStatus = "declined"
	TaskReassigned TaskStatus = "reassigned"
	TaskCancelled  TaskStatus = "cancelled"
)

// DefaultAcceptanceWorkingDays is the default acceptance due date of a
// task: 2 working days after dispatch (DESIGN.md §3).
const DefaultAcceptanceWorkingDays = 2

// ReassignedAcceptanceDue returns the acceptance due date of a task that
// a coordinator reassigns on today (the district's date) for a visit on
// visitOn. The rule:
//   - the visit must be after today: a visit today or in the past cannot
//     be handed on (ECONFLICT, "the visit date has passed");
//   - the due date is workingDays working days after today
//     (DefaultAcceptanceWorkingDays for a new task), but no later than the
//     last working day before the visit, so that the department answers
//     before its team is due at the enterprise;
//   - and never before today: when no working day is left between today
//     and the visit, the task is due today.
func ReassignedAcceptanceDue(cal Calendar, today, visitOn Date, workingDays int) (Date, error) {
	if !visitOn.After(today) {
		return Date{}, Errorf(ECONFLICT, "The visit date has passed: the visit is on %s and today is %s; a task can only be reassigned for a visit after today.", visitOn, today).
			ZH("检查日期已过：检查安排在 %s，今天是 %s；只有检查日期在今天之后的任务才能改派。", visitOn, today)
	}
	due, err := AddWorkingDays(cal, today, workingDays)
	if err != nil {
		return Date{}, err
	}
	if due.Before(visitOn) {
		return due, nil
	}
	// The last working day before the visit, if there is one from today on.
	for d := visitOn.AddDays(-1); !d.Before(today); d = d.AddDays(-1) {
		if cal.IsWorkingDay(d) {
			return d, nil
		}
	}
	return today, nil
}

// MinInspectorsPerTask is the fewest inspectors a task may be accepted
// with: 行政处罚法 art. 42 requires at least two enforcement officers.
const MinInspectorsPerTask = 2

// UserRef names a person in a listing.
type UserRef struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

// Task is one department's share of a visit.
type Task struct {
	ID          int64      `json:"id"`
	VisitID     int64      `json:"visit_id"`
	OperationID int64      `json:"operation_id"`
	Department  string     `json:"department"`
	Status      TaskStatus `json:"status"`
	// AcceptanceDueOn is the last day to accept or decline, and
	// AcceptanceDueAt its end in the district's time zone.
	AcceptanceDueOn Date      `json:"acceptance_due_on"`
	AcceptanceDueAt time.Time `json:"acceptance_due_at"`
	DeclineReason   string    `json:"decline_reason,omitempty"`
	// Inspectors are the roster entries assigned at acceptance (UserRef.ID
	// is the inspector's roster id, not a user id).
	Inspectors []UserRef `json:"inspectors"`
	// DrawnInspectors are the roster entries the plan job drew for the
	// task (双随机); accepting without naming inspectors assigns them.
	DrawnInspectors []UserRef `json:"drawn_inspectors"`
	// ScheduledOn is the working day of the visit.
	ScheduledOn Date `json:"scheduled_on"`
	// Enterprise and OtherDepartments describe the visit the task is part of.
	EnterpriseID   int64  `json:"enterprise_id"`
	EnterpriseName string `json:"enterprise_name"`
	// EnterpriseFacts are what a lead reads before accepting: who the
	// enterprise is, where, in what trade and at what risk.
	EnterpriseFacts
	OtherDepartments []string  `json:"other_departments"`
	OperationTitle   string    `json:"operation_title"`
	CreatedAt        time.Time `json:"created_at"`
	UpdatedAt        time.Time `json:"updated_at"`
}

// TaskFilter selects tasks. A dept_lead or inspector only ever sees their
// own department's, whatever the filter says.
type TaskFilter struct {
	ID          *int64
	OperationID *int64
	VisitID     *int64
	Department  *string
	Status      *TaskStatus
	Limit       int
	Offset      int
}

// CanAccept reports whether a task in status s may be accepted or declined.
func (s TaskStatus) CanAccept() bool { return s == TaskPending }

// Visit is one joint visit to one enterprise on one working day
// ("进一次门、查多项事"), with the tasks of every department on it.
type Visit struct {
	ID             int64  `json:"id"`
	OperationID    int64  `json:"operation_id"`
	EnterpriseID   int64  `json:"enterprise_id"`
	EnterpriseName string `json:"enterprise_name"`
	// EnterpriseFacts describe the visited enterprise; their JSON fields
	// sit at the top level, as on Task.
	EnterpriseFacts
	ScheduledOn Date    `json:"scheduled_on"`
	Tasks       []*Task `json:"tasks"`
	// Hazards are the hazards found on the visit, each with its photos.
	Hazards []*Hazard `json:"hazards"`
}

// EnterpriseFacts describe the enterprise of a task or visit, as its
// pages show them next to the name.
type EnterpriseFacts struct {
	// EnterpriseCreditCode is the unified social credit code
	// (统一社会信用代码, GB 32100-2015); empty for an enterprise of another
	// registry (the OSHA replay).
	EnterpriseCreditCode string `json:"enterprise_credit_code,omitempty"`
	// EnterpriseAddress is the enterprise's registered address.
	EnterpriseAddress string `json:"enterprise_address,omitempty"`
	// IndustryCode and IndustryName are the enterprise's GB/T 4754-2017
	// industry class, e.g. 3311 金属结构制造.
	IndustryCode string `json:"industry_code,omitempty"`
	IndustryName string `json:"industry_name,omitempty"`
	// SubdistrictCode and SubdistrictName are the subdistrict (街道) the
	// enterprise is in, e.g. 440303001 桂园街道.
	SubdistrictCode string `json:"subdistrict_code,omitempty"`
	SubdistrictName string `json:"subdistrict_name,omitempty"`
	// RiskGrade is the enterprise's risk grade (风险等级), 1 high to 3 low.
	RiskGrade RiskGrade `json:"risk_grade"`
}
