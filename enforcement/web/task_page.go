package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/jointops/jointops/enforcement"
)

// uiTaskRoutes registers the task page of a department lead (accept, decline).
func (s *Server) uiTaskRoutes(r chi.Router) {
	r.Get("/tasks/{id}", s.handleTaskPage)
	r.Post("/tasks/{id}/accept", s.handleTaskAcceptForm)
	r.Post("/tasks/{id}/decline", s.handleTaskDeclineForm)
}

// taskPage is the data of task.html and task_decline.html.
type taskPage struct {
	Task *enforcement.Task
	// CanAnswer is true when the viewer is the lead of the task's
	// department and the task is still pending: the page offers the
	// accept and decline forms.
	CanAnswer bool
	// Roster is the active roster of the lead's own department, the only
	// inspectors the picker offers (UserRef.ID is the roster id).
	Roster []enforcement.UserRef
	// MinInspectors is how many the picker needs (行政处罚法 art. 42).
	MinInspectors int
}

// handleTaskPage answers GET /tasks/{id}: the task with its visit,
// enterprise and team, and the acceptance deadline in working days. The
// inspectors the plan drew are pre-checked. Another department's task is
// the 404 page.
func (s *Server) handleTaskPage(w http.ResponseWriter, r *http.Request) {
	p, err := s.loadTaskPage(r)
	if err != nil {
		s.htmlError(w, r, err)
		return
	}
	s.renderTaskPage(w, r, p, drawnForm(p.Task, nil), 0)
}

