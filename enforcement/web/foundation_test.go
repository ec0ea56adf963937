package web_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/jointops/jointops/enforcement"
)

// formRequest builds a same-origin form POST as who ("" for nobody) with
// the headers given as name/value pairs.
func formRequest(who, path string, form url.Values, headers ...string) *http.Request {
	req := httptest.NewRequest("POST", path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	if who != "" {
		req.Header.Set(actorHeader, who)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	return req
}

var backField = regexp.MustCompile(`name="back" value="([^"]*)"`)

// backValues returns the values of the hidden back fields of a page (the
// language switch's and the demo clock's).
func backValues(body string) []string {
	var out []string
	for _, m := range backField.FindAllStringSubmatch(body, -1) {
		out = append(out, m[1])
	}
	return out
}

// A page that answers a POST (a confirmation step, a 422, an error page)
// sends the language switch and the demo clock back to a page a GET can
// show: the page the form was on (the same-origin Referer), else /.
func TestPageAnsweringAPostGoesBackToAGetPage(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.plannedOperation(t)
	id := itoa(b.tasksOf(t, "emb-lead", "?status=pending&limit=1")[0].ID)
	decline := "/tasks/" + id + "/decline"
	for _, tc := range []struct {
		name    string
		form    url.Values
		referer string
		status  int
		want    string
	}{
		{"confirmation step", url.Values{"reason": {"人手不足"}}, "http://example.com/tasks/" + id + "?from=mail", http.StatusOK, "/tasks/" + id + "?from=mail"},
		{"422 with the form again", url.Values{"reason": {""}}, "http://example.com/tasks/" + id, http.StatusUnprocessableEntity, "/tasks/" + id},
		{"no Referer", url.Values{"reason": {"x"}}, "", http.StatusOK, "/"},
		{"another site's Referer", url.Values{"reason": {"x"}}, "http://evil.example/tasks/" + id, http.StatusOK, "/"},
		{"a POST-only Referer", url.Values{"reason": {"x"}}, "http://example.com" + decline, http.StatusOK, "/"},
		{"a Referer of no page", url.Values{"reason": {"x"}}, "http://example.com/no/such/page", http.StatusOK, "/"},
	} {
		req := formRequest("emb-lead", decline, tc.form)
		if tc.referer != "" {
			req.Header.Set("Referer", tc.referer)
		}
		rec := b.serve(req)
		if rec.Code != tc.status {
			t.Fatalf("%s: status %d, want %d: %s", tc.name, rec.Code, tc.status, rec.Body)
		}
		backs := backValues(rec.Body.String())
		if len(backs) != 2 || backs[0] != tc.want || backs[1] != tc.want {
			t.Errorf("%s: back fields %q, want the language switch's and the demo clock's to be %q", tc.name, backs, tc.want)
		}
	}

	// The error page of a POST too.
	req := formRequest("emb-lead", "/language", url.Values{"language": {"fr"}}, "Referer", "http://example.com/ledger?status=open")
	rec := b.serve(req)
	if rec.Code != http.StatusUnprocessableEntity {
		t.Fatalf("POST /language fr: %d", rec.Code)
	}
	if backs := backValues(rec.Body.String()); len(backs) != 2 || backs[0] != "/ledger?status=open" {
		t.Errorf("error page of a POST: back fields %q, want /ledger?status=open", backs)
	}
	// A GET page keeps its own address.
	if backs := backValues(b.page(t, "emb-lead", "/tasks/"+id+"?x=1", http.StatusOK)); len(backs) != 2 || backs[0] != "/tasks/"+id+"?x=1" {
		t.Errorf("GET page: back fields %q", backs)
	}
}

// A visitor whose session ended sends a form: after signing in they come
// back to the page the form was on, not to the POST's URL; an htmx request
// comes back to the page it was made from (HX-Current-URL).
func TestSignInComesBackToThePageAFormWasOn(t *testing.T) {
	t.Parallel()
	b := setup(t)
	for _, tc := range []struct {
		name, path string
		headers    []string
		header     string
		status     int
		want       string
	}{
		{"form", "/tasks/5/decline", []string{"Referer", "http://example.com/tasks/5?from=mail"}, "Location", http.StatusSeeOther, "/login?next=%2Ftasks%2F5%3Ffrom%3Dmail"},
		{"form without Referer", "/tasks/5/decline", nil, "Location", http.StatusSeeOther, "/login?next=%2F"},
		{"form with a foreign Referer", "/tasks/5/decline", []string{"Referer", "https://evil.example/x"}, "Location", http.StatusSeeOther, "/login?next=%2F"},
		{"htmx preview", "/operations/preview", []string{"HX-Request", "true", "HX-Current-URL", "http://example.com/operations/new?title=x",
			"Referer", "http://example.com/"}, "HX-Redirect", http.StatusUnauthorized, "/login?next=%2Foperations%2Fnew%3Ftitle%3Dx"},
		{"htmx without HX-Current-URL", "/operations/preview", []string{"HX-Request", "true"}, "HX-Redirect", http.StatusUnauthorized, "/login?next=%2F"},
	} {
		rec := b.serve(formRequest("", tc.path, url.Values{"reason": {"x"}}, tc.headers...))
		if rec.Code != tc.status || rec.Header().Get(tc.header) != tc.want {
			t.Errorf("%s: %d, %s %q; want %d, %q", tc.name, rec.Code, tc.header, rec.Header().Get(tc.header), tc.status, tc.want)
		}
	}
}

// 405 is the error page for pages, in the viewer's language, and stays
// problem+json under /api/; both say which methods the path has.
func TestMethodNotAllowedIsAPageOutsideTheAPI(t *testing.T) {
	t.Parallel()
	b := setup(t)
	r := b.do(t, "emb-lead", "GET", "/notifications/read-all", nil).want(http.StatusMethodNotAllowed)
	if ct := r.Header().Get("Content-Type"); ct != "text/html; charset=utf-8" || r.Header().Get("Allow") != "POST" {
		t.Fatalf("GET /notifications/read-all: Content-Type %q, Allow %q; want the HTML page and Allow: POST", ct, r.Header().Get("Allow"))
	}
	wantIn(t, r.Body.String(), `<html lang="zh-CN">`, "无法以此方式访问", "请求编号", `href="/"`)
	b.post(t, "emb-lead", "/language", url.Values{"language": {"en"}}).want(http.StatusSeeOther)
	r = b.do(t, "emb-lead", "GET", "/notifications/read-all", nil).want(http.StatusMethodNotAllowed)
	wantIn(t, r.Body.String(), `<html lang="en">`, "Not available this way")

	p := b.do(t, "emb-lead", "DELETE", "/api/v1/me", nil).problem(http.StatusMethodNotAllowed, "blank")
	if !strings.Contains(p.Detail, "GET") {
		t.Errorf("API 405 detail %q does not name GET", p.Detail)
	}
}

// The back field of the language switch and the demo clock is a local
// path; anything a browser would read as another host goes to /.
func TestBackRefusesOtherHosts(t *testing.T) {
	t.Parallel()
	b := setup(t)
	for _, back := range []string{"/\t/evil.example", "/\n/evil.example", "/\r\n/evil.example", "/\\evil.example", "/\\/evil.example",
		"//evil.example", "/\x7f/evil.example", "https://evil.example/", "/\x00/x"} {
		for _, path := range []string{"/language", "/dev/clock"} {
			form := url.Values{"language": {"zh"}, "advance": {"0s"}, "back": {back}}
			r := b.post(t, "emb-lead", path, form)
			if r.Code == http.StatusUnprocessableEntity && strings.Contains(back, "\x00") {
				continue // NUL is refused outright
			}
			if r.Code != http.StatusSeeOther || r.Header().Get("Location") != "/" {
				t.Errorf("POST %s back=%q: %d, Location %q; want 303 to /", path, back, r.Code, r.Header().Get("Location"))
			}
		}
	}
	r := b.post(t, "emb-lead", "/language", url.Values{"language": {"zh"}, "back": {"/ledger?status=open"}}).want(http.StatusSeeOther)
	if loc := r.Header().Get("Location"); loc != "/ledger?status=open" {
		t.Errorf("a local back: Location %q", loc)
	}
}

// Text the database cannot store (invalid UTF-8, NUL) in a query or a form
// is refused before any handler: 422 naming the field, the error page for
// pages and problem+json under /api/. A path with it names nothing.
func TestInvalidTextIsRefused(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.plannedOperation(t)
	id := itoa(b.tasksOf(t, "emb-lead", "?status=pending&limit=1")[0].ID)
	for who, path := range map[string]string{
		"emb-lead": "/ledger?subdistrict=%ff",
		"auditor":  "/audit?actor=%00",
		"coord":    "/operations?x=a%00b",
	} {
		body := b.page(t, who, path, http.StatusUnprocessableEntity)
		wantIn(t, body, "输入有误", "提交的内容有误")
	}
	for _, tc := range []struct{ who, path, body, field string }{
		{"coord", "/operations", "title=a%00b&lead_department=EMB", "title"},
		{"emb-lead", "/tasks/" + id + "/decline", "reason=%ff%fe", "reason"},
		{"emb-lead", "/language", "language=en&back=/%ff", "back"},
	} {
		req := httptest.NewRequest("POST", tc.path, strings.NewReader(tc.body))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Sec-Fetch-Site", "same-origin")
		req.Header.Set(actorHeader, tc.who)
		rec := b.serve(req)
		if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), "输入有误") || !strings.Contains(rec.Body.String(), "字段 "+tc.field+" 含有无效字符") {
			t.Errorf("POST %s %s: %d, want 422 and the error page naming %s: %s", tc.path, tc.body, rec.Code, tc.field, rec.Body)
		}
	}
	var task enforcement.Task
	b.do(t, "emb-lead", "GET", "/api/v1/tasks/"+id, nil).want(http.StatusOK).decode(&task)
	if task.Status != enforcement.TaskPending {
		t.Errorf("task %s is %s after a refused decline", id, task.Status)
	}

	p := b.do(t, "auditor", "GET", "/api/v1/audit-events?limit=5&actor=%00", nil).problem(http.StatusUnprocessableEntity, "invalid")
	if p.Code != enforcement.EINVALID || p.Errors["actor"] == "" {
		t.Errorf("problem %+v, want EINVALID naming actor", p)
	}
	p = b.do(t, "emb-lead", "GET", "/api/v1/me?%ff=1", nil).problem(http.StatusUnprocessableEntity, "invalid")
	if len(p.Errors) != 1 {
		t.Errorf("problem %+v, want one field", p)
	}
	b.do(t, "admin", "PUT", "/api/v1/admin/departments/%ff%00", map[string]any{}).problem(http.StatusNotFound, "not_found")
	b.page(t, "emb-lead", "/tasks/%ff", http.StatusNotFound)
}

