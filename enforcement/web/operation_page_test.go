package web_test

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/jointops/jointops/enforcement"
)

// operationForm is the new-operation form as a coordinator fills it in: EMB
// leading, MSA joining, the metal-structure makers (3311) of 桂园街道 over
// Monday 9 to Sunday 15 March 2026 (a weekend included), every grade in full.
func operationForm() url.Values {
	return url.Values{
		"title": {"春季安全生产联合执法"}, "lead_department": {"EMB"}, "departments": {"MSA"},
		"window_start": {"2026-03-09"}, "window_end": {"2026-03-15"},
		"industries": {"3311"}, "subdistricts": {"440303001"},
		"ratio_1": {"100"}, "ratio_2": {"100"}, "ratio_3": {"100"}, "min_gap_days": {"0"},
	}
}

// operationIDFrom returns the id in a Location of /operations/{id}.
func operationIDFrom(t *testing.T, r *response) string {
	t.Helper()
	m := regexp.MustCompile(`^/operations/(\d+)$`).FindStringSubmatch(r.Header().Get("Location"))
	if m == nil {
		t.Fatalf("Location = %q, want /operations/{id}", r.Header().Get("Location"))
	}
	return m[1]
}

// operationStatus reads an operation's status over the API.
func (b *testBundle) operationStatus(t *testing.T, id string) enforcement.OperationStatus {
	t.Helper()
	var op enforcement.Operation
	b.do(t, "coord", "GET", "/api/v1/operations/"+id, nil).want(http.StatusOK).decode(&op)
	return op.Status
}

func TestOperationPagesAreTheCoordinators(t *testing.T) {
	t.Parallel()
	b := setup(t)
	op := b.plannedOperation(t)
	for _, path := range []string{"/operations", "/operations/new", "/operations/" + itoa(op.ID), "/operations/" + itoa(op.ID) + "/cancel"} {
		body := b.page(t, "emb-lead", path, http.StatusForbidden)
		wantIn(t, body, "无权操作")
		if strings.Contains(body, op.Title) {
			t.Errorf("GET %s shows a lead the operation:\n%s", path, body)
		}
	}
	for _, path := range []string{"/operations", "/operations/preview", "/operations/" + itoa(op.ID) + "/cancel", "/operations/" + itoa(op.ID) + "/reassign"} {
		b.post(t, "emb-lead", path, operationForm()).want(http.StatusForbidden)
	}
	if got := b.operationStatus(t, itoa(op.ID)); got != enforcement.OperationPlanned {
		t.Errorf("status = %s after a lead's POSTs, want planned", got)
	}
	b.page(t, "coord", "/operations/999999", http.StatusNotFound)
}

func TestOperationFormKeepsWhatWasTyped(t *testing.T) {
	t.Parallel()
	b := setup(t)
	f := operationForm()
	f.Set("title", "  ")
	f.Set("window_start", "2026-03-20")
	f.Set("window_end", "2026-03-09")
	f.Set("ratio_2", "150")
	f["risk_grades"] = []string{"1", "2"}
	f.Set("min_gap_days", "30")
	body := b.post(t, "coord", "/operations", f).want(http.StatusUnprocessableEntity).Body.String()
	wantIn(t, body, "请修正以下标出的内容", `id="title-error"`, "必填",
		`id="window_end-error"`, "结束日期早于开始日期", `id="ratio_2-error"`, "抽查比例应在 0 到 100 之间",
		`value="2026-03-20"`, `value="2026-03-09"`, `value="150"`, `value="30"`,
		`value="MSA" checked`, `value="3311" checked`, `value="440303001" checked`,
		`name="risk_grades" value="1" checked`, `name="risk_grades" value="2" checked`,
		`<option value="EMB" selected>`)
	if strings.Contains(body, `name="risk_grades" value="3" checked`) {
		t.Error("grade 3 came back ticked")
	}

	// A date the browser did not check, and a window already over.
	f = operationForm()
	f.Set("window_start", "2026-02-30")
	f.Set("window_end", "2026-02-27")
	body = b.post(t, "coord", "/operations", f).want(http.StatusUnprocessableEntity).Body.String()
	wantIn(t, body, `id="window_start-error"`, "请按 年-月-日 填写日期", `id="window_end-error"`, "结束日期已过",
		`value="2026-02-30"`, `value="春季安全生产联合执法"`)

	var ops struct{ Operations []enforcement.Operation }
	b.do(t, "coord", "GET", "/api/v1/operations", nil).want(http.StatusOK).decode(&ops)
	if len(ops.Operations) != 0 {
		t.Errorf("a refused form created %d operations", len(ops.Operations))
	}

	// The empty form offers the defaults: a window after the acceptance
	// days, and the ratios of DESIGN.md §4.
	body = b.page(t, "coord", "/operations/new", http.StatusOK)
	wantIn(t, body, `hx-post="/operations/preview"`, `hx-trigger="change delay:300ms, load"`, `value="2026-03-09"`,
		`name="ratio_2" id="ratio_2" value="30"`, "桂园街道", "金属结构制造", "市场监督管理局")
}

