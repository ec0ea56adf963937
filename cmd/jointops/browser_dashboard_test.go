package main

import (
	"fmt"
	"strings"

	"testing"

	"github.com/chromedp/chromedp"

	"github.com/jointops/jointops/enforcement"
)

// dashboardInspectors are the two inspectors each lead assigns.
func (b *e2eBundle) dashboardInspectors(dept string) []int64 {
	return []int64{b.inspectorID("u-" + dept + "-inspector1"), b.inspectorID("u-" + dept + "-inspector2")}
}

// dashboardData builds two weeks of work over the API for the charts.
// EMB accepts its tasks on Monday 2 March, MSA on Tuesday (1 working day)
// and FIRE on Wednesday (2); each records hazards, general and major, and
// issues orders, some due in 1 working day (overdue by Thursday), others
// in 10. Some orders are verified on Thursday and on Monday 9 March, where
// the clock ends.
func (b *e2eBundle) dashboardData() {
	b.t.Helper()
	b.demoOperation("春季安全生产联合执法")
	var orders []int64
	for day, dept := range []string{"emb", "msa", "fire"} {
		if day > 0 {
			b.must(200, "coordinator", "POST", "/api/v1/dev/clock", map[string]string{"advance": "24h"}, nil)
		}
		var pending struct{ Tasks []enforcement.Task }
		b.must(200, dept+"-lead", "GET", "/api/v1/tasks?status=pending", nil, &pending)
		for i, task := range pending.Tasks {
			if i == 3 {
				break
			}
			b.must(200, dept+"-lead", "POST", fmt.Sprintf("/api/v1/tasks/%d/accept", task.ID),
				map[string]any{"inspector_ids": b.dashboardInspectors(dept)}, nil)
			severity, days := "general", 10
			if i == 1 {
				severity = "major"
			}
			if i == 0 {
				days = 1
			}
			var hazard enforcement.Hazard
			b.must(201, dept+"-inspector1", "POST", fmt.Sprintf("/api/v1/visits/%d/hazards", task.VisitID),
				map[string]any{"severity": severity, "description": "隐患示例 " + task.EnterpriseName}, &hazard)
			var order enforcement.RectificationOrder
			b.must(201, dept+"-inspector1", "POST", "/api/v1/rectification-orders",
				map[string]any{"hazard_ids": []int64{hazard.ID}, "due_working_days": days}, &order)
			if i > 0 {
				orders = append(orders, order.ID)
			}
		}
	}
	verify := func(ids []int64) {
		for _, id := range ids {
			var o enforcement.RectificationOrder
			b.must(200, "coordinator", "GET", fmt.Sprintf("/api/v1/rectification-orders/%d", id), nil, &o)
			dept := strings.ToLower(o.Department)
			b.must(200, dept+"-inspector1", "POST", fmt.Sprintf("/api/v1/rectification-orders/%d/evidence", id), map[string]any{"text": "已整改并提交照片"}, nil)
			b.must(200, dept+"-inspector2", "POST", fmt.Sprintf("/api/v1/rectification-orders/%d/verify", id), map[string]any{"passed": true, "note": "复查合格"}, nil)
		}
	}
	// Thursday 5 March: the orders due in 1 working day are overdue.
	b.must(200, "coordinator", "POST", "/api/v1/dev/clock", map[string]string{"advance": "24h"}, nil)
	b.eventually("an overdue order", func() bool {
		return b.count(`SELECT count(*) FROM rectification_orders WHERE status = 'overdue'`) > 0
	})
	half := len(orders) / 2
	verify(orders[:1])
	// Monday 9 March: more are closed.
	b.must(200, "coordinator", "POST", "/api/v1/dev/clock", map[string]string{"advance": "96h"}, nil)
	verify(orders[1:half])
}

