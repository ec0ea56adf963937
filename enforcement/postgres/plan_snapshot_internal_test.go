package postgres

import (
	"reflect"
	"testing"

	"github.com/jointops/jointops/enforcement"
)

func TestSnapshotRoundTrip(t *testing.T) {
	t.Parallel()
	in := &enforcement.PlanInput{
		Criteria:    enforcement.Criteria{RiskGrades: []enforcement.RiskGrade{1, 2}, SamplingRatio: map[enforcement.RiskGrade]float64{1: 1, 2: 0.3}},
		Departments: []string{"EMB", "MSA"},
		Remits:      map[string][]string{"3311": {"EMB"}},
		Seed:        "00ff",
		Days:        []enforcement.Date{enforcement.MustParseDate("2026-03-09")},
		Candidates: []enforcement.Candidate{
			{EnterpriseID: 1, Key: "uscc:91440303MA5F00001X", Grade: 1, Subdistrict: "440303001", Industry: "3311", InspectionsThisYear: 2, LastInspectors: []int64{7, 9}},
			{EnterpriseID: 2, Key: "osha:ACME\t\"WEST\"|1 MAIN ST\n|CHINO", Grade: 3},
		},
		Frequency:           map[enforcement.RiskGrade]enforcement.FrequencyRule{1: {Grade: 1, MinPerYear: 1, MaxPerYear: 4}},
		Rosters:             map[string][]enforcement.RosterEntry{"EMB": {{ID: 7, Key: "44030320230001"}}},
		VisitsPerTeamPerDay: map[string]int{"EMB": 4},
		Recusals:            map[int64][]int64{1: {9}},
	}
	raw, err := encodeSnapshot(in)
	if err != nil {
		t.Fatal(err)
	}
	out, err := decodeSnapshot(raw)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(in, out) {
		t.Fatalf("round trip changed the input:\n in  %+v\n out %+v", in, out)
	}
}