// handleTaskAcceptForm answers POST /tasks/{id}/accept with the checked
// roster ids in inspector_ids: at least MinInspectorsPerTask of them, or
// the page again with 422 and the choice kept. Accepted, it goes back to
// the task page with a flash.
func (s *Server) handleTaskAcceptForm(w http.ResponseWriter, r *http.Request) {
	p, err := s.loadAnswerablePage(r)
	if err != nil {
		s.htmlError(w, r, err)
		return
	}
	if _, ok := s.parsedForm(w, r); !ok {
		return
	}
	if !p.CanAnswer {
		s.htmlError(w, r, enforcement.Errorf(enforcement.EFORBIDDEN, "Only the lead of the task's department accepts it."))
		return
	}
	f := newForm(r)
	l := s.localizerFor(r)
	// The ids are counted once each (a tampered form may repeat one), and
	// each must be on the roster the picker offers.
	var ids []int64
	for _, v := range f.Values["inspector_ids"] {
		id, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
		if err != nil {
			f.Errors["inspector_ids"] = l.T("task.error.inspector")
			break
		}
		if !slices.ContainsFunc(p.Roster, func(u enforcement.UserRef) bool { return u.ID == id }) {
			f.Errors["inspector_ids"] = l.T("task.error.not_on_roster")
			break
		}
		if !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	// The form checks the count itself: AcceptTask with no ids would take
	// the drawn team, which is not what a lead who ticked nothing meant.
	if len(f.Errors) == 0 && len(ids) < enforcement.MinInspectorsPerTask {
		f.Errors["inspector_ids"] = l.T("task.error.too_few", "Count", enforcement.MinInspectorsPerTask)
	}
	if len(f.Errors) == 0 {
		_, err = s.Tasks.AcceptTask(r.Context(), p.Task.ID, ids)
		if err == nil {
			redirectFlash(w, r, taskPath(p.Task.ID), "task.accepted")
			return
		}
		if !f.Fail(err, s.langOf(r), map[string]string{"inspector_ids": "inspector_ids"}) {
			s.htmlError(w, r, err)
			return
		}
	}
	s.renderTaskPage(w, r, p, f, formStatus(err))
}

// handleTaskDeclineForm answers POST /tasks/{id}/decline. Without a
// reason it shows the task page again with 422. With one, and without
// confirm=yes, it shows the confirmation page task_decline.html; only
// confirm=yes declines, then goes back to the task page with a flash.
// confirm=edit goes back to the task page with the reason kept.
func (s *Server) handleTaskDeclineForm(w http.ResponseWriter, r *http.Request) {
	p, err := s.loadAnswerablePage(r)
	if err != nil {
		s.htmlError(w, r, err)
		return
	}
	if _, ok := s.parsedForm(w, r); !ok {
		return
	}
	f := newForm(r)
	if !f.Require(s.localizerFor(r).T("task.error.reason"), "reason") {
		s.renderTaskPage(w, r, p, drawnForm(p.Task, f), http.StatusUnprocessableEntity)
		return
	}
	switch f.Get("confirm") {
	case "yes":
	case "edit":
		s.renderTaskPage(w, r, p, drawnForm(p.Task, f), 0)
		return
	default:
		s.renderPage(w, r, page{Name: "task_decline.html", Title: "task.decline.title", Nav: "inbox", Data: p, Form: f})
		return
	}
	_, err = s.Tasks.DeclineTask(r.Context(), p.Task.ID, strings.TrimSpace(f.Get("reason")))
	if err == nil {
		redirectFlash(w, r, taskPath(p.Task.ID), "task.declined")
		return
	}
	if !f.Fail(err, s.langOf(r), nil) {
		s.htmlError(w, r, err)
		return
	}
	s.renderTaskPage(w, r, p, drawnForm(p.Task, f), formStatus(err))
}

// loadTaskPage reads the task of the path (ENOTFOUND for another
// department's) and, for its department's lead while it is pending, the
// active roster the picker offers.
func (s *Server) loadTaskPage(r *http.Request) (*taskPage, error) {
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	ctx := r.Context()
	task, err := s.Tasks.FindTaskByID(ctx, id)
	if err != nil {
		return nil, err
	}
	a := enforcement.ActorFromContext(ctx)
	p := &taskPage{Task: task, MinInspectors: enforcement.MinInspectorsPerTask}
	p.CanAnswer = task.Status.CanAccept() && a.Has(enforcement.RoleDeptLead) && a.Department == task.Department
	if p.CanAnswer {
		if p.Roster, err = s.Tasks.FindInspectors(ctx, task.Department); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// loadAnswerablePage is loadTaskPage for the accept and decline forms:
// ECONFLICT once the task is no longer pending.
func (s *Server) loadAnswerablePage(r *http.Request) (*taskPage, error) {
	p, err := s.loadTaskPage(r)
	if err == nil && !p.Task.Status.CanAccept() {
		err = enforcement.Errorf(enforcement.ECONFLICT, "The task is %s; only a pending task can be accepted or declined.", p.Task.Status).
			ZH("该任务状态为“%s”；只有待接收的任务才能接收或退回。", enforcement.StatusZH(string(p.Task.Status)))
	}
	return p, err
}

// renderTaskPage shows task.html with f, whose values keep what was
// typed and checked.
func (s *Server) renderTaskPage(w http.ResponseWriter, r *http.Request, p *taskPage, f *form, status int) {
	s.renderPage(w, r, page{Name: "task.html", Title: "task.title", Nav: "inbox", Data: p, Form: f, Status: status})
}

// drawnForm returns f (a new form when nil) with the inspectors the plan
// drew checked, unless the form already names inspectors.
func drawnForm(t *enforcement.Task, f *form) *form {
	if f == nil {
		f = &form{Errors: map[string]string{}}
	}
	if f.Values == nil {
		f.Values = url.Values{}
	}
	if len(f.Values["inspector_ids"]) == 0 {
		for _, in := range t.DrawnInspectors {
			f.Values.Add("inspector_ids", strconv.FormatInt(in.ID, 10))
		}
	}
	return f
}

// formStatus is the status of a form shown again after err: 409 for a
// conflict (the record changed meanwhile), else 422.
func formStatus(err error) int {
	if enforcement.ErrorCode(err) == enforcement.ECONFLICT {
		return http.StatusConflict
	}
	return http.StatusUnprocessableEntity
}

// taskPath is the page of task id.
func taskPath(id int64) string { return "/tasks/" + strconv.FormatInt(id, 10) }