// An urlencoded form body is capped at 1 MiB: 413, the error page for
// pages, problem+json under /api/.
func TestLargeFormIsRefused(t *testing.T) {
	t.Parallel()
	b := setup(t)
	big := "language=en&back=/" + strings.Repeat("a", 1<<20)
	req := httptest.NewRequest("POST", "/language", strings.NewReader(big))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	req.Header.Set(actorHeader, "emb-lead")
	rec := b.serve(req)
	if rec.Code != http.StatusRequestEntityTooLarge || rec.Header().Get("Content-Type") != "text/html; charset=utf-8" ||
		!strings.Contains(rec.Body.String(), "提交的内容过多") {
		t.Fatalf("POST /language of 1 MiB: %d %q, want 413 and the error page: %.500s", rec.Code, rec.Header().Get("Content-Type"), rec.Body)
	}
	if got := b.page(t, "emb-lead", "/", http.StatusOK); strings.Contains(got, `<html lang="en">`) {
		t.Error("the refused form changed the language")
	}
	req = httptest.NewRequest("POST", "/api/v1/notifications/read-all", strings.NewReader(big))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	req.Header.Set(actorHeader, "emb-lead")
	(&response{b.serve(req), t}).problem(http.StatusRequestEntityTooLarge, "too-large")
	// Just under the cap is read.
	ok := "language=en&back=/?x=" + strings.Repeat("a", 1<<19)
	req = httptest.NewRequest("POST", "/language", strings.NewReader(ok))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set(actorHeader, "emb-lead")
	if rec := b.serve(req); rec.Code != http.StatusSeeOther {
		t.Errorf("POST /language of 512 KiB: %d", rec.Code)
	}
}

