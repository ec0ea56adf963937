package web

import (
	"context"
	"net/http"
	"time"
)

// readyTimeout bounds the readiness check: a load balancer gives up soon.
const readyTimeout = 3 * time.Second

// handleHealthz answers GET /healthz: the process serves HTTP.
func (s *Server) handleHealthz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = w.Write([]byte("ok"))
}

// handleReadyz answers GET /readyz: 200 when Ready passes, else 503 with
// its reason.
func (s *Server) handleReadyz(w http.ResponseWriter, r *http.Request) {
	if s.Ready != nil {
		ctx, cancel := context.WithTimeout(r.Context(), readyTimeout)
		defer cancel()
		if err := s.Ready(ctx); err != nil {
			s.writeProblem(w, r, Problem{Type: "about:blank", Title: http.StatusText(http.StatusServiceUnavailable),
				Status: http.StatusServiceUnavailable, Detail: "Not ready: " + err.Error()})
			return
		}
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = w.Write([]byte("ready"))
}
