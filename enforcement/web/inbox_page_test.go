package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/jointops/jointops/enforcement/web"
)

func TestPagesSendAVisitorToSignIn(t *testing.T) {
	t.Parallel()
	b := setup(t)
	for path, next := range map[string]string{"/": "%2F", "/?before_id=7": "%2F%3Fbefore_id%3D7"} {
		r := b.do(t, "", "GET", path, nil).want(http.StatusFound)
		if loc := r.Header().Get("Location"); loc != "/login?next="+next {
			t.Errorf("GET %s: Location = %q, want /login?next=%s", path, loc, next)
		}
	}
	r := b.post(t, "", "/language", url.Values{"language": {"en"}}).want(http.StatusSeeOther)
	if loc := r.Header().Get("Location"); !strings.HasPrefix(loc, "/login?next=") {
		t.Errorf("POST /language: Location = %q", loc)
	}
}

func TestInboxPage(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.plannedOperation(t)
	task := b.tasksOf(t, "emb-lead", "?status=pending&limit=1")[0]
	msaTask := b.tasksOf(t, "msa-lead", "?status=pending&limit=1")[0]

	body := b.page(t, "emb-lead", "/", http.StatusOK)
	// Monday 2 March: the tasks are due on Wednesday 4 March.
	wantIn(t, body, `<html lang="zh-CN">`, "王建国", "应急管理局", `action="/logout"`, `name="viewport"`,
		`href="/tasks/`+itoa(task.ID)+`"`, task.EnterpriseName, "2026年3月4日（周三）",
		"2 个工作日后到期", "春季安全生产联合执法", `href="/ledger"`, `href="/dashboard"`)
	if strings.Contains(body, "已逾期") || strings.Contains(body, `href="/tasks/`+itoa(msaTask.ID)+`"`) {
		t.Errorf("page shows overdue, or MSA's task %d:\n%s", msaTask.ID, body)
	}
	if strings.Contains(body, `href="/operations"`) || strings.Contains(body, `href="/audit"`) {
		t.Errorf("a lead is offered the coordinator's or the auditor's pages:\n%s", body)
	}

	// Thursday: one working day past the deadline; red, and said in words.
	b.do(t, "emb-lead", "POST", "/api/v1/dev/clock", map[string]string{"advance": "3d"}).want(http.StatusOK)
	body = b.page(t, "emb-lead", "/", http.StatusOK)
	wantIn(t, body, `class="overdue"`, `<span class="badge overdue">已逾期 1 个工作日</span>`, "逾期提醒")
}

func TestInboxInEnglishAfterTheSwitch(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.plannedOperation(t)
	r := b.post(t, "emb-lead", "/language", url.Values{"language": {"en"}, "back": {"/?x=1"}}).want(http.StatusSeeOther)
	if loc := r.Header().Get("Location"); loc != "/?x=1" {
		t.Errorf("Location = %q, want the page the switch was on", loc)
	}
	body := b.page(t, "emb-lead", "/", http.StatusOK)
	wantIn(t, body, `<html lang="en">`, "Tasks to accept", "due in 2 working days", "Wed 4 Mar 2026", "Emergency Management", ">中文<")
	if strings.Contains(body, "待接收任务") {
		t.Errorf("English page shows Chinese labels:\n%s", body)
	}
	// An open redirect is refused: back must be a local path.
	r = b.post(t, "emb-lead", "/language", url.Values{"language": {"zh"}, "back": {"//evil.example/"}}).want(http.StatusSeeOther)
	if loc := r.Header().Get("Location"); loc != "/" {
		t.Errorf("Location = %q, want /", loc)
	}
	// A language jointops does not write is refused on the error page.
	body = b.post(t, "emb-lead", "/language", url.Values{"language": {"fr"}}).want(http.StatusUnprocessableEntity).Body.String()
	wantIn(t, body, "输入有误", "language")
}