func TestOperationPreviewFragment(t *testing.T) {
	t.Parallel()
	b := setup(t)
	r := b.post(t, "coord", "/operations/preview", operationForm()).want(http.StatusOK)
	body := r.Body.String()
	if strings.Contains(body, "<html") {
		t.Fatalf("the preview is a whole page:\n%s", body)
	}
	// The same criteria through the API: every grade is drawn in full, so
	// the counts do not depend on the seed.
	var want enforcement.PlanSummary
	b.do(t, "coord", "POST", "/api/v1/operations/preview", map[string]any{
		"title": "x", "lead_department": "EMB", "departments": []string{"MSA"},
		"window_start": "2026-03-09", "window_end": "2026-03-15",
		"criteria": map[string]any{"industries": []string{"3311"}, "subdistricts": []string{"440303001"}},
	}).want(http.StatusOK).decode(&want)
	if want.Visits == 0 || want.VisitsSaved == 0 {
		t.Fatalf("API preview %+v: want visits merged", want)
	}
	wantIn(t, body, `id="pv-candidates">`+itoa(int64(want.Candidates))+"<", `id="pv-visits">`+itoa(int64(want.Visits))+"<",
		`id="pv-saved">`+itoa(int64(want.VisitsSaved))+"<", "合并节省的检查次数", "按风险等级", "桂园街道",
		"应急管理局", "市场监督管理局", "最忙的一天", "2026年3月")
	for dept, n := range want.PerDepartment {
		if !regexp.MustCompile(`(?s)` + regexp.QuoteMeta(deptName(dept)) + `</th><td>` + itoa(int64(n)) + `</td>`).MatchString(body) {
			t.Errorf("preview lacks %s's %d tasks:\n%s", dept, n, body)
		}
	}

	// Incomplete criteria say what is missing, in words, with status 200 so
	// that htmx swaps the answer in.
	f := operationForm()
	f.Set("window_end", "")
	f.Set("title", "")
	body = b.post(t, "coord", "/operations/preview", f).want(http.StatusOK).Body.String()
	wantIn(t, body, "暂时无法预览", "结束日期: 必填")
	if strings.Contains(body, "行动名称") {
		t.Errorf("the preview asks for a title, which it does not need:\n%s", body)
	}
}

// deptName is the Chinese name of a demo department the tests use.
func deptName(code string) string {
	return map[string]string{"EMB": "应急管理局", "MSA": "市场监督管理局", "FIRE": "消防救援"}[code]
}

