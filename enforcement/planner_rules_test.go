package enforcement_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/jointops/jointops/enforcement"
)

func TestDrawKeepsEveryDepartmentWithinItsDailyCapacity(t *testing.T) {
	t.Parallel()
	in := drawInput(600)
	in.Rosters = map[string][]enforcement.RosterEntry{"EMB": roster(100, 12), "MSA": roster(200, 6)} // 6 and 3 teams
	in.VisitsPerTeamPerDay = map[string]int{"EMB": 4}                                                // MSA: default 4
	in.Days = enforcement.WorkingDaysIn(enforcement.WeekdayCalendar{}, enforcement.MustParseDate("2026-03-09"), enforcement.MustParseDate("2026-03-20"))
	p, err := enforcement.Draw(in)
	if err != nil {
		t.Fatal(err)
	}
	perDay := map[string]map[enforcement.Date]int{"EMB": {}, "MSA": {}}
	for _, v := range p.Visits {
		for _, task := range v.Tasks {
			perDay[task.Department][v.ScheduledOn]++
		}
	}
	for dept, capacity := range map[string]int{"EMB": 24, "MSA": 12} {
		for day, n := range perDay[dept] {
			if n > capacity {
				t.Errorf("%s has %d visits on %s, over its capacity %d", dept, n, day, capacity)
			}
		}
	}
	if got := p.Summary.BusiestDay["EMB"]; got.Visits > 24 || got.Capacity != 24 {
		t.Errorf("busiest EMB day = %+v", got)
	}
}

func TestDrawSpreadsTheLoadEvenly(t *testing.T) {
	t.Parallel()
	p, err := enforcement.Draw(drawInput(600))
	if err != nil {
		t.Fatal(err)
	}
	perDay := map[enforcement.Date]int{}
	for _, v := range p.Visits {
		perDay[v.ScheduledOn]++
	}
	lo, hi := len(p.Visits), 0
	for _, n := range perDay {
		lo, hi = min(lo, n), max(hi, n)
	}
	if len(perDay) != 5 || hi-lo > 1 {
		t.Fatalf("visits per day %v: not even over the 5 days", perDay)
	}
}

func TestDrawSaysWhatIsMissingWhenTheWindowIsTooShort(t *testing.T) {
	t.Parallel()
	in := drawInput(600)
	in.Rosters = map[string][]enforcement.RosterEntry{"EMB": roster(100, 4), "MSA": roster(200, 1)}
	_, err := enforcement.Draw(in)
	if enforcement.ErrorCode(err) != enforcement.EINVALID {
		t.Fatalf("err = %v", err)
	}
	msg := enforcement.ErrorMessage(err)
	for _, want := range []string{"EMB needs", "2 teams × 4 visits a day × 5 working days", "more working days", "MSA has 1 active inspector"} {
		if !strings.Contains(msg, want) {
			t.Errorf("the message does not say %q:\n%s", want, msg)
		}
	}
}

func TestDrawDrawsTwoInspectorsHonouringRecusalsAndTheLastVisit(t *testing.T) {
	t.Parallel()
	in := drawInput(60)
	in.Rosters = map[string][]enforcement.RosterEntry{"EMB": roster(100, 6), "MSA": roster(200, 6)}
	// Enterprise 2 (a restaurant: EMB and MSA) recused 100-103 and was last
	// visited by 104.
	in.Recusals = map[int64][]int64{2: {100, 101, 102, 103}}
	in.Candidates[1].LastInspectors = []int64{104}
	in.Criteria.SamplingRatio = map[enforcement.RiskGrade]float64{1: 1, 2: 1, 3: 1} // everyone
	p, err := enforcement.Draw(in)
	if err != nil {
		t.Fatal(err)
	}
	type dayInspector struct {
		day enforcement.Date
		id  int64
	}
	load := map[dayInspector]int{}
	for _, v := range p.Visits {
		for _, task := range v.Tasks {
			if v.EnterpriseID == 2 && task.Department == "EMB" {
				// Only a team of 104 and 105 may go; if the day paired them
				// otherwise, no team is drawn and the lead picks.
				if ids := sorted(task.InspectorIDs); len(ids) > 0 && !slices.Equal(ids, []int64{104, 105}) {
					t.Errorf("enterprise 2's EMB inspectors = %v, want [104 105] or none", ids)
				}
			} else if len(task.InspectorIDs) != 2 {
				t.Fatalf("task %+v has %d inspectors", task, len(task.InspectorIDs))
			}
			for _, id := range task.InspectorIDs {
				load[dayInspector{v.ScheduledOn, id}]++
			}
		}
	}
	for k, n := range load {
		if n > enforcement.DefaultVisitsPerTeamPerDay {
			t.Errorf("inspector %d has %d visits on %s", k.id, n, k.day)
		}
	}
}

