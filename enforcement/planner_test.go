package enforcement_test

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/jointops/jointops/enforcement"
)

// drawInput builds n candidates over three grades and two subdistricts,
// metal works (EMB) and restaurants (EMB and MSA), and a week of days.
func drawInput(n int) enforcement.PlanInput {
	in := enforcement.PlanInput{
		Criteria:    enforcement.Criteria{SamplingRatio: map[enforcement.RiskGrade]float64{1: 1, 2: 0.3, 3: 0.05}},
		Departments: []string{"EMB", "MSA"},
		Remits:      map[string][]string{"3311": {"EMB"}, "6210": {"MSA", "EMB"}, "9999": {"HCB"}},
		Seed:        "00112233445566778899aabbccddeeff",
		Days:        enforcement.WorkingDaysIn(enforcement.WeekdayCalendar{}, enforcement.MustParseDate("2026-03-09"), enforcement.MustParseDate("2026-03-13")),
		Rosters:     map[string][]enforcement.RosterEntry{"EMB": roster(100, 40), "MSA": roster(200, 40)},
	}
	industries := []string{"3311", "6210", "9999"}
	for i := range n {
		in.Candidates = append(in.Candidates, enforcement.Candidate{
			EnterpriseID: int64(i + 1),
			Key:          fmt.Sprintf("uscc:%018d", i),
			Grade:        enforcement.RiskGrade(i/7%3 + 1),
			Subdistrict:  []string{"440303001", "440303002"}[i%2],
			Industry:     industries[i%len(industries)],
		})
	}
	return in
}

// roster returns n inspectors with ids from first.
func roster(first int64, n int) []enforcement.RosterEntry {
	var r []enforcement.RosterEntry
	for i := range int64(n) {
		r = append(r, enforcement.RosterEntry{ID: first + i, Key: fmt.Sprintf("4403032026%04d", first+i)})
	}
	return r
}

func visitIDs(p *enforcement.Plan) []int64 {
	var ids []int64
	for _, v := range p.Visits {
		ids = append(ids, v.EnterpriseID)
	}
	return ids
}

func TestDrawIsReproducibleAndIgnoresRowOrder(t *testing.T) {
	t.Parallel()
	in := drawInput(600)
	a, err := enforcement.Draw(in)
	if err != nil {
		t.Fatal(err)
	}
	shuffled := drawInput(600)
	rand.New(rand.NewPCG(1, 2)).Shuffle(len(shuffled.Candidates), func(i, j int) {
		shuffled.Candidates[i], shuffled.Candidates[j] = shuffled.Candidates[j], shuffled.Candidates[i]
	})
	b, err := enforcement.Draw(shuffled)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(visitIDs(a), visitIDs(b)) || a.CandidateDigest != b.CandidateDigest {
		t.Fatal("the same seed and candidates in another order drew differently")
	}
	other := drawInput(600)
	other.Seed = "ffeeddccbbaa99887766554433221100"
	c, _ := enforcement.Draw(other)
	if slices.Equal(visitIDs(a), visitIDs(c)) {
		t.Fatal("another seed drew the same targets")
	}
}

