package enforcement

import "context"

// DefaultDashboardWeeks is how many weeks of closure rate the dashboard
// shows unless asked otherwise; MaxDashboardWeeks bounds the request.
const (
	DefaultDashboardWeeks = 8
	MaxDashboardWeeks     = 52
)

// DashboardFilter selects what the dashboard counts.
type DashboardFilter struct {
	// Department confines every count to one department's records. A
	// dept_lead always gets their own department, whatever is asked.
	// Defaults to "" (every department).
	Department string
	// Weeks is the number of calendar weeks (Monday to Sunday, district
	// time zone) of the closure-rate series, ending with the current week.
	// Defaults to DefaultDashboardWeeks; at most MaxDashboardWeeks.
	Weeks int
}

// Dashboard is the counts the dashboard charts, each per department or
// industry in code order, all as of Today (district time zone).
type Dashboard struct {
	// Department is the scope: "" for every department.
	Department string `json:"department"`
	Today      Date   `json:"today"`
	// Orders counts the rectification orders not yet closed per
	// department.
	Orders []DepartmentOrders `json:"orders"`
	// Closure is the closure rate per week, oldest first.
	Closure []WeeklyClosure `json:"closure"`
	// Hazards counts the hazards recorded per industry of the enterprise,
	// by severity.
	Hazards []IndustryHazards `json:"hazards"`
	// Acceptance is how long departments took to accept their tasks.
	Acceptance []DepartmentAcceptance `json:"acceptance"`
}

// DepartmentOrders counts one department's rectification orders that are
// not closed: Open are open or submitted (awaiting 复查); Overdue passed
// their deadline (status overdue); Listed are, among all of these, on the
// listed-supervision register (挂牌督办).
type DepartmentOrders struct {
	Department string `json:"department"`
	Open       int    `json:"open"`
	Overdue    int    `json:"overdue"`
	Listed     int    `json:"listed"`
}

// WeeklyClosure is the closure rate at the end of one week: of the orders
// issued up to the end of that week (not cancelled), the share verified
// (closed) by then.
type WeeklyClosure struct {
	// WeekOf is the Monday of the week.
	WeekOf Date `json:"week_of"`
	Issued int  `json:"issued"`
	Closed int  `json:"closed"`
	// RatePercent is Closed / Issued × 100, rounded to one decimal; 0
	// when nothing was issued.
	RatePercent float64 `json:"rate_percent"`
}

// IndustryHazards counts the hazards found at enterprises of one industry.
type IndustryHazards struct {
	Industry string `json:"industry"`
	Name     string `json:"name"`
	General  int    `json:"general"`
	Major    int    `json:"major"`
}

// DepartmentAcceptance is how quickly one department accepted its tasks:
// from the day the task was created (dispatched) to the day it was
// accepted, both in the district's time zone, counted in working days on
// the working-day calendar (0 when accepted the same day).
type DepartmentAcceptance struct {
	Department string `json:"department"`
	// Accepted counts the tasks accepted.
	Accepted int `json:"accepted"`
	// AverageWorkingDays is the mean, rounded to one decimal; 0 when
	// Accepted is 0.
	AverageWorkingDays float64 `json:"average_working_days"`
	// MaxWorkingDays is the slowest acceptance.
	MaxWorkingDays int `json:"max_working_days"`
}

// DepartmentSettings is a department as admins see it: its planning
// settings and its remit.
type DepartmentSettings struct {
	Department
	// VisitsPerTeamPerDay is the visits a team of two inspectors makes in
	// a working day.
	VisitsPerTeamPerDay int `json:"visits_per_team_per_day"`
	// ActiveInspectors counts the active entries of its roster.
	ActiveInspectors int `json:"active_inspectors"`
	// Industries are the industry codes its remit covers, in code order.
	Industries []string `json:"industries"`
}

// StatisticsService reads the aggregate views of the dashboard and the
// admin pages. It changes nothing.
type StatisticsService interface {
	// FindDashboard counts orders, closures, hazards and acceptance times.
	// Coordinators and district leadership see every department (or the
	// one f names); a dept_lead sees only their own department. Anyone
	// else gets EFORBIDDEN; EINVALID for Weeks above MaxDashboardWeeks.
	FindDashboard(ctx context.Context, f DashboardFilter) (*Dashboard, error)
	// FindDepartmentSettings lists every department with its settings and
	// remit, in code order: admins, coordinators, auditors and leadership
	// (EFORBIDDEN otherwise).
	FindDepartmentSettings(ctx context.Context) ([]*DepartmentSettings, error)
}
