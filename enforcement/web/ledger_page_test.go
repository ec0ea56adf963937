package web_test

import (
	"bytes"
	"encoding/csv"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/jointops/jointops/enforcement"
	"github.com/jointops/jointops/enforcement/web"
)

// ledgerOrders are the orders of ledgerFixture.
type ledgerOrders struct {
	// EMBGeneral is due in 1 working day (Tue 3 March 2026), EMBMajor in
	// 10 working days, MSAGeneral in 10; all issued Mon 2 March.
	EMBGeneral, EMBMajor, MSAGeneral enforcement.RectificationOrder
}

// ledgerFixture plans the joint operation, has EMB and MSA accept a task
// each, and issues two EMB orders and one MSA order over the API.
func (b *testBundle) ledgerFixture(t *testing.T) ledgerOrders {
	t.Helper()
	b.plannedOperation(t)
	issue := func(dept, lead, inspector, severity string, days int) enforcement.RectificationOrder {
		task := b.tasksOf(t, lead, "?status=pending&limit=1")[0]
		b.do(t, lead, "POST", "/api/v1/tasks/"+itoa(task.ID)+"/accept", map[string]any{"inspector_ids": b.rosterIDs(t, dept, 2)}).want(http.StatusOK)
		var hazard enforcement.Hazard
		b.do(t, inspector, "POST", "/api/v1/visits/"+itoa(task.VisitID)+"/hazards", map[string]any{
			"severity": severity, "description": dept + "：消防通道堵塞",
		}).want(http.StatusCreated).decode(&hazard)
		var order enforcement.RectificationOrder
		b.do(t, inspector, "POST", "/api/v1/rectification-orders", map[string]any{
			"hazard_ids": []int64{hazard.ID}, "due_working_days": days,
		}).want(http.StatusCreated).decode(&order)
		return order
	}
	var o ledgerOrders
	o.EMBGeneral = issue("EMB", "emb-lead", "emb-i1", "general", 1)
	o.MSAGeneral = issue("MSA", "msa-lead", "msa-i1", "general", 10)
	// A second hazard on EMB's visit, so that EMB has a major order too.
	var hazard enforcement.Hazard
	b.do(t, "emb-i1", "POST", "/api/v1/visits/"+itoa(o.EMBGeneral.VisitID)+"/hazards", map[string]any{
		"severity": "major", "description": "EMB：危化品超量储存",
	}).want(http.StatusCreated).decode(&hazard)
	b.do(t, "emb-i1", "POST", "/api/v1/rectification-orders", map[string]any{
		"hazard_ids": []int64{hazard.ID}, "due_working_days": 10,
	}).want(http.StatusCreated).decode(&o.EMBMajor)
	return o
}

// rowMark is how the ledger marks the row of an order.
func rowMark(o enforcement.RectificationOrder) string { return `data-order="` + itoa(o.ID) + `"` }

// wantRows fails unless body lists exactly the orders want among all.
func wantRows(t *testing.T, body string, all []enforcement.RectificationOrder, want ...enforcement.RectificationOrder) {
	t.Helper()
	for _, o := range all {
		in := slices.ContainsFunc(want, func(w enforcement.RectificationOrder) bool { return w.ID == o.ID })
		if got := strings.Contains(body, rowMark(o)); got != in {
			t.Errorf("order %d (%s) listed = %v, want %v", o.ID, o.Department, got, in)
		}
	}
}

