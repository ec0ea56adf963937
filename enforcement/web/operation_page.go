package web

import "github.com/go-chi/chi/v5"

// uiOperationRoutes registers the operations list, the new-operation form and the operation page.
func (s *Server) uiOperationRoutes(r chi.Router) {}
