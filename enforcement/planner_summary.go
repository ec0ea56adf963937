package enforcement

import "slices"

// PlanSummary describes a plan for the coordinator: what the preview shows
// before submitting and what the plan job reports after.
type PlanSummary struct {
	// Candidates match the criteria; Eligible are those some participating
	// department covers and that are below their yearly maximum.
	Candidates int `json:"candidates"`
	Eligible   int `json:"eligible"`
	Visits     int `json:"visits"`
	Tasks      int `json:"tasks"`
	// VisitsSaved is how many separate visits merging saved against one
	// visit per department ("进一次门、查多项事").
	VisitsSaved    int               `json:"visits_saved"`
	PerGrade       map[RiskGrade]int `json:"per_grade"`
	PerSubdistrict map[string]int    `json:"per_subdistrict"`
	PerDepartment  map[string]int    `json:"per_department"`
	// AtYearlyMax counts, per grade, the candidates left out because they
	// already had their maximum inspections this year.
	AtYearlyMax map[RiskGrade]int `json:"at_yearly_max"`
	// CoverageGap counts, per grade, the candidates that stay below their
	// yearly minimum even with this plan.
	CoverageGap map[RiskGrade]int `json:"coverage_gap"`
	// BusiestDay is each department's day with the most visits.
	BusiestDay map[string]DayLoad `json:"busiest_day"`
	// TasksShortOfInspectors counts tasks with no team drawn because
	// recusals ruled out every team free that day; their leads pick at
	// acceptance.
	TasksShortOfInspectors int `json:"tasks_short_of_inspectors"`
}

// DayLoad is a department's visits on one day against its capacity.
type DayLoad struct {
	Date     Date `json:"date"`
	Visits   int  `json:"visits"`
	Capacity int  `json:"capacity"`
}

// summarize counts a plan.
func summarize(in PlanInput, eligible []ranked, atCap map[RiskGrade]int, visits []PlannedVisit, capacity map[string][]int) PlanSummary {
	s := PlanSummary{
		Candidates: len(in.Candidates), Eligible: len(eligible), Visits: len(visits),
		PerGrade: map[RiskGrade]int{}, PerSubdistrict: map[string]int{}, PerDepartment: map[string]int{},
		AtYearlyMax: atCap, CoverageGap: map[RiskGrade]int{}, BusiestDay: map[string]DayLoad{},
	}
	byID := make(map[int64]*Candidate, len(in.Candidates))
	for i := range in.Candidates {
		byID[in.Candidates[i].EnterpriseID] = &in.Candidates[i]
	}
	visited := make(map[int64]bool, len(visits))
	type deptDay struct {
		dept string
		day  Date
	}
	perDay := map[deptDay]int{}
	for _, v := range visits {
		visited[v.EnterpriseID] = true
		c := byID[v.EnterpriseID]
		s.PerGrade[c.Grade]++
		s.PerSubdistrict[c.Subdistrict]++
		for _, t := range v.Tasks {
			s.Tasks++
			s.PerDepartment[t.Department]++
			perDay[deptDay{t.Department, v.ScheduledOn}]++
			if len(t.InspectorIDs) < MinInspectorsPerTask {
				s.TasksShortOfInspectors++
			}
		}
	}
	s.VisitsSaved = s.Tasks - s.Visits
	for k, n := range perDay {
		best, ok := s.BusiestDay[k.dept]
		if !ok || n > best.Visits || (n == best.Visits && k.day.Before(best.Date)) {
			s.BusiestDay[k.dept] = DayLoad{Date: k.day, Visits: n, Capacity: capacity[k.dept][slices.Index(in.Days, k.day)]}
		}
	}
	for _, c := range in.Candidates {
		rule, ok := in.Frequency[c.Grade]
		if !ok {
			continue
		}
		n := c.InspectionsThisYear
		if visited[c.EnterpriseID] {
			n++
		}
		if n < rule.MinPerYear {
			s.CoverageGap[c.Grade]++
		}
	}
	return s
}
