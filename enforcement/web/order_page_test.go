package web_test

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/jointops/jointops/enforcement"
)

// wantRedirect fails unless r is a 303 to location.
func wantRedirect(t *testing.T, r *response, location string) {
	t.Helper()
	if r.Code != http.StatusSeeOther || r.Header().Get("Location") != location {
		t.Fatalf("status %d to %q, want 303 to %q; body: %s", r.Code, r.Header().Get("Location"), location, r.Body)
	}
}

func TestOrderPageTimelineAndScope(t *testing.T) {
	t.Parallel()
	b := setup(t)
	o := b.ledgerFixture(t)
	path := "/orders/" + itoa(o.EMBGeneral.ID)

	body := b.page(t, "emb-lead", path, http.StatusOK)
	wantIn(t, body, "整改通知 "+itoa(o.EMBGeneral.ID)+" 号", "发现隐患", "EMB：消防通道堵塞", "下达整改通知，整改期限 2026年3月3日（周二）",
		"2026年3月2日 10:00", "时间均为北京时间", "到时将发出", "将通知：", "区协调员")
	b.page(t, "coord", path, http.StatusOK)
	b.page(t, "auditor", path, http.StatusOK)

	// Another department's lead and inspector get the not-found page.
	wantIn(t, b.page(t, "msa-lead", path, http.StatusNotFound), "未找到")
	b.page(t, "msa-i1", path, http.StatusNotFound)
	b.page(t, "emb-lead", "/orders/999999", http.StatusNotFound)
	b.page(t, "emb-lead", "/orders/x", http.StatusNotFound)
	if r := b.post(t, "msa-lead", path+"/cancel", url.Values{"cancel_reason": {"x"}, "confirm": {"1"}}); r.Code != http.StatusNotFound {
		t.Errorf("MSA cancels EMB's order: %d", r.Code)
	}

	// Wed 4 March 10:00: the sweep fires level 1, due at the deadline, to
	// EMB's inspectors and lead.
	b.do(t, "coord", "POST", "/api/v1/dev/clock", map[string]string{"advance": "2d"}).want(http.StatusOK)
	body = b.page(t, "emb-lead", path, http.StatusOK)
	wantIn(t, body, `<span class="status status-overdue">已逾期</span>`, `<span class="badge overdue">已逾期 1 个工作日</span>`, `<span class="badge level">逾期提醒</span>`, "已发出",
		"已通知：应急管理局检查员、应急管理局负责人", "2026年3月4日 10:00")
	b.people["emb-lead"].Language = "en"
	wantIn(t, b.page(t, "emb-lead", path, http.StatusOK), "Rectification order no. "+itoa(o.EMBGeneral.ID), "Hazard found",
		"Order issued, due Tue 3 Mar 2026", "Notified: ", " inspectors", "Times are Beijing time")
}

