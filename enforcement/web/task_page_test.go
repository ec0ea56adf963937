package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/jointops/jointops/enforcement"
)

// pendingEMBTask plans an operation and returns EMB's first pending task.
func pendingEMBTask(t *testing.T, b *testBundle) *enforcement.Task {
	t.Helper()
	b.plannedOperation(t)
	return b.tasksOf(t, "emb-lead", "?status=pending&limit=1")[0]
}

// taskStatus reads a task's status over the API as the EMB lead.
func taskStatus(t *testing.T, b *testBundle, id int64) *enforcement.Task {
	t.Helper()
	var task enforcement.Task
	b.do(t, "emb-lead", "GET", "/api/v1/tasks/"+itoa(id), nil).want(http.StatusOK).decode(&task)
	return &task
}

// enterpriseFacts reads what the demo data holds of an enterprise, to
// compare with what the store returns and the pages show.
func enterpriseFacts(t *testing.T, b *testBundle, id int64) enforcement.EnterpriseFacts {
	t.Helper()
	var f enforcement.EnterpriseFacts
	err := b.pool.QueryRow(b.ctx, `
		SELECT e.credit_code, e.address, e.industry_code, i.name, e.subdistrict_code, s.name, e.risk_grade
		FROM enterprises e JOIN industries i ON i.code = e.industry_code JOIN subdistricts s ON s.code = e.subdistrict_code
		WHERE e.id = $1`, id).Scan(&f.EnterpriseCreditCode, &f.EnterpriseAddress, &f.IndustryCode, &f.IndustryName,
		&f.SubdistrictCode, &f.SubdistrictName, &f.RiskGrade)
	if err != nil {
		t.Fatal(err)
	}
	if len(f.EnterpriseCreditCode) != 18 || f.EnterpriseAddress == "" || !f.RiskGrade.Valid() {
		t.Fatalf("demo enterprise %d = %+v", id, f)
	}
	return f
}

// riskLabel is how the pages name a risk grade in Chinese.
var riskLabel = map[enforcement.RiskGrade]string{1: "一级（高风险）", 2: "二级（中风险）", 3: "三级（低风险）"}

