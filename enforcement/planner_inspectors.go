package enforcement

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"math/rand/v2"
	"slices"
)

// drawInspectors draws each task's inspectors from its department's active
// roster (the second random of 双随机). For each task a PCG generator seeded
// with HMAC-SHA256(seed, "inspectors|" + enterprise key + "|" + department)
// picks positions in the roster (in certificate-number order): eight random
// picks that pass over the inspectors of the enterprise's last visit, then
// a scan from a random position, first passing over them and then not. An
// inspector is taken unless recused from the enterprise or already at the
// day's limit, until MinInspectorsPerTask are taken. A task may get fewer
// when recusals leave too few: its lead then picks at acceptance.
func drawInspectors(visits []PlannedVisit, selected []ranked, key []byte, in PlanInput) {
	rosters := map[string][]RosterEntry{}
	for d, r := range in.Rosters {
		sorted := slices.Clone(r)
		slices.SortFunc(sorted, func(a, b RosterEntry) int {
			if a.Key < b.Key {
				return -1
			} else if a.Key > b.Key {
				return 1
			}
			return 0
		})
		rosters[d] = sorted
	}
	type dayInspector struct {
		day Date
		id  int64
	}
	load := map[dayInspector]int{}
	mac := hmac.New(sha256.New, key)
	var sum [sha256.Size]byte
	for i := range visits {
		v := &visits[i]
		c := selected[i].c
		recused := in.Recusals[c.EnterpriseID]
		for j := range v.Tasks {
			t := &v.Tasks[j]
			roster := rosters[t.Department]
			_, perTeam, _ := dailyCapacity(in, t.Department)
			mac.Reset()
			mac.Write([]byte("inspectors|" + c.Key + "|" + t.Department))
			h := mac.Sum(sum[:0])
			rng := rand.New(rand.NewPCG(binary.BigEndian.Uint64(h[:8]), binary.BigEndian.Uint64(h[8:16])))
			pick := func(k int, pass int) {
				id := roster[k].ID
				switch {
				case slices.Contains(t.InspectorIDs, id), slices.Contains(recused, id),
					load[dayInspector{v.ScheduledOn, id}] >= perTeam,
					pass == 0 && slices.Contains(c.LastInspectors, id):
					return
				}
				t.InspectorIDs = append(t.InspectorIDs, id)
				load[dayInspector{v.ScheduledOn, id}]++
			}
			// Random picks first: a constant cost per task however long the
			// roster. A roster mostly busy or recused falls back to a scan
			// in the generator's order from a random start.
			for tries := 0; tries < 4*MinInspectorsPerTask && len(t.InspectorIDs) < MinInspectorsPerTask && len(roster) > 0; tries++ {
				pick(rng.IntN(len(roster)), 0)
			}
			if len(roster) > 0 {
				start := rng.IntN(len(roster))
				for pass := 0; pass < 2 && len(t.InspectorIDs) < MinInspectorsPerTask; pass++ {
					for off := 0; off < len(roster) && len(t.InspectorIDs) < MinInspectorsPerTask; off++ {
						pick((start+off)%len(roster), pass)
					}
				}
			}
		}
	}
}