func TestOperationSubmitPlansAndShowsTheCalendar(t *testing.T) {
	t.Parallel()
	b := setup(t)
	r := b.post(t, "coord", "/operations", operationForm()).want(http.StatusSeeOther)
	id := operationIDFrom(t, r)
	if got := b.operationStatus(t, id); got != enforcement.OperationPlanning {
		t.Fatalf("status = %s, want planning (submitted)", got)
	}
	body := b.page(t, "coord", "/operations/"+id, http.StatusOK)
	wantIn(t, body, `hx-get="/operations/`+id+`/status"`, `hx-trigger="every 2s"`, "正在抽取检查对象")
	st := b.do(t, "coord", "GET", "/operations/"+id+"/status", nil).want(http.StatusOK)
	if st.Header().Get("HX-Refresh") != "" || !strings.Contains(st.Body.String(), `id="plan-status"`) {
		t.Fatalf("status while planning: HX-Refresh %q, body %s", st.Header().Get("HX-Refresh"), st.Body)
	}

	n, _ := strconv.ParseInt(id, 10, 64)
	if err := b.db.PlanOperation(b.ctx, n); err != nil {
		t.Fatal(err)
	}
	st = b.do(t, "coord", "GET", "/operations/"+id+"/status", nil).want(http.StatusOK)
	if st.Header().Get("HX-Refresh") != "true" {
		t.Errorf("status once planned: HX-Refresh = %q, want true", st.Header().Get("HX-Refresh"))
	}
	body = b.page(t, "coord", "/operations/"+id, http.StatusOK)
	wantIn(t, body, "检查日历", "2026年3月", `class="dayoff"`, ">休<", "次检查", `<time datetime="2026-03-09"`,
		"各部门接收情况", "应急管理局", "没有被退回的任务", `href="/operations/`+id+`/cancel"`)
	if strings.Contains(body, `hx-trigger="every 2s"`) {
		t.Error("a planned operation still polls")
	}
	// Visits fall on working days only: no visit on the weekend of 14–15 March.
	if regexp.MustCompile(`(?s)<td class="dayoff has-visits">`).MatchString(body) {
		t.Errorf("a day off has visits:\n%s", body)
	}
	// A day's own view lists every visit with each department's task.
	tasks := b.tasksOf(t, "coord", "?operation_id="+id+"&limit=1")
	day := tasks[0].ScheduledOn.String()
	body = b.page(t, "coord", "/operations/"+id+"?day="+day, http.StatusOK)
	wantIn(t, body, `id="day"`, tasks[0].EnterpriseName, `href="/visits/`+itoa(tasks[0].VisitID)+`"`, "待接收")

	body = b.page(t, "coord", "/operations", http.StatusOK)
	wantIn(t, body, `href="/operations/`+id+`"`, "春季安全生产联合执法", "已编排", "待接收", `href="/operations/new"`)
}

func TestOperationShowsTheDeclineAndReassigns(t *testing.T) {
	t.Parallel()
	b := setup(t)
	op := b.plannedOperation(t)
	task := b.tasksOf(t, "msa-lead", "?status=pending&limit=1")[0]
	b.do(t, "msa-lead", "POST", "/api/v1/tasks/"+itoa(task.ID)+"/decline", map[string]string{"reason": "本周人手不足，执法证年审"}).want(http.StatusOK)

	path := "/operations/" + itoa(op.ID)
	body := b.page(t, "coord", path, http.StatusOK)
	wantIn(t, body, "被退回的任务", `id="task-`+itoa(task.ID)+`"`, task.EnterpriseName, "本周人手不足，执法证年审",
		`action="`+path+`/reassign"`, `<span class="badge declined">1</span>`)
	list := b.page(t, "coord", "/operations", http.StatusOK)
	wantIn(t, list, "已退回 1")

	// No department picked: the message is next to that task's picker.
	body = b.post(t, "coord", path+"/reassign", url.Values{"task": {itoa(task.ID)}, "department": {""}}).
		want(http.StatusUnprocessableEntity).Body.String()
	wantIn(t, body, "请选择接手的部门", "本周人手不足")
	// EMB is already on the visit.
	body = b.post(t, "coord", path+"/reassign", url.Values{"task": {itoa(task.ID)}, "department": {"EMB"}}).
		want(http.StatusUnprocessableEntity).Body.String()
	wantIn(t, body, "EMB 在此次联合检查中已有任务。")

	r := b.post(t, "coord", path+"/reassign", url.Values{"task": {itoa(task.ID)}, "department": {"FIRE"}}).want(http.StatusSeeOther)
	if loc := r.Header().Get("Location"); loc != path+"#declined" {
		t.Errorf("Location = %q", loc)
	}
	body = b.page(t, "coord", path, http.StatusOK)
	wantIn(t, body, "没有被退回的任务", "消防救援")
	var fire []*enforcement.Task
	for _, x := range b.tasksOf(t, "coord", "?operation_id="+itoa(op.ID)+"&limit=1000") {
		if x.Department == "FIRE" {
			fire = append(fire, x)
		}
	}
	if len(fire) != 1 || fire[0].Status != enforcement.TaskPending || fire[0].VisitID != task.VisitID {
		t.Errorf("FIRE's tasks = %v, want one pending on visit %d", fire, task.VisitID)
	}
}

