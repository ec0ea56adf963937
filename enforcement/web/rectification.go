package web

import (
	"fmt"
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/jointops/jointops/enforcement"
)

// rectificationRoutes registers /api/v1/rectification-orders (整改通知).
func (s *Server) rectificationRoutes(r chi.Router) {
	r.Post("/rectification-orders", s.handleOrderCreate)
	r.Get("/rectification-orders", s.handleOrderList)
	r.Get("/rectification-orders/{id}", s.handleOrderGet)
	r.Post("/rectification-orders/{id}/evidence", s.handleOrderEvidence)
	r.Post("/rectification-orders/{id}/verify", s.handleOrderVerify)
	r.Post("/rectification-orders/{id}/cancel", s.handleOrderCancel)
}

// handleOrderCreate answers POST /api/v1/rectification-orders with body
// {"hazard_ids", "due_date" | "due_working_days"}: 201 with the order.
func (s *Server) handleOrderCreate(w http.ResponseWriter, r *http.Request) {
	var c enforcement.OrderCreate
	if err := decodeJSON(w, r, &c); err != nil {
		s.error(w, r, err)
		return
	}
	o, err := s.Rectifications.IssueOrder(r.Context(), &c)
	if err != nil {
		s.error(w, r, err)
		return
	}
	writeCreated(w, fmt.Sprintf("/api/v1/rectification-orders/%d", o.ID), o)
}

// handleOrderList answers GET /api/v1/rectification-orders?status=&listed=&limit=&offset=:
// the 整改台账 the actor may see.
func (s *Server) handleOrderList(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	var f enforcement.OrderFilter
	var err error
	if f.Status, err = queryEnum(q, "status", enforcement.OrderOpen, enforcement.OrderOverdue, enforcement.OrderSubmitted,
		enforcement.OrderVerified, enforcement.OrderCancelled); err != nil {
		s.error(w, r, err)
		return
	}
	if f.Listed, err = queryBool(q, "listed"); err != nil {
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
	orders, err := s.Rectifications.FindOrders(r.Context(), f)
	if err != nil {
		s.error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"rectification_orders": nonNil(orders)})
}

// handleOrderGet answers GET /api/v1/rectification-orders/{id} with its
// escalations.
func (s *Server) handleOrderGet(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	o, err := s.Rectifications.FindOrderByID(r.Context(), id)
	if err != nil {
		s.error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, o)
}

// handleOrderEvidence answers POST /api/v1/rectification-orders/{id}/evidence
// with body {"text"}.
func (s *Server) handleOrderEvidence(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	var c enforcement.EvidenceCreate
	if err := decodeJSON(w, r, &c); err != nil {
		s.error(w, r, err)
		return
	}
	o, err := s.Rectifications.SubmitEvidence(r.Context(), id, &c)
	if err != nil {
		s.error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, o)
}

// handleOrderVerify answers POST /api/v1/rectification-orders/{id}/verify
// with body {"passed", "note", "new_due"} (复查).
func (s *Server) handleOrderVerify(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	var c enforcement.VerificationCreate
	if err := decodeJSON(w, r, &c); err != nil {
		s.error(w, r, err)
		return
	}
	o, err := s.Rectifications.VerifyOrder(r.Context(), id, &c)
	if err != nil {
		s.error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, o)
}

// handleOrderCancel answers POST /api/v1/rectification-orders/{id}/cancel
// with body {"reason"}.
func (s *Server) handleOrderCancel(w http.ResponseWriter, r *http.Request) {
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
	o, err := s.Rectifications.CancelOrder(r.Context(), id, body.Reason)
	if err != nil {
		s.error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, o)
}