func TestOrderPageActions(t *testing.T) {
	t.Parallel()
	b := setup(t)
	o := b.ledgerFixture(t)
	id := itoa(o.EMBMajor.ID)
	path := "/orders/" + id

	// Only the order's department gets the forms, each by role.
	body := b.page(t, "emb-i1", path, http.StatusOK)
	wantIn(t, body, `action="/orders/`+id+`/evidence"`, `action="/orders/`+id+`/extensions"`, `action="/orders/`+id+`/attachments"`, `<label for="evidence_text">`)
	if strings.Contains(body, "/cancel") || strings.Contains(body, "/verify") {
		t.Error("an inspector is offered cancel or verify on an open order")
	}
	if body := b.page(t, "coord", path, http.StatusOK); strings.Contains(body, `method="post" action="/orders/`) {
		t.Error("the coordinator is offered an action")
	}
	wantIn(t, b.page(t, "emb-lead", path, http.StatusOK), `action="/orders/`+id+`/cancel"`, "我确认撤销")

	// Extension: a missing reason and a bad date stay next to their fields,
	// and what was typed is kept.
	r := b.post(t, "emb-i1", path+"/extensions", url.Values{"ext_reason": {""}, "ext_due_date": {"2026-03-20"}}).want(http.StatusUnprocessableEntity)
	wantIn(t, r.Body.String(), `id="ext_reason-error"`, "必填。", `value="2026-03-20"`)
	r = b.post(t, "emb-i1", path+"/extensions", url.Values{"ext_reason": {"设备到货延迟"}, "ext_due_date": {"2026-02-30"}}).want(http.StatusUnprocessableEntity)
	wantIn(t, r.Body.String(), `id="ext_due_date-error"`, "请按 年-月-日 填写日期。", "设备到货延迟")
	r = b.post(t, "emb-i1", path+"/extensions", url.Values{"ext_reason": {"设备到货延迟"}, "ext_due_date": {"2026-03-01"}}).want(http.StatusUnprocessableEntity)
	wantIn(t, r.Body.String(), `id="ext_due_date-error"`)
	wantRedirect(t, b.post(t, "emb-i1", path+"/extensions", url.Values{"ext_reason": {"设备到货延迟"}, "ext_due_date": {"2026-03-27"}}), path)

	// The lead decides: refusing needs a note; approving moves the date.
	body = b.page(t, "emb-lead", path, http.StatusOK)
	wantIn(t, body, "审批延期申请", "申请延期至 2026年3月27日（周五）", "设备到货延迟")
	i := strings.Index(body, "/extensions/")
	ext := body[i+len("/extensions/") : i+strings.Index(body[i:], "/approve")]
	r = b.post(t, "emb-lead", path+"/extensions/"+ext+"/refuse", url.Values{"decision_note": {" "}}).want(http.StatusUnprocessableEntity)
	wantIn(t, r.Body.String(), `id="decision_note-error"`)
	wantRedirect(t, b.post(t, "emb-lead", path+"/extensions/"+ext+"/approve", url.Values{"decision_note": {"同意"}}), path)
	wantIn(t, b.page(t, "emb-lead", path, http.StatusOK), "延期已批准，新的整改期限 2026年3月27日（周五）", "同意")

	// Evidence, then a failed verification needs a new due date.
	r = b.post(t, "emb-i1", path+"/evidence", url.Values{"evidence_text": {""}}).want(http.StatusUnprocessableEntity)
	wantIn(t, r.Body.String(), `id="evidence_text-error"`)
	wantRedirect(t, b.post(t, "emb-i1", path+"/evidence", url.Values{"evidence_text": {"已清理库存"}}), path)
	body = b.page(t, "emb-i2", path, http.StatusOK)
	wantIn(t, body, "企业提交整改材料", "已清理库存", `action="/orders/`+id+`/verify"`)
	r = b.post(t, "emb-i2", path+"/verify", url.Values{"verify_result": {"fail"}, "verify_note": {"仍超量"}}).want(http.StatusUnprocessableEntity)
	wantIn(t, r.Body.String(), `id="new_due_date-error"`, "仍超量")
	r = b.post(t, "emb-i2", path+"/verify", url.Values{}).want(http.StatusUnprocessableEntity)
	wantIn(t, r.Body.String(), `id="verify_result-error"`)
	wantRedirect(t, b.post(t, "emb-i2", path+"/verify", url.Values{"verify_result": {"fail"}, "verify_note": {"仍超量"}, "new_due_days": {"3"}}), path)
	wantIn(t, b.page(t, "emb-i2", path, http.StatusOK), "复查未通过", "重新限期至 2026年3月5日（周四）")

	// Again, and passed: closed, no more actions.
	wantRedirect(t, b.post(t, "emb-i1", path+"/evidence", url.Values{"evidence_text": {"已清理"}}), path)
	wantRedirect(t, b.post(t, "emb-i2", path+"/verify", url.Values{"verify_result": {"pass"}}), path)
	body = b.page(t, "emb-lead", path, http.StatusOK)
	wantIn(t, body, "复查通过", "整改通知已销号", "status-verified")
	if strings.Contains(body, `id="actions-h"`) {
		t.Error("a closed order offers actions")
	}

	// Cancelling asks for a reason and a confirmation.
	other := "/orders/" + itoa(o.EMBGeneral.ID)
	r = b.post(t, "emb-lead", other+"/cancel", url.Values{"cancel_reason": {"重复下达"}}).want(http.StatusUnprocessableEntity)
	wantIn(t, r.Body.String(), `id="confirm-error"`, "重复下达", "<details class=\"card\" open>")
	wantRedirect(t, b.post(t, "emb-lead", other+"/cancel", url.Values{"cancel_reason": {"重复下达"}, "confirm": {"1"}}), other)
	wantIn(t, b.page(t, "emb-lead", other, http.StatusOK), "整改通知已撤销", "status-cancelled")
	// Evidence from a stale tab on a cancelled order: 409, and why.
	r = b.post(t, "emb-i1", other+"/evidence", url.Values{"evidence_text": {"x"}}).want(http.StatusConflict)
	wantIn(t, r.Body.String(), `id="order-conflict"`, "未办理：整改通知的状态已经变化。", "此整改通知现为“已取消”")
}