func TestDrawOfInspectorsIsReproducible(t *testing.T) {
	t.Parallel()
	a, _ := enforcement.Draw(drawInput(300))
	in := drawInput(300)
	slices.Reverse(in.Rosters["EMB"]) // roster order plays no part
	b, _ := enforcement.Draw(in)
	for i := range a.Visits {
		for j := range a.Visits[i].Tasks {
			if !slices.Equal(a.Visits[i].Tasks[j].InspectorIDs, b.Visits[i].Tasks[j].InspectorIDs) {
				t.Fatalf("visit %d task %d: %v vs %v", i, j, a.Visits[i].Tasks[j].InspectorIDs, b.Visits[i].Tasks[j].InspectorIDs)
			}
		}
	}
}

func TestDrawHonoursYearlyFrequency(t *testing.T) {
	t.Parallel()
	in := drawInput(600)
	in.Frequency = map[enforcement.RiskGrade]enforcement.FrequencyRule{
		1: {Grade: 1, MinPerYear: 2, MaxPerYear: 3},
		3: {Grade: 3, MinPerYear: 0, MaxPerYear: 1},
	}
	for i := range in.Candidates {
		switch c := &in.Candidates[i]; c.Grade {
		case 1:
			c.InspectionsThisYear = i % 4 // 0..3: a quarter are at the maximum of 3
		case 3:
			c.InspectionsThisYear = 1 // every grade 3 is at its maximum of 1
		}
	}
	p, err := enforcement.Draw(in)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range p.Visits {
		c := in.Candidates[v.EnterpriseID-1]
		if rule, ok := in.Frequency[c.Grade]; ok && c.InspectionsThisYear >= rule.MaxPerYear {
			t.Fatalf("enterprise %d at its yearly maximum was drawn", v.EnterpriseID)
		}
	}
	if p.Summary.AtYearlyMax[3] == 0 || p.Summary.AtYearlyMax[1] == 0 || p.Summary.PerGrade[3] != 0 {
		t.Fatalf("summary %+v", p.Summary)
	}
	// Grade 1 at ratio 1: those with 0 before this plan end at 1 < 2.
	if p.Summary.CoverageGap[1] == 0 {
		t.Fatalf("no coverage gap reported for grade 1: %+v", p.Summary.CoverageGap)
	}
}

func sorted(ids []int64) []int64 {
	s := slices.Clone(ids)
	slices.Sort(s)
	return s
}

func TestDrawFillsFullDaysWithWholeTeams(t *testing.T) {
	t.Parallel()
	in := drawInput(600)
	in.Criteria.SamplingRatio = map[enforcement.RiskGrade]float64{1: 1, 2: 1, 3: 1}
	// EMB has 400 visits to make in 10 days: 5 teams × 8 visits = 40 a day, every slot used.
	in.Rosters = map[string][]enforcement.RosterEntry{"EMB": roster(100, 10), "MSA": roster(200, 40)}
	in.VisitsPerTeamPerDay = map[string]int{"EMB": 8}
	in.Days = enforcement.WorkingDaysIn(enforcement.WeekdayCalendar{}, enforcement.MustParseDate("2026-03-09"), enforcement.MustParseDate("2026-03-20"))
	p, err := enforcement.Draw(in)
	if err != nil {
		t.Fatal(err)
	}
	if p.Summary.TasksShortOfInspectors != 0 {
		t.Fatalf("%d tasks without a team on full days", p.Summary.TasksShortOfInspectors)
	}
}

func TestDrawCountsOtherOperationsBookings(t *testing.T) {
	t.Parallel()
	in := drawInput(600)
	in.Rosters = map[string][]enforcement.RosterEntry{"EMB": roster(100, 12), "MSA": roster(200, 40)}
	in.Days = enforcement.WorkingDaysIn(enforcement.WeekdayCalendar{}, enforcement.MustParseDate("2026-03-09"), enforcement.MustParseDate("2026-03-20"))
	// Another operation keeps ten EMB inspectors fully busy on every day.
	for _, day := range in.Days {
		for id := int64(100); id < 110; id++ {
			in.BookedInspectors = append(in.BookedInspectors, enforcement.InspectorBooking{InspectorID: id, Day: day, Visits: 4})
		}
	}
	_, err := enforcement.Draw(in)
	if msg := enforcement.ErrorMessage(err); !strings.Contains(msg, "already booked") || !strings.Contains(msg, "EMB needs") {
		t.Fatalf("err = %v", err)
	}
}

func TestDrawNeedsARatioForEveryGradeDrawn(t *testing.T) {
	t.Parallel()
	in := drawInput(60)
	in.Criteria = enforcement.Criteria{RiskGrades: []enforcement.RiskGrade{1}, SamplingRatio: map[enforcement.RiskGrade]float64{3: 0.5}}
	_, err := enforcement.Draw(in)
	if e := err.(*enforcement.Error); e == nil || e.Fields["criteria.sampling_ratio"] == "" {
		t.Fatalf("err = %v", err)
	}
}
