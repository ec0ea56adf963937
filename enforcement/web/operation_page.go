package web

import (
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/go-chi/chi/v5"

	"github.com/jointops/jointops/enforcement"
)

// uiOperationRoutes registers the operations list, the new-operation form
// and the operation page. Every route is the coordinator's alone; anyone
// else gets the forbidden error page.
func (s *Server) uiOperationRoutes(r chi.Router) {
	r.Get("/operations", s.handleOperationsPage)
	r.Get("/operations/new", s.handleOperationNew)
	r.Post("/operations", s.handleOperationCreatePage)
	r.Post("/operations/preview", s.handleOperationPreviewPage)
	r.Get("/operations/{id}", s.handleOperationPage)
	r.Get("/operations/{id}/status", s.handleOperationStatus)
	r.Post("/operations/{id}/submit", s.handleOperationResubmit)
	r.Post("/operations/{id}/reassign", s.handleOperationReassign)
	r.Get("/operations/{id}/cancel", s.handleOperationCancelConfirm)
	r.Post("/operations/{id}/cancel", s.handleOperationCancelPage)
}

// requireCoordinatorPage answers the forbidden error page unless the
// viewer is a coordinator, and reports whether they are.
func (s *Server) requireCoordinatorPage(w http.ResponseWriter, r *http.Request) bool {
	if _, err := enforcement.RequireRole(r.Context(), enforcement.RoleCoordinator); err != nil {
		s.htmlError(w, r, err)
		return false
	}
	return true
}

// operationRow is one row of operations.html.
type operationRow struct {
	*enforcement.Operation
	// Progress counts each department's tasks by status.
	Progress []enforcement.DepartmentProgress
}

// handleOperationsPage answers GET /operations: the operations, newest
// first, with their status and each department's progress.
func (s *Server) handleOperationsPage(w http.ResponseWriter, r *http.Request) {
	if !s.requireCoordinatorPage(w, r) {
		return
	}
	ops, err := s.Operations.FindOperations(r.Context(), enforcement.OperationFilter{Limit: 200})
	if err != nil {
		s.htmlError(w, r, err)
		return
	}
	ids := make([]int64, len(ops))
	for i, op := range ops {
		ids[i] = op.ID
	}
	progress, err := s.Progress.FindOperationProgress(r.Context(), ids)
	if err != nil {
		s.htmlError(w, r, err)
		return
	}
	rows := make([]operationRow, len(ops))
	for i, op := range ops {
		rows[i] = operationRow{Operation: op, Progress: progress[op.ID]}
	}
	s.renderPage(w, r, page{Name: "operations.html", Title: "op.list.title", Nav: "operations", Data: rows})
}

// operationPage is the data of operation.html.
type operationPage struct {
	Op       *enforcement.Operation
	Progress []enforcement.DepartmentProgress
	// Declined are the declined tasks waiting to be handed to another
	// department, with their reasons.
	Declined []*enforcement.Task
	// Departments are offered for reassignment.
	Departments []enforcement.Department
	// Months is the calendar of the operation's window.
	Months []calendarMonth
	// Day, when the query names a day (?day=2026-03-09), lists every visit
	// on it.
	Day *enforcement.VisitDay
	// Confirm shows the cancel confirmation with its required reason.
	Confirm bool
	// MaxReason is the longest cancel reason, in characters.
	MaxReason int
}

