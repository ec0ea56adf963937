package enforcement

import "time"

// Notification is an item in a person's in-app inbox.
type Notification struct {
	ID          int64            `json:"id"`
	Kind        string           `json:"kind"`
	SubjectKind SubjectKind      `json:"subject_kind"`
	SubjectID   int64            `json:"subject_id"`
	Level       *EscalationLevel `json:"level,omitempty"`
	TitleZH     string           `json:"title_zh"`
	TitleEN     string           `json:"title_en"`
	CreatedAt   time.Time        `json:"created_at"`
	ReadAt      *time.Time       `json:"read_at,omitempty"`
}

// NotificationFilter selects the actor's own notifications.
type NotificationFilter struct {
	UnreadOnly bool
	// BeforeID pages back through the inbox: only items with a smaller id.
	// Zero starts at the newest.
	BeforeID int64
	Limit    int
}

// AuditEvent is an immutable record of who changed what, when (审计记录).
type AuditEvent struct {
	ID          int64          `json:"id"`
	At          time.Time      `json:"at"`
	ActorID     *int64         `json:"actor_id,omitempty"`
	ActorName   string         `json:"actor_name"`
	Department  string         `json:"department,omitempty"`
	Action      string         `json:"action"`
	SubjectKind SubjectKind    `json:"subject_kind"`
	SubjectID   int64          `json:"subject_id"`
	Details     map[string]any `json:"details,omitempty"`
}

// AuditFilter selects audit events.
type AuditFilter struct {
	SubjectKind *SubjectKind
	SubjectID   *int64
	// Actor matches the actor's name anywhere in it, ignoring case.
	// Defaults to "" (anyone).
	Actor string
	// Action is an action such as "task.accepted", or a prefix ending in
	// "." ("task.") for every action on a kind of subject. Defaults to ""
	// (any action).
	Action string
	// From and To bound the day of the event in the district's time zone,
	// both days included. A zero Date leaves that side open.
	From, To Date
	// BeforeID pages back through the trail: only events with a smaller id.
	// Zero starts at the newest.
	BeforeID int64
	Limit    int
}
