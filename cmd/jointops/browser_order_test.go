package main

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/jointops/jointops/enforcement"
)

// ledgerOrders issues, over the API, orders on the first EMB and MSA tasks
// of op: an EMB general order due in 1 working day (Tue 3 March 2026), an
// EMB major order due in 10 and an MSA general order due in 10. It returns
// the EMB general order.
func (b *e2eBundle) ledgerOrders() *enforcement.RectificationOrder {
	b.t.Helper()
	issue := func(dept, lead, inspector1, inspector2, severity string, days int) *enforcement.RectificationOrder {
		var tasks struct{ Tasks []enforcement.Task }
		b.must(200, lead, "GET", "/api/v1/tasks?status=pending&limit=1", nil, &tasks)
		if len(tasks.Tasks) == 0 {
			b.t.Fatalf("%s has no pending task", dept)
		}
		task := tasks.Tasks[0]
		b.must(200, lead, "POST", fmt.Sprintf("/api/v1/tasks/%d/accept", task.ID),
			map[string]any{"inspector_ids": []int64{b.inspectorID("u-" + inspector1), b.inspectorID("u-" + inspector2)}}, nil)
		var hazard enforcement.Hazard
		b.must(201, inspector1, "POST", fmt.Sprintf("/api/v1/visits/%d/hazards", task.VisitID),
			map[string]any{"severity": severity, "description": "安全出口堵塞"}, &hazard)
		var order enforcement.RectificationOrder
		b.must(201, inspector1, "POST", "/api/v1/rectification-orders", map[string]any{"hazard_ids": []int64{hazard.ID}, "due_working_days": days}, &order)
		return &order
	}
	order := issue("EMB", "emb-lead", "emb-inspector1", "emb-inspector2", "general", 1)
	var hazard enforcement.Hazard
	b.must(201, "emb-inspector1", "POST", fmt.Sprintf("/api/v1/visits/%d/hazards", order.VisitID),
		map[string]any{"severity": "major", "description": "危化品超量储存"}, &hazard)
	b.must(201, "emb-inspector1", "POST", "/api/v1/rectification-orders", map[string]any{"hazard_ids": []int64{hazard.ID}, "due_working_days": 10}, nil)
	issue("MSA", "msa-lead", "msa-inspector1", "msa-inspector2", "general", 10)
	return order
}

// navigationStatus is the HTTP status of the page shown, as the browser
// received it.
func (s *browserSession) navigationStatus() int {
	s.t.Helper()
	status, err := chromedp.Run(s.ctx, chromedp.Evaluate[int](`performance.getEntriesByType("navigation")[0].responseStatus`))
	if err != nil {
		s.t.Fatalf("navigation status: %v", err)
	}
	return status
}

// TestBrowserOrderEscalation is journeys 5 and 6: after the demo clock
// moves past an order's deadline, its lead sees the escalation in the inbox
// and on the order's timeline, the ledger marks it overdue and listed with
// text badges, the coordinator finds it on the listed register, and the
// lead of another department gets the not-found page for it.
func TestBrowserOrderEscalation(t *testing.T) {
	t.Parallel()
	b := setupE2E(t)
	b.demoOperation("春季安全生产联合执法")
	order := b.ledgerOrders()
	orderPath := fmt.Sprintf("/orders/%d", order.ID)

	// Mon 2 March 10:00 → Wed 11 March 10:00: level 1 (end of Tue 3),
	// level 2 (Thu 5) and level 3, listed (Tue 10), have all come due.
	b.must(200, "coordinator", "POST", "/api/v1/dev/clock", map[string]string{"advance": "9d"}, nil)
	b.eventually("the sweep to list the order", func() bool {
		b.must(200, "emb-lead", "GET", "/api/v1/rectification-orders/"+fmt.Sprint(order.ID), nil, order)
		return order.Listed
	})

	chromium := newChromium(t)
	lead := b.signIn(chromium, "emb-lead", "/")
	lead.wantText("main", fmt.Sprintf("整改通知 #%d", order.ID), "已逾期（一级督办）", "逾期未整改（二级督办）", "逾期提醒")

	lead.open(orderPath)
	lead.wantText("h1", fmt.Sprintf("整改通知 %d 号", order.ID))
	lead.wantText("main", "已逾期", "挂牌督办", "发现隐患", "安全出口堵塞", "下达整改通知，整改期限 2026年3月3日（周二）",
		"逾期提醒", "协调督办", "已发出", "已通知：应急管理局检查员、应急管理局负责人", "区协调员", "区领导",
		"2026年3月11日 10:", "时间均为北京时间")
	lead.wantText("main", "撤销整改通知")
	lead.shot("order")

	lead.open("/ledger")
	lead.wantText("main", "整改台账", "挂牌督办", "已逾期 6 个工作日", "重大隐患", "导出 Excel（XLSX）", "导出 CSV")
	lead.shot("ledger")
	// The filter form is a plain GET form.
	lead.do(chromedp.SetValue(`#f-status`, "overdue"), chromedp.SetAttributeValue(`body`, "data-before", "1"), chromedp.Click(`#ledger-filter`),
		chromedp.WaitNotPresent(`body[data-before]`), chromedp.WaitVisible(`table.ledger`))
	if got := lead.path(); got != "/ledger?subdistrict=&industry=&status=overdue&severity=" {
		t.Errorf("the filter led to %s", got)
	}
	lead.waitText("table.ledger", "已逾期")
	// Changing a filter refreshes the results in place, and the address.
	lead.do(chromedp.Evaluate[chromedp.Void](`(() => { const s = document.querySelector("#f-status"); s.value = "open"; s.dispatchEvent(new Event("change", {bubbles: true})); })()`),
		chromedp.Poll[chromedp.Void](`location.search.includes("status=open")`),
		chromedp.WaitNotPresent(fmt.Sprintf(`tr[data-order="%d"]`, order.ID)), chromedp.WaitVisible(`table.ledger`))
	lead.waitText("table.ledger", "重大隐患")
	if got := lead.path(); !strings.Contains(got, "status=open") {
		t.Errorf("after the in-place filter the address is %s", got)
	}
	// At phone width the order page still shows the status and the timeline.
	lead.do(chromedp.EmulateViewport(390, 844))
	lead.open(orderPath)
	lead.wantText("main", "挂牌督办", "已通知")
	lead.shot("order-phone")

	coord := b.signIn(chromium, "coordinator", "/listed")
	coord.wantText("main", "挂牌督办", fmt.Sprint(order.ID), "逾期 8 天")
	coord.shot("listed")

	msa := b.signIn(chromium, "msa-lead", orderPath)
	msa.wantText("main", "未找到")
	if got := msa.navigationStatus(); got != 404 {
		t.Errorf("MSA's lead opened EMB's order with status %d, want 404", got)
	}
	msa.open("/ledger")
	msa.wantText("main", "整改台账")
	absent, err := chromedp.Run(msa.ctx, chromedp.Evaluate[bool](fmt.Sprintf(`document.querySelector('tr[data-order="%d"]') === null`, order.ID)))
	if err != nil || !absent {
		t.Errorf("MSA's lead sees EMB's order on the ledger (%v)", err)
	}
}
