package web_test

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

// overdueOrder issues an EMB order due in 1 working day and moves the
// clock past its deadline, so that the sweep marks it overdue.
func (b *testBundle) overdueOrder(t *testing.T) {
	t.Helper()
	b.issuedOrder(t, 1)
	if _, err := b.clock.Advance(72 * time.Hour); err != nil {
		t.Fatal(err)
	}
	if _, err := b.db.SweepEscalations(b.ctx, b.clock.Now()); err != nil {
		t.Fatal(err)
	}
}

func TestDashboardPage(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.overdueOrder(t)

	body := b.page(t, "coord", "/dashboard", http.StatusOK)
	wantIn(t, body, "统计看板", `id="total-overdue">1<`, `id="chart-orders"`, `data-chart="{`, `id="table-acceptance"`,
		`<option value="MSA"`, "/static/dashboard.js", "/static/vendor/echarts.min.js", "金属结构制造")
	// A coordinator narrows it to one department.
	body = b.page(t, "coord", "/dashboard?department=MSA", http.StatusOK)
	wantIn(t, body, `id="total-overdue">0<`, `<option value="MSA" selected>`)

	b.do(t, "emb-i1", "GET", "/dashboard", nil).want(http.StatusForbidden)
	b.do(t, "auditor", "GET", "/dashboard", nil).want(http.StatusForbidden)
}

func TestDashboardLeadCountsOwnDepartmentOnly(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.overdueOrder(t)

	emb := b.page(t, "emb-lead", "/dashboard", http.StatusOK)
	wantIn(t, emb, `id="total-overdue">1<`)
	// The MSA lead asks for EMB's figures and gets MSA's own: nothing
	// overdue, no EMB row, no department picker, no EMB hazards.
	msa := b.page(t, "msa-lead", "/dashboard?department=EMB", http.StatusOK)
	wantIn(t, msa, `id="total-overdue">0<`, `id="no-hazards"`)
	rows := msa[strings.Index(msa, `id="table-orders"`):]
	rows = rows[:strings.Index(rows, "</table>")]
	if strings.Count(rows, "<tr") != 2 || strings.Contains(msa, `<select id="department"`) {
		t.Fatalf("MSA lead's orders table should hold the header and MSA's row only:\n%s", rows)
	}
}