// The error page of not found, forbidden and unauthorized shows its
// localized text and the request id, not the domain's English message;
// invalid input keeps the message that says what to fix.
func TestErrorPageShowsOnlyLocalizedText(t *testing.T) {
	t.Parallel()
	b := setup(t)
	for _, tc := range []struct {
		who, path string
		status    int
		want      string
	}{
		{"emb-lead", "/tasks/999999", http.StatusNotFound, "未找到"},
		{"emb-lead", "/no/such/page", http.StatusNotFound, "未找到"},
		{"emb-lead", "/audit", http.StatusForbidden, "无权操作"},
		{"emb-lead", "/operations", http.StatusForbidden, "无权操作"},
	} {
		body := b.page(t, tc.who, tc.path, tc.status)
		wantIn(t, body, tc.want, "请求编号")
		main := body[strings.Index(body, `<main id="main">`):]
		if n := strings.Count(main, `<p class="muted">`); n != 1 {
			t.Errorf("GET %s: %d muted paragraphs, want only the request id's:\n%s", tc.path, n, main)
		}
		for _, english := range []string{"No task", "There is no page", "needs the role"} {
			if strings.Contains(main, english) {
				t.Errorf("GET %s shows %q:\n%s", tc.path, english, main)
			}
		}
	}
	b.post(t, "emb-lead", "/language", url.Values{"language": {"en"}}).want(http.StatusSeeOther)
	body := b.page(t, "emb-lead", "/tasks/999999", http.StatusNotFound)
	wantIn(t, body, "Not found: the record does not exist")
	if strings.Contains(body, "No task") || strings.Contains(body, "999999.") {
		t.Errorf("English error page shows the domain message:\n%s", body)
	}
	body = b.post(t, "emb-lead", "/language", url.Values{"language": {"fr"}}).want(http.StatusUnprocessableEntity).Body.String()
	wantIn(t, body, "What was submitted is not valid.", "language")
}