func TestTaskPage(t *testing.T) {
	t.Parallel()
	b := setup(t)
	task := pendingEMBTask(t, b)
	if len(task.DrawnInspectors) < 2 {
		t.Fatalf("task %d drew %v", task.ID, task.DrawnInspectors)
	}
	// The lead reads who, where, what trade and what risk the enterprise is.
	facts := enterpriseFacts(t, b, task.EnterpriseID)
	if task.EnterpriseFacts != facts || facts.IndustryCode != "3311" || facts.IndustryName != "金属结构制造" ||
		facts.SubdistrictName != "桂园街道" {
		t.Errorf("task's enterprise = %+v, want %+v", task.EnterpriseFacts, facts)
	}
	body := b.page(t, "emb-lead", "/tasks/"+itoa(task.ID), http.StatusOK)
	wantIn(t, body, "<dt>统一社会信用代码</dt><dd class=\"credit-code\">"+facts.EnterpriseCreditCode+"</dd>",
		"<dt>地址</dt><dd>"+facts.EnterpriseAddress+"</dd>", "<dt>行业（GB/T 4754）</dt><dd>3311 金属结构制造</dd>",
		"<dt>街道</dt><dd>桂园街道</dd>", "<dt>风险等级</dt>", riskLabel[facts.RiskGrade])
	wantIn(t, body, task.EnterpriseName, "春季安全生产联合执法", "应急管理局", "待接收",
		"2026年3月4日（周三）", "2 个工作日后到期", `action="/tasks/`+itoa(task.ID)+`/accept"`,
		`action="/tasks/`+itoa(task.ID)+`/decline"`, `name="reason"`, `<label for="reason">`)
	for _, in := range task.DrawnInspectors {
		wantIn(t, body, `value="`+itoa(in.ID)+`" id="inspector-`+itoa(in.ID)+`" checked>`, in.Name)
	}
	// Only the lead's own department's roster is offered.
	for _, id := range b.rosterIDs(t, "MSA", 2) {
		if strings.Contains(body, `id="inspector-`+itoa(id)+`"`) {
			t.Errorf("the picker offers MSA's inspector %d", id)
		}
	}

	// The coordinator may look, but not answer.
	body = b.page(t, "coord", "/tasks/"+itoa(task.ID), http.StatusOK)
	wantIn(t, body, task.EnterpriseName)
	if strings.Contains(body, "/accept") {
		t.Error("the coordinator is offered the accept form")
	}
	// Another department's lead: not found, on the page and on a post.
	wantIn(t, b.page(t, "msa-lead", "/tasks/"+itoa(task.ID), http.StatusNotFound), "未找到")
	b.post(t, "msa-lead", "/tasks/"+itoa(task.ID)+"/decline", url.Values{"reason": {"x"}, "confirm": {"yes"}}).want(http.StatusNotFound)
	b.page(t, "emb-lead", "/tasks/nope", http.StatusNotFound)

	// In English, every label follows.
	b.post(t, "emb-lead", "/language", url.Values{"language": {"en"}}).want(http.StatusSeeOther)
	body = b.page(t, "emb-lead", "/tasks/"+itoa(task.ID), http.StatusOK)
	wantIn(t, body, "Unified social credit code", "Address", "Industry (GB/T 4754)", "Subdistrict", "Risk grade",
		map[enforcement.RiskGrade]string{1: "Grade 1 (high risk)", 2: "Grade 2 (medium risk)", 3: "Grade 3 (low risk)"}[facts.RiskGrade])
	wantIn(t, body, "Accept the task", "Assign at least 2 inspectors", "due in 2 working days", "Wed 4 Mar 2026",
		"Market Supervision Administration", "Reason for declining", "Decline…")
	if strings.Contains(body, "接收任务") {
		t.Errorf("the English page shows Chinese labels:\n%s", body)
	}
}

func TestTaskAcceptForm(t *testing.T) {
	t.Parallel()
	b := setup(t)
	task := pendingEMBTask(t, b)
	ids := b.rosterIDs(t, "EMB", 3)
	path := "/tasks/" + itoa(task.ID)

	// One inspector is not enough: the message sits next to the picker,
	// and the one choice is kept (not the drawn team).
	r := b.post(t, "emb-lead", path+"/accept", url.Values{"inspector_ids": {itoa(ids[2])}}).want(http.StatusUnprocessableEntity)
	body := r.Body.String()
	wantIn(t, body, `id="inspector_ids-error"`, "请至少选派 2 名执法人员", `value="`+itoa(ids[2])+`" id="inspector-`+itoa(ids[2])+`" checked>`)
	if i, j := strings.Index(body, "inspector_ids-error"), strings.Index(body, `name="inspector_ids"`); i < 0 || j < i {
		t.Error("the message is not next to the picker")
	}
	for _, in := range task.DrawnInspectors {
		if in.ID != ids[2] && strings.Contains(body, `id="inspector-`+itoa(in.ID)+`" checked>`) {
			t.Errorf("drawn inspector %d checked again after the lead's choice", in.ID)
		}
	}
	// Nothing ticked: refused too, rather than taking the drawn team.
	b.post(t, "emb-lead", path+"/accept", url.Values{}).want(http.StatusUnprocessableEntity)
	// A tampered form: one inspector twice counts once, in the page's own
	// words; an id off the lead's roster (another department's) is
	// refused next to the picker.
	r = b.post(t, "emb-lead", path+"/accept", url.Values{"inspector_ids": {itoa(ids[0]), itoa(ids[0])}}).want(http.StatusUnprocessableEntity)
	wantIn(t, r.Body.String(), `id="inspector_ids-error"`, "请至少选派 2 名执法人员")
	if strings.Contains(r.Body.String(), "Assign at least") {
		t.Error("duplicate ids show the domain's English message")
	}
	msa := b.rosterIDs(t, "MSA", 1)[0]
	r = b.post(t, "emb-lead", path+"/accept", url.Values{"inspector_ids": {itoa(ids[0]), itoa(msa)}}).want(http.StatusUnprocessableEntity)
	wantIn(t, r.Body.String(), `id="inspector_ids-error"`, "只能选择本部门在册的执法人员")
	if got := taskStatus(t, b, task.ID); got.Status != enforcement.TaskPending {
		t.Fatalf("task is %s after refused accepts", got.Status)
	}

	r = b.post(t, "emb-lead", path+"/accept", url.Values{"inspector_ids": {itoa(ids[0]), itoa(ids[1])}}).want(http.StatusSeeOther)
	if loc := r.Header().Get("Location"); loc != path {
		t.Errorf("Location = %q, want %s", loc, path)
	}
	if c := r.Header().Get("Set-Cookie"); !strings.Contains(c, "flash=task.accepted") {
		t.Errorf("Set-Cookie = %q, want the flash", c)
	}
	got := taskStatus(t, b, task.ID)
	if got.Status != enforcement.TaskAccepted || len(got.Inspectors) != 2 {
		t.Fatalf("task = %s with %v, want accepted with two", got.Status, got.Inspectors)
	}
	body = b.page(t, "emb-lead", path, http.StatusOK)
	wantIn(t, body, "已接收", got.Inspectors[0].Name, `href="/visits/`+itoa(task.VisitID)+`"`)
	if strings.Contains(body, "/accept") {
		t.Error("an accepted task still offers the accept form")
	}
	// Accepting again is a conflict, shown on the page.
	body = b.post(t, "emb-lead", path+"/accept", url.Values{"inspector_ids": {itoa(ids[0]), itoa(ids[1])}}).want(http.StatusConflict).Body.String()
	wantIn(t, body, "状态冲突", "只有待接收的任务才能接收或退回")
}

