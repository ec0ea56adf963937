package enforcement

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"math"
	"slices"
	"strings"
)

// DrawAlgorithmVersion names the draw algorithm, stored with each plan so
// that a re-run uses the same rules:
//
//  1. The candidates are the enterprises that match the criteria and whose
//     industry is in the remit of at least one participating department.
//  2. The snapshot digest is SHA-256 over the lines "key|grade|subdistrict\n"
//     of the candidates sorted by key, where key is "registry:registry_id".
//  3. Each candidate's rank is the first 8 bytes (big-endian) of
//     HMAC-SHA256(seed, key); ties break by key. Row order and Go's map
//     order play no part.
//  4. Candidates are stratified by (risk grade, subdistrict). A stratum of n
//     draws ceil(n × ratio of its grade) of its lowest ranks: rounding up
//     means a grade with a non-zero ratio never leaves a stratum unvisited.
const DrawAlgorithmVersion = "hmac-sha256-rank-v1"

// Candidate is an enterprise eligible for an operation's draw.
type Candidate struct {
	EnterpriseID int64
	// Key is "registry:registry_id", e.g. "uscc:91440303MA5F...".
	Key         string
	Grade       RiskGrade
	Subdistrict string
	Industry    string
}

// PlanInput is everything a draw depends on.
type PlanInput struct {
	Criteria    Criteria
	Departments []string
	// Remits maps an industry code to the departments whose remit covers it.
	Remits     map[string][]string
	Candidates []Candidate
	// Seed is the secret of the draw, hex; stored with the plan.
	Seed string
	// Days are the working days the visits may fall on, in order.
	Days []Date
}

// PlannedVisit is one visit of a plan.
type PlannedVisit struct {
	EnterpriseID int64
	ScheduledOn  Date
	// Rank is the visit's position in the draw, 0 first.
	Rank        int
	Departments []string
}

// Plan is the result of a draw.
type Plan struct {
	Seed             string
	AlgorithmVersion string
	CandidateDigest  string
	CandidateCount   int
	Visits           []PlannedVisit
	TaskCount        int
	// VisitsSaved is how many separate visits merging saved against one
	// visit per department ("进一次门、查多项事").
	VisitsSaved int
}

// Draw selects the targets and schedules one visit per target, joined by
// every participating department whose remit covers its industry. Visits
// are spread evenly over in.Days in draw order. It returns EINVALID when the
// seed is empty or there are targets but no days.
func Draw(in PlanInput) (*Plan, error) {
	if in.Seed == "" {
		return nil, Errorf(EINVALID, "A draw needs a seed.")
	}
	key, err := hex.DecodeString(in.Seed)
	if err != nil {
		return nil, Errorf(EINVALID, "The seed must be hex.")
	}
	type ranked struct {
		c     Candidate
		rank  uint64
		depts []string
	}
	var eligible []ranked
	for _, c := range in.Candidates {
		var depts []string
		for _, d := range in.Remits[c.Industry] {
			if slices.Contains(in.Departments, d) {
				depts = append(depts, d)
			}
		}
		if len(depts) == 0 {
			continue
		}
		slices.Sort(depts)
		eligible = append(eligible, ranked{c: c, depts: slices.Compact(depts)})
	}
	slices.SortFunc(eligible, func(a, b ranked) int { return strings.Compare(a.c.Key, b.c.Key) })

	digest := sha256.New()
	mac := hmac.New(sha256.New, key)
	for i := range eligible {
		c := &eligible[i].c
		digest.Write([]byte(c.Key + "|" + string(rune('0'+c.Grade)) + "|" + c.Subdistrict + "\n"))
		mac.Reset()
		mac.Write([]byte(c.Key))
		eligible[i].rank = binary.BigEndian.Uint64(mac.Sum(nil)[:8])
	}
	plan := &Plan{
		Seed:             in.Seed,
		AlgorithmVersion: DrawAlgorithmVersion,
		CandidateDigest:  hex.EncodeToString(digest.Sum(nil)),
		CandidateCount:   len(eligible),
	}

	byRank := func(a, b ranked) int {
		if a.rank != b.rank {
			if a.rank < b.rank {
				return -1
			}
			return 1
		}
		return strings.Compare(a.c.Key, b.c.Key)
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
		k := int(math.Ceil(float64(len(members)) * in.Criteria.Ratio(s.grade)))
		slices.SortFunc(members, byRank)
		selected = append(selected, members[:min(k, len(members))]...)
	}
	slices.SortFunc(selected, byRank)
	if len(selected) > 0 && len(in.Days) == 0 {
		return nil, Errorf(EINVALID, "The window has no working day to schedule %d visits on.", len(selected))
	}
	plan.Visits = make([]PlannedVisit, len(selected))
	for i, e := range selected {
		plan.Visits[i] = PlannedVisit{
			EnterpriseID: e.c.EnterpriseID,
			ScheduledOn:  in.Days[i*len(in.Days)/len(selected)],
			Rank:         i,
			Departments:  e.depts,
		}
		plan.TaskCount += len(e.depts)
	}
	plan.VisitsSaved = plan.TaskCount - len(plan.Visits)
	return plan, nil
}
