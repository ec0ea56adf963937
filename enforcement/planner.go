package enforcement

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"math"
	"slices"
	"strconv"
	"strings"
)

// DrawAlgorithmVersion names the draw algorithm, stored with each plan so
// that a re-run uses the same rules (双随机、一公开, 国发〔2019〕5号):
//
//  1. Candidates are the enterprises that match the criteria. One is
//     eligible when its industry is in the remit of at least one
//     participating department and it has had fewer inspections this
//     calendar year than its grade's maximum (FrequencyRule).
//  2. The snapshot digest is SHA-256 over the lines
//     "key|grade|subdistrict|industry|inspections\n" of the eligible
//     candidates sorted by key, where key is "registry:registry_id".
//  3. Each eligible candidate's rank is the first 8 bytes (big-endian) of
//     HMAC-SHA256(seed, key); ties break by key. Row order and Go's map
//     order play no part.
//  4. Candidates are stratified by (risk grade, subdistrict). A stratum of n
//     draws ceil(n × ratio of its grade) of its lowest ranks: rounding up
//     means a grade with a non-zero ratio never leaves a stratum unvisited.
//  5. Each department's roster is paired into teams of two for each day
//     of the window (teamTable), and visits are scheduled in rank order
//     within the teams' free visits (schedule).
//  6. Each task gets a team drawn by a PCG generator seeded with
//     HMAC-SHA256(seed, "inspectors|" + key + "|" + department).
const DrawAlgorithmVersion = "hmac-sha256-teams-v3"

// Candidate is an enterprise that matches an operation's criteria.
type Candidate struct {
	EnterpriseID int64
	// Key is "registry:registry_id", e.g. "uscc:91440303MA5F...".
	Key         string
	Grade       RiskGrade
	Subdistrict string
	Industry    string
	// InspectionsThisYear counts the enterprise's visits in the calendar
	// year of the window's start planned by other operations.
	InspectionsThisYear int
	// LastInspectors are the roster ids of the inspectors of its last visit:
	// they are avoided where the roster allows.
	LastInspectors []int64
}

// RosterEntry is an active inspector the draw may pick.
type RosterEntry struct {
	ID int64
	// Key is the certificate number: it, not the id, enters the draw.
	Key string
}

// PlanInput is everything a draw depends on. Stored with the plan, it lets
// anyone re-run the draw (VerifyDraw).
type PlanInput struct {
	Criteria    Criteria
	Departments []string
	// Remits maps an industry code to the departments whose remit covers it.
	Remits     map[string][]string
	Candidates []Candidate
	// Seed is the secret of the draw, hex.
	Seed string
	// Days are the working days the visits may fall on, in order.
	Days []Date
	// Frequency holds each grade's yearly minimum and maximum; a grade
	// without a rule has neither.
	Frequency map[RiskGrade]FrequencyRule
	// Rosters are the active inspectors of each participating department.
	// A department's daily capacity is len(roster)/2 teams × its
	// VisitsPerTeamPerDay.
	Rosters map[string][]RosterEntry
	// VisitsPerTeamPerDay per department; missing means
	// DefaultVisitsPerTeamPerDay.
	VisitsPerTeamPerDay map[string]int
	// Recusals maps an enterprise to the roster ids never drawn for it.
	Recusals map[int64][]int64
	// BookedInspectors are the inspectors' visits in other planned
	// operations on the window's days: they count against each inspector's
	// daily limit, and so against the departments' capacity.
	BookedInspectors []InspectorBooking
}

// PlannedTask is one department's share of a planned visit, with the
// inspectors drawn for it (at least MinInspectorsPerTask when the roster
// allows).
type PlannedTask struct {
	Department   string
	InspectorIDs []int64
}

// PlannedVisit is one visit of a plan.
type PlannedVisit struct {
	EnterpriseID int64
	ScheduledOn  Date
	// Rank is the visit's position in the draw, 0 first.
	Rank  int
	Tasks []PlannedTask
}

// Plan is the result of a draw.
type Plan struct {
	Seed             string
	AlgorithmVersion string
	CandidateDigest  string
	Visits           []PlannedVisit
	Summary          PlanSummary
}

