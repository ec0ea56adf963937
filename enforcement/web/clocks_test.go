package web_test

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/jointops/jointops/enforcement"
	"github.com/jointops/jointops/enforcement/web"
)

// issuedOrder plans, accepts EMB's first task, records a general hazard
// and issues an order due in days working days, all over the API.
func (b *testBundle) issuedOrder(t *testing.T, days int) enforcement.RectificationOrder {
	t.Helper()
	b.plannedOperation(t)
	task := b.tasksOf(t, "emb-lead", "?status=pending&limit=1")[0]
	b.do(t, "emb-lead", "POST", "/api/v1/tasks/"+itoa(task.ID)+"/accept", map[string]any{"inspector_ids": b.rosterIDs(t, "EMB", 2)}).want(http.StatusOK)
	var hazard enforcement.Hazard
	b.do(t, "emb-i1", "POST", "/api/v1/visits/"+itoa(task.VisitID)+"/hazards", map[string]any{
		"severity": "general", "description": "消防通道堵塞",
	}).want(http.StatusCreated).decode(&hazard)
	var order enforcement.RectificationOrder
	b.do(t, "emb-i1", "POST", "/api/v1/rectification-orders", map[string]any{
		"hazard_ids": []int64{hazard.ID}, "due_working_days": days,
	}).want(http.StatusCreated).decode(&order)
	return order
}

