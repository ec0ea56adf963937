package main

import (
	"fmt"
	"slices"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/jointops/jointops/enforcement"
)

// pendingTaskOf returns the first pending task of lead's department on a
// joint visit (with other departments on the team), as the API lists them
// (soonest visit first); the first pending task when none is joint.
func (b *e2eBundle) pendingTaskOf(lead string) *enforcement.Task {
	b.t.Helper()
	var body struct{ Tasks []*enforcement.Task }
	b.must(200, lead, "GET", "/api/v1/tasks?status=pending&limit=50", nil, &body)
	if len(body.Tasks) == 0 {
		b.t.Fatalf("%s has no pending task", lead)
	}
	for _, task := range body.Tasks {
		if len(task.OtherDepartments) > 0 {
			return task
		}
	}
	return body.Tasks[0]
}

// taskByID reads a task over the API as user.
func (b *e2eBundle) taskByID(user string, id int64) *enforcement.Task {
	b.t.Helper()
	var task enforcement.Task
	b.must(200, user, "GET", fmt.Sprintf("/api/v1/tasks/%d", id), nil, &task)
	return &task
}

// pickInspectors makes the task page's picker check exactly want: it
// clicks the drawn inspectors not wanted off and the wanted ones on.
func (s *browserSession) pickInspectors(drawn []enforcement.UserRef, want []int64) {
	s.t.Helper()
	var clicks []chromedp.Action[chromedp.Void]
	for _, in := range drawn {
		if !slices.Contains(want, in.ID) {
			clicks = append(clicks, chromedp.Click(fmt.Sprintf("#inspector-%d", in.ID)))
		}
	}
	for _, id := range want {
		if !slices.ContainsFunc(drawn, func(in enforcement.UserRef) bool { return in.ID == id }) {
			clicks = append(clicks, chromedp.Click(fmt.Sprintf("#inspector-%d", id)))
		}
	}
	s.do(clicks...)
}

// TestBrowserTaskAccept is journey 2: a lead signs in, sees the task in
// the inbox, opens it, and accepts it with two inspectors of their own
// department.
func TestBrowserTaskAccept(t *testing.T) {
	t.Parallel()
	b := setupE2E(t)
	b.demoOperation("春季安全生产联合执法")
	task := b.pendingTaskOf("emb-lead")
	want := []int64{b.inspectorID("u-emb-inspector1"), b.inspectorID("u-emb-inspector2")}

	chromium := newChromium(t)
	lead := b.signIn(chromium, "emb-lead", "/")
	lead.wantText("main", "待接收任务", task.EnterpriseName)
	lead.do(chromedp.Click(fmt.Sprintf(`a[href="/tasks/%d"]`, task.ID)), chromedp.WaitVisible(`#accept-form`))
	if got, want := lead.path(), fmt.Sprintf("/tasks/%d", task.ID); got != want {
		t.Fatalf("the inbox link led to %s, want %s", got, want)
	}
	// Monday 2 March: the task is due on Wednesday 4 March.
	lead.wantText("main", task.EnterpriseName, "应急管理局", "待接收", "2026年3月4日（周三）", "2 个工作日后到期",
		"同行部门", "接收任务", "至少选派 2 名执法人员", "退回任务")
	// What the lead weighs before accepting: the enterprise's identity,
	// place, trade and risk (the demo operation draws grade 1).
	lead.wantText("dl.facts", "统一社会信用代码", task.EnterpriseCreditCode, task.EnterpriseAddress,
		task.IndustryCode+" "+task.IndustryName, task.SubdistrictName, "一级（高风险）")
	lead.shot("task")

	lead.pickInspectors(task.DrawnInspectors, want)
	lead.do(chromedp.Click(`#accept`), chromedp.WaitVisible(`p.flash`))
	lead.wantText("p.flash", "任务已接收")
	lead.wantText("main", "已接收", "打开联合检查")

	got := b.taskByID("emb-lead", task.ID)
	var ids []int64
	for _, in := range got.Inspectors {
		ids = append(ids, in.ID)
	}
	slices.Sort(ids)
	slices.Sort(want)
	if got.Status != enforcement.TaskAccepted || !slices.Equal(ids, want) {
		t.Fatalf("task = %s with %v, want accepted with %v", got.Status, ids, want)
	}
}

// TestBrowserTaskDecline is journey 3: another lead declines their task
// with a reason through the confirmation step, and the coordinator sees
// the decline and its reason on the operation's page.
func TestBrowserTaskDecline(t *testing.T) {
	t.Parallel()
	b := setupE2E(t)
	op := b.demoOperation("春季安全生产联合执法")
	task := b.pendingTaskOf("msa-lead")
	reason := "本周全员参加省局执法培训，无法派员"

	chromium := newChromium(t)
	lead := b.signIn(chromium, "msa-lead", "/")
	lead.do(chromedp.Click(fmt.Sprintf(`a[href="/tasks/%d"]`, task.ID)), chromedp.WaitVisible(`#decline-form`))
	lead.do(chromedp.SetValue(`#reason`, reason), chromedp.Click(`#decline`), chromedp.WaitVisible(`#confirm-decline`))
	lead.wantText("main", "确认退回任务", task.EnterpriseName, reason)
	lead.shot("task-decline-confirm")
	if got := b.taskByID("msa-lead", task.ID); got.Status != enforcement.TaskPending {
		t.Fatalf("task is %s before the confirmation", got.Status)
	}

	lead.do(chromedp.Click(`#confirm-decline`), chromedp.WaitVisible(`p.flash`))
	lead.wantText("p.flash", "任务已退回")
	lead.wantText("main", "已退回", reason)
	if got := b.taskByID("msa-lead", task.ID); got.Status != enforcement.TaskDeclined || got.DeclineReason != reason {
		t.Fatalf("task = %s (%q), want declined with the reason", got.Status, got.DeclineReason)
	}

	coordinator := b.signIn(chromium, "coordinator", fmt.Sprintf("/operations/%d", op.ID))
	coordinator.wantText("main", task.EnterpriseName, reason)
}
