package web_test

import (
	"bytes"
	"image"
	"image/png"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/jointops/jointops/enforcement"
	"github.com/jointops/jointops/enforcement/web"
)

// acceptedEMBVisit plans an operation, accepts EMB's first task with two
// inspectors and returns it.
func acceptedEMBVisit(t *testing.T, b *testBundle) *enforcement.Task {
	t.Helper()
	task := pendingEMBTask(t, b)
	b.do(t, "emb-lead", "POST", "/api/v1/tasks/"+itoa(task.ID)+"/accept",
		map[string]any{"inspector_ids": b.rosterIDs(t, "EMB", 2)}).want(http.StatusOK)
	return task
}

// addVisitPerson signs up one more person for the test, e.g. a lead of a
// department that is on no visit of the operation.
func addVisitPerson(t *testing.T, b *testBundle, key, dept string, role enforcement.Role) {
	t.Helper()
	a := &enforcement.Actor{Issuer: "test", Subject: key, Name: key, Department: dept, Roles: []enforcement.Role{role}}
	if err := b.db.UpsertUser(b.ctx, a); err != nil {
		t.Fatal(err)
	}
	b.people[key] = a
}

// postMultipart posts fields and, when photo is not nil, the file "photo".
func (b *testBundle) postMultipart(t *testing.T, who, path string, fields url.Values, photo []byte) *response {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, vs := range fields {
		for _, v := range vs {
			_ = mw.WriteField(k, v)
		}
	}
	if photo != nil {
		fw, err := mw.CreateFormFile("photo", "现场.png")
		if err != nil {
			t.Fatal(err)
		}
		_, _ = fw.Write(photo)
	}
	_ = mw.Close()
	req := httptest.NewRequest("POST", path, &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	req.Header.Set(actorHeader, who)
	return &response{b.serve(req), t}
}

// visitPhotoPNG is a small PNG photo that decodes (the domain reads a
// photo's pixels, not only its first bytes).
var visitPhotoPNG = encodePNG(4, 3)

// encodePNG returns a w×h PNG image.
func encodePNG(w, h int) []byte {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for i := range img.Pix {
		img.Pix[i] = byte(i * 7)
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		panic(err)
	}
	return buf.Bytes()
}

func TestVisitPageIsTheTeamsOnly(t *testing.T) {
	t.Parallel()
	b := setup(t)
	task := acceptedEMBVisit(t, b)
	path := "/visits/" + itoa(task.VisitID)
	addVisitPerson(t, b, "fire-lead", "FIRE", enforcement.RoleDeptLead)
	addVisitPerson(t, b, "fire-i1", "FIRE", enforcement.RoleInspector)

	facts := enterpriseFacts(t, b, task.EnterpriseID)
	var v enforcement.Visit
	b.do(t, "emb-i1", "GET", "/api/v1"+path, nil).want(http.StatusOK).decode(&v)
	if v.EnterpriseFacts != facts {
		t.Errorf("visit's enterprise = %+v, want %+v", v.EnterpriseFacts, facts)
	}
	for _, who := range []string{"emb-i1", "emb-lead", "msa-lead", "coord"} {
		wantIn(t, b.page(t, who, path, http.StatusOK), task.EnterpriseName, "检查清单", "应急管理局", "市场监督管理局",
			"<dt>统一社会信用代码</dt><dd class=\"credit-code\">"+facts.EnterpriseCreditCode+"</dd>",
			"<dt>地址</dt><dd>"+facts.EnterpriseAddress+"</dd>", "<dt>行业（GB/T 4754）</dt><dd>3311 金属结构制造</dd>",
			"<dt>街道</dt><dd>桂园街道</dd>", "<dt>风险等级</dt>", riskLabel[facts.RiskGrade])
	}
	b.post(t, "emb-i1", "/language", url.Values{"language": {"en"}}).want(http.StatusSeeOther)
	wantIn(t, b.page(t, "emb-i1", path, http.StatusOK), "Unified social credit code", "Industry (GB/T 4754)", "Subdistrict",
		"Risk grade", "Photo taken on site (optional)")
	// Only an inspector of a department with an accepted task records.
	if body := b.page(t, "msa-i1", path, http.StatusOK); strings.Contains(body, `id="hazard-form"`) {
		t.Error("MSA, whose task is pending, is offered the hazard form")
	}
	if body := b.page(t, "emb-lead", path, http.StatusOK); strings.Contains(body, `id="hazard-form"`) {
		t.Error("a lead is offered the inspector's hazard form")
	}
	wantIn(t, b.post(t, "msa-i1", path+"/hazards", url.Values{"severity": {"general"}, "description": {"x"}}).want(http.StatusConflict).Body.String(), "状态冲突")
	b.post(t, "emb-lead", path+"/hazards", url.Values{"severity": {"general"}, "description": {"x"}}).want(http.StatusForbidden)
	b.postMultipart(t, "coord", path+"/orders", url.Values{"due_mode": {"days"}}, nil).want(http.StatusForbidden)
	// A department that is not on the visit: not found, for the page and
	// for its forms.
	for _, who := range []string{"fire-lead", "fire-i1"} {
		wantIn(t, b.page(t, who, path, http.StatusNotFound), "未找到")
		b.post(t, who, path+"/hazards", url.Values{"severity": {"general"}, "description": {"x"}}).want(http.StatusNotFound)
	}
	wantIn(t, b.page(t, "fire-lead", "/tasks/"+itoa(task.ID), http.StatusNotFound), "未找到")
}

func TestVisitPageRecordsAHazardAndIssuesAnOrder(t *testing.T) {
	t.Parallel()
	b := setup(t)
	task := acceptedEMBVisit(t, b)
	path := "/visits/" + itoa(task.VisitID)
	addVisitPerson(t, b, "fire-lead", "FIRE", enforcement.RoleDeptLead)
	body := b.page(t, "emb-i1", path, http.StatusOK)
	wantIn(t, body, `id="hazard-form"`, `enctype="multipart/form-data" id="hazard-form"`, `<label for="description">`,
		`<label for="severity">`, `<label for="photo">`, "现场照片（可选）", "本部门没有待下达整改通知的隐患")

	// No description: 422 next to the field, the severity kept, and a word
	// that the photo must be chosen again.
	body = b.postMultipart(t, "emb-i1", path+"/hazards", url.Values{"form": {"hazard"}, "severity": {"major"}, "description": {" "}}, visitPhotoPNG).
		want(http.StatusUnprocessableEntity).Body.String()
	wantIn(t, body, `id="description-error"`, "请描述隐患", `<option value="major" selected>`, `id="photo-again"`)
	// Not a photo: 422 next to the photo, and nothing recorded.
	desc := "二层钢平台临边防护栏杆缺失"
	body = b.postMultipart(t, "emb-i1", path+"/hazards", url.Values{"form": {"hazard"}, "severity": {"general"}, "description": {desc}}, []byte("not a photo")).
		want(http.StatusUnprocessableEntity).Body.String()
	wantIn(t, body, `id="photo-error"`, "只能上传 JPEG、PNG 照片或 PDF", desc)
	var v enforcement.Visit
	b.do(t, "emb-i1", "GET", "/api/v1"+path, nil).want(http.StatusOK).decode(&v)
	if len(v.Hazards) != 0 {
		t.Fatalf("a hazard with a bad photo was recorded: %+v", v.Hazards)
	}

	// With a photo: the hazard and its photo are stored, no order needed.
	r := b.postMultipart(t, "emb-i1", path+"/hazards", url.Values{"form": {"hazard"}, "severity": {"general"}, "description": {desc}}, visitPhotoPNG).
		want(http.StatusSeeOther)
	b.do(t, "emb-i1", "GET", "/api/v1"+path, nil).want(http.StatusOK).decode(&v)
	if len(v.Hazards) != 1 || v.Hazards[0].Description != desc {
		t.Fatalf("hazards = %+v", v.Hazards)
	}
	h := itoa(v.Hazards[0].ID)
	if loc := r.Header().Get("Location"); loc != path+"#hazard-"+h || !strings.Contains(r.Header().Get("Set-Cookie"), "flash=visit.hazard_recorded;") {
		t.Errorf("Location = %q, Set-Cookie = %q", loc, r.Header().Get("Set-Cookie"))
	}
	photos := v.Hazards[0].Attachments
	if len(photos) != 1 || photos[0].ContentType != "image/png" || photos[0].Filename != "现场.png" || photos[0].RectificationOrderID != 0 {
		t.Fatalf("photos of the hazard = %+v", photos)
	}
	photo := itoa(photos[0].ID)
	body = b.page(t, "emb-i1", path, http.StatusOK)
	wantIn(t, body, desc, "一般隐患", `id="order-form"`, `value="`+h+`" id="order-hazard-`+h+`"`, `name="due_mode" value="days" id="due_mode_days" checked`,
		`<a href="/api/v1/attachments/`+photo+`" title="现场.png"><img src="/api/v1/attachments/`+photo+`" alt="隐患照片：现场.png" class="thumb"`)
	if strings.Contains(body, `enctype="multipart/form-data" id="order-form"`) || strings.Count(body, `name="photo"`) != 1 {
		t.Error("the order form still asks for a photo")
	}
	// The photo is served to whoever sees the visit; a lead of another
	// department gets 404.
	got := b.do(t, "msa-lead", "GET", "/api/v1/attachments/"+photo, nil).want(http.StatusOK)
	if !bytes.Equal(got.Body.Bytes(), visitPhotoPNG) || got.Header().Get("Content-Type") != "image/png" || got.Header().Get("Content-Security-Policy") != "sandbox" {
		t.Errorf("photo: %d bytes, headers %v", got.Body.Len(), got.Header())
	}
	b.do(t, "fire-lead", "GET", "/api/v1/attachments/"+photo, nil).problem(http.StatusNotFound, "/not_found")

	// Errors next to the fields; what was typed and chosen is kept. The
	// order form is urlencoded now; multipart is still read.
	body = b.post(t, "emb-i1", path+"/orders", url.Values{"form": {"order"}, "hazard_ids": {h}, "due_mode": {"days"}, "due_working_days": {"0"}}).
		want(http.StatusUnprocessableEntity).Body.String()
	wantIn(t, body, `id="due_working_days-error"`, "1 到 250", `value="`+h+`" id="order-hazard-`+h+`" checked>`, `name="due_working_days" min="1" max="250" inputmode="numeric" value="0"`)
	body = b.postMultipart(t, "emb-i1", path+"/orders", url.Values{"form": {"order"}, "due_mode": {"date"}, "due_date": {"2026-02-27"}}, nil).
		want(http.StatusUnprocessableEntity).Body.String()
	wantIn(t, body, `id="hazard_ids-error"`, `name="due_mode" value="date" id="due_mode_date" checked`, `value="2026-02-27"`)
	// A date before today is the domain's to refuse, next to the field.
	body = b.post(t, "emb-i1", path+"/orders", url.Values{"form": {"order"}, "hazard_ids": {h}, "due_mode": {"date"}, "due_date": {"2026-02-27"}}).
		want(http.StatusUnprocessableEntity).Body.String()
	wantIn(t, body, `id="due_date-error"`)

	// Five working days from Monday 2 March: Monday 9 March.
	r = b.post(t, "emb-i1", path+"/orders", url.Values{"form": {"order"}, "hazard_ids": {h}, "due_mode": {"days"}, "due_working_days": {"5"}}).
		want(http.StatusSeeOther)
	loc := r.Header().Get("Location")
	if !strings.HasPrefix(loc, path+"#order-") || !strings.Contains(r.Header().Get("Set-Cookie"), "flash=visit.order_issued") {
		t.Fatalf("Location = %q, Set-Cookie = %q", loc, r.Header().Get("Set-Cookie"))
	}
	orderID := strings.TrimPrefix(loc, path+"#order-")
	body = b.page(t, "emb-i1", path, http.StatusOK)
	wantIn(t, body, `id="order-`+orderID+`"`, "2026年3月9日（周一）", "下达后 5 个工作日", "5 个工作日后到期", `href="/orders/`+orderID+`"`,
		`<img src="/api/v1/attachments/`+photo+`"`)
	var o enforcement.RectificationOrder
	b.do(t, "emb-i1", "GET", "/api/v1/rectification-orders/"+orderID, nil).want(http.StatusOK).decode(&o)
	// The photo stays the hazard's: the order's files are the enterprise's evidence.
	if o.DueOn.String() != "2026-03-09" || o.DueRule != "working_days:5" || len(o.Attachments) != 0 {
		t.Errorf("order = due %s by %q with %+v", o.DueOn, o.DueRule, o.Attachments)
	}
	if strings.Contains(body, `id="order-form"`) {
		t.Error("the order form is offered with no hazard left to order")
	}
}

// holidayCalendar is a working-day calendar with Tuesday 3 March 2026 off.
type holidayCalendar struct{}

func (holidayCalendar) IsWorkingDay(d enforcement.Date) bool {
	return enforcement.WeekdayCalendar{}.IsWorkingDay(d) && d != enforcement.MustParseDate("2026-03-03")
}

// acceptedEMBVisits plans an operation and accepts EMB's first two tasks.
func acceptedEMBVisits(t *testing.T, b *testBundle) (*enforcement.Task, *enforcement.Task) {
	t.Helper()
	b.plannedOperation(t)
	tasks := b.tasksOf(t, "emb-lead", "?status=pending&limit=2")
	if len(tasks) != 2 || tasks[0].VisitID == tasks[1].VisitID {
		t.Fatalf("EMB's pending tasks = %+v, want two on two visits", tasks)
	}
	for _, task := range tasks {
		b.do(t, "emb-lead", "POST", "/api/v1/tasks/"+itoa(task.ID)+"/accept",
			map[string]any{"inspector_ids": b.rosterIDs(t, "EMB", 2)}).want(http.StatusOK)
	}
	return tasks[0], tasks[1]
}

// TestVisitOrderFormHazardsOfThePathsVisit: the order form of one visit
// cannot issue an order on another visit's hazards (the 404 page, no order).
func TestVisitOrderFormHazardsOfThePathsVisit(t *testing.T) {
	t.Parallel()
	b := setup(t)
	a, other := acceptedEMBVisits(t, b)
	var h enforcement.Hazard
	b.do(t, "emb-i1", "POST", "/api/v1/visits/"+itoa(a.VisitID)+"/hazards", map[string]any{
		"severity": "general", "description": "消防通道堵塞",
	}).want(http.StatusCreated).decode(&h)
	form := url.Values{"form": {"order"}, "hazard_ids": {itoa(h.ID)}, "due_mode": {"days"}, "due_working_days": {"5"}}
	wantIn(t, b.post(t, "emb-i1", "/visits/"+itoa(other.VisitID)+"/orders", form).want(http.StatusNotFound).Body.String(), "未找到")
	var list struct {
		Orders []enforcement.RectificationOrder `json:"rectification_orders"`
	}
	b.do(t, "emb-i1", "GET", "/api/v1/rectification-orders", nil).want(http.StatusOK).decode(&list)
	if len(list.Orders) != 0 {
		t.Fatalf("orders issued through another visit's form: %+v", list.Orders)
	}
	// Under its own visit's path, the same form issues the order.
	b.post(t, "emb-i1", "/visits/"+itoa(a.VisitID)+"/orders", form).want(http.StatusSeeOther)
}

// TestVisitHazardFormPhotoTooLarge: a photo over the limit, even several
// times over, is a message next to the field with everything typed kept;
// only a body beyond four times the limit is the localized 413 page.
func TestVisitHazardFormPhotoTooLarge(t *testing.T) {
	t.Parallel()
	b := setup(t, func(s *web.Server) { s.MaxAttachmentBytes = 1 << 20 })
	task := acceptedEMBVisit(t, b)
	path := "/visits/" + itoa(task.VisitID)
	desc := "配电箱门未关闭，线路裸露"
	big := func(n int) []byte { return append(append([]byte{}, visitPhotoPNG...), make([]byte, n)...) }
	fields := url.Values{"form": {"hazard"}, "severity": {"major"}, "description": {desc}, "negative_list": {"yes"}}

	body := b.postMultipart(t, "emb-i1", path+"/hazards", fields, big(3<<20)).want(http.StatusUnprocessableEntity).Body.String()
	wantIn(t, body, `id="photo-error"`, "照片超过 1 MB", desc, `<option value="major" selected>`, `id="negative_list" checked`,
		`aria-invalid="true" aria-describedby="photo-error photo-hint"`)

	body = b.postMultipart(t, "emb-i1", path+"/hazards", fields, big(5<<20)).want(http.StatusRequestEntityTooLarge).Body.String()
	wantIn(t, body, "提交的表单过大", "照片最大 1 MB", "请求编号")
	var v enforcement.Visit
	b.do(t, "emb-i1", "GET", "/api/v1"+path, nil).want(http.StatusOK).decode(&v)
	if len(v.Hazards) != 0 {
		t.Fatalf("hazards recorded with a photo too large: %+v", v.Hazards)
	}
}

// TestVisitDuePreview: the order form's working days show the date they
// come to on the server's calendar, before the order is issued.
func TestVisitDuePreview(t *testing.T) {
	t.Parallel()
	b := setup(t, func(s *web.Server) { s.Calendar = holidayCalendar{} })
	task := acceptedEMBVisit(t, b)
	path := "/visits/" + itoa(task.VisitID)
	addVisitPerson(t, b, "fire-i1", "FIRE", enforcement.RoleInspector)
	b.do(t, "emb-i1", "POST", "/api/v1"+path+"/hazards", map[string]any{"severity": "general", "description": "灭火器过期"}).want(http.StatusCreated)
	wantIn(t, b.page(t, "emb-i1", path, http.StatusOK), `hx-get="`+path+`/due"`, `hx-target="#due_working_days-preview"`, `id="due_working_days-preview"`)

	// Five working days from Monday 2 March, Tuesday 3 March off.
	wantIn(t, b.page(t, "emb-i1", path+"/due?days=5", http.StatusOK), "→ 2026年3月10日（周二）")
	wantIn(t, b.page(t, "emb-i1", path+"/due?due_working_days=1", http.StatusOK), "→ 2026年3月4日（周三）")
	for _, bad := range []string{"0", "251", "abc", "-2"} {
		wantIn(t, b.page(t, "emb-i1", path+"/due?days="+bad, http.StatusOK), "请填写 1 到 250 之间的工作日数。")
	}
	if body := b.page(t, "emb-i1", path+"/due?days=", http.StatusOK); strings.Contains(body, "→") || strings.Contains(body, "<html") {
		t.Errorf("empty days: %q", body)
	}
	b.page(t, "fire-i1", path+"/due?days=5", http.StatusNotFound)
	b.people["emb-i1"].Language = "en"
	wantIn(t, b.page(t, "emb-i1", path+"/due?days=5", http.StatusOK), "→ Tue 10 Mar 2026")
}

// TestVisitPageEnglishPunctuation: the English page separates with ": "
// and ", ", never Chinese punctuation.
func TestVisitPageEnglishPunctuation(t *testing.T) {
	t.Parallel()
	b := setup(t)
	task := acceptedEMBVisit(t, b)
	path := "/visits/" + itoa(task.VisitID)
	var v enforcement.Visit
	b.do(t, "emb-i1", "GET", "/api/v1"+path, nil).want(http.StatusOK).decode(&v)
	var names []string
	for _, tk := range v.Tasks {
		if tk.Department == "EMB" {
			for _, in := range tk.Inspectors {
				names = append(names, in.Name)
			}
		}
	}
	if len(names) != 2 {
		t.Fatalf("EMB's inspectors = %v", names)
	}
	b.do(t, "emb-i1", "POST", "/api/v1"+path+"/hazards", map[string]any{"severity": "general", "description": "灭火器过期"}).want(http.StatusCreated)
	wantIn(t, b.page(t, "emb-i1", path, http.StatusOK), "执法人员："+names[0]+"、"+names[1], "（一般隐患）")
	b.people["emb-i1"].Language = "en"
	body := b.page(t, "emb-i1", path, http.StatusOK)
	wantIn(t, body, "Inspectors: "+names[0]+", "+names[1], " (General hazard)")
	for _, p := range []string{"：", "、", "（", "）"} {
		if strings.Contains(body, p) {
			i := strings.Index(body, p)
			t.Errorf("the English page holds %q: …%s…", p, body[max(0, i-80):min(len(body), i+80)])
		}
	}
}