func TestOrderPageAttachment(t *testing.T) {
	t.Parallel()
	b := setup(t)
	o := b.ledgerFixture(t)
	path := "/orders/" + itoa(o.EMBGeneral.ID)
	r := b.upload(t, "emb-i1", path+"/attachments", "现场.txt", []byte("plain text, not a photo"))
	if r.Code != http.StatusUnprocessableEntity || !strings.Contains(r.Body.String(), "只能上传 JPEG、PNG 照片或 PDF 文件。") {
		t.Fatalf("text file: %d", r.Code)
	}
	r = b.upload(t, "emb-i1", path+"/attachments", "整改后.png", visitPhotoPNG)
	wantRedirect(t, r, path)
	wantIn(t, b.page(t, "emb-lead", path, http.StatusOK), "上传附件", "整改后.png", "/api/v1/attachments/")
	if r := b.upload(t, "msa-i1", path+"/attachments", "x.png", visitPhotoPNG); r.Code != http.StatusNotFound {
		t.Errorf("MSA attaches to EMB's order: %d", r.Code)
	}
}

// extensionOnPage returns the id of the pending extension request that the
// order page offers its lead to decide.
func extensionOnPage(t *testing.T, body string) string {
	t.Helper()
	i := strings.Index(body, "/extensions/")
	j := strings.Index(body[max(i, 0):], "/approve")
	if i < 0 || j < 0 {
		t.Fatalf("no extension to decide on the page:\n%s", body)
	}
	return body[i+len("/extensions/") : i+j]
}

