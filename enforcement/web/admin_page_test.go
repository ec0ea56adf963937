package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestAdminPage(t *testing.T) {
	t.Parallel()
	b := setup(t)
	body := b.page(t, "admin", "/admin", http.StatusOK)
	wantIn(t, body, "系统管理", `id="admin-departments"`, `action="/admin/departments/EMB"`, "dept:&lt;CODE&gt;:dept_lead",
		`id="remit-matrix"`, `name="remit" value="EMB/`, `action="/admin/escalation-policies/general"`,
		`action="/admin/escalation-policies/major"`, `id="calendar-form"`, "2026")
	for _, who := range []string{"emb-lead", "coord", "auditor"} {
		if code := b.do(t, who, "GET", "/admin", nil).Code; code != http.StatusForbidden && code != http.StatusNotFound {
			t.Errorf("%s: GET /admin = %d, want 403 or 404", who, code)
		}
	}
	if code := b.post(t, "emb-lead", "/admin/calendar", url.Values{"date": {"2026-04-06"}, "working": {"false"}}).Code; code != http.StatusForbidden {
		t.Errorf("lead's calendar override = %d, want 403", code)
	}
}

func TestAdminDepartmentAndRemit(t *testing.T) {
	t.Parallel()
	b := setup(t)
	// A bad number comes back with what was typed and a message next to it.
	r := b.post(t, "admin", "/admin/departments/EMB", url.Values{"visits_per_team_per_day": {"99"}}).want(http.StatusUnprocessableEntity)
	wantIn(t, r.Body.String(), `id="visits-EMB" name="visits_per_team_per_day" value="99" aria-invalid="true"`, `id="visits-EMB-error"`, "1 至 20")
	b.post(t, "admin", "/admin/departments/EMB", url.Values{"visits_per_team_per_day": {"6"}}).want(http.StatusSeeOther)
	wantIn(t, b.page(t, "admin", "/admin", http.StatusOK), `id="visits-EMB" name="visits_per_team_per_day" value="6"`)

	// Saving the matrix with one cell unchecked drops that remit only.
	body := b.page(t, "admin", "/admin", http.StatusOK)
	var checked url.Values = url.Values{}
	for _, part := range strings.Split(body, `name="remit" value="`)[1:] {
		v := part[:strings.Index(part, `"`)]
		tag := part[:strings.Index(part, ">")]
		if strings.Contains(tag, "checked") {
			checked.Add("remit", v)
		}
	}
	if len(checked["remit"]) < 2 {
		t.Fatalf("the demo remit has %d pairs", len(checked["remit"]))
	}
	dropped := checked["remit"][0]
	checked["remit"] = checked["remit"][1:]
	b.post(t, "admin", "/admin/remits", checked).want(http.StatusSeeOther)
	body = b.page(t, "admin", "/admin", http.StatusOK)
	wantIn(t, body, `value="`+checked["remit"][0]+`" aria-label=`)
	if i := strings.Index(body, `value="`+dropped+`"`); i < 0 || strings.Contains(body[i:i+strings.Index(body[i:], ">")], "checked") {
		t.Errorf("%s is still checked", dropped)
	}
}

func TestAdminPolicyValidationKeepsValues(t *testing.T) {
	t.Parallel()
	b := setup(t)
	form := url.Values{
		"enabled_0": {"on"}, "offset_0": {"-3"}, "recipients_0": {"inspector"},
		"offset_1": {"0"}, "recipients_1": {"inspector", "dept_lead"},
		"enabled_2": {"on"}, "offset_2": {"4"}, "recipients_2": {"coordinator"},
		"enabled_3": {"on"}, "offset_3": {"2"}, // before level 2, and nobody to notify
	}
	r := b.post(t, "admin", "/admin/escalation-policies/major", form).want(http.StatusUnprocessableEntity)
	body := r.Body.String()
	wantIn(t, body, `id="major-offset-3" name="offset_3" value="2" aria-invalid="true"`, `id="major-offset-3-error"`,
		`id="major-offset-2" name="offset_2" value="4"`, "逐级递增")
	b.post(t, "admin", "/admin/escalation-policies/major", url.Values{"offset_1": {"x"}}).want(http.StatusUnprocessableEntity)

	form.Set("offset_3", "6")
	form.Set("recipients_3", "leadership")
	b.post(t, "admin", "/admin/escalation-policies/major", form).want(http.StatusSeeOther)
	wantIn(t, b.page(t, "admin", "/admin", http.StatusOK), `id="major-offset-3" name="offset_3" value="6"`, `id="major-offset-2" name="offset_2" value="4"`)
}

