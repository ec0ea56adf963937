package main

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/jointops/jointops/enforcement"
)

// previewNumber reads a number of the new-operation form's preview (#pv-…).
func (s *browserSession) previewNumber(sel string) int {
	s.t.Helper()
	n, err := strconv.Atoi(strings.TrimSpace(s.text(sel)))
	if err != nil {
		s.t.Fatalf("preview %s: %v", sel, err)
	}
	return n
}

// TestBrowserOperationPlanned is journey 1, and the coordinator's half of
// journey 3: the coordinator signs in, fills the new-operation form, sees
// the live preview's counts, submits, and watches the page poll until the
// calendar shows the plan's visits. When a lead then declines a task (over
// the API), the operation page shows the decline with its reason and a
// form to reassign it.
func TestBrowserOperationPlanned(t *testing.T) {
	t.Parallel()
	b := setupE2E(t)
	chromium := newChromium(t)
	coord := b.signIn(chromium, "coordinator", "/operations")
	coord.wantText("main", "联合执法行动", "新建行动")

	coord.do(chromedp.Click(`#new-operation`), chromedp.WaitVisible(`#operation-form`))
	if got := coord.path(); got != "/operations/new" {
		t.Fatalf("the new-operation button led to %s", got)
	}
	// The form's defaults: Monday 9 to Friday 20 March, five working days
	// ahead, leaving the leads their two working days to accept.
	if v, _ := chromedp.Run(coord.ctx, chromedp.Value(`#window_start`)); v != "2026-03-09" {
		t.Errorf("window_start defaults to %q", v)
	}
	coord.do(
		chromedp.SendKeys(`#title`, "春季安全生产联合执法（浏览器）"),
		chromedp.SetValue(`#lead_department`, "EMB"),
		chromedp.SetValue(`#ratio_1`, "50"),
		chromedp.Click(`input[name="departments"][value="MSA"]`),
		chromedp.Click(`input[name="departments"][value="FIRE"]`),
		chromedp.Click(`input[name="risk_grades"][value="1"]`),
	)
	// Each change asks for a preview 300 ms later, the last replacing
	// those before; wait until the answer is the last one's.
	coord.do(chromedp.Sleep(1500*time.Millisecond), chromedp.WaitVisible(`#pv-visits`))
	visits, saved := coord.previewNumber(`#pv-visits`), coord.previewNumber(`#pv-saved`)
	if visits == 0 || saved == 0 {
		t.Fatalf("preview shows %d visits, %d saved by merging; want both", visits, saved)
	}
	coord.wantText(`#preview`, "按风险等级", "高风险", "按街道", "按部门", "应急管理局", "消防", "最忙的一天", "2026年3月")
	coord.shot("operation-new")

	coord.do(chromedp.Click(`#submit-operation`), chromedp.WaitVisible(`main h1 .status`))
	id := strings.TrimPrefix(coord.path(), "/operations/")
	if _, err := strconv.ParseInt(id, 10, 64); err != nil {
		t.Fatalf("after submitting the browser is on %s", coord.path())
	}
	// The plan job runs in River; the page polls and reloads when it ends.
	// Wait for the reloaded page's heading, not only the calendar: the
	// reload may still be under way when the calendar first shows.
	coord.do(chromedp.WaitVisible(`main h1 .status-planned`), chromedp.WaitVisible(`table.calendar td.has-visits`))
	coord.wantText(`main h1`, "已编排")
	coord.wantText(`#acceptance`, "应急管理局", "市场监督管理局")
	coord.wantText(`main`, "检查日历", "休")
	var op enforcement.Operation
	b.must(200, "coordinator", "GET", "/api/v1/operations/"+id, nil, &op)
	if op.Status != enforcement.OperationPlanned || op.VisitCount == 0 {
		t.Fatalf("operation %+v; want planned with visits", op)
	}
	if got := coord.text(`#visit-count`); got != strconv.Itoa(op.VisitCount) {
		t.Errorf("page shows %s visits, the API %d", got, op.VisitCount)
	}
	coord.shot("operation")

	coord.open("/operations")
	coord.wantText(`main`, op.Title, "已编排", "待接收")
	coord.shot("operations")

	// A lead declines; the coordinator sees it, with the reason.
	var tasks struct{ Tasks []*enforcement.Task }
	b.must(200, "msa-lead", "GET", "/api/v1/tasks?status=pending&limit=1&operation_id="+id, nil, &tasks)
	if len(tasks.Tasks) == 0 {
		t.Fatal("MSA has no pending task")
	}
	task := tasks.Tasks[0]
	b.must(200, "msa-lead", "POST", fmt.Sprintf("/api/v1/tasks/%d/decline", task.ID), map[string]string{"reason": "本周执法证年审，人手不足"}, nil)
	coord.open("/operations/" + id)
	coord.wantText(`#declined`, task.EnterpriseName, "市场监督管理局", "本周执法证年审，人手不足")
	coord.wantText(`#acceptance`, "1")
	coord.do(chromedp.ScrollIntoView(`#declined`))
	coord.shot("operation-declined")

	// The calendar becomes a list of days at phone width.
	coord.do(chromedp.EmulateViewport(390, 844))
	coord.open("/operations/" + id)
	coord.shot("operation-phone")
}

// TestBrowserOperationFormRefusesAMistypedRatio: a ratio mistyped as "5e"
// reaches the server as typed (a number field would send "", read as "draw
// the grade in full") and comes back with its message next to the field,
// marked invalid for screen readers in the HTML itself; nothing is created.
func TestBrowserOperationFormRefusesAMistypedRatio(t *testing.T) {
	t.Parallel()
	b := setupE2E(t)
	chromium := newChromium(t)
	coord := b.signIn(chromium, "coordinator", "/operations/new")
	coord.do(chromedp.WaitVisible(`#operation-form`), chromedp.WaitVisible(`#ratio_2`))
	coord.do(chromedp.SendKeys(`#title`, "比例输错的行动"), chromedp.SetValue(`#lead_department`, "EMB"))
	// Type as a person does: select what the field holds, then type over it.
	coord.do(chromedp.Focus(`#ratio_2`), chromedp.Evaluate[chromedp.Void](`document.querySelector("#ratio_2").select()`), chromedp.SendKeys(`#ratio_2`, "5e"))
	coord.do(chromedp.Click(`#submit-operation`), chromedp.WaitVisible(chromedp.CSS(`#ratio_2-error, main h1 .status`)))
	if got := coord.path(); got != "/operations" {
		t.Fatalf("submitting a mistyped ratio led to %s", got)
	}
	coord.wantText(`#ratio_2-error`, "请填写数字")
	state, err := chromedp.Run(coord.ctx, chromedp.Evaluate[string](
		`(() => { const i = document.querySelector("#ratio_2"); return [i.value, i.getAttribute("aria-invalid"), i.getAttribute("aria-describedby")].join("|"); })()`))
	if err != nil || state != "5e|true|ratio_2-error" {
		t.Errorf("the ratio field reads %q (%v), want 5e|true|ratio_2-error", state, err)
	}
	coord.wantText(`#preview-estimate`, "预览是估算")
	var ops struct{ Operations []enforcement.Operation }
	b.must(200, "coordinator", "GET", "/api/v1/operations", nil, &ops)
	if len(ops.Operations) != 0 {
		t.Errorf("a refused form created %d operations", len(ops.Operations))
	}
}