func TestOperationCancelNeedsTheConfirmationAndAReason(t *testing.T) {
	t.Parallel()
	b := setup(t)
	op := b.plannedOperation(t)
	path := "/operations/" + itoa(op.ID)

	// Straight to POST, with no confirmation: the confirmation step.
	r := b.post(t, "coord", path+"/cancel", url.Values{"reason": {"上级通知暂停"}}).want(http.StatusSeeOther)
	if loc := r.Header().Get("Location"); loc != path+"/cancel" {
		t.Errorf("Location = %q, want the confirmation step", loc)
	}
	if got := b.operationStatus(t, itoa(op.ID)); got != enforcement.OperationPlanned {
		t.Fatalf("status = %s without confirmation, want planned", got)
	}
	body := b.page(t, "coord", path+"/cancel", http.StatusOK)
	wantIn(t, body, `id="cancel-confirm"`, `name="confirm" value="yes"`, `<textarea id="reason" name="reason" required`, "确认取消行动", "不能撤销")

	// Confirmed, with a reason too long: 422 with the limit, and what was
	// typed kept.
	long := strings.Repeat("停", 1001)
	body = b.post(t, "coord", path+"/cancel", url.Values{"confirm": {"yes"}, "reason": {long}}).want(http.StatusUnprocessableEntity).Body.String()
	wantIn(t, body, `id="reason-error"`, "取消原因最多 1000 个字", long, `aria-invalid="true" aria-describedby="reason-error"`)

	// Confirmed, with no reason: 422, and still planned.
	body = b.post(t, "coord", path+"/cancel", url.Values{"confirm": {"yes"}, "reason": {"  "}}).want(http.StatusUnprocessableEntity).Body.String()
	wantIn(t, body, `id="reason-error"`, "请填写取消原因", `id="cancel-confirm"`)
	if got := b.operationStatus(t, itoa(op.ID)); got != enforcement.OperationPlanned {
		t.Fatalf("status = %s without a reason, want planned", got)
	}

	r = b.post(t, "coord", path+"/cancel", url.Values{"confirm": {"yes"}, "reason": {"上级通知暂停"}}).want(http.StatusSeeOther)
	if loc := r.Header().Get("Location"); loc != path {
		t.Errorf("Location = %q", loc)
	}
	if got := b.operationStatus(t, itoa(op.ID)); got != enforcement.OperationCancelled {
		t.Fatalf("status = %s, want cancelled", got)
	}
	body = b.page(t, "coord", path, http.StatusOK)
	// Why, who and when.
	wantIn(t, body, "已取消", `id="cancelled"`, "行动已取消", `<dd class="decline-reason" id="cancel-reason">上级通知暂停</dd>`,
		`<dd id="cancelled-by">周协调</dd>`, `<dd id="cancelled-at">2026年3月2日 10:00</dd>`)
	wantIn(t, b.page(t, "coord", "/operations", http.StatusOK), `<span class="muted cancel-reason" title="上级通知暂停">上级通知暂停</span>`, "周协调")
	if strings.Contains(body, `href="`+path+`/cancel"`) {
		t.Error("a cancelled operation offers to cancel again")
	}
}

func TestOperationPagesInEnglish(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.post(t, "coord", "/language", url.Values{"language": {"en"}}).want(http.StatusSeeOther)
	body := b.page(t, "coord", "/operations/new", http.StatusOK)
	wantIn(t, body, `<html lang="en">`, "New joint operation", "Lead department", "Risk grades and sampling ratios", "Submit and plan", "Preview")
	body = b.post(t, "coord", "/operations/preview", operationForm()).want(http.StatusOK).Body.String()
	wantIn(t, body, "Visits saved by merging", "Per subdistrict", "Busiest day", "Mar 2026")
	op := b.plannedOperation(t)
	body = b.page(t, "coord", "/operations/"+itoa(op.ID), http.StatusOK)
	wantIn(t, body, "Calendar of visits", ">Mon<", "Acceptance per department", "Emergency Management", "Planned", "3/2026")
	for _, zh := range []string{"检查日历", "各部门接收情况", "、"} {
		if strings.Contains(body, zh) {
			t.Errorf("English page shows %q", zh)
		}
	}
}