func TestFormsRefuseCrossSitePosts(t *testing.T) {
	t.Parallel()
	b := setup(t)
	req := httptestForm("/language", url.Values{"language": {"en"}})
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	req.Header.Set("Origin", "https://evil.example")
	req.Header.Set(actorHeader, "emb-lead")
	rec := b.serve(req)
	if rec.Code != http.StatusForbidden || !strings.Contains(rec.Body.String(), "无权操作") {
		t.Fatalf("cross-site POST: status %d, body %s; want 403 and the error page", rec.Code, rec.Body)
	}
	if got := b.page(t, "emb-lead", "/", http.StatusOK); strings.Contains(got, `<html lang="en">`) {
		t.Error("the cross-site POST changed the language")
	}
}

func TestUnknownPageIsTheErrorPage(t *testing.T) {
	t.Parallel()
	b := setup(t)
	body := b.page(t, "emb-lead", "/no/such/page", http.StatusNotFound)
	wantIn(t, body, "未找到", "请求编号", `href="/"`)
	b.do(t, "emb-lead", "GET", "/api/v1/no-such", nil).problem(http.StatusNotFound, "not_found")
}

func TestStaticFiles(t *testing.T) {
	t.Parallel()
	b := setup(t)
	for _, p := range []string{"/static/app.css", "/static/app.js", "/static/vendor/htmx.min.js", "/static/vendor/echarts.min.js"} {
		r := b.do(t, "", "GET", p, nil).want(http.StatusOK)
		if r.Body.Len() < 100 || r.Header().Get("Cache-Control") == "" {
			t.Errorf("%s: %d bytes, Cache-Control %q", p, r.Body.Len(), r.Header().Get("Cache-Control"))
		}
	}
}

func TestDevClockForm(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.plannedOperation(t)
	wantIn(t, b.page(t, "emb-lead", "/", http.StatusOK), "演示时钟：今天是 2026年3月2日（周一）", `action="/dev/clock"`)
	r := b.post(t, "emb-lead", "/dev/clock", url.Values{"advance": {"3d"}, "back": {"/?x=1"}}).want(http.StatusSeeOther)
	if loc := r.Header().Get("Location"); loc != "/?x=1" {
		t.Errorf("Location = %q", loc)
	}
	if b.sweeps != 1 {
		t.Errorf("sweeps = %d, want 1 after the move", b.sweeps)
	}
	req := httptestForm("/", nil)
	req.Method = "GET"
	req.Header.Set(actorHeader, "emb-lead")
	for _, c := range r.Result().Cookies() {
		req.AddCookie(c)
	}
	body := b.serve(req).Body.String()
	wantIn(t, body, "2026年3月5日（周四）", "演示时钟已前进", "已逾期 1 个工作日")
	b.post(t, "emb-lead", "/dev/clock", url.Values{"advance": {"soon"}}).want(http.StatusUnprocessableEntity)
}

func TestDevClockFormIsOnlyInDevMode(t *testing.T) {
	t.Parallel()
	b := setup(t, func(s *web.Server) { s.DevClock = nil })
	body := b.page(t, "emb-lead", "/", http.StatusOK)
	if strings.Contains(body, "/dev/clock") {
		t.Error("production page offers the demo clock")
	}
	b.post(t, "emb-lead", "/dev/clock", url.Values{"advance": {"3d"}}).want(http.StatusNotFound)
}

// A visitor's pages are in Chinese whatever the browser's language, until
// the person chooses English with the switch.
func TestVisitorPagesAreChineseByDefault(t *testing.T) {
	t.Parallel()
	b := setup(t)
	req := httptestForm("/signed-out", nil)
	req.Method = "GET"
	req.Header.Set("Accept-Language", "en-US,en;q=0.9")
	wantIn(t, b.serve(req).Body.String(), `<html lang="zh-CN">`, "您已退出")
	req.AddCookie(&http.Cookie{Name: "lang", Value: "en"})
	wantIn(t, b.serve(req).Body.String(), `<html lang="en">`, "You have signed out")
}