// operationPageData reads everything operation.html shows.
func (s *Server) operationPageData(r *http.Request) (*operationPage, error) {
	ctx := r.Context()
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	p := &operationPage{MaxReason: enforcement.MaxOperationCancelReasonRunes}
	if p.Op, err = s.Operations.FindOperationByID(ctx, id); err != nil {
		return nil, err
	}
	progress, err := s.Progress.FindOperationProgress(ctx, []int64{id})
	if err != nil {
		return nil, err
	}
	p.Progress = progress[id]
	declined := enforcement.TaskDeclined
	if p.Declined, err = s.Tasks.FindTasks(ctx, enforcement.TaskFilter{OperationID: &id, Status: &declined, Limit: 500}); err != nil {
		return nil, err
	}
	if p.Departments, err = s.References.FindDepartments(ctx); err != nil {
		return nil, err
	}
	days, err := s.Progress.FindVisitDays(ctx, id, enforcement.VisitDayFilter{PerDay: calendarVisitsPerDay})
	if err != nil {
		return nil, err
	}
	p.Months = buildCalendar(s.Calendar, p.Op.WindowStart, p.Op.WindowEnd, days)
	if v := r.URL.Query().Get("day"); v != "" {
		if d, err := enforcement.ParseDate(v); err == nil {
			one, err := s.Progress.FindVisitDays(ctx, id, enforcement.VisitDayFilter{On: &d, PerDay: 1000})
			if err != nil {
				return nil, err
			}
			p.Day = &enforcement.VisitDay{Date: d}
			if len(one) == 1 {
				p.Day = &one[0]
			}
		}
	}
	return p, nil
}

// renderOperation shows operation.html, with f and status after a
// validation error.
func (s *Server) renderOperation(w http.ResponseWriter, r *http.Request, confirm bool, f *form, status int) {
	p, err := s.operationPageData(r)
	if err != nil {
		s.htmlError(w, r, err)
		return
	}
	p.Confirm = confirm
	s.renderPage(w, r, page{Name: "operation.html", Title: "op.page.title", Nav: "operations", Data: p, Form: f, Status: status})
}

// handleOperationPage answers GET /operations/{id}: the calendar of
// visits, acceptance per department, declined tasks to reassign, and the
// planning progress while the plan job runs.
func (s *Server) handleOperationPage(w http.ResponseWriter, r *http.Request) {
	if !s.requireCoordinatorPage(w, r) {
		return
	}
	s.renderOperation(w, r, false, nil, 0)
}

// handleOperationStatus answers GET /operations/{id}/status, which htmx
// polls every 2 s while the plan job runs: the "planning" fragment while
// the operation is planning, then HX-Refresh so the whole page shows the
// plan (or the plan's error).
func (s *Server) handleOperationStatus(w http.ResponseWriter, r *http.Request) {
	if !s.requireCoordinatorPage(w, r) {
		return
	}
	id, err := pathID(r)
	if err != nil {
		s.htmlError(w, r, err)
		return
	}
	op, err := s.Operations.FindOperationByID(r.Context(), id)
	if err != nil {
		s.htmlError(w, r, err)
		return
	}
	if op.Status != enforcement.OperationPlanning {
		w.Header().Set("HX-Refresh", "true")
	}
	s.renderFragment(w, r, page{Name: "operation.html", Title: "op.page.title", Data: &operationPage{Op: op}}, "planning")
}

// handleOperationResubmit answers POST /operations/{id}/submit: submits a
// draft again, after its plan failed and the criteria were reconsidered.
func (s *Server) handleOperationResubmit(w http.ResponseWriter, r *http.Request) {
	if !s.requireCoordinatorPage(w, r) {
		return
	}
	id, err := pathID(r)
	if err != nil {
		s.htmlError(w, r, err)
		return
	}
	if _, err := s.Operations.SubmitOperation(r.Context(), id); err != nil {
		s.htmlError(w, r, err)
		return
	}
	redirectFlash(w, r, "/operations/"+strconv.FormatInt(id, 10), "op.flash.submitted")
}

