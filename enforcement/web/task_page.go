package web

import "github.com/go-chi/chi/v5"

// uiTaskRoutes registers the task page of a department lead (accept, decline).
func (s *Server) uiTaskRoutes(r chi.Router) {}
