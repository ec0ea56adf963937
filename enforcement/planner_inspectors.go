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
// shuffles the roster (in certificate-number order); the first
// MinInspectorsPerTask who are not recused from the enterprise and not
// already at the day's limit are taken, passing over the inspectors of the
// enterprise's last visit while others remain. A task may get fewer when
// recusals leave too few: its lead then picks at acceptance.
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
			order := rng.Perm(len(roster))
			for pass := 0; pass < 2 && len(t.InspectorIDs) < MinInspectorsPerTask; pass++ {
				for _, k := range order {
					if len(t.InspectorIDs) == MinInspectorsPerTask {
						break
					}
					id := roster[k].ID
					switch {
					case slices.Contains(t.InspectorIDs, id), slices.Contains(recused, id),
						load[dayInspector{v.ScheduledOn, id}] >= perTeam,
						pass == 0 && slices.Contains(c.LastInspectors, id):
						continue
					}
					t.InspectorIDs = append(t.InspectorIDs, id)
					load[dayInspector{v.ScheduledOn, id}]++
				}
			}
		}
	}
}
