package postgres_test

import (
	"testing"
	"time"

	"github.com/jointops/jointops/enforcement"
)

func TestFindAuditEventsFilters(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.plannedOperation(t) // Monday 2026-03-02: operation.* by coord
	if _, err := b.clock.Advance(24 * time.Hour); err != nil {
		t.Fatal(err)
	}
	tasks, _ := b.db.FindTasks(b.as("emb-lead"), enforcement.TaskFilter{})
	if _, err := b.db.AcceptTask(b.as("emb-lead"), tasks[0].ID, b.rosterIDs("emb-i1", "emb-i2")); err != nil {
		t.Fatal(err)
	}
	find := func(f enforcement.AuditFilter) []*enforcement.AuditEvent {
		t.Helper()
		events, err := b.db.FindAuditEvents(b.as("coord"), f)
		if err != nil {
			t.Fatal(err)
		}
		return events
	}
	tue := enforcement.MustParseDate("2026-03-03")
	if got := find(enforcement.AuditFilter{From: tue}); len(got) != 1 || got[0].Action != "task.accepted" {
		t.Fatalf("from Tuesday: %+v", got)
	}
	if got := find(enforcement.AuditFilter{To: tue.AddDays(-1)}); len(got) == 0 || got[0].Action == "task.accepted" {
		t.Fatalf("to Monday: %+v", got)
	}
	if got := find(enforcement.AuditFilter{Actor: "EMB-LE"}); len(got) != 1 || got[0].ActorName != "emb-lead" {
		t.Fatalf("actor emb-le: %+v", got)
	}
	for _, e := range find(enforcement.AuditFilter{Action: "operation."}) {
		if e.SubjectKind != enforcement.SubjectOperation {
			t.Fatalf("action operation.: %+v", e)
		}
	}
	if got := find(enforcement.AuditFilter{Action: "task.accept"}); len(got) != 0 {
		t.Fatalf("an action without a dot matches exactly: %+v", got)
	}
}