// Draw selects the targets, schedules one visit per target on a working day
// within every department's daily capacity, joined by every participating
// department whose remit covers its industry, and draws each task's team
// of inspectors. It returns EINVALID when the seed is not hex, when a
// sampling ratio names a grade not drawn, when nothing is selected, or when the window
// is too short or the departments too small for the targets — the message
// then says how many working days or how much capacity is missing.
func Draw(in PlanInput) (*Plan, error) {
	key, err := hex.DecodeString(in.Seed)
	if err != nil || len(key) == 0 {
		return nil, Errorf(EINVALID, "A draw needs a hex seed.").ZH("抽取需要十六进制的随机种子。")
	}
	if err := checkRatios(in.Criteria); err != nil {
		return nil, err
	}
	eligible, atCap := eligibleCandidates(in)
	plan := &Plan{Seed: in.Seed, AlgorithmVersion: DrawAlgorithmVersion, CandidateDigest: candidateDigest(eligible)}
	selected := stratifiedSample(eligible, key, in.Criteria)
	if len(selected) == 0 {
		capped := 0
		for _, n := range atCap {
			capped += n
		}
		return nil, Errorf(EINVALID, "The criteria select no enterprise: %d match; %d are at their yearly maximum of inspections; %d are eligible, and the sampling ratios draw none of them.", len(in.Candidates), capped, len(eligible)).
			ZH("按所选条件抽不到企业：符合条件的 %d 家中，%d 家本年度检查次数已达上限；可抽查的 %d 家按抽查比例一家也未抽中。", len(in.Candidates), capped, len(eligible))
	}
	visits, capacity, err := schedule(selected, key, in)
	if err != nil {
		return nil, err
	}
	plan.Visits = visits
	plan.Summary = summarize(in, eligible, atCap, plan.Visits, capacity)
	return plan, nil
}

// ranked is an eligible candidate with its rank and departments.
type ranked struct {
	c     *Candidate
	rank  uint64
	depts []string
}

// eligibleCandidates keeps the candidates some participating department
// covers and that are below their grade's yearly maximum, sorted by key; it
// also counts, per grade, those left out at the maximum.
func eligibleCandidates(in PlanInput) ([]ranked, map[RiskGrade]int) {
	atCap := map[RiskGrade]int{}
	var out []ranked
	for i := range in.Candidates {
		c := &in.Candidates[i]
		var depts []string
		for _, d := range in.Remits[c.Industry] {
			if slices.Contains(in.Departments, d) && !slices.Contains(depts, d) {
				depts = append(depts, d)
			}
		}
		if len(depts) == 0 {
			continue
		}
		if rule, ok := in.Frequency[c.Grade]; ok && c.InspectionsThisYear >= rule.MaxPerYear {
			atCap[c.Grade]++
			continue
		}
		slices.Sort(depts)
		out = append(out, ranked{c: c, depts: depts})
	}
	slices.SortFunc(out, func(a, b ranked) int { return strings.Compare(a.c.Key, b.c.Key) })
	return out, atCap
}

// candidateDigest is SHA-256 over the eligible candidates in key order.
func candidateDigest(eligible []ranked) string {
	h := sha256.New()
	var line []byte
	for _, e := range eligible {
		c := e.c
		line = append(line[:0], c.Key...)
		line = append(line, '|')
		line = strconv.AppendInt(line, int64(c.Grade), 10)
		line = append(line, '|')
		line = append(line, c.Subdistrict...)
		line = append(line, '|')
		line = append(line, c.Industry...)
		line = append(line, '|')
		line = strconv.AppendInt(line, int64(c.InspectionsThisYear), 10)
		line = append(line, '\n')
		h.Write(line)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// stratifiedSample ranks the eligible candidates and draws each stratum's
// share, returning the selection in rank order.
func stratifiedSample(eligible []ranked, key []byte, criteria Criteria) []ranked {
	mac := hmac.New(sha256.New, key)
	var sum [sha256.Size]byte
	for i := range eligible {
		mac.Reset()
		mac.Write([]byte(eligible[i].c.Key))
		eligible[i].rank = binary.BigEndian.Uint64(mac.Sum(sum[:0])[:8])
	}
	type stratum struct {
		grade       RiskGrade
		subdistrict string
	}
	strata := map[stratum][]ranked{}
	for _, e := range eligible {
		s := stratum{e.c.Grade, e.c.Subdistrict}
		strata[s] = append(strata[s], e)
	}
	var selected []ranked
	for s, members := range strata {
		k := int(math.Ceil(float64(len(members)) * criteria.Ratio(s.grade)))
		slices.SortFunc(members, byRank)
		selected = append(selected, members[:min(k, len(members))]...)
	}
	slices.SortFunc(selected, byRank)
	return selected
}

func byRank(a, b ranked) int {
	if a.rank != b.rank {
		if a.rank < b.rank {
			return -1
		}
		return 1
	}
	return strings.Compare(a.c.Key, b.c.Key)
}

// checkRatios refuses a sampling ratio for a grade that is not drawn:
// {"3": 0.5} with risk_grades [1] is a typo, not a wish. A drawn grade with
// no ratio is drawn in full (Criteria.Ratio), as documented.
func checkRatios(c Criteria) error {
	if len(c.RiskGrades) == 0 {
		return nil
	}
	for g := range c.SamplingRatio {
		if !slices.Contains(c.RiskGrades, g) {
			return FieldError("criteria.sampling_ratio", "Risk grade %d has a sampling ratio but is not among the grades drawn %v.", g, c.RiskGrades).
				ZH("风险等级 %d 设置了抽查比例，但不在所选的风险等级 %v 之中。", g, c.RiskGrades)
		}
	}
	return nil
}