func TestAdminCalendar(t *testing.T) {
	t.Parallel()
	b := setup(t)
	// Errors next to the fields, with what was typed kept.
	r := b.post(t, "admin", "/admin/calendar", url.Values{"date": {"2026-02-30"}, "note": {"区运动会"}}).want(http.StatusUnprocessableEntity)
	wantIn(t, r.Body.String(), `id="date-error"`, `id="working-error"`, `value="2026-02-30"`, `value="区运动会"`)

	b.post(t, "admin", "/admin/calendar", url.Values{"date": {"2027-10-09"}, "working": {"true"}, "note": {"国庆调休"}}).want(http.StatusSeeOther)
	body := b.page(t, "admin", "/admin?year=2027", http.StatusOK)
	wantIn(t, body, "国庆调休", `action="/admin/calendar/2027-10-09/delete"`, "2027年10月9日")
	b.post(t, "admin", "/admin/calendar/2027-10-09/delete", nil).want(http.StatusSeeOther)
	if body := b.page(t, "admin", "/admin?year=2027", http.StatusOK); strings.Contains(body, "国庆调休") {
		t.Error("the override is still listed")
	}
	b.post(t, "admin", "/admin/calendar/2027-10-09/delete", nil).want(http.StatusNotFound)
}

// checkedRemits reads the pairs the admin page's remit matrix shows ticked.
func checkedRemits(body string) []string {
	var out []string
	for _, part := range strings.Split(body, `name="remit" value="`)[1:] {
		v := part[:strings.Index(part, `"`)]
		if strings.Contains(part[:strings.Index(part, ">")], "checked") {
			out = append(out, v)
		}
	}
	return out
}

func TestAdminRemitRefusesTamperedPairs(t *testing.T) {
	t.Parallel()
	b := setup(t)
	before := checkedRemits(b.page(t, "admin", "/admin", http.StatusOK))
	for _, bad := range []string{"ZZZ/1411", "garbage", "EMB/0000", "EMB/"} {
		form := url.Values{"remit": append([]string{bad}, before[1:]...)}
		body := b.post(t, "admin", "/admin/remits", form).want(http.StatusUnprocessableEntity).Body.String()
		wantIn(t, body, "矩阵中没有这些部门/行业组合："+bad, "未保存任何更改")
	}
	// Nothing was saved, not even the pair left out.
	if after := checkedRemits(b.page(t, "admin", "/admin", http.StatusOK)); strings.Join(after, " ") != strings.Join(before, " ") {
		t.Errorf("a refused save changed the remit:\nbefore %v\nafter  %v", before, after)
	}
	b.post(t, "emb-lead", "/admin/remits", url.Values{"remit": before}).want(http.StatusForbidden)
}

func TestAdminRemitAsksBeforeClearingADepartment(t *testing.T) {
	t.Parallel()
	b := setup(t)
	before := checkedRemits(b.page(t, "admin", "/admin", http.StatusOK))
	// Nothing ticked: every department would lose its remit.
	body := b.post(t, "admin", "/admin/remits", url.Values{}).want(http.StatusUnprocessableEntity).Body.String()
	wantIn(t, body, `id="confirm_empty-error"`, "下列部门将不再负责任何行业", `name="confirm_empty" value="yes"`,
		`aria-invalid="true" aria-describedby="confirm_empty-error"`, "应急管理局", "市场监督管理局")
	if after := checkedRemits(b.page(t, "admin", "/admin", http.StatusOK)); len(after) != len(before) {
		t.Fatalf("the remit changed without confirmation: %d pairs, was %d", len(after), len(before))
	}
	// Clearing one department only: that department is named, and the
	// ticks typed are kept.
	var keep []string
	for _, v := range before {
		if !strings.HasPrefix(v, "EMB/") {
			keep = append(keep, v)
		}
	}
	body = b.post(t, "admin", "/admin/remits", url.Values{"remit": keep}).want(http.StatusUnprocessableEntity).Body.String()
	confirm := body[strings.Index(body, `class="confirm-empty"`):]
	confirm = confirm[:strings.Index(confirm, "</div>")]
	wantIn(t, confirm, "应急管理局")
	if strings.Contains(confirm, "市场监督管理局") {
		t.Errorf("the confirmation names a department that keeps its remit:\n%s", confirm)
	}
	if got := checkedRemits(body); strings.Join(got, " ") != strings.Join(keep, " ") {
		t.Errorf("the refused form shows %v ticked, want %v", got, keep)
	}
	// Confirmed: saved.
	b.post(t, "admin", "/admin/remits", url.Values{"remit": keep, "confirm_empty": {"yes"}}).want(http.StatusSeeOther)
	for _, v := range checkedRemits(b.page(t, "admin", "/admin", http.StatusOK)) {
		if strings.HasPrefix(v, "EMB/") {
			t.Errorf("EMB still covers %s", v)
		}
	}
}
