package enforcement

import (
	"context"
	"slices"
	"strconv"
	"time"
)

// SubjectEscalationPolicy is a stored escalation policy; the subject id of
// its audit events is the policy's id.
const SubjectEscalationPolicy SubjectKind = "escalation_policy"

// StoredEscalationPolicy is one version of the admin-editable ladder of a
// severity. The newest version of a severity is in force: an order is
// issued under it and names it (RectificationOrder.EscalationPolicyID), and
// keeps it for life, through failed verifications and extensions. A change
// therefore applies to orders issued after it.
type StoredEscalationPolicy struct {
	ID int64 `json:"id"`
	EscalationPolicy
	// CreatedBy is the admin who stored it; nil for the seeded defaults.
	CreatedBy *int64    `json:"created_by,omitempty"`
	CreatedAt time.Time `json:"created_at"`
}

// Bounds of a step's offset, in working days from the due date.
const (
	// MinReminderOffsetWorkingDays is the earliest reminder: four weeks of
	// working days before the due date.
	MinReminderOffsetWorkingDays = -20
	// MaxEscalationOffsetWorkingDays is the latest level: about three
	// months of working days after the due date.
	MaxEscalationOffsetWorkingDays = 60
)

// policyRecipients are the roles the escalation sweep can notify: the
// issuing inspector and the department's leads (departmental), the
// coordinators and district leadership (district-wide). Auditors and admins
// change nothing about an order, so they are not on a ladder.
var policyRecipients = []Role{RoleInspector, RoleDeptLead, RoleCoordinator, RoleLeadership}

// Validate checks a policy an admin submits (DESIGN.md §3): a known
// severity; levels from 0 (reminder) to 3 (listed supervision), each at
// most once and level 1 always; the reminder before the due date (a
// negative offset), level 1 at the deadline (offset 0) and levels 2 and 3
// after it; offsets strictly ascending with the level; and recipients
// among inspector, dept_lead, coordinator and leadership, at least one per
// level. Steps are sorted by level and recipients deduplicated. It returns
// EINVALID naming the step at fault, as "steps[i].field".
func (p *EscalationPolicy) Validate() error {
	if !p.Severity.Valid() {
		return FieldError("severity", "Severity must be general or major; got %q.", p.Severity).
			ZH("隐患等级须为一般（general）或重大（major）；实际为“%s”。", p.Severity)
	}
	if len(p.Steps) == 0 {
		return FieldError("steps", "Give the steps of the ladder: levels 0 (reminder) to 3 (listed supervision), level 1 at least.").
			ZH("请填写督办阶梯的各级：0 级（到期提醒）至 3 级（挂牌督办），至少包含 1 级。")
	}
	slices.SortStableFunc(p.Steps, func(a, b EscalationStep) int { return int(a.Level) - int(b.Level) })
	seen := map[EscalationLevel]bool{}
	for i := range p.Steps {
		s := &p.Steps[i]
		field := func(name string) string { return "steps[" + strconv.Itoa(i) + "]." + name }
		switch {
		case s.Level < LevelReminder || s.Level > LevelListed:
			return FieldError(field("level"), "A level is 0 (reminder), 1 (overdue), 2 (coordinator's board) or 3 (listed supervision); got %d.", s.Level).
				ZH("督办级别须为 0（到期提醒）、1（逾期）、2（协调人督办）或 3（挂牌督办）；实际为 %d。", s.Level)
		case seen[s.Level]:
			return FieldError(field("level"), "Level %d appears twice.", s.Level).ZH("%d 级重复出现。", s.Level)
		case s.Level == LevelReminder && (s.OffsetWorkingDays >= 0 || s.OffsetWorkingDays < MinReminderOffsetWorkingDays):
			return FieldError(field("offset_working_days"), "The reminder comes before the due date: an offset from %d to -1 working days; got %d.", MinReminderOffsetWorkingDays, s.OffsetWorkingDays).
				ZH("到期提醒在期限之前发出：偏移量须在 %d 至 -1 个工作日之间；实际为 %d。", MinReminderOffsetWorkingDays, s.OffsetWorkingDays)
		case s.Level == LevelOverdue && s.OffsetWorkingDays != 0:
			return FieldError(field("offset_working_days"), "Level 1 fires at the deadline, when the order becomes overdue: offset 0; got %d.", s.OffsetWorkingDays).
				ZH("1 级在期限届满、整改通知逾期时触发，偏移量须为 0；实际为 %d。", s.OffsetWorkingDays)
		case s.Level > LevelOverdue && (s.OffsetWorkingDays < 1 || s.OffsetWorkingDays > MaxEscalationOffsetWorkingDays):
			return FieldError(field("offset_working_days"), "Level %d fires after the deadline: an offset from 1 to %d working days; got %d.", s.Level, MaxEscalationOffsetWorkingDays, s.OffsetWorkingDays).
				ZH("%d 级在期限届满后触发：偏移量须在 1 至 %d 个工作日之间；实际为 %d。", s.Level, MaxEscalationOffsetWorkingDays, s.OffsetWorkingDays)
		case i > 0 && s.OffsetWorkingDays <= p.Steps[i-1].OffsetWorkingDays:
			return FieldError(field("offset_working_days"), "Offsets ascend with the level: level %d (%d working days) must come after level %d (%d).",
				s.Level, s.OffsetWorkingDays, p.Steps[i-1].Level, p.Steps[i-1].OffsetWorkingDays).
				ZH("偏移量须随级别递增：%d 级（%d 个工作日）须晚于 %d 级（%d 个工作日）。",
					s.Level, s.OffsetWorkingDays, p.Steps[i-1].Level, p.Steps[i-1].OffsetWorkingDays)
		case len(s.Recipients) == 0:
			return FieldError(field("recipients"), "Name who level %d notifies: inspector, dept_lead, coordinator or leadership.", s.Level).
				ZH("请选择 %d 级通知的对象：执法人员、部门负责人、协调人或分管领导。", s.Level)
		}
		seen[s.Level] = true
		for _, r := range s.Recipients {
			if !slices.Contains(policyRecipients, r) {
				return FieldError(field("recipients"), "%q is not a role a ladder notifies: use inspector, dept_lead, coordinator or leadership.", r).
					ZH("“%s”不是督办可通知的角色，请使用 inspector（执法人员）、dept_lead（部门负责人）、coordinator（协调人）或 leadership（分管领导）。", r)
			}
		}
		s.Recipients = dedupRoles(s.Recipients)
	}
	if !seen[LevelOverdue] {
		return FieldError("steps", "Level 1 (overdue at the deadline) is required.").ZH("必须包含 1 级（期限届满即逾期）。")
	}
	return nil
}

