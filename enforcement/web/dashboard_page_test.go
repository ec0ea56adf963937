package web_test

import (
	"net/http"
	"net/url"
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

func TestDashboardRefusesAnUnknownDepartment(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.overdueOrder(t)
	// Not "全部部门" over figures of nobody: the message next to the picker,
	// and every department's figures, said to be so.
	body := b.page(t, "coord", "/dashboard?department=ZZZ", http.StatusUnprocessableEntity)
	wantIn(t, body, `id="department-error"`, "没有代码为 ZZZ 的部门。下面显示全部部门的数据。",
		`<select id="department" name="department" aria-invalid="true" aria-describedby="department-error">`,
		`id="total-overdue">1<`)
	b.post(t, "coord", "/language", url.Values{"language": {"en"}}).want(http.StatusSeeOther)
	body = b.page(t, "coord", "/dashboard?department=zzz", http.StatusUnprocessableEntity)
	wantIn(t, body, "There is no department with the code ZZZ")
	// A known code in lower case is that department.
	b.page(t, "coord", "/dashboard?department=msa", http.StatusOK)
}

func TestDashboardClosureRateWithNothingIssued(t *testing.T) {
	t.Parallel()
	b := setup(t)
	// No order issued yet: the rate is "—", not 0 %, on the card, in the
	// table and in the chart (a gap: null).
	body := b.page(t, "coord", "/dashboard", http.StatusOK)
	wantIn(t, body, `id="closure-now">—</span>`, "尚未下达整改通知")
	table := body[strings.Index(body, `id="table-closure"`):]
	table = table[:strings.Index(table, "</table>")]
	if strings.Contains(table, "0%") || !strings.Contains(table, `<td class="num">—</td></tr>`) {
		t.Errorf("the closure table shows a rate for weeks with nothing issued:\n%s", table)
	}
	chart := body[strings.Index(body, `id="chart-closure"`):]
	chart = chart[:strings.Index(chart, ">")]
	if !strings.Contains(chart, "null") || strings.Contains(chart, "&#34;data&#34;:[0") {
		t.Errorf("the closure chart draws 0 for weeks with nothing issued:\n%s", chart)
	}

	// Once an order is issued, the week has a rate.
	b.issuedOrder(t, 5)
	body = b.page(t, "coord", "/dashboard", http.StatusOK)
	wantIn(t, body, `id="closure-now">0%</span>`)
}
