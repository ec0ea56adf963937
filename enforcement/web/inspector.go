package web

import "net/http"

// handleInspectors answers GET /api/v1/inspectors?department=: the
// inspectors a lead may assign, the active roster as {id: roster id, name}.
// A departmental actor gets their own department's whatever the parameter
// says.
func (s *Server) handleInspectors(w http.ResponseWriter, r *http.Request) {
	inspectors, err := s.Tasks.FindInspectors(r.Context(), r.URL.Query().Get("department"))
	if err != nil {
		s.error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"inspectors": nonNil(inspectors)})
}
