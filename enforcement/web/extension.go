package web

import (
	"context"
	"fmt"
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/jointops/jointops/enforcement"
)

// extensionRoutes registers extension requests (延期).
func (s *Server) extensionRoutes(r chi.Router) {
	r.Post("/rectification-orders/{id}/extensions", s.handleExtensionCreate)
	r.Get("/extensions/{id}", s.handleExtensionGet)
	r.Post("/extensions/{id}/approve", s.handleExtensionDecide(s.Extensions.ApproveExtension))
	r.Post("/extensions/{id}/refuse", s.handleExtensionDecide(s.Extensions.RefuseExtension))
}

// handleExtensionCreate answers POST
// /api/v1/rectification-orders/{id}/extensions with body {"reason",
// "proposed_due_date"}: 201 with the pending request. 409 once the due
// date has passed.
func (s *Server) handleExtensionCreate(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	var c enforcement.ExtensionCreate
	if err := decodeJSON(w, r, &c); err != nil {
		s.error(w, r, err)
		return
	}
	ext, err := s.Extensions.RequestExtension(r.Context(), id, &c)
	if err != nil {
		s.error(w, r, err)
		return
	}
	writeCreated(w, fmt.Sprintf("/api/v1/extensions/%d", ext.ID), ext)
}

// handleExtensionGet answers GET /api/v1/extensions/{id}.
func (s *Server) handleExtensionGet(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	ext, err := s.Extensions.FindExtensionByID(r.Context(), id)
	if err != nil {
		s.error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, ext)
}

// handleExtensionDecide answers POST /api/v1/extensions/{id}/approve and
// /refuse with body {"note"} (required to refuse; the body may be empty to
// approve) and the answered request.
func (s *Server) handleExtensionDecide(decide func(ctx context.Context, id int64, d *enforcement.ExtensionDecision) (*enforcement.Extension, error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, err := pathID(r)
		if err != nil {
			s.error(w, r, err)
			return
		}
		var d enforcement.ExtensionDecision
		if r.ContentLength != 0 {
			if err := decodeJSON(w, r, &d); err != nil {
				s.error(w, r, err)
				return
			}
		}
		ext, err := decide(r.Context(), id, &d)
		if err != nil {
			s.error(w, r, err)
			return
		}
		writeJSON(w, http.StatusOK, ext)
	}
}
