package enforcement

import (
	"fmt"
	"maps"
	"slices"
	"strings"
)

// dailyCapacity returns a department's visits a day: active inspectors ÷ 2
// (a team is two officers, 行政处罚法 art. 42) × visits per team per day.
func dailyCapacity(in PlanInput, dept string) (teams, perTeam, perDay int) {
	teams = len(in.Rosters[dept]) / MinInspectorsPerTask
	perTeam = in.VisitsPerTeamPerDay[dept]
	if perTeam <= 0 {
		perTeam = DefaultVisitsPerTeamPerDay
	}
	return teams, perTeam, teams * perTeam
}

// schedule puts the selected visits, in rank order, on the working days of
// the window. No department goes over its daily capacity, and the load is
// spread evenly: the i-th of n visits aims at day i×days/n and moves to the
// next day with room for every department on it. It returns EINVALID,
// leaving nothing planned, when the window is too short or the departments
// too small; the message says what is missing per department.
func schedule(selected []ranked, in PlanInput) ([]PlannedVisit, error) {
	if len(selected) == 0 {
		return nil, nil
	}
	days := in.Days
	if len(days) == 0 {
		return nil, Errorf(EINVALID, "The window has no working day for the %d visits: it must end after the acceptance due date of the tasks.", len(selected))
	}
	need := map[string]int{}
	for _, s := range selected {
		for _, d := range s.depts {
			need[d]++
		}
	}
	if err := checkCapacity(in, need, len(days)); err != nil {
		return nil, err
	}
	deptIndex := map[string]int{}
	var caps []int
	for _, d := range slices.Sorted(maps.Keys(need)) {
		deptIndex[d] = len(caps)
		_, _, perDay := dailyCapacity(in, d)
		caps = append(caps, perDay)
	}
	load := make([][]int, len(caps))
	for i := range load {
		load[i] = make([]int, len(days))
	}
	visits := make([]PlannedVisit, len(selected))
	for i, s := range selected {
		target := i * len(days) / len(selected)
		placed := -1
		for off := 0; off < len(days) && placed < 0; off++ {
			day := (target + off) % len(days)
			free := true
			for _, d := range s.depts {
				if load[deptIndex[d]][day] >= caps[deptIndex[d]] {
					free = false
					break
				}
			}
			if free {
				placed = day
			}
		}
		if placed < 0 {
			return nil, Errorf(EINVALID, "No working day has room for a joint visit of %s by %s together: the departments' free days do not meet. Widen the window or add inspectors.",
				s.c.Key, strings.Join(s.depts, ", "))
		}
		tasks := make([]PlannedTask, len(s.depts))
		for j, d := range s.depts {
			load[deptIndex[d]][placed]++
			tasks[j] = PlannedTask{Department: d}
		}
		visits[i] = PlannedVisit{EnterpriseID: s.c.EnterpriseID, ScheduledOn: days[placed], Rank: i, Tasks: tasks}
	}
	return visits, nil
}

// checkCapacity returns EINVALID naming every department whose visits do
// not fit its capacity over the window, with what is missing.
func checkCapacity(in PlanInput, need map[string]int, days int) error {
	var short []string
	for _, d := range slices.Sorted(maps.Keys(need)) {
		teams, perTeam, perDay := dailyCapacity(in, d)
		if perDay == 0 {
			short = append(short, fmt.Sprintf("%s has %d active inspector(s), fewer than the %d a team needs (行政处罚法 art. 42)", d, len(in.Rosters[d]), MinInspectorsPerTask))
			continue
		}
		if have := perDay * days; need[d] > have {
			missing := need[d] - have
			short = append(short, fmt.Sprintf("%s needs %d visits but can make %d (%d teams × %d visits a day × %d working days): %d short — about %d more working days, or %d more inspectors",
				d, need[d], have, teams, perTeam, days, missing, ceilDiv(missing, perDay), MinInspectorsPerTask*ceilDiv(missing, perTeam*days)))
		}
	}
	if len(short) > 0 {
		return Errorf(EINVALID, "The window is too short for the targets. %s.", strings.Join(short, "; "))
	}
	return nil
}

func ceilDiv(a, b int) int { return (a + b - 1) / b }