// TestOrderTimelineKeepsHistory: an approved extension and a failed
// verification change the order row; the timeline still shows what
// happened: the due date set at issue, every submission of evidence, the
// verification with its new date (no stray space), the extension.
func TestOrderTimelineKeepsHistory(t *testing.T) {
	t.Parallel()
	b := setup(t)
	o := b.ledgerFixture(t)
	id := itoa(o.EMBMajor.ID)
	path := "/orders/" + id
	issued := "下达整改通知，整改期限 2026年3月16日（周一）"
	wantIn(t, b.page(t, "emb-lead", path, http.StatusOK), issued)

	wantRedirect(t, b.post(t, "emb-i1", path+"/extensions", url.Values{"ext_reason": {"设备到货延迟"}, "ext_due_date": {"2026-03-27"}}), path)
	ext := extensionOnPage(t, b.page(t, "emb-lead", path, http.StatusOK))
	wantRedirect(t, b.post(t, "emb-lead", path+"/extensions/"+ext+"/approve", url.Values{"decision_note": {"同意"}}), path)
	body := b.page(t, "emb-lead", path, http.StatusOK)
	wantIn(t, body, issued, "申请延期至 2026年3月27日（周五）", "延期已批准，新的整改期限 2026年3月27日（周五）")
	if strings.Contains(body, "下达整改通知，整改期限 2026年3月27日") {
		t.Error("the issue entry shows the extended due date")
	}

	wantRedirect(t, b.post(t, "emb-i1", path+"/evidence", url.Values{"evidence_text": {"已清理库存"}}), path)
	wantRedirect(t, b.post(t, "emb-i2", path+"/verify", url.Values{"verify_result": {"fail"}, "verify_note": {"仍超量"}, "new_due_days": {"3"}}), path)
	body = b.page(t, "emb-lead", path, http.StatusOK)
	wantIn(t, body, issued, "企业提交整改材料", "复查未通过</strong>，重新限期至 2026年3月5日（周四）", "仍超量",
		"延期已批准，新的整改期限 2026年3月27日（周五）")
	if strings.Contains(body, "复查未通过</strong> ") {
		t.Error("a stray space follows 复查未通过")
	}
	wantRedirect(t, b.post(t, "emb-i1", path+"/evidence", url.Values{"evidence_text": {"已全部清理"}}), path)
	body = b.page(t, "emb-lead", path, http.StatusOK)
	if n := strings.Count(body, "<strong>企业提交整改材料</strong>"); n != 2 {
		t.Errorf("%d evidence entries on the timeline, want 2", n)
	}
	wantIn(t, body, issued, "已全部清理")
	// The timeline is in time order: issue, extension, evidence, failure,
	// evidence again.
	last := 0
	for _, s := range []string{issued, "延期已批准", "复查未通过", "已全部清理"} {
		i := strings.Index(body[last:], s)
		if i < 0 {
			t.Fatalf("%q is not after the entries before it", s)
		}
		last += i
	}

	b.people["emb-lead"].Language = "en"
	wantIn(t, b.page(t, "emb-lead", path, http.StatusOK), "Order issued, due Mon 16 Mar 2026",
		"Verification failed</strong>; new due date Thu 5 Mar 2026")

	// The text of evidence a failed verification cleared from the order
	// comes from its audit event (details.text), through the order's
	// history: the lead and the inspectors read it without the audit
	// trail's roles.
	t.Run("cleared evidence text", func(t *testing.T) {
		kind := enforcement.SubjectRectificationOrder
		evs, err := b.db.FindAuditEvents(enforcement.NewContextWithActor(b.ctx, b.people["auditor"]),
			enforcement.AuditFilter{SubjectKind: &kind, SubjectID: &o.EMBMajor.ID, Action: "rectification_order.evidence_submitted"})
		if err != nil {
			t.Fatal(err)
		}
		var texts []any
		for _, ev := range evs {
			texts = append(texts, ev.Details["text"])
		}
		if want := []any{"已全部清理", "已清理库存"}; !slices.Equal(texts, want) {
			t.Fatalf("details.text of the evidence events (newest first) = %v, want %v", texts, want)
		}
		b.people["emb-lead"].Language = "zh"
		wantIn(t, b.page(t, "emb-lead", path, http.StatusOK), "已清理库存")
		wantIn(t, b.page(t, "emb-i2", path, http.StatusOK), "已清理库存", "已全部清理", issued)
	})
}