func TestLedgerPageScopeAndFilters(t *testing.T) {
	t.Parallel()
	b := setup(t)
	o := b.ledgerFixture(t)
	all := []enforcement.RectificationOrder{o.EMBGeneral, o.EMBMajor, o.MSAGeneral}

	body := b.page(t, "emb-lead", "/ledger", http.StatusOK)
	wantIn(t, body, "整改台账", `<label for="f-status">`, `<label for="f-severity">`, `<label for="f-subdistrict">`, `<label for="f-industry">`,
		"1 个工作日后到期", "/ledger.xlsx", "/ledger.csv")
	wantRows(t, body, all, o.EMBGeneral, o.EMBMajor)
	if strings.Contains(body, `id="f-department"`) {
		t.Error("a lead is offered the department filter")
	}
	// A lead asking for another department still sees their own only.
	wantRows(t, b.page(t, "emb-lead", "/ledger?department=MSA", http.StatusOK), all, o.EMBGeneral, o.EMBMajor)
	wantRows(t, b.page(t, "msa-lead", "/ledger", http.StatusOK), all, o.MSAGeneral)

	wantRows(t, b.page(t, "coord", "/ledger", http.StatusOK), all, all...)
	wantRows(t, b.page(t, "auditor", "/ledger?department=MSA", http.StatusOK), all, o.MSAGeneral)
	wantRows(t, b.page(t, "coord", "/ledger?severity=major", http.StatusOK), all, o.EMBMajor)
	wantRows(t, b.page(t, "coord", "/ledger?subdistrict=440303001&industry=3311", http.StatusOK), all, all...)
	wantRows(t, b.page(t, "coord", "/ledger?subdistrict=440303002", http.StatusOK), all)
	wantRows(t, b.page(t, "coord", "/ledger?industry=4411", http.StatusOK), all)
	wantRows(t, b.page(t, "coord", "/ledger?status=overdue", http.StatusOK), all)
	wantIn(t, b.page(t, "coord", "/ledger?status=overdue", http.StatusOK), "没有符合条件的整改通知。")

	b.page(t, "emb-i1", "/ledger", http.StatusForbidden)
	b.page(t, "coord", "/ledger?status=lost", http.StatusUnprocessableEntity)
	if r := b.do(t, "", "GET", "/ledger", nil); r.Code != http.StatusFound || !strings.HasPrefix(r.Header().Get("Location"), "/login?next=") {
		t.Errorf("a visitor: %d %s", r.Code, r.Header().Get("Location"))
	}

	// Wed 11 March: EMB's general order is overdue and listed (level 3,
	// five working days after Tue 3 March).
	b.do(t, "coord", "POST", "/api/v1/dev/clock", map[string]string{"advance": "9d"}).want(http.StatusOK)
	body = b.page(t, "coord", "/ledger?status=overdue", http.StatusOK)
	wantRows(t, body, all, o.EMBGeneral)
	wantIn(t, body, `class="overdue listed"`, `<span class="badge overdue">已逾期 6 个工作日</span>`, `<span class="badge listed">挂牌督办</span>`)
	wantRows(t, b.page(t, "emb-lead", "/ledger?listed=1", http.StatusOK), all, o.EMBGeneral)
	wantRows(t, b.page(t, "msa-lead", "/ledger?listed=1", http.StatusOK), all)
}

func TestLedgerPager(t *testing.T) {
	t.Parallel()
	b := setup(t)
	o := b.ledgerFixture(t)
	// 50 more EMB orders make 52 EMB orders: two pages.
	for range 50 {
		var hazard enforcement.Hazard
		b.do(t, "emb-i1", "POST", "/api/v1/visits/"+itoa(o.EMBGeneral.VisitID)+"/hazards", map[string]any{
			"severity": "general", "description": "灭火器过期",
		}).want(http.StatusCreated).decode(&hazard)
		b.do(t, "emb-i1", "POST", "/api/v1/rectification-orders", map[string]any{
			"hazard_ids": []int64{hazard.ID}, "due_working_days": 20,
		}).want(http.StatusCreated)
	}
	first := b.page(t, "emb-lead", "/ledger", http.StatusOK)
	wantIn(t, first, `href="/ledger?page=2"`, "第 1 页")
	if strings.Contains(first, rowMark(o.EMBGeneral)) || strings.Contains(first, `rel="prev"`) {
		t.Error("page 1 holds the oldest order or a link back")
	}
	second := b.page(t, "emb-lead", "/ledger?page=2", http.StatusOK)
	wantIn(t, second, rowMark(o.EMBGeneral), rowMark(o.EMBMajor), `rel="prev"`, "第 2 页")
	if strings.Contains(second, `rel="next"`) {
		t.Error("the last page links to a next one")
	}
}

