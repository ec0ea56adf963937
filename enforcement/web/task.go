package web

import (
	"fmt"
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/jointops/jointops/enforcement"
)

// taskRoutes registers /api/v1/tasks.
func (s *Server) taskRoutes(r chi.Router) {
	r.Get("/tasks", s.handleTaskList)
	r.Get("/tasks/{id}", s.handleTaskGet)
	r.Post("/tasks/{id}/accept", s.handleTaskAccept)
	r.Post("/tasks/{id}/decline", s.handleTaskDecline)
	r.Post("/tasks/{id}/reassign", s.handleTaskReassign)
}

// taskStatuses are the values of ?status= on the task list.
var taskStatuses = []enforcement.TaskStatus{
	enforcement.TaskPending, enforcement.TaskAccepted, enforcement.TaskInProgress, enforcement.TaskReported,
	enforcement.TaskClosed, enforcement.TaskDeclined, enforcement.TaskReassigned, enforcement.TaskCancelled,
}

// handleTaskList answers GET /api/v1/tasks?status=&operation_id=&limit=&offset=.
func (s *Server) handleTaskList(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	var f enforcement.TaskFilter
	var err error
	if f.Status, err = queryEnum(q, "status", taskStatuses...); err != nil {
		s.error(w, r, err)
		return
	}
	if f.OperationID, err = queryInt64(q, "operation_id"); err != nil {
		s.error(w, r, err)
		return
	}
	if f.Limit, err = queryInt(q, "limit", 1, 1000); err != nil {
		s.error(w, r, err)
		return
	}
	if f.Offset, err = queryInt(q, "offset", 0, 1<<30); err != nil {
		s.error(w, r, err)
		return
	}
	tasks, err := s.Tasks.FindTasks(r.Context(), f)
	if err != nil {
		s.error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"tasks": nonNil(tasks)})
}

// handleTaskGet answers GET /api/v1/tasks/{id}; another department's task
// is 404.
func (s *Server) handleTaskGet(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	t, err := s.Tasks.FindTaskByID(r.Context(), id)
	if err != nil {
		s.error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, t)
}

// handleTaskAccept answers POST /api/v1/tasks/{id}/accept with body
// {"inspector_ids": [...]}, roster ids: at least two (行政处罚法 art. 42).
// With no body, {} or no ids, the inspectors the plan drew are assigned.
func (s *Server) handleTaskAccept(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	var body struct {
		InspectorIDs []int64 `json:"inspector_ids"`
	}
	if r.ContentLength != 0 && r.Body != http.NoBody {
		if err := decodeJSON(w, r, &body); err != nil {
			s.error(w, r, err)
			return
		}
	}
	t, err := s.Tasks.AcceptTask(r.Context(), id, body.InspectorIDs)
	if err != nil {
		s.error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, t)
}

// handleTaskDecline answers POST /api/v1/tasks/{id}/decline with body
// {"reason": "..."}.
func (s *Server) handleTaskDecline(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	var body reasonBody
	if err := decodeJSON(w, r, &body); err != nil {
		s.error(w, r, err)
		return
	}
	t, err := s.Tasks.DeclineTask(r.Context(), id, body.Reason)
	if err != nil {
		s.error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, t)
}

// handleTaskReassign answers POST /api/v1/tasks/{id}/reassign with body
// {"department": "MSB"}: 201 with the new pending task.
func (s *Server) handleTaskReassign(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	var body struct {
		Department string `json:"department"`
	}
	if err := decodeJSON(w, r, &body); err != nil {
		s.error(w, r, err)
		return
	}
	t, err := s.Tasks.ReassignTask(r.Context(), id, body.Department)
	if err != nil {
		s.error(w, r, err)
		return
	}
	writeCreated(w, fmt.Sprintf("/api/v1/tasks/%d", t.ID), t)
}
