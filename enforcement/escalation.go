package enforcement

import "time"

// SubjectKind names what an escalation, notification or audit event is
// about.
type SubjectKind string

// The subject kinds.
const (
	SubjectRectificationOrder SubjectKind = "rectification_order"
	SubjectTask               SubjectKind = "task"
	SubjectOperation          SubjectKind = "operation"
	SubjectVisit              SubjectKind = "visit"
	SubjectHazard             SubjectKind = "hazard"
	// SubjectVerification is the verification clock of a rectification
	// order (subject id = the order's id): it escalates a late 复查.
	SubjectVerification SubjectKind = "verification"
)

// EscalationLevel is a step of the escalation ladder (督办): 0 is the
// reminder before the due date, 1 overdue, 2 the coordinator's board and 3
// listed supervision (挂牌督办).
type EscalationLevel int

// The levels of the ladder.
const (
	LevelReminder EscalationLevel = 0
	LevelOverdue  EscalationLevel = 1
	LevelBoard    EscalationLevel = 2
	LevelListed   EscalationLevel = 3
)

// EscalationStep is one level of a policy: it fires OffsetWorkingDays
// working days after the due date (negative: before), and notifies the
// holders of Recipients in the order's department (dept_lead, inspector) or
// district-wide (coordinator, leadership). A reminder fires at 09:00 on its
// day; the other levels fire at the end of their day, so level 1 fires at
// the deadline itself.
type EscalationStep struct {
	Level             EscalationLevel `json:"level"`
	OffsetWorkingDays int             `json:"offset_working_days"`
	Recipients        []Role          `json:"recipients"`
}

// EscalationPolicy is the ladder for one hazard severity.
type EscalationPolicy struct {
	Severity Severity         `json:"severity"`
	Steps    []EscalationStep `json:"steps"`
}

// DefaultEscalationPolicy returns the default ladder of DESIGN.md §3 for
// severity s: a reminder 3 working days before the due date, level 1 at the
// deadline, level 2 two working days later (major: one) and level 3 listed
// supervision five working days later (major: three).
func DefaultEscalationPolicy(s Severity) EscalationPolicy {
	l2, l3 := 2, 5
	if s == SeverityMajor {
		l2, l3 = 1, 3
	}
	return EscalationPolicy{Severity: s, Steps: []EscalationStep{
		{LevelReminder, -3, []Role{RoleInspector}},
		{LevelOverdue, 0, []Role{RoleInspector, RoleDeptLead}},
		{LevelBoard, l2, []Role{RoleDeptLead, RoleCoordinator}},
		{LevelListed, l3, []Role{RoleCoordinator, RoleLeadership}},
	}}
}

// reminderHour is the local hour a reminder fires on its day.
const reminderHour = 9

// ScheduledEscalation is one level of a ladder with its firing time.
type ScheduledEscalation struct {
	Level      EscalationLevel
	FireAt     time.Time
	Recipients []Role
}

// Schedule returns the firing time of each step for an order due on dueOn
// in loc, with working days from cal. Steps that would fire at or before
// issuedAt (a reminder for an order due tomorrow) are dropped: a reminder
// after the fact helps nobody.
func (p EscalationPolicy) Schedule(cal Calendar, dueOn Date, loc *time.Location, issuedAt time.Time) ([]ScheduledEscalation, error) {
	var out []ScheduledEscalation
	for _, s := range p.Steps {
		var at time.Time
		if s.OffsetWorkingDays < 0 {
			d := subtractWorkingDays(cal, dueOn, -s.OffsetWorkingDays)
			at = d.In(loc).Add(reminderHour * time.Hour)
		} else {
			d, err := AddWorkingDays(cal, dueOn, s.OffsetWorkingDays)
			if err != nil {
				return nil, err
			}
			at = EndOfDay(d, loc)
		}
		if s.Level == LevelReminder && !at.After(issuedAt) {
			continue
		}
		out = append(out, ScheduledEscalation{Level: s.Level, FireAt: at, Recipients: s.Recipients})
	}
	return out, nil
}

// subtractWorkingDays returns the working day n working days before d.
func subtractWorkingDays(cal Calendar, d Date, n int) Date {
	for i := 0; n > 0 && i < maxCalendarScanDays; i++ {
		d = d.AddDays(-1)
		if cal.IsWorkingDay(d) {
			n--
		}
	}
	return d
}

// EscalationStatus is pending until the sweep fires it, or cancelled when
// the work closed first.
type EscalationStatus string

// The escalation statuses.
const (
	EscalationPending   EscalationStatus = "pending"
	EscalationFired     EscalationStatus = "fired"
	EscalationCancelled EscalationStatus = "cancelled"
)

// Escalation is one level of one ladder, stored as a row so that it
// outlives River's job retention and fires exactly once per subject, level
// and due date.
type Escalation struct {
	ID          int64            `json:"id"`
	SubjectKind SubjectKind      `json:"subject_kind"`
	SubjectID   int64            `json:"subject_id"`
	Department  string           `json:"department"`
	Level       EscalationLevel  `json:"level"`
	DueOn       Date             `json:"due_on"`
	FireAt      time.Time        `json:"fire_at"`
	Recipients  []Role           `json:"recipients"`
	Status      EscalationStatus `json:"status"`
	FiredAt     *time.Time       `json:"fired_at,omitempty"`
}

// SweepResult counts what one escalation sweep fired.
type SweepResult struct {
	Fired         int `json:"fired"`
	Notifications int `json:"notifications"`
}
