package web_test

import (
	"net/http"
	"strings"
	"testing"
)

func TestAuditPage(t *testing.T) {
	t.Parallel()
	b := setup(t)
	op := b.plannedOperation(t)

	body := b.page(t, "auditor", "/audit", http.StatusOK)
	wantIn(t, body, "审计记录", "operation.created", "周协调", `href="/operations/`+itoa(op.ID)+`"`)
	// Filters: an action prefix, an actor, a subject; and a day range.
	body = b.page(t, "auditor", "/audit?action=operation.&actor=协调&subject_kind=operation&subject_id="+itoa(op.ID), http.StatusOK)
	wantIn(t, body, "operation.submitted", `value="协调"`, `<option value="operation" selected>`)
	if strings.Contains(body, "operation.planned") {
		t.Error("the plan job is the system's, not 周协调's")
	}
	body = b.page(t, "auditor", "/audit?from=2026-03-03", http.StatusOK)
	wantIn(t, body, `id="no-events"`)
	body = b.page(t, "auditor", "/audit?from=2026-03-02&to=2026-03-02&action=operation.created", http.StatusOK)
	wantIn(t, body, "operation.created")
}

func TestAuditPagePages(t *testing.T) {
	t.Parallel()
	b := setup(t)
	if _, err := b.pool.Exec(b.ctx, `
		INSERT INTO audit_events (at, actor_name, action, subject_kind, subject_id)
		SELECT now(), 'loader', 'operation.created', 'operation', g FROM generate_series(1, 60) g`); err != nil {
		t.Fatal(err)
	}
	body := b.page(t, "auditor", "/audit?actor=loader", http.StatusOK)
	if n := strings.Count(body, "<code>operation.created</code>"); n != 50 {
		t.Fatalf("first page holds %d events, want 50", n)
	}
	i := strings.Index(body, `id="audit-older"`)
	if i < 0 {
		t.Fatalf("no link to older events:\n%s", body)
	}
	href := body[strings.LastIndex(body[:i], `href="`)+6:]
	href = strings.ReplaceAll(href[:strings.Index(href, `"`)], "&amp;", "&")
	body = b.page(t, "auditor", href, http.StatusOK)
	if n := strings.Count(body, "<code>operation.created</code>"); n != 10 || strings.Contains(body, `id="audit-older"`) {
		t.Fatalf("second page (%s) holds %d events, want the last 10", href, n)
	}
	wantIn(t, body, "回到最新")
}

func TestAuditPageValidationKeepsValues(t *testing.T) {
	t.Parallel()
	b := setup(t)
	body := b.page(t, "auditor", "/audit?actor=王&from=2026-13-01&subject_id=abc", http.StatusUnprocessableEntity)
	wantIn(t, body, `value="王"`, `value="2026-13-01"`, `value="abc"`, `id="from-error"`, `id="subject_id-error"`, "日期格式应为")
}

func TestAuditPageRefusesLeads(t *testing.T) {
	t.Parallel()
	b := setup(t)
	for _, who := range []string{"emb-lead", "emb-i1"} {
		if code := b.do(t, who, "GET", "/audit", nil).Code; code != http.StatusForbidden && code != http.StatusNotFound {
			t.Errorf("%s: GET /audit = %d, want 403 or 404", who, code)
		}
		if code := b.do(t, who, "GET", "/audit?from=bad", nil).Code; code != http.StatusForbidden {
			t.Errorf("%s: GET /audit?from=bad = %d, want 403", who, code)
		}
	}
}

func TestAuditPageRefusesABadPagerValue(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.plannedOperation(t)
	// Past the store's 32-bit id, negative, zero or not a number: a
	// message, not a 500, and the link back to the newest events.
	for _, v := range []string{"3000000000", "-5", "0", "abc", "1e3"} {
		body := b.page(t, "auditor", "/audit?actor=协调&before_id="+v, http.StatusUnprocessableEntity)
		wantIn(t, body, "翻页链接无效", `value="协调"`, "回到最新")
	}
	body := b.page(t, "auditor", "/audit?before_id=2147483647", http.StatusOK)
	wantIn(t, body, "operation.created")
}

func TestAuditPageDetailsAreReadable(t *testing.T) {
	t.Parallel()
	b := setup(t)
	if _, err := b.pool.Exec(b.ctx, `
		INSERT INTO audit_events (at, actor_name, action, subject_kind, subject_id, details)
		VALUES (now(), 'loader', 'operation.cancelled', 'operation', 7,
		        '{"reason": "上级通知\"暂停\"", "count": 3000000000, "share": 0.3, "departments": ["EMB", "MSA"], "ok": true, "none": null, "steps": [{"level": 1}]}')`); err != nil {
		t.Fatal(err)
	}
	body := b.page(t, "auditor", "/audit?actor=loader", http.StatusOK)
	wantIn(t, body, `<dl class="details">`,
		`<dt>count</dt><dd>3000000000</dd>`, `<dt>departments</dt><dd>EMB, MSA</dd>`, `<dt>none</dt><dd>—</dd>`,
		`<dt>ok</dt><dd>true</dd>`, `<dt>reason</dt><dd>上级通知&#34;暂停&#34;</dd>`, `<dt>share</dt><dd>0.3</dd>`,
		`<dt>steps</dt><dd>[{&#34;level&#34;:1}]</dd>`)
	// In name order, and no raw JSON object.
	if strings.Index(body, "<dt>count</dt>") > strings.Index(body, "<dt>steps</dt>") || strings.Contains(body, `{&#34;reason&#34;`) {
		t.Errorf("details are not a sorted list:\n%s", body)
	}
}

func TestAuditPageDateRange(t *testing.T) {
	t.Parallel()
	b := setup(t)
	body := b.page(t, "auditor", "/audit?from=2026-03-05&to=2026-03-01", http.StatusUnprocessableEntity)
	wantIn(t, body, `id="to-error"`, "截止日期不能早于起始日期", `value="2026-03-05"`, `value="2026-03-01"`,
		`aria-invalid="true" aria-describedby="to-error"`)
	body = b.page(t, "auditor", "/audit?to=2026-02-31", http.StatusUnprocessableEntity)
	wantIn(t, body, `id="to-error"`, "日期格式应为")
}
