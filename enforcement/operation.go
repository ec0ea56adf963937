package enforcement

import (
	"slices"
	"strings"
	"time"
)

// OperationStatus is where an operation (联合执法行动) stands:
// draft → planning → planned → in_progress → completed, and cancelled from
// any state before completed (DESIGN.md §3).
type OperationStatus string

// The operation statuses.
const (
	OperationDraft      OperationStatus = "draft"
	OperationPlanning   OperationStatus = "planning"
	OperationPlanned    OperationStatus = "planned"
	OperationInProgress OperationStatus = "in_progress"
	OperationCompleted  OperationStatus = "completed"
	OperationCancelled  OperationStatus = "cancelled"
)

// Criteria select the target enterprises of an operation. An empty list
// means "any".
type Criteria struct {
	// Industries are GB/T 4754-2017 codes.
	Industries []string `json:"industries"`
	// Subdistricts are nine-digit subdistrict codes.
	Subdistricts []string `json:"subdistricts"`
	// RiskGrades are the grades to draw from (1 high, 2 medium, 3 low).
	RiskGrades []RiskGrade `json:"risk_grades"`
	// SamplingRatio is the share of each grade's candidates to draw, from 0
	// to 1, keyed by grade ("1", "2", "3" in JSON). A grade missing here is
	// drawn in full (ratio 1). Risk-weighted sampling, DESIGN.md §4.
	SamplingRatio map[RiskGrade]float64 `json:"sampling_ratio"`
	// MinGapDays leaves out enterprises inspected within this many calendar
	// days before the window starts. Defaults to 0 (no gap).
	MinGapDays int `json:"min_gap_days"`
}

// Ratio returns the sampling ratio of grade g (1 when unset).
func (c *Criteria) Ratio(g RiskGrade) float64 {
	if r, ok := c.SamplingRatio[g]; ok {
		return r
	}
	return 1
}

// Operation is a planned joint enforcement campaign over a window of dates.
type Operation struct {
	ID             int64           `json:"id"`
	Title          string          `json:"title"`
	LeadDepartment string          `json:"lead_department"`
	Departments    []string        `json:"departments"`
	WindowStart    Date            `json:"window_start"`
	WindowEnd      Date            `json:"window_end"`
	Criteria       Criteria        `json:"criteria"`
	Status         OperationStatus `json:"status"`
	// Seed, AlgorithmVersion, CandidateDigest and CandidateCount make the
	// draw verifiable (双随机、一公开, 国发〔2019〕5号): anyone can re-run it.
	Seed             string `json:"seed,omitempty"`
	AlgorithmVersion string `json:"algorithm_version,omitempty"`
	CandidateDigest  string `json:"candidate_digest,omitempty"`
	CandidateCount   int    `json:"candidate_count"`
	// PlanError says why the last plan job failed (the operation is back
	// in draft), in English; PlanErrorZH in Chinese, empty for failures
	// recorded before it existed. Both are empty once a plan succeeds.
	PlanError   string `json:"plan_error,omitempty"`
	PlanErrorZH string `json:"plan_error_zh,omitempty"`
	// Summary is what the plan job reported; nil before planning.
	Summary    *PlanSummary `json:"plan_summary,omitempty"`
	VisitCount int          `json:"visit_count"`
	TaskCount  int          `json:"task_count"`
	CreatedBy  int64        `json:"created_by"`
	CreatedAt  time.Time    `json:"created_at"`
	UpdatedAt  time.Time    `json:"updated_at"`
	// CancelReason, CancelledAt and CancelledBy say why, when and by whom
	// a cancelled operation was cancelled; empty and nil otherwise.
	// CancelledBy.ID is the coordinator's user id (0 when the user is no
	// longer known) and CancelledBy.Name their name as it was then. (Read
	// from the audit trail's operation.cancelled event, not columns of
	// operations.)
	CancelReason string     `json:"cancel_reason,omitempty"`
	CancelledAt  *time.Time `json:"cancelled_at,omitempty"`
	CancelledBy  *UserRef   `json:"cancelled_by,omitempty"`
}

// OperationCreate is the input of a new draft operation.
type OperationCreate struct {
	Title          string   `json:"title"`
	LeadDepartment string   `json:"lead_department"`
	Departments    []string `json:"departments"`
	WindowStart    Date     `json:"window_start"`
	WindowEnd      Date     `json:"window_end"`
	Criteria       Criteria `json:"criteria"`
}

// maxOperationWindowDays bounds an operation's window: a campaign longer
// than a year is a typo.
const maxOperationWindowDays = 366

// Validate checks the shape of the input and normalises it: the lead
// department joins the participating departments. It returns EINVALID with
// the field at fault. Whether the codes exist is checked by the store.
func (c *OperationCreate) Validate() error {
	c.Title = strings.TrimSpace(c.Title)
	switch {
	case c.Title == "":
		return FieldError("title", "An operation needs a title.").ZH("请填写联合执法行动的名称。")
	case validateText("title", c.Title, MaxTitleRunes) != nil:
		return validateText("title", c.Title, MaxTitleRunes)
	case c.LeadDepartment == "":
		return FieldError("lead_department", "Name the lead department.").ZH("请选择牵头部门。")
	case c.WindowStart.IsZero() || c.WindowEnd.IsZero():
		return FieldError("window_start", "Give the window's first and last dates (YYYY-MM-DD).").
			ZH("请填写行动时段的起止日期（YYYY-MM-DD）。")
	case c.WindowEnd.Before(c.WindowStart):
		return FieldError("window_end", "The window ends (%s) before it starts (%s).", c.WindowEnd, c.WindowStart).
			ZH("行动时段的结束日期（%s）早于开始日期（%s）。", c.WindowEnd, c.WindowStart)
	case c.WindowStart.DaysUntil(c.WindowEnd) > maxOperationWindowDays:
		return FieldError("window_end", "The window is longer than %d days.", maxOperationWindowDays).
			ZH("行动时段超过 %d 天。", maxOperationWindowDays)
	case c.Criteria.MinGapDays < 0:
		return FieldError("criteria.min_gap_days", "The minimum gap must not be negative.").ZH("最短检查间隔不能为负数。")
	}
	if !slices.Contains(c.Departments, c.LeadDepartment) {
		c.Departments = append([]string{c.LeadDepartment}, c.Departments...)
	}
	slices.Sort(c.Departments)
	c.Departments = slices.Compact(c.Departments)
	for _, g := range c.Criteria.RiskGrades {
		if !g.Valid() {
			return FieldError("criteria.risk_grades", "Risk grade %d is not 1, 2 or 3.", g).
				ZH("风险等级 %d 不是 1、2 或 3。", g)
		}
	}
	if err := checkRatios(c.Criteria); err != nil {
		return err
	}
	for g, r := range c.Criteria.SamplingRatio {
		if !g.Valid() {
			return FieldError("criteria.sampling_ratio", "Risk grade %d is not 1, 2 or 3.", g).
				ZH("风险等级 %d 不是 1、2 或 3。", g)
		}
		if r < 0 || r > 1 {
			return FieldError("criteria.sampling_ratio", "The sampling ratio of grade %d must be between 0 and 1; got %v.", g, r).
				ZH("风险等级 %d 的抽查比例须在 0 至 1 之间；实际为 %v。", g, r)
		}
	}
	return nil
}

// OperationFilter selects operations; zero fields match all.
type OperationFilter struct {
	ID     *int64
	Status *OperationStatus
	Limit  int
}