func TestLedgerExports(t *testing.T) {
	t.Parallel()
	b := setup(t)
	o := b.ledgerFixture(t)

	r := b.do(t, "emb-lead", "GET", "/ledger.xlsx", nil).want(http.StatusOK)
	if cd := r.Header().Get("Content-Disposition"); !strings.Contains(cd, `filename="ledger-2026-03-02.xlsx"`) || !strings.Contains(cd, "filename*=UTF-8''") {
		t.Errorf("Content-Disposition = %q", cd)
	}
	x, err := excelize.OpenReader(bytes.NewReader(r.Body.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	rows, err := x.GetRows("整改台账")
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3 || rows[0][0] != "编号" || rows[0][1] != "企业" || rows[0][2] != "部门" {
		t.Fatalf("xlsx rows = %q", rows)
	}
	ids := []string{rows[1][0], rows[2][0]}
	if !slices.Contains(ids, itoa(o.EMBGeneral.ID)) || !slices.Contains(ids, itoa(o.EMBMajor.ID)) || slices.Contains(ids, itoa(o.MSAGeneral.ID)) {
		t.Errorf("EMB's export holds orders %v", ids)
	}
	if rows[1][2] != "应急管理局" && rows[1][2] != "区应急管理局" && !strings.Contains(rows[1][2], "应急") {
		t.Errorf("department cell = %q", rows[1][2])
	}

	// The filter applies to the export as on the page; a lead's scope too.
	r = b.do(t, "emb-lead", "GET", "/ledger.csv?severity=major&department=MSA", nil).want(http.StatusOK)
	if ct := r.Header().Get("Content-Type"); ct != "text/csv; charset=utf-8" {
		t.Errorf("Content-Type = %q", ct)
	}
	if cd := r.Header().Get("Content-Disposition"); !strings.Contains(cd, `filename="ledger-2026-03-02.csv"`) {
		t.Errorf("Content-Disposition = %q", cd)
	}
	raw := r.Body.String()
	if !strings.HasPrefix(raw, "\uFEFF编号,企业,部门,街道,行业,隐患等级,状态,下达时间,整改期限,是否逾期,是否挂牌督办\n") {
		t.Fatalf("csv starts %q", raw[:min(len(raw), 200)])
	}
	recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(raw, "\uFEFF"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 2 || recs[1][0] != itoa(o.EMBMajor.ID) || recs[1][5] != "重大隐患" || recs[1][8] != o.EMBMajor.DueOn.String() {
		t.Errorf("csv = %q", recs)
	}

	// MSA's lead never gets EMB's rows; headers follow the viewer's language.
	b.people["msa-lead"].Language = "en"
	recs, err = csv.NewReader(strings.NewReader(strings.TrimPrefix(b.do(t, "msa-lead", "GET", "/ledger.csv", nil).want(http.StatusOK).Body.String(), "\uFEFF"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 2 || recs[0][0] != "No." || recs[0][1] != "Enterprise" || recs[1][0] != itoa(o.MSAGeneral.ID) || recs[1][6] != "Open" {
		t.Errorf("MSA's csv = %q", recs)
	}
	// The coordinator's export of everything holds all three.
	recs, _ = csv.NewReader(strings.NewReader(strings.TrimPrefix(b.do(t, "coord", "GET", "/ledger.csv?"+url.Values{"industry": {"3311"}}.Encode(), nil).want(http.StatusOK).Body.String(), "\uFEFF"))).ReadAll()
	if len(recs) != 4 {
		t.Errorf("coordinator's csv = %q", recs)
	}
	b.do(t, "emb-i1", "GET", "/ledger.xlsx", nil).want(http.StatusForbidden)
}

func TestListedPage(t *testing.T) {
	t.Parallel()
	b := setup(t)
	o := b.ledgerFixture(t)
	wantIn(t, b.page(t, "coord", "/listed", http.StatusOK), "挂牌督办", "目前没有挂牌督办的整改通知。")
	b.do(t, "coord", "POST", "/api/v1/dev/clock", map[string]string{"advance": "9d"}).want(http.StatusOK) // Wed 11 March
	body := b.page(t, "auditor", "/listed", http.StatusOK)
	wantIn(t, body, rowMark(o.EMBGeneral), `<span class="badge listed">挂牌督办</span>`, `<span class="badge overdue">逾期 8 天</span>`, "应急")
	if strings.Contains(body, rowMark(o.MSAGeneral)) {
		t.Error("MSA's order, not listed, is on the register")
	}
	b.people["coord"].Language = "en"
	wantIn(t, b.page(t, "coord", "/listed", http.StatusOK), "Listed supervision", "8 days overdue")
	b.page(t, "emb-i1", "/listed", http.StatusForbidden)
}

// TestLedgerBadFilters: a value the form never offers shows the ledger with
// the message next to that filter, the other filters applied and kept; a
// page past the end links back to page 1; "listed only" works whichever
// way a link says yes.
func TestLedgerBadFilters(t *testing.T) {
	t.Parallel()
	b := setup(t)
	o := b.ledgerFixture(t)
	all := []enforcement.RectificationOrder{o.EMBGeneral, o.EMBMajor, o.MSAGeneral}

	body := b.page(t, "coord", "/ledger?status=bogus&severity=major", http.StatusUnprocessableEntity)
	wantIn(t, body, `id="status-error"`, "请从列表中选择整改状态。", `<select id="f-status" name="status" aria-invalid="true" aria-describedby="status-error">`,
		`<option value="major" selected>`, `<form method="get" action="/ledger"`)
	wantRows(t, body, all, o.EMBMajor)
	wantIn(t, body, `href="/ledger.csv?severity=major"`, `href="/ledger.xlsx?severity=major"`)
	body = b.page(t, "coord", "/ledger?severity=fatal&department=MSA", http.StatusUnprocessableEntity)
	wantIn(t, body, `id="severity-error"`, "请从列表中选择隐患等级", `<option value="MSA" selected>`)
	wantRows(t, body, all, o.MSAGeneral)
	body = b.page(t, "coord", "/ledger?page=-1", http.StatusUnprocessableEntity)
	wantIn(t, body, `id="page-error"`, "页码须为从 1 开始的整数")
	wantRows(t, body, all, all...)
	wantIn(t, b.page(t, "coord", "/ledger?listed=maybe", http.StatusUnprocessableEntity), `id="listed-error"`)
	b.people["coord"].Language = "en"
	wantIn(t, b.page(t, "coord", "/ledger?status=bogus", http.StatusUnprocessableEntity), "Choose a status from the list.")
	b.people["coord"].Language = "zh"
	// A bad filter on an export: the ledger with the message, not a file.
	r := b.do(t, "coord", "GET", "/ledger.csv?status=bogus", nil).want(http.StatusUnprocessableEntity)
	wantIn(t, r.Body.String(), `id="status-error"`, `<form method="get" action="/ledger"`, `href="/ledger.csv"`)

	body = b.page(t, "coord", "/ledger?page=9&severity=general", http.StatusOK)
	wantIn(t, body, `id="past-end"`, "第 9 页没有整改通知", `href="/ledger?page=1&amp;severity=general"`)

	// Listed only: the checkbox's 1, and yes/true/on from links.
	b.do(t, "coord", "POST", "/api/v1/dev/clock", map[string]string{"advance": "9d"}).want(http.StatusOK) // EMBGeneral listed
	for _, v := range []string{"1", "yes", "true", "on"} {
		wantRows(t, b.page(t, "coord", "/ledger?listed="+v, http.StatusOK), all, o.EMBGeneral)
	}
	wantRows(t, b.page(t, "coord", "/ledger?listed=0", http.StatusOK), all, all...)
	wantIn(t, b.page(t, "coord", "/ledger?listed=yes", http.StatusOK), `id="f-listed" name="listed" value="1" checked`, `href="/ledger.csv?listed=1"`)
}

// TestLedgerExportNeverTruncates: when more orders match than one export
// holds, the export is refused with the ledger and a message, never cut.
// Not parallel: it lowers the package's bound.
func TestLedgerExportNeverTruncates(t *testing.T) {
	b := setup(t)
	o := b.ledgerFixture(t)
	defer web.SetLedgerExportMax(2)()
	for _, p := range []string{"/ledger.csv", "/ledger.xlsx"} {
		r := b.do(t, "coord", "GET", p, nil).want(http.StatusUnprocessableEntity)
		if ct := r.Header().Get("Content-Type"); ct != "text/html; charset=utf-8" {
			t.Errorf("%s: Content-Type = %q", p, ct)
		}
		wantIn(t, r.Body.String(), `id="export-error"`, "符合条件的整改通知超过 2 条", "请增加筛选条件")
	}
	// Narrowed to two, it exports both.
	recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(b.do(t, "coord", "GET", "/ledger.csv?department=EMB", nil).want(http.StatusOK).Body.String(), "\uFEFF"))).ReadAll()
	if err != nil || len(recs) != 3 || recs[2][0] != itoa(o.EMBGeneral.ID) {
		t.Errorf("EMB's csv = %q, %v", recs, err)
	}
	b.people["coord"].Language = "en"
	wantIn(t, b.do(t, "coord", "GET", "/ledger.xlsx", nil).want(http.StatusUnprocessableEntity).Body.String(), "More than 2 orders match")
}

// TestLedgerXLSXTypedCells: the order number is a number, the time of issue
// and the due date are Excel dates with a date format, not text.
func TestLedgerXLSXTypedCells(t *testing.T) {
	t.Parallel()
	b := setup(t)
	o := b.ledgerFixture(t)
	r := b.do(t, "coord", "GET", "/ledger.xlsx?department=MSA", nil).want(http.StatusOK)
	x, err := excelize.OpenReader(bytes.NewReader(r.Body.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	const sheet = "整改台账"
	for cell, want := range map[string]excelize.CellType{"A2": excelize.CellTypeNumber, "B2": excelize.CellTypeSharedString, "H2": excelize.CellTypeNumber, "I2": excelize.CellTypeNumber} {
		got, err := x.GetCellType(sheet, cell)
		if err != nil {
			t.Fatal(err)
		}
		// Inline strings of the stream writer count as text too; a number
		// is written without a type attribute (unset).
		if got != want && !(want == excelize.CellTypeSharedString && got == excelize.CellTypeInlineString) &&
			!(want == excelize.CellTypeNumber && got == excelize.CellTypeUnset) {
			t.Errorf("%s is of type %v, want %v", cell, got, want)
		}
	}
	raw := func(cell string) string {
		v, err := x.GetCellValue(sheet, cell, excelize.Options{RawCellValue: true})
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	if raw("A2") != itoa(o.MSAGeneral.ID) {
		t.Errorf("A2 = %q, want %d", raw("A2"), o.MSAGeneral.ID)
	}
	// Issued Mon 2 March 2026 10:00 Beijing time: serial 46083 + 10/24
	// (0.41667), plus the seconds the test took, as the dev clock runs on.
	if v := raw("H2"); !strings.HasPrefix(v, "46083.416") && !strings.HasPrefix(v, "46083.417") {
		t.Errorf("H2 raw = %q, want the serial of 2026-03-02 10:00", v)
	}
	// Due ten working days later: Mon 16 March, serial 46097.
	if v := raw("I2"); v != "46097" {
		t.Errorf("I2 raw = %q, want 46097", v)
	}
	for cell, want := range map[string]string{"H2": "2026-03-02 10:00", "I2": "2026-03-16"} {
		if v, _ := x.GetCellValue(sheet, cell); v != want {
			t.Errorf("%s shows %q, want %q", cell, v, want)
		}
	}
}

// TestLedgerShortCellsDoNotWrap: on a phone the severity, status and
// number cells keep to one line (the table scrolls sideways instead).
func TestLedgerShortCellsDoNotWrap(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.ledgerFixture(t)
	wantIn(t, b.page(t, "coord", "/ledger", http.StatusOK), `<td class="short"><strong>重大隐患</strong>`, `<td class="short"><span class="status`)
	css := b.do(t, "coord", "GET", "/static/ledger.css", nil).want(http.StatusOK).Body.String()
	wantIn(t, css, "table.ledger td.short", "white-space: nowrap")
}
