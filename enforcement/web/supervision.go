package web

import (
	"net/http"

	"github.com/go-chi/chi/v5"
)

// supervisionRoutes registers the listed-supervision register and the
// history of an order.
func (s *Server) supervisionRoutes(r chi.Router) {
	r.Get("/listed", s.handleListed)
	r.Get("/rectification-orders/{id}/history", s.handleOrderHistory)
}

// handleListed answers GET /api/v1/listed with {"listed": [...]}: the
// listed-supervision register (挂牌督办), longest listed first.
// Coordinators, auditors, leadership and admins see every department's;
// a lead their own; anyone else 403.
func (s *Server) handleListed(w http.ResponseWriter, r *http.Request) {
	listed, err := s.Supervision.FindListedOrders(r.Context())
	if err != nil {
		s.error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"listed": nonNil(listed)})
}

// handleOrderHistory answers GET /api/v1/rectification-orders/{id}/history
// with {"rectification_order_id", "history": [...]}: the issue, the
// submissions of evidence, the verifications, extension requests and
// decisions, and escalations, in time order.
func (s *Server) handleOrderHistory(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	h, err := s.Supervision.FindOrderHistory(r.Context(), id)
	if err != nil {
		s.error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"rectification_order_id": id, "history": nonNil(h)})
}
