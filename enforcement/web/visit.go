package web

import (
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/jointops/jointops/enforcement"
)

// visitRoutes registers /api/v1/visits.
func (s *Server) visitRoutes(r chi.Router) {
	r.Get("/visits/{id}", s.handleVisitGet)
	r.Post("/visits/{id}/hazards", s.handleHazardCreate)
}

// handleVisitGet answers GET /api/v1/visits/{id} with its tasks and
// hazards; 404 unless the actor's department has a task on it.
func (s *Server) handleVisitGet(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	v, err := s.Visits.FindVisitByID(r.Context(), id)
	if err != nil {
		s.error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, v)
}

// handleHazardCreate answers POST /api/v1/visits/{id}/hazards with body
// {"severity", "negative_list", "description"}: 201 with the hazard. The
// visit comes from the path only.
func (s *Server) handleHazardCreate(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	var body struct {
		Severity     enforcement.Severity `json:"severity"`
		NegativeList bool                 `json:"negative_list"`
		Description  string               `json:"description"`
	}
	if err := decodeJSON(w, r, &body); err != nil {
		s.error(w, r, err)
		return
	}
	h, err := s.Visits.RecordHazard(r.Context(), &enforcement.HazardCreate{
		VisitID: id, Severity: body.Severity, NegativeList: body.NegativeList, Description: body.Description,
	})
	if err != nil {
		s.error(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, h) // no route reads one hazard: GET the visit
}
