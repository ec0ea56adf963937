package web

import (
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/jointops/jointops/enforcement"
)

// rosterRoutes registers the inspector rosters (执法人员名录), recusals
// (回避) and the planning settings under /admin.
func (s *Server) rosterRoutes(r chi.Router) {
	r.Get("/roster", s.handleRosterList)
	r.Post("/roster", s.handleRosterCreate)
	r.Post("/roster/{id}/activate", s.handleRosterActive(true))
	r.Post("/roster/{id}/deactivate", s.handleRosterActive(false))
	r.Post("/recusals", s.handleRecusalCreate)
	r.Delete("/recusals", s.handleRecusalDelete)
	r.Get("/admin/frequency-rules", s.handleFrequencyRules)
	r.Put("/admin/frequency-rules", s.handleFrequencyRulesPut)
	r.Put("/admin/remits", s.handleRemitPut)
	r.Put("/admin/departments/{code}", s.handleDepartmentPut)
}

// handleRosterList answers GET /api/v1/roster?department=: a department's
// roster, active and not. A departmental actor gets their own department's.
func (s *Server) handleRosterList(w http.ResponseWriter, r *http.Request) {
	inspectors, err := s.Roster.FindInspectorRoster(r.Context(), r.URL.Query().Get("department"))
	if err != nil {
		s.error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"inspectors": nonNil(inspectors)})
}

// handleRosterCreate answers POST /api/v1/roster with 201 and the entry.
func (s *Server) handleRosterCreate(w http.ResponseWriter, r *http.Request) {
	var c enforcement.InspectorCreate
	if err := decodeJSON(w, r, &c); err != nil {
		s.error(w, r, err)
		return
	}
	in, err := s.Roster.CreateInspector(r.Context(), &c)
	if err != nil {
		s.error(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, in)
}

// handleRosterActive answers POST /api/v1/roster/{id}/activate and
// /deactivate with the entry; another department's entry is 404.
func (s *Server) handleRosterActive(active bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, err := pathID(r)
		if err != nil {
			s.error(w, r, err)
			return
		}
		in, err := s.Roster.SetInspectorActive(r.Context(), id, active)
		if err != nil {
			s.error(w, r, err)
			return
		}
		writeJSON(w, http.StatusOK, in)
	}
}

// handleRecusalCreate answers POST /api/v1/recusals with body
// {"inspector_id", "enterprise_id", "reason"}: 201 with the recusal.
func (s *Server) handleRecusalCreate(w http.ResponseWriter, r *http.Request) {
	var rec enforcement.Recusal
	if err := decodeJSON(w, r, &rec); err != nil {
		s.error(w, r, err)
		return
	}
	if err := s.Roster.CreateRecusal(r.Context(), &rec); err != nil {
		s.error(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, rec)
}

// handleRecusalDelete answers DELETE
// /api/v1/recusals?inspector_id=&enterprise_id= with 204.
func (s *Server) handleRecusalDelete(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	var ids [2]int64
	for i, name := range []string{"inspector_id", "enterprise_id"} {
		v, err := queryInt64(q, name)
		if err == nil && v == nil {
			err = enforcement.FieldError(name, "required.").
				ZH("必填。")
		}
		if err != nil {
			s.error(w, r, err)
			return
		}
		ids[i] = *v
	}
	if err := s.Roster.DeleteRecusal(r.Context(), ids[0], ids[1]); err != nil {
		s.error(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