func TestOperationPageShowsAFailedPlan(t *testing.T) {
	t.Parallel()
	b := setup(t)
	// Every enterprise of the district in one day: more than the rosters
	// can visit. The form refuses such criteria (see
	// TestOperationFormRefusesWhatCannotBePlanned); the API takes them, and
	// the plan job fails.
	var op enforcement.Operation
	b.do(t, "coord", "POST", "/api/v1/operations", map[string]any{
		"title": "一日全覆盖", "lead_department": "EMB", "departments": []string{"MSA", "FIRE", "HCB"},
		"window_start": "2026-03-09", "window_end": "2026-03-09",
	}).want(http.StatusCreated).decode(&op)
	id := itoa(op.ID)
	b.do(t, "coord", "POST", "/api/v1/operations/"+id+"/submit", nil).want(http.StatusAccepted)
	n := op.ID
	_ = b.db.PlanOperation(b.ctx, n)
	if got := b.operationStatus(t, id); got != enforcement.OperationDraft {
		t.Fatalf("status = %s, want draft after a plan that does not fit", got)
	}
	var failed enforcement.Operation
	b.do(t, "coord", "GET", "/api/v1/operations/"+id, nil).want(http.StatusOK).decode(&failed)
	if failed.PlanError == "" || failed.PlanErrorZH == "" || failed.PlanErrorZH == failed.PlanError {
		t.Fatalf("plan error %q / %q: want it in English and in Chinese", failed.PlanError, failed.PlanErrorZH)
	}
	body := b.page(t, "coord", "/operations/"+id, http.StatusOK)
	wantIn(t, body, `id="plan-error"`, "计划未能生成", `action="/operations/`+id+`/submit"`, html.EscapeString(failed.PlanErrorZH))
	if strings.Contains(body, html.EscapeString(failed.PlanError)) {
		t.Errorf("the Chinese page shows the English reason %q", failed.PlanError)
	}
	b.post(t, "coord", "/operations/"+id+"/submit", nil).want(http.StatusSeeOther)
	if got := b.operationStatus(t, id); got != enforcement.OperationPlanning {
		t.Errorf("status = %s after submitting again, want planning", got)
	}
}

// operationCount counts the operations over the API.
func (b *testBundle) operationCount(t *testing.T) int {
	t.Helper()
	var ops struct{ Operations []enforcement.Operation }
	b.do(t, "coord", "GET", "/api/v1/operations", nil).want(http.StatusOK).decode(&ops)
	return len(ops.Operations)
}

func TestOperationFormRefusesRatiosThatAreNotNumbers(t *testing.T) {
	t.Parallel()
	b := setup(t)
	// The ratios are text fields: what was typed reaches the server, which
	// says what is wrong instead of reading "" (the browser's value of a
	// number field holding "5e") as "draw in full".
	body := b.page(t, "coord", "/operations/new", http.StatusOK)
	wantIn(t, body, `<input type="text" name="ratio_1" id="ratio_1" value="100" inputmode="decimal"`,
		`<input type="text" id="min_gap_days" name="min_gap_days" value="0" inputmode="numeric"`)
	for _, bad := range []string{"5e", "NaN", "Inf", "-Inf", "1e2", "0x1p-2", "三十"} {
		f := operationForm()
		f.Set("ratio_2", bad)
		body := b.post(t, "coord", "/operations", f).want(http.StatusUnprocessableEntity).Body.String()
		wantIn(t, body, `id="ratio_2-error"`, "请填写数字（0 到 100）", `value="`+bad+`"`,
			`id="ratio_2" value="`+bad+`" inputmode="decimal" autocomplete="off" class="ratio" aria-invalid="true" aria-describedby="ratio_2-error"`)
		body = b.post(t, "coord", "/operations/preview", f).want(http.StatusOK).Body.String()
		wantIn(t, body, "暂时无法预览", "中风险抽查比例: 请填写数字")
	}
	f := operationForm()
	f.Set("min_gap_days", "5e")
	body = b.post(t, "coord", "/operations", f).want(http.StatusUnprocessableEntity).Body.String()
	wantIn(t, body, `id="min_gap_days-error"`, `value="5e"`)
	if n := b.operationCount(t); n != 0 {
		t.Errorf("refused forms created %d operations", n)
	}
	// A ratio typed with its percent sign, or with a decimal point, is a
	// number.
	f = operationForm()
	f.Set("ratio_1", "50%")
	f.Set("ratio_3", "12.5")
	b.post(t, "coord", "/operations", f).want(http.StatusSeeOther)
}

