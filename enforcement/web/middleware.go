package web

import (
	"errors"
	"fmt"
	"net/http"
	"runtime/debug"

	"github.com/go-chi/chi/v5/middleware"

	"github.com/jointops/jointops/enforcement"
)

// commonHeaders echoes the request id, so that a user can quote it, and
// forbids content sniffing.
func (s *Server) commonHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set(middleware.RequestIDHeader, middleware.GetReqID(r.Context()))
		w.Header().Set("X-Content-Type-Options", "nosniff")
		next.ServeHTTP(w, r)
	})
}

// recoverer turns a panic in a handler into a logged internal error and a
// 500 problem+json. http.ErrAbortHandler passes through: it is how a
// handler aborts a response on purpose.
func (s *Server) recoverer(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			v := recover()
			if v == nil {
				return
			}
			if err, ok := v.(error); ok && errors.Is(err, http.ErrAbortHandler) {
				panic(v)
			}
			s.Logger.ErrorContext(r.Context(), "panic", "request_id", middleware.GetReqID(r.Context()),
				"method", r.Method, "path", r.URL.Path, "panic", v, "stack", string(debug.Stack()))
			s.error(w, r, fmt.Errorf("panic: %v", v))
		}()
		next.ServeHTTP(w, r)
	})
}

// requireActor answers 401 problem+json when nobody signed in. The services
// check too; this answers before the body is read, and for routes that
// call no service.
func (s *Server) requireActor(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, err := enforcement.RequireActor(r.Context()); err != nil {
			s.error(w, r, err)
			return
		}
		next.ServeHTTP(w, r)
	})
}