var taskLink = regexp.MustCompile(`href="/tasks/(\d+)"`)

// The inbox shows the pending tasks a page at a time, says which are
// shown and whether more follow, and links the pages; the notifications'
// own pager keeps working beside it.
func TestInboxPagesThroughPendingTasks(t *testing.T) {
	t.Parallel()
	b := setup(t)
	var op enforcement.Operation
	b.do(t, "coord", "POST", "/api/v1/operations", map[string]any{
		"title": "大检查", "lead_department": "EMB", "departments": []string{"MSA", "FIRE"},
		"window_start": "2026-03-09", "window_end": "2026-03-20",
		"criteria": map[string]any{"risk_grades": []int{1}, "sampling_ratio": map[string]float64{"1": 0.5}},
	}).want(http.StatusCreated).decode(&op)
	b.do(t, "coord", "POST", "/api/v1/operations/"+itoa(op.ID)+"/submit", nil).want(http.StatusAccepted)
	if err := b.db.PlanOperation(b.ctx, op.ID); err != nil {
		t.Fatal(err)
	}
	total := len(b.tasksOf(t, "coord", "?status=pending&limit=1000"))
	if total <= 100 {
		t.Fatalf("%d pending tasks; the test wants more than two pages", total)
	}
	pages := (total + 49) / 50

	seen := map[string]bool{}
	for n := 1; n <= pages; n++ {
		path := "/?tasks_page=" + itoa(int64(n))
		if n == 1 {
			path = "/"
		}
		body := b.page(t, "coord", path, http.StatusOK)
		links := taskLink.FindAllStringSubmatch(body, -1)
		from, to := (n-1)*50+1, min(n*50, total)
		if len(links) != to-from+1 {
			t.Errorf("page %d: %d tasks, want %d", n, len(links), to-from+1)
		}
		for _, l := range links {
			if seen[l[1]] {
				t.Errorf("task %s on two pages", l[1])
			}
			seen[l[1]] = true
		}
		if n < pages {
			wantIn(t, body, "显示第 "+itoa(int64(from))+"–"+itoa(int64(to))+" 项。")
		} else {
			wantIn(t, body, "显示第 "+itoa(int64(from))+"–"+itoa(int64(to))+" 项，共 "+itoa(int64(total))+" 项。")
		}
		next := `href="/?tasks_page=` + itoa(int64(n+1)) + `" rel="next"`
		prev := `href="/?tasks_page=` + itoa(int64(n-1)) + `" rel="prev"`
		if n < pages {
			wantIn(t, body, "下一页还有更多待接收任务。", next)
		} else if strings.Contains(body, `rel="next"`) || strings.Contains(body, "下一页还有更多") {
			t.Errorf("last page %d offers a next page", n)
		}
		if n > 1 {
			wantIn(t, body, prev)
		} else if strings.Contains(body, `rel="prev"`) {
			t.Error("first page offers a previous page")
		}
	}
	if len(seen) != total {
		t.Errorf("the pages show %d tasks, want all %d", len(seen), total)
	}

	// Past the end: says so and links back; a bad number is the first page.
	body := b.page(t, "coord", "/?tasks_page=99", http.StatusOK)
	wantIn(t, body, "此页没有任务", `href="/?tasks_page=98" rel="prev"`)
	if body := b.page(t, "coord", "/?tasks_page=abc", http.StatusOK); !strings.Contains(body, "显示第 1–50 项。") {
		t.Error("tasks_page=abc is not the first page")
	}
	// The notifications' position stays in the tasks' pager links.
	body = b.page(t, "coord", "/?before_id=999999&tasks_page=2", http.StatusOK)
	wantIn(t, body, `href="/?before_id=999999&amp;tasks_page=3" rel="next"`, `href="/?before_id=999999&amp;tasks_page=1" rel="prev"`)

	// A lead's tasks fit on one page: it says how many, and has no pager.
	mine := len(b.tasksOf(t, "emb-lead", "?status=pending&limit=1000"))
	if mine == 0 || mine > 50 {
		t.Fatalf("EMB has %d pending tasks; the test wants one page", mine)
	}
	body = b.page(t, "emb-lead", "/", http.StatusOK)
	wantIn(t, body, "共 "+itoa(int64(mine))+" 项。")
	if strings.Contains(body, `class="pager"`) {
		t.Error("a single page of tasks has a pager")
	}

	b.post(t, "coord", "/language", url.Values{"language": {"en"}}).want(http.StatusSeeOther)
	wantIn(t, b.page(t, "coord", "/", http.StatusOK), "Showing tasks 1–50.", "More wait on the next page.", "Next tasks", `aria-label="Pages of tasks to accept"`)
}