func TestOperationFormRefusesWhatCannotBePlanned(t *testing.T) {
	t.Parallel()
	b := setup(t)
	for _, c := range []struct {
		name  string
		edit  func(url.Values)
		wants []string
	}{
		{"a weekend only", func(f url.Values) { f.Set("window_start", "2026-03-14"); f.Set("window_end", "2026-03-15") },
			[]string{"按这些条件无法生成计划，未创建行动", "行动时段内没有可安排"}},
		{"no working day after the 2 working days to accept", func(f url.Values) { f.Set("window_start", "2026-03-02"); f.Set("window_end", "2026-03-04") },
			[]string{"按这些条件无法生成计划，未创建行动", "行动时段内没有可安排"}},
		{"more visits than the departments can make", func(f url.Values) {
			f.Set("window_start", "2026-03-09")
			f.Set("window_end", "2026-03-09")
			f["departments"] = []string{"MSA", "FIRE", "HCB"}
			delete(f, "industries")
			delete(f, "subdistricts")
		}, []string{"按这些条件无法生成计划，未创建行动", "各部门无法在该时段内完成这些检查"}},
		{"a grade ticked with a ratio of 0", func(f url.Values) { f["risk_grades"] = []string{"1", "2"}; f.Set("ratio_2", "0") },
			[]string{`id="ratio_2-error"`, "勾选的等级比例为 0"}},
	} {
		f := operationForm()
		c.edit(f)
		r := b.post(t, "coord", "/operations", f)
		if r.Code != http.StatusUnprocessableEntity {
			t.Errorf("%s: POST /operations = %d, want 422:\n%s", c.name, r.Code, r.Header().Get("Location"))
			continue
		}
		body := r.Body.String()
		wantIn(t, body, append(c.wants, `value="春季安全生产联合执法"`, `value="`+f.Get("window_start")+`"`, `<option value="EMB" selected>`)...)
		// The live preview showed the same reason.
		preview := b.post(t, "coord", "/operations/preview", f).want(http.StatusOK).Body.String()
		wantIn(t, preview, "暂时无法预览")
	}
	if n := b.operationCount(t); n != 0 {
		t.Errorf("refused forms created %d operations", n)
	}
	// The preview says it is an estimate.
	wantIn(t, b.page(t, "coord", "/operations/new", http.StatusOK), `id="preview-estimate"`, "预览是估算")
}

