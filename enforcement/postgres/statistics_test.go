package postgres_test

import (
	"testing"
	"time"

	"github.com/jointops/jointops/enforcement"
)

// dashboardData plans on Monday 2026-03-02, has EMB accept its tasks on
// Wednesday (2 working days later), and issues three EMB orders: one due
// in 1 working day, which is overdue by Friday, one open, and one verified.
// MSA leaves its tasks pending. The clock ends on Friday 2026-03-06.
func (b *testBundle) dashboardData(t *testing.T) {
	t.Helper()
	b.plannedOperation(t)
	if _, err := b.clock.Advance(48 * time.Hour); err != nil {
		t.Fatal(err)
	}
	tasks, _ := b.db.FindTasks(b.as("emb-lead"), enforcement.TaskFilter{})
	for _, task := range tasks {
		if _, err := b.db.AcceptTask(b.as("emb-lead"), task.ID, b.rosterIDs("emb-i1", "emb-i2")); err != nil {
			t.Fatal(err)
		}
	}
	b.issueOrder(t, tasks[0].VisitID, 1)
	b.issueOrder(t, tasks[0].VisitID, 10)
	closed := b.issueOrder(t, tasks[0].VisitID, 10)
	if _, err := b.db.SubmitEvidence(b.as("emb-i1"), closed.ID, &enforcement.EvidenceCreate{Text: "已整改"}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.db.VerifyOrder(b.as("emb-i2"), closed.ID, &enforcement.VerificationCreate{Passed: ptr(true)}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.clock.Advance(48 * time.Hour); err != nil {
		t.Fatal(err)
	}
	if _, err := b.db.SweepEscalations(b.ctx, b.clock.Now()); err != nil {
		t.Fatal(err)
	}
}

func TestFindDashboard(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.dashboardData(t)

	d, err := b.db.FindDashboard(b.as("coord"), enforcement.DashboardFilter{Weeks: 2})
	if err != nil {
		t.Fatal(err)
	}
	if d.Department != "" || d.Today != enforcement.MustParseDate("2026-03-06") {
		t.Fatalf("scope %q, today %v", d.Department, d.Today)
	}
	orders := map[string]enforcement.DepartmentOrders{}
	for _, o := range d.Orders {
		orders[o.Department] = o
	}
	if len(d.Orders) != 3 || orders["EMB"] != (enforcement.DepartmentOrders{Department: "EMB", Open: 1, Overdue: 1}) || orders["MSA"].Open != 0 {
		t.Fatalf("orders = %+v", d.Orders)
	}
	if len(d.Closure) != 2 || d.Closure[0].WeekOf != enforcement.MustParseDate("2026-02-23") || d.Closure[0].Issued != 0 ||
		d.Closure[1] != (enforcement.WeeklyClosure{WeekOf: enforcement.MustParseDate("2026-03-02"), Issued: 3, Closed: 1, RatePercent: 33.3}) {
		t.Fatalf("closure = %+v", d.Closure)
	}
	if len(d.Hazards) != 1 || d.Hazards[0].Name == "" || d.Hazards[0].General != 3 || d.Hazards[0].Major != 0 {
		t.Fatalf("hazards = %+v", d.Hazards)
	}
	for _, a := range d.Acceptance {
		switch a.Department {
		case "EMB":
			if a.Accepted == 0 || a.AverageWorkingDays != 2 || a.MaxWorkingDays != 2 {
				t.Fatalf("EMB acceptance = %+v, want 2 working days", a)
			}
		default:
			if a.Accepted != 0 {
				t.Fatalf("%s acceptance = %+v, want none", a.Department, a)
			}
		}
	}
}

func TestFindDashboardLeadSeesOwnDepartment(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.dashboardData(t)

	// The MSA lead asks for EMB and still gets MSA's, where nothing is open.
	d, err := b.db.FindDashboard(b.as("msa-lead"), enforcement.DashboardFilter{Department: "EMB"})
	if err != nil {
		t.Fatal(err)
	}
	if d.Department != "MSA" || len(d.Orders) != 1 || d.Orders[0] != (enforcement.DepartmentOrders{Department: "MSA"}) ||
		len(d.Hazards) != 0 || len(d.Acceptance) != 1 || d.Acceptance[0].Accepted != 0 {
		t.Fatalf("MSA lead's dashboard = %+v", d)
	}
	if len(d.Closure) != enforcement.DefaultDashboardWeeks || d.Closure[len(d.Closure)-1].Issued != 0 {
		t.Fatalf("MSA closure = %+v", d.Closure)
	}

	_, err = b.db.FindDashboard(b.as("emb-i1"), enforcement.DashboardFilter{})
	wantCode(t, err, enforcement.EFORBIDDEN)
	_, err = b.db.FindDashboard(b.as("admin"), enforcement.DashboardFilter{})
	wantCode(t, err, enforcement.EFORBIDDEN)
	_, err = b.db.FindDashboard(b.as("coord"), enforcement.DashboardFilter{Weeks: 53})
	wantCode(t, err, enforcement.EINVALID)
}

func TestFindDepartmentSettings(t *testing.T) {
	t.Parallel()
	b := setup(t)
	if err := b.db.SetVisitsPerTeamPerDay(b.as("admin"), "MSA", 6); err != nil {
		t.Fatal(err)
	}
	ds, err := b.db.FindDepartmentSettings(b.as("admin"))
	if err != nil {
		t.Fatal(err)
	}
	if len(ds) != 3 || ds[0].Code != "EMB" || len(ds[0].Industries) != 2 || ds[0].ActiveInspectors != 2 ||
		ds[2].Code != "MSA" || ds[2].VisitsPerTeamPerDay != 6 || ds[2].Industries[0] != "6210" || len(ds[1].Industries) != 0 {
		t.Fatalf("settings = %+v %+v %+v", ds[0], ds[1], ds[2])
	}
	_, err = b.db.FindDepartmentSettings(b.as("emb-lead"))
	wantCode(t, err, enforcement.EFORBIDDEN)
}
