package enforcement

import "context"

// DepartmentProgress counts one department's tasks in an operation by where
// they stand: what the coordinator watches while leads accept or decline.
type DepartmentProgress struct {
	Department string `json:"department"`
	// Accepted counts tasks accepted or further along (in_progress,
	// reported, closed).
	Accepted int `json:"accepted"`
	// Pending counts tasks waiting for the lead to accept or decline.
	Pending int `json:"pending"`
	// Declined counts tasks declined and not yet handed to another
	// department; Reassigned those handed on.
	Declined   int `json:"declined"`
	Reassigned int `json:"reassigned"`
}

// Total counts the department's tasks that are not cancelled.
func (p DepartmentProgress) Total() int { return p.Accepted + p.Pending + p.Declined + p.Reassigned }

// VisitBrief is one visit of an operation as the calendar shows it: the
// enterprise, and each department's task on it with its status.
type VisitBrief struct {
	VisitID        int64       `json:"visit_id"`
	EnterpriseName string      `json:"enterprise_name"`
	Tasks          []TaskBrief `json:"tasks"`
}

// TaskBrief is one department's task on a visit, by status.
type TaskBrief struct {
	ID         int64      `json:"id"`
	Department string     `json:"department"`
	Status     TaskStatus `json:"status"`
}

// VisitDay is one day of an operation's schedule: how many visits fall on
// it (all of them counted) and the first of them by enterprise name.
type VisitDay struct {
	Date   Date         `json:"date"`
	Count  int          `json:"count"`
	Visits []VisitBrief `json:"visits"`
}

// VisitDayFilter selects the days of an operation's schedule.
type VisitDayFilter struct {
	// On, when set, keeps only that day.
	On *Date
	// PerDay caps the visits listed per day (Count still counts them all).
	// Defaults to 5; at most 1000.
	PerDay int
}

// OperationProgressService reads how far operations have come, for the
// coordinator's pages. Coordinators only (EFORBIDDEN otherwise).
type OperationProgressService interface {
	// FindOperationProgress counts the tasks of each operation in ids per
	// department and status, departments in code order. Cancelled tasks
	// are left out; an operation with no task has no entry.
	FindOperationProgress(ctx context.Context, ids []int64) (map[int64][]DepartmentProgress, error)
	// FindVisitDays lists the days of operation id's schedule that have
	// visits, in date order, with the visits of each (enterprise name
	// order, capped by f.PerDay). ENOTFOUND when there is no such operation.
	FindVisitDays(ctx context.Context, id int64, f VisitDayFilter) ([]VisitDay, error)
}

// More counts the day's visits not listed in Visits.
func (d VisitDay) More() int { return d.Count - len(d.Visits) }