func TestTaskDeclineForm(t *testing.T) {
	t.Parallel()
	b := setup(t)
	task := pendingEMBTask(t, b)
	path := "/tasks/" + itoa(task.ID)

	// No reason: 422 with the message next to the field.
	body := b.post(t, "emb-lead", path+"/decline", url.Values{"reason": {"  "}}).want(http.StatusUnprocessableEntity).Body.String()
	wantIn(t, body, `id="reason-error"`, "请填写退回理由")

	// A reason without confirm=yes only asks to confirm.
	reason := "本周全员参加省厅培训，无法派员"
	body = b.post(t, "emb-lead", path+"/decline", url.Values{"reason": {reason}}).want(http.StatusOK).Body.String()
	wantIn(t, body, "确认退回任务", reason, `name="confirm" value="yes"`, `type="hidden" name="reason" value="`+reason+`"`)
	if got := taskStatus(t, b, task.ID); got.Status != enforcement.TaskPending {
		t.Fatalf("task is %s before the confirmation", got.Status)
	}
	// Back to edit keeps the reason.
	body = b.post(t, "emb-lead", path+"/decline", url.Values{"reason": {reason}, "confirm": {"edit"}}).want(http.StatusOK).Body.String()
	wantIn(t, body, ">"+reason+"</textarea>")
	if got := taskStatus(t, b, task.ID); got.Status != enforcement.TaskPending {
		t.Fatalf("task is %s after going back to edit", got.Status)
	}

	r := b.post(t, "emb-lead", path+"/decline", url.Values{"reason": {reason}, "confirm": {"yes"}}).want(http.StatusSeeOther)
	if loc := r.Header().Get("Location"); loc != path {
		t.Errorf("Location = %q, want %s", loc, path)
	}
	got := taskStatus(t, b, task.ID)
	if got.Status != enforcement.TaskDeclined || got.DeclineReason != reason {
		t.Fatalf("task = %s (%q), want declined with the reason", got.Status, got.DeclineReason)
	}
	wantIn(t, b.page(t, "emb-lead", path, http.StatusOK), "已退回", reason)
}