// dedupRoles returns roles without repeats, in their first order.
func dedupRoles(roles []Role) []Role {
	var out []Role
	for _, r := range roles {
		if !slices.Contains(out, r) {
			out = append(out, r)
		}
	}
	return out
}

// Equal reports whether p and o have the same severity and steps, in
// order, each with the same recipients in any order.
func (p EscalationPolicy) Equal(o EscalationPolicy) bool {
	sorted := func(r []Role) []Role { r = slices.Clone(r); slices.Sort(r); return r }
	return p.Severity == o.Severity && slices.EqualFunc(p.Steps, o.Steps, func(a, b EscalationStep) bool {
		return a.Level == b.Level && a.OffsetWorkingDays == b.OffsetWorkingDays && slices.Equal(sorted(a.Recipients), sorted(b.Recipients))
	})
}

// EscalationPolicyService keeps the escalation policies per severity.
type EscalationPolicyService interface {
	// FindEscalationPolicies returns the policy in force of each severity
	// (general, then major), or, with history, every version, newest
	// first. Every signed-in actor reads them.
	FindEscalationPolicies(ctx context.Context, history bool) ([]*StoredEscalationPolicy, error)
	// SetEscalationPolicy stores p as the new version of its severity and
	// returns it. Admins only (EFORBIDDEN); EINVALID per
	// EscalationPolicy.Validate. A policy equal to the one in force stores
	// nothing and returns that one. Orders already issued keep theirs.
	SetEscalationPolicy(ctx context.Context, p *EscalationPolicy) (*StoredEscalationPolicy, error)
}
