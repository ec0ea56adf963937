package enforcement

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"math/rand/v2"
	"slices"
	"strings"
)

// InspectorBooking is an inspector's visits on a day in other planned
// operations: they count against the inspector's daily limit.
type InspectorBooking struct {
	InspectorID int64 `json:"inspector_id"`
	Day         Date  `json:"day"`
	Visits      int   `json:"visits"`
}

// team is two inspectors who visit together on one day, with the visits
// they have left that day.
type team struct {
	a, b RosterEntry
	left int
}

// has reports whether the team includes inspector id.
func (t *team) has(id int64) bool { return t.a.ID == id || t.b.ID == id }

// teamTable holds the teams of each department on each day of the window.
// A department's roster is paired anew each day, in the order of a PCG
// generator seeded with HMAC-SHA256(seed, "teams|" + department + "|" +
// day); an inspector already at the day's limit in other operations sits
// the day out, and a team's visits are the limit less the busier member's
// bookings. A department's capacity on a day is its teams' visits left.
type teamTable struct {
	teams map[string][][]team // department → day index → teams
	left  map[string][]int    // department → day index → visits left
	// initial is each department's capacity on each day before this plan.
	initial map[string][]int
}

// perTeam returns a department's visits a team a day.
func perTeam(in PlanInput, dept string) int {
	if n := in.VisitsPerTeamPerDay[dept]; n > 0 {
		return n
	}
	return DefaultVisitsPerTeamPerDay
}

// buildTeams pairs each participating department's roster on each day.
func buildTeams(in PlanInput, key []byte, depts []string) *teamTable {
	booked := map[int64]map[Date]int{}
	for _, b := range in.BookedInspectors {
		if booked[b.InspectorID] == nil {
			booked[b.InspectorID] = map[Date]int{}
		}
		booked[b.InspectorID][b.Day] += b.Visits
	}
	mac := hmac.New(sha256.New, key)
	var sum [sha256.Size]byte
	tt := &teamTable{teams: map[string][][]team{}, left: map[string][]int{}, initial: map[string][]int{}}
	for _, d := range depts {
		roster := slices.Clone(in.Rosters[d])
		slices.SortFunc(roster, func(x, y RosterEntry) int { return strings.Compare(x.Key, y.Key) })
		limit := perTeam(in, d)
		days := make([][]team, len(in.Days))
		for i, day := range in.Days {
			var free []RosterEntry
			for _, r := range roster {
				if booked[r.ID][day] < limit {
					free = append(free, r)
				}
			}
			mac.Reset()
			mac.Write([]byte("teams|" + d + "|" + day.String()))
			h := mac.Sum(sum[:0])
			rng := rand.New(rand.NewPCG(binary.BigEndian.Uint64(h[:8]), binary.BigEndian.Uint64(h[8:16])))
			rng.Shuffle(len(free), func(x, y int) { free[x], free[y] = free[y], free[x] })
			for k := 0; k+1 < len(free); k += MinInspectorsPerTask {
				a, b := free[k], free[k+1]
				days[i] = append(days[i], team{a: a, b: b, left: limit - max(booked[a.ID][day], booked[b.ID][day])})
			}
		}
		tt.teams[d] = days
		tt.left[d] = make([]int, len(days))
		for i, ts := range days {
			for _, t := range ts {
				tt.left[d][i] += t.left
			}
		}
		tt.initial[d] = slices.Clone(tt.left[d])
	}
	return tt
}

// assign takes a visit of dept on day index i for c: a random team (by
// rng) with visits left and no member recused from c, preferring teams
// without the inspectors of c's last visit, and returns its two
// inspectors. When recusals rule out every team with visits left, the visit
// still takes a team's time but names no inspectors: the lead picks at
// acceptance. The caller checked that the day has visits left.
func (tt *teamTable) assign(dept string, i int, c *Candidate, recused []int64, rng *rand.Rand) []int64 {
	teams := tt.teams[dept][i]
	tt.left[dept][i]--
	ok := func(t *team, avoidLast bool) bool {
		if t.left == 0 || slices.ContainsFunc(recused, t.has) {
			return false
		}
		return !avoidLast || !slices.ContainsFunc(c.LastInspectors, t.has)
	}
	start := rng.IntN(len(teams))
	for _, avoidLast := range []bool{true, false} {
		for off := range len(teams) {
			t := &teams[(start+off)%len(teams)]
			if ok(t, avoidLast) {
				t.left--
				return []int64{t.a.ID, t.b.ID}
			}
		}
	}
	for k := range teams {
		if teams[k].left > 0 {
			teams[k].left--
			break
		}
	}
	return nil
}
