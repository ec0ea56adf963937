package enforcement

import (
	"context"
	"strings"
)

// Inspector is an entry of a department's inspector roster (执法人员名录):
// an enforcement officer with a certificate (执法证). Only active entries are
// drawn for tasks. The entry links to a sign-in by e-mail or OIDC subject:
// UserID is set once that person has signed in (or was created ahead).
type Inspector struct {
	ID         int64  `json:"id"`
	Department string `json:"department"`
	Name       string `json:"name"`
	// CertificateNo is the enforcement certificate number (执法证号), unique.
	CertificateNo string `json:"certificate_no"`
	Active        bool   `json:"active"`
	Email         string `json:"email,omitempty"`
	Subject       string `json:"subject,omitempty"`
	UserID        *int64 `json:"user_id,omitempty"`
}

// InspectorCreate is the input of a roster entry.
type InspectorCreate struct {
	Department    string `json:"department"`
	Name          string `json:"name"`
	CertificateNo string `json:"certificate_no"`
	Active        *bool  `json:"active"`
	Email         string `json:"email"`
	Subject       string `json:"subject"`
}

// Validate trims the input and checks it; an omitted Active means active.
// Name, certificate number, e-mail and subject are bounded by
// MaxPersonNameRunes, MaxCertificateNoRunes, MaxEmailRunes and
// MaxSubjectRunes. It returns EINVALID with the field at fault.
func (c *InspectorCreate) Validate() error {
	c.Department = strings.ToUpper(strings.TrimSpace(c.Department))
	c.Name = strings.TrimSpace(c.Name)
	c.CertificateNo = strings.TrimSpace(c.CertificateNo)
	c.Email = strings.TrimSpace(c.Email)
	c.Subject = strings.TrimSpace(c.Subject)
	if c.Active == nil {
		t := true
		c.Active = &t
	}
	switch {
	case c.Department == "":
		return FieldError("department", "Name the inspector's department.").ZH("请选择执法人员所属部门。")
	case c.Name == "":
		return FieldError("name", "Give the inspector's name.").ZH("请填写执法人员姓名。")
	case c.CertificateNo == "":
		return FieldError("certificate_no", "Give the enforcement certificate number (执法证号).").ZH("请填写执法证号。")
	case c.Email != "" && !strings.Contains(c.Email, "@"):
		return FieldError("email", "%q is not an e-mail address.", c.Email).ZH("“%s”不是有效的电子邮箱地址。", c.Email)
	}
	return validateTexts(c.textLimits()...)
}

// textLimits are the limits of the entry's texts (limits.go).
func (c *InspectorCreate) textLimits() []textLimit {
	return []textLimit{
		{"name", c.Name, MaxPersonNameRunes},
		{"certificate_no", c.CertificateNo, MaxCertificateNoRunes},
		{"email", c.Email, MaxEmailRunes},
		{"subject", c.Subject, MaxSubjectRunes},
	}
}

// Recusal is a declared conflict of interest (回避): the inspector is never
// drawn for a task at the enterprise.
type Recusal struct {
	InspectorID  int64  `json:"inspector_id"`
	EnterpriseID int64  `json:"enterprise_id"`
	Reason       string `json:"reason"`
}

// Validate trims the reason and checks the input: the reason is required,
// at most MaxRecusalReasonRunes. It returns EINVALID with the field at
// fault.
func (r *Recusal) Validate() error {
	r.Reason = strings.TrimSpace(r.Reason)
	switch {
	case r.InspectorID <= 0:
		return FieldError("inspector_id", "Name the inspector (a roster id).").ZH("请选择执法人员（名册编号）。")
	case r.EnterpriseID <= 0:
		return FieldError("enterprise_id", "Name the enterprise.").ZH("请选择企业。")
	case r.Reason == "":
		return FieldError("reason", "Say what the conflict of interest is (回避事由).").ZH("请填写回避事由。")
	}
	return validateText("reason", r.Reason, MaxRecusalReasonRunes)
}

// FrequencyRule is the admin-editable number of inspections an enterprise
// of a risk grade gets per calendar year (district time zone). A plan never
// goes over MaxPerYear, and reports the enterprises it leaves below
// MinPerYear. Example sources: Guangdong's 2021 interim measures (key units
// at least once a year), Shanxi's 2025 caps by standardisation grade.
type FrequencyRule struct {
	Grade      RiskGrade `json:"risk_grade"`
	MinPerYear int       `json:"min_per_year"`
	MaxPerYear int       `json:"max_per_year"`
}