// TestBrowserDashboardAuditAdmin covers the coordinator's dashboard (the
// ECharts charts draw, and each has its table), the auditor's audit
// trail with a search, and the admin page, where an admin adds a calendar
// override through the form and sees it listed.
func TestBrowserDashboardAuditAdmin(t *testing.T) {
	t.Parallel()
	b := setupE2E(t)
	b.dashboardData()
	chromium := newChromium(t)

	coord := b.signIn(chromium, "coordinator", "/dashboard")
	coord.do(chromedp.EmulateViewport(1280, 900))
	coord.open("/dashboard")
	for _, chart := range []string{"orders", "closure", "hazards", "acceptance"} {
		// ECharts draws an svg (the renderer dashboard.js picks) inside.
		coord.do(chromedp.WaitVisible(`#chart-` + chart + ` svg`))
	}
	coord.wantText("main", "统计看板", "各部门未结整改通知", "整改闭环率（按周）", "各行业隐患（按等级）", "各部门任务接收用时")
	coord.wantText("#table-orders", "应急管理局", "市场监督管理局", "已逾期")
	coord.wantText("#table-acceptance", "1 个工作日", "2 个工作日")
	coord.wantText("#table-hazards", "重大隐患")
	coord.shot("dashboard")

	// In English the department names are long: rotated under the bars,
	// each is cut with an ellipsis rather than running off the chart.
	coord.do(chromedp.Click(`#lang-switch`), chromedp.WaitVisible(`html[lang="en"]`))
	coord.open("/dashboard")
	coord.do(chromedp.WaitVisible(`#chart-orders svg`), chromedp.WaitVisible(`#chart-acceptance svg`))
	for _, chart := range []string{"orders", "acceptance"} {
		outside, err := chromedp.Run(coord.ctx, chromedp.Evaluate[[]string](`(() => {
			const box = document.querySelector("#chart-`+chart+`").getBoundingClientRect();
			return [...document.querySelectorAll("#chart-`+chart+` svg text")].filter(t => {
				const r = t.getBoundingClientRect();
				return r.width > 0 && (r.left < box.left || r.right > box.right || r.top < box.top || r.bottom > box.bottom);
			}).map(t => t.textContent);
		})()`))
		if err != nil {
			t.Fatal(err)
		}
		if len(outside) > 0 {
			t.Errorf("chart %s: labels run off the chart in English: %q", chart, outside)
		}
	}
	coord.wantText("#table-orders", "Emergency Management")
	coord.shot("dashboard-en")

	lead := b.signIn(chromium, "msa-lead", "/dashboard")
	lead.do(chromedp.WaitVisible(`#chart-orders svg`))
	lead.wantText("main", "本部门：市场监督管理局")
	if txt := lead.text("#table-orders"); strings.Contains(txt, "应急管理局") {
		t.Errorf("the MSA lead's dashboard shows EMB:\n%s", txt)
	}

	auditor := b.signIn(chromium, "auditor", "/audit")
	auditor.wantText("main", "审计记录（最新在前）", "escalation.fired")
	auditor.do(
		chromedp.SendKeys(`#action`, "task."),
		chromedp.SendKeys(`#actor`, "周丽华"),
		chromedp.Click(`#audit-search button[type="submit"]`),
		// The answer's page, not the one the search was typed on: its
		// field holds the search as an attribute (typing sets only the
		// property).
		chromedp.WaitVisible(chromedp.CSS(`#action[value="task."]`)),
		chromedp.WaitVisible(`#audit-events`),
	)
	if txt := auditor.text("#audit-events"); !strings.Contains(txt, "task.accepted") || strings.Contains(txt, "王建国") || strings.Contains(txt, "rectification_order.") {
		t.Errorf("the search for MSA's lead's task actions shows:\n%s", txt)
	}
	auditor.open("/audit")
	auditor.shot("audit")

	admin := b.signIn(chromium, "admin", "/admin")
	admin.wantText("#admin-departments", "EMB", "应急管理局")
	admin.wantText("#admin-roles", "dept:<CODE>:dept_lead", "role:coordinator")
	admin.shot("admin")
	admin.do(
		chromedp.SetValue(`#cal-date`, "2026-04-30"),
		chromedp.Click(`#cal-off`),
		chromedp.SendKeys(`#cal-note`, "区运动会放假（示例）"),
		chromedp.Click(`#cal-submit`),
		chromedp.WaitVisible(`p.flash`),
	)
	admin.wantText("p.flash", "已保存日历设置")
	admin.wantText("#calendar-days", "2026年4月30日", "区运动会放假（示例）", "管理员设置")
	if got := admin.path(); !strings.HasPrefix(got, "/admin?year=2026") {
		t.Errorf("after saving the override the browser is on %s", got)
	}
}
