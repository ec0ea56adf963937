package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
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
	if r := b.post(t, "emb-i1", other+"/evidence", url.Values{"evidence_text": {"x"}}); r.Code != http.StatusUnprocessableEntity || !strings.Contains(r.Body.String(), "form-error") {
		t.Errorf("evidence on a cancelled order: %d", r.Code)
	}
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
	r = b.upload(t, "emb-i1", path+"/attachments", "整改后.png", pngBytes)
	wantRedirect(t, r, path)
	wantIn(t, b.page(t, "emb-lead", path, http.StatusOK), "上传附件", "整改后.png", "/api/v1/attachments/")
	if r := b.upload(t, "msa-i1", path+"/attachments", "x.png", pngBytes); r.Code != http.StatusNotFound {
		t.Errorf("MSA attaches to EMB's order: %d", r.Code)
	}
}