// TestOrderNestedIDsMustMatch: an extension is decided only under its own
// order's path; another order's is the 404 page, nothing changed.
func TestOrderNestedIDsMustMatch(t *testing.T) {
	t.Parallel()
	b := setup(t)
	o := b.ledgerFixture(t)
	path := "/orders/" + itoa(o.EMBMajor.ID)
	other := "/orders/" + itoa(o.EMBGeneral.ID)
	wantRedirect(t, b.post(t, "emb-i1", path+"/extensions", url.Values{"ext_reason": {"设备到货延迟"}, "ext_due_date": {"2026-03-27"}}), path)
	ext := extensionOnPage(t, b.page(t, "emb-lead", path, http.StatusOK))

	wantIn(t, b.post(t, "emb-lead", other+"/extensions/"+ext+"/approve", url.Values{"decision_note": {"同意"}}).want(http.StatusNotFound).Body.String(), "未找到")
	b.post(t, "emb-lead", other+"/extensions/"+ext+"/refuse", url.Values{"decision_note": {"不同意"}}).want(http.StatusNotFound)
	b.post(t, "emb-lead", path+"/extensions/x/approve", url.Values{}).want(http.StatusNotFound)
	var e enforcement.Extension
	b.do(t, "emb-lead", "GET", "/api/v1/extensions/"+ext, nil).want(http.StatusOK).decode(&e)
	if e.Status != enforcement.ExtensionPending {
		t.Fatalf("extension is %s after decisions under another order's path", e.Status)
	}
	wantRedirect(t, b.post(t, "emb-lead", path+"/extensions/"+ext+"/approve", url.Values{"decision_note": {"同意"}}), path)
	// Deciding it again (a stale tab): 409 with why.
	wantIn(t, b.post(t, "emb-lead", path+"/extensions/"+ext+"/refuse", url.Values{"decision_note": {"不同意"}}).want(http.StatusConflict).Body.String(),
		`id="order-conflict"`, "该延期申请已处理（已批准）")
}

// TestOrderStaleVerifyForm: a verify form sent after the order left
// "awaiting verification" says so (409), whatever the form holds.
func TestOrderStaleVerifyForm(t *testing.T) {
	t.Parallel()
	b := setup(t)
	o := b.ledgerFixture(t)
	path := "/orders/" + itoa(o.EMBMajor.ID)
	wantRedirect(t, b.post(t, "emb-i1", path+"/evidence", url.Values{"evidence_text": {"已清理库存"}}), path)
	wantRedirect(t, b.post(t, "emb-i2", path+"/verify", url.Values{"verify_result": {"pass"}}), path)
	for _, form := range []url.Values{
		{"verify_result": {"fail"}, "verify_note": {"仍超量"}},
		{"verify_result": {"fail"}, "verify_note": {"仍超量"}, "new_due_days": {"3"}},
		{"verify_result": {"pass"}},
	} {
		body := b.post(t, "emb-i1", path+"/verify", form).want(http.StatusConflict).Body.String()
		wantIn(t, body, `id="order-conflict"`, "此整改通知现为“已复查通过”，不在待复查状态，复查结果未记录。")
		if strings.Contains(body, "请修正以下标出的内容") {
			t.Errorf("form %v: the conflict asks to fix fields", form)
		}
	}
	b.people["emb-i1"].Language = "en"
	wantIn(t, b.post(t, "emb-i1", path+"/verify", url.Values{"verify_result": {"pass"}}).want(http.StatusConflict).Body.String(),
		"not awaiting verification")
}

// TestOrderVerifyDuePreview: the failed verification's working days show
// the date they come to.
func TestOrderVerifyDuePreview(t *testing.T) {
	t.Parallel()
	b := setup(t)
	o := b.ledgerFixture(t)
	path := "/orders/" + itoa(o.EMBMajor.ID)
	wantRedirect(t, b.post(t, "emb-i1", path+"/evidence", url.Values{"evidence_text": {"已清理库存"}}), path)
	wantIn(t, b.page(t, "emb-i2", path, http.StatusOK), `hx-get="/orders/`+itoa(o.EMBMajor.ID)+`/due"`, `id="new_due_days-preview"`)
	wantIn(t, b.page(t, "emb-i2", path+"/due?new_due_days=3", http.StatusOK), "→ 2026年3月5日（周四）")
	b.page(t, "msa-i1", path+"/due?new_due_days=3", http.StatusNotFound)
}
