package web

import "github.com/go-chi/chi/v5"

// uiAdminRoutes registers the admin pages.
func (s *Server) uiAdminRoutes(r chi.Router) {}
