package web

import (
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/jointops/jointops/enforcement"
)

// planningRoutes registers the preview, re-plan and draw verification of
// operations. "/operations/preview" is registered before
// "/operations/{id}" matters: chi prefers the static segment.
func (s *Server) planningRoutes(r chi.Router) {
	r.Post("/operations/preview", s.handleOperationPreview)
	r.Post("/operations/{id}/replan", s.handleOperationReplan)
	r.Get("/operations/{id}/verify-draw", s.handleOperationVerifyDraw)
}

// handleOperationPreview answers POST /api/v1/operations/preview with the
// summary of a draw of the body (an operation as for create), saving
// nothing: counts per grade, subdistrict and department, the visits saved
// by merging, the coverage gap and the busiest day per department.
func (s *Server) handleOperationPreview(w http.ResponseWriter, r *http.Request) {
	var c enforcement.OperationCreate
	if err := decodeJSON(w, r, &c); err != nil {
		s.error(w, r, err)
		return
	}
	summary, err := s.Planning.PreviewOperation(r.Context(), &c)
	if err != nil {
		s.error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, summary)
}

// handleOperationReplan answers POST /api/v1/operations/{id}/replan with
// 202: the tasks are withdrawn and the plan job runs again with a new seed.
func (s *Server) handleOperationReplan(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	op, err := s.Planning.ReplanOperation(r.Context(), id)
	if err != nil {
		s.error(w, r, err)
		return
	}
	writeJSON(w, http.StatusAccepted, op)
}

// handleOperationVerifyDraw answers GET /api/v1/operations/{id}/verify-draw
// with the result of re-running the draw.
func (s *Server) handleOperationVerifyDraw(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	v, err := s.Planning.VerifyDraw(r.Context(), id)
	if err != nil {
		s.error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, v)
}
