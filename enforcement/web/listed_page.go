package web

import (
	"net/http"

	"github.com/jointops/jointops/enforcement"
)

// listedRoles may open the listed register page (挂牌督办): every
// department's entries. A dept_lead reads their own department's entries on
// the ledger (filter "listed") instead.
var listedRoles = []enforcement.Role{enforcement.RoleCoordinator, enforcement.RoleAuditor, enforcement.RoleLeadership}

// listedPage is the data of listed.html.
type listedPage struct {
	// Orders are the listed orders, longest listed first. DaysOverdue
	// counts calendar days from the due date (the domain's count).
	Orders []*enforcement.ListedOrder
}

// handleListedPage answers GET /listed: the listed-supervision register.
func (s *Server) handleListedPage(w http.ResponseWriter, r *http.Request) {
	if _, err := enforcement.RequireRole(r.Context(), listedRoles...); err != nil {
		s.htmlError(w, r, err)
		return
	}
	listed, err := s.Supervision.FindListedOrders(r.Context())
	if err != nil {
		s.htmlError(w, r, err)
		return
	}
	s.renderPage(w, r, page{Name: "listed.html", Title: "listed.title", Nav: "listed", Data: listedPage{Orders: listed}})
}
