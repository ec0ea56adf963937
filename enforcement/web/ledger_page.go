package web

import "github.com/go-chi/chi/v5"

// uiLedgerRoutes registers the rectification ledger, the order page and the listed register.
func (s *Server) uiLedgerRoutes(r chi.Router) {}
