package postgres_test

import (
	"testing"

	"github.com/jointops/jointops/enforcement"
)

func TestOperationProgressAndVisitDays(t *testing.T) {
	t.Parallel()
	b := setup(t)
	op := b.plannedOperation(t)
	coord := b.as("coord")
	tasks, err := b.db.FindTasks(coord, enforcement.TaskFilter{OperationID: &op.ID})
	if err != nil {
		t.Fatal(err)
	}
	// EMB covers all three enterprises, MSA the two restaurants.
	var emb, msa []*enforcement.Task
	for _, task := range tasks {
		if task.Department == "EMB" {
			emb = append(emb, task)
		} else {
			msa = append(msa, task)
		}
	}
	if len(emb) != 3 || len(msa) != 2 {
		t.Fatalf("EMB has %d tasks, MSA %d; want 3 and 2", len(emb), len(msa))
	}
	if _, err := b.db.AcceptTask(b.as("emb-lead"), emb[0].ID, b.rosterIDs("emb-i1", "emb-i2")); err != nil {
		t.Fatal(err)
	}
	if _, err := b.db.DeclineTask(b.as("msa-lead"), msa[0].ID, "人手不足"); err != nil {
		t.Fatal(err)
	}

	progress, err := b.db.FindOperationProgress(coord, []int64{op.ID, op.ID + 1000})
	if err != nil {
		t.Fatal(err)
	}
	want := []enforcement.DepartmentProgress{{Department: "EMB", Accepted: 1, Pending: 2}, {Department: "MSA", Pending: 1, Declined: 1}}
	if got := progress[op.ID]; len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
		t.Errorf("progress = %+v, want %+v", got, want)
	}
	if _, ok := progress[op.ID+1000]; ok || len(progress) != 1 {
		t.Errorf("progress = %+v, want the one operation only", progress)
	}

	// One visit listed per day; every visit counted.
	days, err := b.db.FindVisitDays(coord, op.ID, enforcement.VisitDayFilter{PerDay: 1})
	if err != nil {
		t.Fatal(err)
	}
	total := 0
	for i, d := range days {
		total += d.Count
		if len(d.Visits) != 1 || d.More() != d.Count-1 || (i > 0 && !days[i-1].Date.Before(d.Date)) {
			t.Errorf("day %+v: want one visit listed, days in order", d)
		}
		if d.Date.Weekday() == 0 || d.Date.Weekday() == 6 || d.Date.Before(op.WindowStart) || d.Date.After(op.WindowEnd) {
			t.Errorf("visits on %s, off the window's working days", d.Date)
		}
	}
	if total != 3 {
		t.Errorf("days count %d visits, want 3", total)
	}
	on := emb[0].ScheduledOn
	one, err := b.db.FindVisitDays(coord, op.ID, enforcement.VisitDayFilter{On: &on, PerDay: 1000})
	if err != nil || len(one) != 1 || one[0].Date != on || len(one[0].Visits) != one[0].Count {
		t.Fatalf("day %s = %+v, %v", on, one, err)
	}
	found := false
	for _, v := range one[0].Visits {
		if v.VisitID == emb[0].VisitID {
			found = true
			if len(v.Tasks) == 0 || v.Tasks[0].Department != "EMB" || v.Tasks[0].Status != enforcement.TaskAccepted {
				t.Errorf("visit %d tasks = %+v, want EMB's accepted first", v.VisitID, v.Tasks)
			}
		}
	}
	if !found {
		t.Errorf("day %s lacks visit %d: %+v", on, emb[0].VisitID, one)
	}

	_, err = b.db.FindOperationProgress(b.as("emb-lead"), []int64{op.ID})
	wantCode(t, err, enforcement.EFORBIDDEN)
	_, err = b.db.FindVisitDays(b.as("emb-lead"), op.ID, enforcement.VisitDayFilter{})
	wantCode(t, err, enforcement.EFORBIDDEN)
	_, err = b.db.FindVisitDays(coord, op.ID+1000, enforcement.VisitDayFilter{})
	wantCode(t, err, enforcement.ENOTFOUND)
}