func TestOperationFormNamesUnknownCodesNextToTheirFields(t *testing.T) {
	t.Parallel()
	b := setup(t)
	f := operationForm()
	f.Set("lead_department", "ZZZ")
	f["departments"] = []string{"MSA", "QQQ"}
	f["industries"] = []string{"3311", "9999"}
	f["subdistricts"] = []string{"XX"}
	f.Set("title", strings.Repeat("长", 201))
	f.Set("window_end", "2027-06-30")
	body := b.post(t, "coord", "/operations", f).want(http.StatusUnprocessableEntity).Body.String()
	wantIn(t, body,
		`<p class="field-error" id="lead_department-error" role="alert">没有代码为 ZZZ 的部门`,
		`<p class="field-error" id="departments-error" role="alert">以下代码不存在：QQQ。`,
		`<p class="field-error" id="industries-error" role="alert">以下代码不存在：9999。`,
		`<p class="field-error" id="subdistricts-error" role="alert">以下代码不存在：XX。`,
		`<p class="field-error" id="title-error" role="alert">行动名称最多 200 个字（现有 201 个）`,
		`<p class="field-error" id="window_end-error" role="alert">行动期间最长 366 天`,
		// Server-side, not only from app.js: each field at fault says so.
		`id="title" name="title"`, `aria-invalid="true" aria-describedby="title-error"`,
		`<select id="lead_department" name="lead_department" required aria-invalid="true" aria-describedby="lead_department-error">`,
		`<fieldset id="departments" aria-invalid="true" aria-describedby="departments-error">`,
		`name="window_end" value="2027-06-30" required aria-invalid="true" aria-describedby="window_end-error">`)
	if strings.Contains(body, "Unknown code") {
		t.Errorf("the domain's English message shows:\n%s", body)
	}
	if n := b.operationCount(t); n != 0 {
		t.Errorf("a refused form created %d operations", n)
	}

	b.post(t, "coord", "/language", url.Values{"language": {"en"}}).want(http.StatusSeeOther)
	body = b.post(t, "coord", "/operations", f).want(http.StatusUnprocessableEntity).Body.String()
	wantIn(t, body, "There is no department with the code ZZZ", "This code does not exist: QQQ.", "A title has at most 200 characters",
		"An operation lasts at most 366 days")
	f = operationForm()
	f.Set("window_start", "2026-03-14")
	f.Set("window_end", "2026-03-15")
	body = b.post(t, "coord", "/operations", f).want(http.StatusUnprocessableEntity).Body.String()
	wantIn(t, body, "These criteria cannot be planned, so no operation was created")
	wantIn(t, b.page(t, "coord", "/operations/new", http.StatusOK), "An estimate: on submitting, the plan draws again")
}

func TestOperationReassignChecksTheTaskIsTheOperations(t *testing.T) {
	t.Parallel()
	b := setup(t)
	one := b.plannedOperation(t)
	var two enforcement.Operation
	b.do(t, "coord", "POST", "/api/v1/operations", map[string]any{
		"title": "另一次行动", "lead_department": "FIRE", "window_start": "2026-03-16", "window_end": "2026-03-20",
	}).want(http.StatusCreated).decode(&two)
	task := b.tasksOf(t, "msa-lead", "?status=pending&limit=1&operation_id="+itoa(one.ID))[0]
	b.do(t, "msa-lead", "POST", "/api/v1/tasks/"+itoa(task.ID)+"/decline", map[string]string{"reason": "人手不足"}).want(http.StatusOK)

	// Operation two's page, operation one's task: not found, and nothing
	// changes.
	b.post(t, "coord", "/operations/"+itoa(two.ID)+"/reassign", url.Values{"task": {itoa(task.ID)}, "department": {"FIRE"}}).want(http.StatusNotFound)
	b.post(t, "coord", "/operations/999999/reassign", url.Values{"task": {itoa(task.ID)}, "department": {"FIRE"}}).want(http.StatusNotFound)
	b.post(t, "coord", "/operations/"+itoa(one.ID)+"/reassign", url.Values{"task": {"99999999"}, "department": {"FIRE"}}).want(http.StatusNotFound)
	for _, x := range b.tasksOf(t, "coord", "?operation_id="+itoa(one.ID)+"&limit=1000") {
		if x.Department == "FIRE" {
			t.Fatalf("the task was reassigned through another operation's page: %+v", x)
		}
	}

	// Back to the department that declined it: refused, the message next
	// to that task's picker.
	path := "/operations/" + itoa(one.ID)
	body := b.post(t, "coord", path+"/reassign", url.Values{"task": {itoa(task.ID)}, "department": {"MSA"}}).
		want(http.StatusUnprocessableEntity).Body.String()
	wantIn(t, body, `id="dept-`+itoa(task.ID)+`-error"`, `aria-describedby="dept-`+itoa(task.ID)+`-error"`, "市场监督管理局已退回这项任务")

	b.post(t, "coord", path+"/reassign", url.Values{"task": {itoa(task.ID)}, "department": {"FIRE"}}).want(http.StatusSeeOther)
}