// Validate checks the rule: a risk grade of 1–3, a minimum of zero or more
// and a maximum no lower than the minimum. It returns EINVALID with the
// field at fault.
func (r FrequencyRule) Validate() error {
	switch {
	case !r.Grade.Valid():
		return FieldError("risk_grade", "must be 1 (high), 2 (medium) or 3 (low).").ZH("风险等级须为 1（高）、2（中）或 3（低）。")
	case r.MinPerYear < 0:
		return FieldError("min_per_year", "must be 0 or more; got %d.", r.MinPerYear).
			ZH("每年最少检查次数须不小于 0；实际为 %d。", r.MinPerYear)
	case r.MaxPerYear < r.MinPerYear:
		return FieldError("max_per_year", "must be at least min_per_year (%d); got %d.", r.MinPerYear, r.MaxPerYear).
			ZH("每年最多检查次数须不少于最少次数（%d）；实际为 %d。", r.MinPerYear, r.MaxPerYear)
	}
	return nil
}

// DefaultFrequencyRules are the defaults: high risk 1–4 a year, medium 0–2,
// low 0–1 (DESIGN.md §4 examples).
func DefaultFrequencyRules() []FrequencyRule {
	return []FrequencyRule{{RiskHigh, 1, 4}, {RiskMedium, 0, 2}, {RiskLow, 0, 1}}
}

// DefaultVisitsPerTeamPerDay is how many visits one team of two inspectors
// makes in a working day, unless a department sets its own.
const DefaultVisitsPerTeamPerDay = 4

// MaxVisitsPerTeamPerDay bounds a department's setting: a team that makes
// more visits a day than this does not inspect anything.
const MaxVisitsPerTeamPerDay = 20

// ValidateVisitsPerTeamPerDay checks a department's visits per team per
// day: 1 to MaxVisitsPerTeamPerDay, else EINVALID.
func ValidateVisitsPerTeamPerDay(n int) error {
	if n < 1 || n > MaxVisitsPerTeamPerDay {
		return FieldError("visits_per_team_per_day", "must be from 1 to %d; got %d.", MaxVisitsPerTeamPerDay, n).
			ZH("每组每天检查次数须在 1 至 %d 之间；实际为 %d。", MaxVisitsPerTeamPerDay, n)
	}
	return nil
}

// The subject kinds of the audit events of rosters and planning settings.
const (
	// SubjectInspector is a roster entry; recusals are audited on it too.
	SubjectInspector SubjectKind = "inspector"
	// SubjectFrequencyRule is a frequency rule; the subject id is the grade.
	SubjectFrequencyRule SubjectKind = "frequency_rule"
	// SubjectDepartment is a department's settings and remit; departments
	// are keyed by code, so the subject id is 0 and the details name it.
	SubjectDepartment SubjectKind = "department"
)

// RosterService keeps the inspector rosters, recusals and planning
// settings. Admins change everything; a dept_lead changes their own
// department's roster and recusals; others read. A departmental actor
// never sees another department's entry: its id answers ENOTFOUND. Changes
// by anyone else answer EFORBIDDEN. Each change writes an audit event in
// its transaction.
type RosterService interface {
	// FindInspectorRoster lists a department's roster, active and not
	// ("" = the actor's own, or every department for an actor who reads
	// all). A departmental actor always gets their own department's.
	FindInspectorRoster(ctx context.Context, dept string) ([]*Inspector, error)
	// CreateInspector adds an entry (a lead's own department when
	// c.Department is empty) and links it to the user it names by subject
	// or e-mail. EINVALID for bad input or an unknown department;
	// EFORBIDDEN for another department's roster; ECONFLICT for a
	// certificate number in use.
	CreateInspector(ctx context.Context, c *InspectorCreate) (*Inspector, error)
	// SetInspectorActive activates or deactivates an entry.
	SetInspectorActive(ctx context.Context, id int64, active bool) (*Inspector, error)
	// CreateRecusal declares a conflict of interest. ENOTFOUND for an
	// inspector the actor cannot see; EINVALID for a missing reason or an
	// unknown enterprise; ECONFLICT when it is declared already.
	CreateRecusal(ctx context.Context, r *Recusal) error
	// DeleteRecusal withdraws one; ENOTFOUND when there is none.
	DeleteRecusal(ctx context.Context, inspectorID, enterpriseID int64) error
	// FindFrequencyRules and SetFrequencyRule read and change the rules
	// (admins; EINVALID per FrequencyRule.Validate).
	FindFrequencyRules(ctx context.Context) ([]FrequencyRule, error)
	SetFrequencyRule(ctx context.Context, r FrequencyRule) error
	// SetRemit sets whether a department's remit covers an industry
	// (admins; EINVALID for an unknown code).
	SetRemit(ctx context.Context, dept, industry string, covered bool) error
	// SetVisitsPerTeamPerDay sets a department's daily visits per team
	// (admins; EINVALID per ValidateVisitsPerTeamPerDay, ENOTFOUND for an
	// unknown department).
	SetVisitsPerTeamPerDay(ctx context.Context, dept string, n int) error
}
