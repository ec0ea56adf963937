package web

import "github.com/go-chi/chi/v5"

// uiDashboardRoutes registers the dashboard.
func (s *Server) uiDashboardRoutes(r chi.Router) {}
