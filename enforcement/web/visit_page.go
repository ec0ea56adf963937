package web

import "github.com/go-chi/chi/v5"

// uiVisitRoutes registers the visit page of an inspector (hazards, orders).
func (s *Server) uiVisitRoutes(r chi.Router) {}
