package enforcement

import "time"

// RegistryCreditCode is the registry of Chinese enterprises: the identifier
// is the unified social credit code (GB 32100-2015).
const RegistryCreditCode = "uscc"

// RiskGrade is an enterprise's risk grade (风险等级): 1 high, 2 medium,
// 3 low. It drives sampling ratios and inspection frequency.
type RiskGrade int

// The risk grades.
const (
	RiskHigh   RiskGrade = 1
	RiskMedium RiskGrade = 2
	RiskLow    RiskGrade = 3
)

// Valid reports whether g is 1, 2 or 3.
func (g RiskGrade) Valid() bool { return g >= RiskHigh && g <= RiskLow }

// Enterprise is a business under supervision (生产经营单位). It is keyed by
// a registry and an identifier in it: for Chinese enterprises the registry
// is RegistryCreditCode and the identifier the credit code; other sources,
// such as the OSHA replay, use a registry of their own keyed by name and
// address and carry no credit code.
type Enterprise struct {
	ID           int64     `json:"id"`
	Registry     string    `json:"registry"`
	RegistryID   string    `json:"registry_id"`
	CreditCode   string    `json:"credit_code,omitempty"`
	Name         string    `json:"name"`
	Address      string    `json:"address"`
	Subdistrict  string    `json:"subdistrict,omitempty"`
	Industry     string    `json:"industry,omitempty"`
	RiskGrade    RiskGrade `json:"risk_grade"`
	ContactName  string    `json:"contact_name,omitempty"`
	ContactPhone string    `json:"contact_phone,omitempty"`
	ContactEmail string    `json:"contact_email,omitempty"`
	// TimeZone is the IANA zone of the enterprise's deadlines; empty means
	// the district's zone.
	TimeZone        string    `json:"time_zone,omitempty"`
	LastInspectedOn *Date     `json:"last_inspected_on,omitempty"`
	CreatedAt       time.Time `json:"created_at"`
}