// handleOperationReassign answers POST /operations/{id}/reassign (form
// fields task and department): hands a declined task to another
// department as a new pending task. A refusal comes back on the page with
// status 422, the message next to the task's department picker.
func (s *Server) handleOperationReassign(w http.ResponseWriter, r *http.Request) {
	if !s.requireCoordinatorPage(w, r) {
		return
	}
	if _, ok := s.parsedForm(w, r); !ok {
		return
	}
	f := newForm(r)
	opID, err := pathID(r)
	if err != nil {
		s.htmlError(w, r, err)
		return
	}
	taskID, err := strconv.ParseInt(f.Get("task"), 10, 64)
	if err != nil {
		s.htmlError(w, r, enforcement.Errorf(enforcement.ENOTFOUND, "No such task."))
		return
	}
	// The task must be one of the operation's in the path: a form of
	// another operation's page (or a tampered one) gets "not found".
	task, err := s.Tasks.FindTaskByID(r.Context(), taskID)
	if err != nil {
		s.htmlError(w, r, err)
		return
	}
	if task.OperationID != opID {
		s.htmlError(w, r, enforcement.Errorf(enforcement.ENOTFOUND, "Operation %d has no task %d.", opID, taskID))
		return
	}
	l := s.localizerFor(r)
	dept := strings.TrimSpace(f.Get("department"))
	if dept != "" && dept == task.Department {
		// The domain refuses it too (and an earlier decliner of the
		// task); said here in the viewer's language.
		f.Errors["department"] = l.T("op.err.declined_by", "Department", s.departmentName(r, l, dept))
	}
	if f.Require(l.T("op.err.department"), "department") && !f.Failed() {
		if _, err := s.Tasks.ReassignTask(r.Context(), taskID, dept); err != nil {
			if !f.Fail(err, s.langOf(r), reassignFormAliases) {
				s.htmlError(w, r, err)
				return
			}
		}
	}
	if f.Failed() {
		s.renderOperation(w, r, false, f, http.StatusUnprocessableEntity)
		return
	}
	redirectFlash(w, r, "/operations/"+chi.URLParam(r, "id")+"#declined", "op.flash.reassigned")
}

// reassignFormAliases maps the fields of ReassignTask's errors to the
// reassign form's department picker, where the message shows.
var reassignFormAliases = map[string]string{"department_code": "department", "dept": "department", "to_department": "department"}

// handleOperationCancelConfirm answers GET /operations/{id}/cancel: the
// operation page with the confirmation step, which asks for a reason.
func (s *Server) handleOperationCancelConfirm(w http.ResponseWriter, r *http.Request) {
	if !s.requireCoordinatorPage(w, r) {
		return
	}
	s.renderOperation(w, r, true, nil, 0)
}

// handleOperationCancelPage answers POST /operations/{id}/cancel (form
// fields confirm=yes and reason). Without the confirmation it goes to the
// confirmation step; without a reason the step comes back with status 422.
func (s *Server) handleOperationCancelPage(w http.ResponseWriter, r *http.Request) {
	if !s.requireCoordinatorPage(w, r) {
		return
	}
	if _, ok := s.parsedForm(w, r); !ok {
		return
	}
	id := chi.URLParam(r, "id")
	f := newForm(r)
	if f.Get("confirm") != "yes" {
		http.Redirect(w, r, "/operations/"+id+"/cancel", http.StatusSeeOther)
		return
	}
	l := s.localizerFor(r)
	reason := strings.TrimSpace(f.Get("reason"))
	if n := utf8.RuneCountInString(reason); n > enforcement.MaxOperationCancelReasonRunes {
		f.Errors["reason"] = l.T("op.err.reason_long", "Max", enforcement.MaxOperationCancelReasonRunes, "Length", n)
	}
	if f.Require(l.T("op.err.reason"), "reason") && !f.Failed() {
		n, err := strconv.ParseInt(id, 10, 64)
		if err != nil {
			s.htmlError(w, r, enforcement.Errorf(enforcement.ENOTFOUND, "No such operation."))
			return
		}
		if _, err := s.Operations.CancelOperation(r.Context(), n, reason); err != nil {
			if !f.Fail(err, s.langOf(r), nil) {
				s.htmlError(w, r, err)
				return
			}
		}
	}
	if f.Failed() {
		s.renderOperation(w, r, true, f, http.StatusUnprocessableEntity)
		return
	}
	redirectFlash(w, r, "/operations/"+id, "op.flash.cancelled")
}

// departmentName names the department code in l's language, or returns
// the code when there is no such department.
func (s *Server) departmentName(r *http.Request, l *localizer, code string) string {
	ds, err := s.References.FindDepartments(r.Context())
	if err == nil {
		for _, d := range ds {
			if d.Code == code {
				return d.Name(l.lang)
			}
		}
	}
	return code
}
