package enforcement

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"strings"
)

// schedule puts the selected visits, in rank order, on the working days of
// the window and draws each task's team (the second random of 双随机).
// No department goes over its teams' visits on a day, counting what other
// planned operations already booked, and the load is spread evenly: the
// i-th of n visits aims at day i×days/n and moves to the next day with
// room for every department on it. Each task's team is picked by a PCG
// generator seeded with HMAC-SHA256(seed, "inspectors|" + key + "|" +
// department); see teamTable. It returns EINVALID, leaving nothing
// planned, when the window is too short or the departments too small; the
// message says what is missing per department.
func schedule(selected []ranked, key []byte, in PlanInput) ([]PlannedVisit, map[string][]int, error) {
	if len(selected) == 0 {
		return nil, nil, nil
	}
	if len(in.Days) == 0 {
		return nil, nil, Errorf(EINVALID, "The window has no working day left for the %d visits: a visit falls on a working day after the acceptance due date of the tasks, and this window has none (is it all weekends and holidays?).", len(selected)).
			ZH("行动时段内没有可安排这 %d 次联合检查的工作日：检查须安排在任务接收期限之后的工作日，而该时段内没有这样的日子（是否全是周末和节假日？）。", len(selected))
	}
	need := map[string]int{}
	for _, s := range selected {
		for _, d := range s.depts {
			need[d]++
		}
	}
	depts := slices.Sorted(maps.Keys(need))
	tt := buildTeams(in, key, depts)
	if err := checkCapacity(in, tt, need); err != nil {
		return nil, nil, err
	}
	mac := hmac.New(sha256.New, key)
	var sum [sha256.Size]byte
	days := in.Days
	visits := make([]PlannedVisit, len(selected))
	for i, s := range selected {
		target := i * len(days) / len(selected)
		placed := -1
		for off := 0; off < len(days) && placed < 0; off++ {
			day := (target + off) % len(days)
			if !slices.ContainsFunc(s.depts, func(d string) bool { return tt.left[d][day] == 0 }) {
				placed = day
			}
		}
		if placed < 0 {
			return nil, nil, Errorf(EINVALID, "No working day has room for a joint visit of %s by %s together: the departments' free days do not meet. Widen the window or add inspectors.",
				s.c.Key, strings.Join(s.depts, ", ")).
				ZH("没有哪个工作日能让 %s 共同对 %s 开展联合检查：各部门的空闲日期凑不到一起。请放宽行动时段或增加执法人员。",
					strings.Join(s.depts, "、"), s.c.Key)
		}
		tasks := make([]PlannedTask, len(s.depts))
		for j, d := range s.depts {
			mac.Reset()
			mac.Write([]byte("inspectors|" + s.c.Key + "|" + d))
			h := mac.Sum(sum[:0])
			rng := rand.New(rand.NewPCG(binary.BigEndian.Uint64(h[:8]), binary.BigEndian.Uint64(h[8:16])))
			tasks[j] = PlannedTask{Department: d, InspectorIDs: tt.assign(d, placed, s.c, in.Recusals[s.c.EnterpriseID], rng)}
		}
		visits[i] = PlannedVisit{EnterpriseID: s.c.EnterpriseID, ScheduledOn: days[placed], Rank: i, Tasks: tasks}
	}
	return visits, tt.initial, nil
}

// checkCapacity returns EINVALID naming every department whose visits do
// not fit its teams' free visits over the window, with what is missing.
func checkCapacity(in PlanInput, tt *teamTable, need map[string]int) error {
	var short, shortZH []string
	for _, d := range slices.Sorted(maps.Keys(need)) {
		teams := len(in.Rosters[d]) / MinInspectorsPerTask
		per := perTeam(in, d)
		if teams == 0 {
			short = append(short, fmt.Sprintf("%s has %d active inspector(s), fewer than the %d a team needs (行政处罚法 art. 42)", d, len(in.Rosters[d]), MinInspectorsPerTask))
			shortZH = append(shortZH, fmt.Sprintf("%s 在岗执法人员 %d 名，少于每组所需的 %d 名（《行政处罚法》第四十二条）", d, len(in.Rosters[d]), MinInspectorsPerTask))
			continue
		}
		have, full := 0, teams*per*len(in.Days)
		for i := range in.Days {
			have += tt.left[d][i]
		}
		if need[d] <= have {
			continue
		}
		missing := need[d] - have
		booked, bookedZH := "", ""
		if full > have {
			booked = fmt.Sprintf(", of which other operations already booked %d", full-have)
			bookedZH = fmt.Sprintf("，其中 %d 次已被其他行动占用", full-have)
		}
		short = append(short, fmt.Sprintf("%s needs %d visits but has %d free (%d teams × %d visits a day × %d working days%s): %d short — about %d more working days, or %d more inspectors",
			d, need[d], have, teams, per, len(in.Days), booked, missing, ceilDiv(missing, teams*per), MinInspectorsPerTask*ceilDiv(missing, per*len(in.Days))))
		shortZH = append(shortZH, fmt.Sprintf("%s 需要完成 %d 次检查，但只有 %d 次空闲（%d 个检查组 × 每天 %d 次 × %d 个工作日%s）：缺 %d 次，约需再增加 %d 个工作日或 %d 名执法人员",
			d, need[d], have, teams, per, len(in.Days), bookedZH, missing, ceilDiv(missing, teams*per), MinInspectorsPerTask*ceilDiv(missing, per*len(in.Days))))
	}
	if len(short) > 0 {
		return Errorf(EINVALID, "The departments cannot make the visits in this window. %s.", strings.Join(short, "; ")).
			ZH("各部门无法在该时段内完成这些检查。%s。", strings.Join(shortZH, "；"))
	}
	return nil
}

func ceilDiv(a, b int) int { return (a + b - 1) / b }
