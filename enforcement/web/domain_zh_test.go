package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/jointops/jointops/enforcement"
	"github.com/jointops/jointops/enforcement/web"
)

// fieldError returns the text of the message the page shows next to field
// (the element with id FIELD-error), or "".
func fieldError(body, field string) string {
	m := regexp.MustCompile(`id="` + regexp.QuoteMeta(field) + `-error"[^>]*>([^<]*)<`).FindStringSubmatch(body)
	if m == nil {
		return ""
	}
	return m[1]
}

// staleRoster answers the task page's roster with one more inspector, as
// the page a lead loaded before the inspector was taken off duty: the
// form lets the lead tick the name, and the store's rule refuses it.
type staleRoster struct {
	enforcement.TaskService
	extra enforcement.UserRef
}

func (s *staleRoster) FindInspectors(ctx context.Context, dept string) ([]enforcement.UserRef, error) {
	refs, err := s.TaskService.FindInspectors(ctx, dept)
	return append(refs, s.extra), err
}

// TestTaskAcceptFormDomainMessageInViewersLanguage: the store's refusal of
// an inspector no longer active shows next to the picker in Chinese for a
// Chinese viewer and in English for an English one.
func TestTaskAcceptFormDomainMessageInViewersLanguage(t *testing.T) {
	t.Parallel()
	stale := &staleRoster{}
	b := setup(t, func(s *web.Server) { stale.TaskService = s.Tasks; s.Tasks = stale })
	task := pendingEMBTask(t, b)
	ids := b.rosterIDs(t, "EMB", 3)
	if _, err := b.pool.Exec(b.ctx, `UPDATE inspectors SET active = false WHERE id = $1`, ids[2]); err != nil {
		t.Fatal(err)
	}
	stale.extra = enforcement.UserRef{ID: ids[2], Name: "离岗人员"}
	path := "/tasks/" + itoa(task.ID) + "/accept"
	form := url.Values{"inspector_ids": {itoa(ids[0]), itoa(ids[2])}}

	body := b.post(t, "emb-lead", path, form).want(http.StatusUnprocessableEntity).Body.String()
	if got, want := fieldError(body, "inspector_ids"), "编号为 "+itoa(ids[2])+" 的人员不是 EMB 名册中的在岗执法人员。"; got != want {
		t.Errorf("Chinese viewer: message next to the picker = %q, want %q", got, want)
	}
	b.people["emb-lead"].Language = "en"
	body = b.post(t, "emb-lead", path, form).want(http.StatusUnprocessableEntity).Body.String()
	if got, want := fieldError(body, "inspector_ids"), "["+itoa(ids[2])+"] are not active inspectors on the roster of EMB."; got != want {
		t.Errorf("English viewer: message next to the picker = %q, want %q", got, want)
	}
	if got := taskStatus(t, b, task.ID); got.Status != enforcement.TaskPending {
		t.Errorf("task is %s after refused accepts", got.Status)
	}
}

// TestVisitOrderFormDomainMessageInViewersLanguage: a due date on a
// weekend is refused next to the date field in the viewer's language.
func TestVisitOrderFormDomainMessageInViewersLanguage(t *testing.T) {
	t.Parallel()
	b := setup(t)
	task := acceptedEMBVisit(t, b)
	path := "/visits/" + itoa(task.VisitID)
	var h enforcement.Hazard
	b.do(t, "emb-i1", "POST", "/api/v1"+path+"/hazards", map[string]any{
		"severity": "general", "description": "消防通道堵塞",
	}).want(http.StatusCreated).decode(&h)
	// Saturday 7 March 2026; the next working day is Monday 9 March.
	form := url.Values{"form": {"order"}, "hazard_ids": {itoa(h.ID)}, "due_mode": {"date"}, "due_date": {"2026-03-07"}}

	body := b.post(t, "emb-i1", path+"/orders", form).want(http.StatusUnprocessableEntity).Body.String()
	if got, want := fieldError(body, "due_date"), "2026-03-07 不是工作日（周末或法定节假日），下一个工作日是 2026-03-09。"; got != want {
		t.Errorf("Chinese viewer: message next to the due date = %q, want %q", got, want)
	}
	b.people["emb-i1"].Language = "en"
	body = b.post(t, "emb-i1", path+"/orders", form).want(http.StatusUnprocessableEntity).Body.String()
	if got, want := fieldError(body, "due_date"), "2026-03-07 is not a working day (a weekend or public holiday); the next working day is 2026-03-09."; got != want {
		t.Errorf("English viewer: message next to the due date = %q, want %q", got, want)
	}
	// The API keeps English detail and adds the Chinese as detail_zh.
	p := b.do(t, "emb-i1", "POST", "/api/v1/rectification-orders", map[string]any{
		"hazard_ids": []int64{h.ID}, "due_date": "2026-03-07",
	}).problem(http.StatusUnprocessableEntity, "/invalid")
	if p.Detail != "due_date: 2026-03-07 is not a working day (a weekend or public holiday); the next working day is 2026-03-09." ||
		p.DetailZH != "2026-03-07 不是工作日（周末或法定节假日），下一个工作日是 2026-03-09。" || p.Errors["due_date"] == "" {
		t.Errorf("problem = %+v", p)
	}
}

// The Chinese text of the domain's errors names a status as the pages do.
func TestStatusZHMatchesThePages(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile("locales/status.zh.json")
	if err != nil {
		t.Fatal(err)
	}
	var labels map[string]string
	if err := json.Unmarshal(raw, &labels); err != nil {
		t.Fatal(err)
	}
	for id, label := range labels {
		status, ok := strings.CutPrefix(id, "status.")
		if ok && enforcement.StatusZH(status) != label {
			t.Errorf("StatusZH(%q) = %q, the pages say %q", status, enforcement.StatusZH(status), label)
		}
	}
}
