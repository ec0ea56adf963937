package web

import (
	"net/http"

	"github.com/jointops/jointops/enforcement"
)

// handleMe answers GET /api/v1/me with the signed-in actor.
func (s *Server) handleMe(w http.ResponseWriter, r *http.Request) {
	a, err := enforcement.RequireActor(r.Context())
	if err != nil {
		s.error(w, r, err)
		return
	}
	me := *a
	me.Roles = nonNil(a.Roles)
	writeJSON(w, http.StatusOK, &me)
}