// upload posts data as the multipart field "file".
func (b *testBundle) upload(t *testing.T, who, path, filename string, data []byte) *response {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, err := mw.CreateFormFile("file", filename)
	if err != nil {
		t.Fatal(err)
	}
	fw.Write(data)
	mw.Close()
	req := httptest.NewRequest("POST", path, &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set(actorHeader, who)
	rec := httptest.NewRecorder()
	b.h.ServeHTTP(rec, req)
	return &response{rec, t}
}

var (
	pngBytes = encodePNG(8, 8) // a real image: uploads must decode
	pdfBytes = []byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n")
)

func TestAttachments(t *testing.T) {
	t.Parallel()
	b := setup(t, func(s *web.Server) { s.MaxAttachmentBytes = 1 << 10 })
	order := b.issuedOrder(t, 5)
	path := "/api/v1/rectification-orders/" + itoa(order.ID) + "/attachments"

	var att enforcement.Attachment
	r := b.upload(t, "emb-i1", path, `C:\照片\灭火器.png`, pngBytes).want(http.StatusCreated)
	r.decode(&att)
	if att.ContentType != "image/png" || att.SizeBytes != int64(len(pngBytes)) || att.Filename != "灭火器.png" || att.RectificationOrderID != order.ID {
		t.Fatalf("attachment = %+v", att)
	}
	if r.Header().Get("Location") != "/api/v1/attachments/"+itoa(att.ID) {
		t.Fatalf("Location = %q", r.Header().Get("Location"))
	}
	b.upload(t, "emb-i2", path, "invoice.pdf", pdfBytes).want(http.StatusCreated)

	b.upload(t, "emb-i1", path, "big.png", append(pngBytes, make([]byte, 1<<10)...)).problem(http.StatusRequestEntityTooLarge, "/too-large")
	b.upload(t, "emb-i1", path, "photo.png", []byte("just some text, named like a photo")).problem(http.StatusUnsupportedMediaType, "/unsupported-media-type")
	b.upload(t, "emb-i1", path, "page.html", []byte("<html><script>alert(1)</script></html>")).problem(http.StatusUnsupportedMediaType, "/unsupported-media-type")
	b.do(t, "emb-i1", "POST", path, map[string]string{"file": "x"}).problem(http.StatusUnsupportedMediaType, "/unsupported-media-type")
	// Another department's order is not found, whatever the file.
	b.upload(t, "msa-i1", path, "big.png", make([]byte, 4<<10)).problem(http.StatusNotFound, "/not_found")

	got := b.do(t, "emb-lead", "GET", "/api/v1/attachments/"+itoa(att.ID), nil).want(http.StatusOK)
	if !bytes.Equal(got.Body.Bytes(), pngBytes) || got.Header().Get("Content-Type") != "image/png" ||
		!strings.HasPrefix(got.Header().Get("Content-Disposition"), "attachment;") || got.Header().Get("Content-Security-Policy") != "sandbox" {
		t.Fatalf("download: %d bytes, headers %v", got.Body.Len(), got.Header())
	}
	b.do(t, "auditor", "GET", "/api/v1/attachments/"+itoa(att.ID), nil).want(http.StatusOK)
	b.do(t, "msa-lead", "GET", "/api/v1/attachments/"+itoa(att.ID), nil).problem(http.StatusNotFound, "/not_found")

	var o enforcement.RectificationOrder
	b.do(t, "emb-lead", "GET", "/api/v1/rectification-orders/"+itoa(order.ID), nil).want(http.StatusOK).decode(&o)
	if len(o.Attachments) != 2 || o.Attachments[1].ContentType != "application/pdf" {
		t.Fatalf("order attachments = %+v", o.Attachments)
	}
	// Evidence text still comes as JSON, and files may follow it.
	b.do(t, "emb-i1", "POST", "/api/v1/rectification-orders/"+itoa(order.ID)+"/evidence", map[string]string{"text": "已清理通道，见照片"}).want(http.StatusOK)
	b.upload(t, "emb-i1", path, "after.png", pngBytes).want(http.StatusCreated)
	b.do(t, "emb-i2", "POST", "/api/v1/rectification-orders/"+itoa(order.ID)+"/verify", map[string]any{"passed": true}).want(http.StatusOK)
	b.upload(t, "emb-i1", path, "late.png", pngBytes).problem(http.StatusConflict, "/conflict")
}

func TestExtensionAPI(t *testing.T) {
	t.Parallel()
	b := setup(t)
	order := b.issuedOrder(t, 5) // due Mon 9 March
	oid := itoa(order.ID)

	var ext enforcement.Extension
	r := b.do(t, "emb-i1", "POST", "/api/v1/rectification-orders/"+oid+"/extensions", map[string]string{
		"reason": "整改设备到货延迟", "proposed_due_date": "2026-03-16",
	}).want(http.StatusCreated)
	r.decode(&ext)
	if ext.Status != enforcement.ExtensionPending || r.Header().Get("Location") != "/api/v1/extensions/"+itoa(ext.ID) {
		t.Fatalf("extension = %+v, Location %q", ext, r.Header().Get("Location"))
	}
	b.do(t, "emb-i1", "POST", "/api/v1/rectification-orders/"+oid+"/extensions", map[string]string{
		"reason": "again", "proposed_due_date": "2026-03-17",
	}).problem(http.StatusConflict, "/conflict")
	b.do(t, "msa-lead", "POST", "/api/v1/extensions/"+itoa(ext.ID)+"/approve", nil).problem(http.StatusNotFound, "/not_found")
	b.do(t, "emb-lead", "POST", "/api/v1/extensions/"+itoa(ext.ID)+"/refuse", map[string]string{}).problem(http.StatusUnprocessableEntity, "/invalid")
	b.do(t, "emb-lead", "POST", "/api/v1/extensions/"+itoa(ext.ID)+"/approve", nil).want(http.StatusOK).decode(&ext)
	if ext.Status != enforcement.ExtensionApproved {
		t.Fatalf("extension = %+v", ext)
	}
	var o enforcement.RectificationOrder
	b.do(t, "emb-i1", "GET", "/api/v1/rectification-orders/"+oid, nil).want(http.StatusOK).decode(&o)
	if o.DueOn.String() != "2026-03-16" || o.DueRule != "extension" {
		t.Fatalf("order due %s by %s", o.DueOn, o.DueRule)
	}

	// Past the new deadline, a request is refused with the reason.
	b.do(t, "coord", "POST", "/api/v1/dev/clock", map[string]string{"advance": "15d"}).want(http.StatusOK)
	p := b.do(t, "emb-i1", "POST", "/api/v1/rectification-orders/"+oid+"/extensions", map[string]string{
		"reason": "again", "proposed_due_date": "2026-03-30",
	}).problem(http.StatusConflict, "/conflict")
	if !strings.Contains(p.Detail, "The due date 2026-03-16 has passed; an extension must be asked before it.") {
		t.Fatalf("detail = %q", p.Detail)
	}

	var history struct {
		History []enforcement.OrderHistoryEntry `json:"history"`
	}
	b.do(t, "auditor", "GET", "/api/v1/rectification-orders/"+oid+"/history", nil).want(http.StatusOK).decode(&history)
	if len(history.History) < 3 || history.History[0].Kind != enforcement.HistoryIssued ||
		history.History[1].Kind != enforcement.HistoryExtensionRequested || history.History[2].Kind != enforcement.HistoryExtensionDecided {
		t.Fatalf("history = %+v", history.History)
	}
	b.do(t, "msa-lead", "GET", "/api/v1/rectification-orders/"+oid+"/history", nil).problem(http.StatusNotFound, "/not_found")
}

func TestListedAPI(t *testing.T) {
	t.Parallel()
	b := setup(t)
	order := b.issuedOrder(t, 1)                                                                          // due Tue 3 March
	b.do(t, "coord", "POST", "/api/v1/dev/clock", map[string]string{"advance": "9d"}).want(http.StatusOK) // Wed 11 March: listed

	var reg struct {
		Listed []enforcement.ListedOrder `json:"listed"`
	}
	b.do(t, "emb-lead", "GET", "/api/v1/listed", nil).want(http.StatusOK).decode(&reg)
	if len(reg.Listed) != 1 || reg.Listed[0].RectificationOrderID != order.ID || reg.Listed[0].DaysOverdue != 8 || reg.Listed[0].ListedSince == nil {
		t.Fatalf("register = %+v", reg.Listed)
	}
	b.do(t, "msa-lead", "GET", "/api/v1/listed", nil).want(http.StatusOK).decode(&reg)
	if len(reg.Listed) != 0 {
		t.Fatalf("MSA sees %+v", reg.Listed)
	}
	b.do(t, "emb-i1", "GET", "/api/v1/listed", nil).problem(http.StatusForbidden, "/forbidden")

	oid := itoa(order.ID)
	b.do(t, "emb-i1", "POST", "/api/v1/rectification-orders/"+oid+"/evidence", map[string]string{"text": "已整改"}).want(http.StatusOK)
	var o enforcement.RectificationOrder
	b.do(t, "emb-i2", "POST", "/api/v1/rectification-orders/"+oid+"/verify", map[string]any{"passed": true, "note": "销号"}).want(http.StatusOK).decode(&o)
	if o.Listed || o.ListedSignedOffBy == nil || *o.ListedSignedOffBy != b.people["emb-i2"].UserID {
		t.Fatalf("order = %+v", o)
	}
	b.do(t, "", "GET", "/api/v1/listed", nil).problem(http.StatusUnauthorized, "/unauthorized")
	b.do(t, "coord", "GET", "/api/v1/listed", nil).want(http.StatusOK).decode(&reg)
	if len(reg.Listed) != 0 {
		t.Fatalf("register after sign-off = %+v", reg.Listed)
	}
}

func TestEscalationPolicyAPI(t *testing.T) {
	t.Parallel()
	b := setup(t)
	var list struct {
		Policies []enforcement.StoredEscalationPolicy `json:"escalation_policies"`
	}
	b.do(t, "emb-i1", "GET", "/api/v1/admin/escalation-policies", nil).want(http.StatusOK).decode(&list)
	if len(list.Policies) != 2 || list.Policies[0].Severity != enforcement.SeverityGeneral || len(list.Policies[1].Steps) != 4 {
		t.Fatalf("policies = %+v", list.Policies)
	}
	steps := map[string]any{"steps": []map[string]any{
		{"level": 0, "offset_working_days": -2, "recipients": []string{"inspector"}},
		{"level": 1, "offset_working_days": 0, "recipients": []string{"inspector", "dept_lead"}},
		{"level": 3, "offset_working_days": 2, "recipients": []string{"coordinator", "leadership"}},
	}}
	b.do(t, "coord", "PUT", "/api/v1/admin/escalation-policies/major", steps).problem(http.StatusForbidden, "/forbidden")
	b.do(t, "admin", "PUT", "/api/v1/admin/escalation-policies/grave", steps).problem(http.StatusNotFound, "/not_found")
	p := b.do(t, "admin", "PUT", "/api/v1/admin/escalation-policies/major", map[string]any{"steps": []map[string]any{
		{"level": 1, "offset_working_days": 0, "recipients": []string{"inspector"}},
		{"level": 2, "offset_working_days": 3, "recipients": []string{"coordinator"}},
		{"level": 3, "offset_working_days": 1, "recipients": []string{"coordinator"}},
	}}).problem(http.StatusUnprocessableEntity, "/invalid")
	if p.Errors["steps[2].offset_working_days"] == "" {
		t.Fatalf("problem = %+v", p)
	}
	var stored enforcement.StoredEscalationPolicy
	b.do(t, "admin", "PUT", "/api/v1/admin/escalation-policies/major", steps).want(http.StatusOK).decode(&stored)
	if stored.Severity != enforcement.SeverityMajor || len(stored.Steps) != 3 || stored.CreatedBy == nil {
		t.Fatalf("stored = %+v", stored)
	}
	b.do(t, "auditor", "GET", "/api/v1/admin/escalation-policies?history=true", nil).want(http.StatusOK).decode(&list)
	if len(list.Policies) != 3 || list.Policies[0].ID != stored.ID {
		t.Fatalf("history = %+v", list.Policies)
	}
}

func TestCalendarAPI(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.do(t, "coord", "PUT", "/api/v1/admin/calendar/2027-02-05", map[string]any{"working": false}).problem(http.StatusForbidden, "/forbidden")
	b.do(t, "admin", "PUT", "/api/v1/admin/calendar/2027-02-30", map[string]any{"working": false}).problem(http.StatusUnprocessableEntity, "/invalid")
	b.do(t, "admin", "PUT", "/api/v1/admin/calendar/2027-02-05", map[string]any{"note": "x"}).problem(http.StatusUnprocessableEntity, "/invalid")
	var day enforcement.CalendarDay
	b.do(t, "admin", "PUT", "/api/v1/admin/calendar/2027-02-05", map[string]any{"working": false, "note": "春节（2027年通知）"}).want(http.StatusOK).decode(&day)
	if day.Working || day.Source != "override" || day.OfficialWorking == nil || !*day.OfficialWorking {
		t.Fatalf("day = %+v", day)
	}
	b.do(t, "admin", "PUT", "/api/v1/admin/calendar/2027-02-20", map[string]any{"working": true, "note": "调休上班"}).want(http.StatusOK)

	var year enforcement.CalendarYear
	b.do(t, "emb-i1", "GET", "/api/v1/admin/calendar?year=2027", nil).want(http.StatusOK).decode(&year)
	if year.Year != 2027 || len(year.Days) != 2 || year.Days[0].Date.String() != "2027-02-05" || !year.Days[1].Working || year.Days[1].Note != "调休上班" {
		t.Fatalf("2027 = %+v", year)
	}
	b.do(t, "admin", "GET", "/api/v1/admin/calendar?year=1900", nil).problem(http.StatusUnprocessableEntity, "/invalid")
	b.do(t, "admin", "DELETE", "/api/v1/admin/calendar/2027-02-05", nil).want(http.StatusNoContent)
	b.do(t, "admin", "DELETE", "/api/v1/admin/calendar/2027-02-05", nil).problem(http.StatusNotFound, "/not_found")
	b.do(t, "admin", "GET", "/api/v1/admin/calendar", nil).want(http.StatusOK).decode(&year)
	if year.Year != 2026 || len(year.Days) != 0 {
		t.Fatalf("this year = %+v", year)
	}

	var audit struct {
		AuditEvents []enforcement.AuditEvent `json:"audit_events"`
	}
	b.do(t, "auditor", "GET", "/api/v1/audit-events?subject_kind=calendar_day&subject_id=20270205", nil).want(http.StatusOK).decode(&audit)
	if len(audit.AuditEvents) != 2 {
		t.Fatalf("audit = %+v", audit.AuditEvents)
	}
}