func TestDrawSamplesEachStratumAndMergesDepartments(t *testing.T) {
	t.Parallel()
	p, err := enforcement.Draw(drawInput(600))
	if err != nil {
		t.Fatal(err)
	}
	// 600 candidates, a third in industry 9999, which no participating
	// department covers: 400 are eligible.
	if p.Summary.Eligible != 400 || p.Summary.Candidates != 600 {
		t.Fatalf("eligible = %d of %d, want 400 of 600", p.Summary.Eligible, p.Summary.Candidates)
	}
	perGrade := map[enforcement.RiskGrade]int{}
	in := drawInput(600)
	for _, v := range p.Visits {
		perGrade[in.Candidates[v.EnterpriseID-1].Grade]++
		if len(v.Tasks) == 0 || v.ScheduledOn.Weekday() == 0 || v.ScheduledOn.Weekday() == 6 {
			t.Fatalf("visit %+v", v)
		}
	}
	// Grade 1 ratio 1: every eligible grade-1 candidate is visited.
	eligible := map[enforcement.RiskGrade]int{}
	for _, c := range in.Candidates {
		if c.Industry != "9999" {
			eligible[c.Grade]++
		}
	}
	if perGrade[1] != eligible[1] {
		t.Fatalf("grade 1: %d of %d visited", perGrade[1], eligible[1])
	}
	if perGrade[3] == 0 || perGrade[3] > eligible[3]/10 {
		t.Fatalf("grade 3 at 5%%: %d of %d", perGrade[3], eligible[3])
	}
	if p.Summary.VisitsSaved != p.Summary.Tasks-len(p.Visits) || p.Summary.VisitsSaved == 0 {
		t.Fatalf("saved %d, tasks %d, visits %d", p.Summary.VisitsSaved, p.Summary.Tasks, len(p.Visits))
	}
}

func TestDrawNeedsDays(t *testing.T) {
	t.Parallel()
	in := drawInput(10)
	in.Days = nil
	if _, err := enforcement.Draw(in); enforcement.ErrorCode(err) != enforcement.EINVALID {
		t.Fatalf("err = %v", err)
	}
}

func TestDueRuleResolve(t *testing.T) {
	t.Parallel()
	cal := enforcement.WeekdayCalendar{}
	friday := enforcement.MustParseDate("2026-03-06")
	five, zero := 5, 0
	past := enforcement.MustParseDate("2026-03-01")
	for _, tt := range []struct {
		name     string
		rule     enforcement.DueRule
		want     string
		wantRule string
		code     string
	}{
		{"working days skip the weekend", enforcement.DueRule{WorkingDays: &five}, "2026-03-13", "working_days:5", ""},
		{"a date", enforcement.DueRule{Date: &friday}, "2026-03-06", "date", ""},
		{"zero days", enforcement.DueRule{WorkingDays: &zero}, "", "", enforcement.EINVALID},
		{"before issue", enforcement.DueRule{Date: &past}, "", "", enforcement.EINVALID},
		{"both", enforcement.DueRule{Date: &friday, WorkingDays: &five}, "", "", enforcement.EINVALID},
		{"neither", enforcement.DueRule{}, "", "", enforcement.EINVALID},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, rule, err := tt.rule.Resolve(cal, friday)
			if enforcement.ErrorCode(err) != tt.code {
				t.Fatalf("err = %v, want code %q", err, tt.code)
			}
			if tt.code == "" && (got.String() != tt.want || rule != tt.wantRule) {
				t.Fatalf("got %s %s, want %s %s", got, rule, tt.want, tt.wantRule)
			}
		})
	}
}

func TestEscalationScheduleMajorIsStricter(t *testing.T) {
	t.Parallel()
	cal := enforcement.WeekdayCalendar{}
	loc := mustLoad(t, "Asia/Shanghai")
	due := enforcement.MustParseDate("2026-03-13") // a Friday
	issued := enforcement.MustParseDate("2026-03-02").In(loc)
	general, _ := enforcement.DefaultEscalationPolicy(enforcement.SeverityGeneral).Schedule(cal, due, loc, issued)
	major, _ := enforcement.DefaultEscalationPolicy(enforcement.SeverityMajor).Schedule(cal, due, loc, issued)
	want := map[string][]string{
		"general": {"2026-03-10 09:00", "2026-03-14 00:00", "2026-03-18 00:00", "2026-03-21 00:00"},
		"major":   {"2026-03-10 09:00", "2026-03-14 00:00", "2026-03-17 00:00", "2026-03-19 00:00"},
	}
	for name, steps := range map[string][]enforcement.ScheduledEscalation{"general": general, "major": major} {
		for i, s := range steps {
			if got := s.FireAt.In(loc).Format("2006-01-02 15:04"); got != want[name][i] {
				t.Errorf("%s level %d fires %s, want %s", name, s.Level, got, want[name][i])
			}
		}
	}
}
