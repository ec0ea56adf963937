package web

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"

	"github.com/jointops/jointops/enforcement"
)

// problemTypeBase starts the type URI of each jointops problem; the domain
// error code (or a slug for HTTP-level problems) follows it.
const problemTypeBase = "https://jointops.dev/problems/"

// Problem is an RFC 9457 problem details object, served as
// application/problem+json. Code, Errors and DetailZH are extension members
// (RFC 9457 §3.2): Code is the domain error code, and Errors names the input
// fields at fault with a reason each, so a client can show the message next
// to the field. Detail and Errors are in English, the API's language;
// DetailZH, when the rule has a translation, is Detail in Chinese, the
// district's language, for a client that shows the message to people.
type Problem struct {
	Type      string            `json:"type"`
	Title     string            `json:"title"`
	Status    int               `json:"status"`
	Detail    string            `json:"detail,omitempty"`
	DetailZH  string            `json:"detail_zh,omitempty"`
	Code      string            `json:"code,omitempty"`
	Errors    map[string]string `json:"errors,omitempty"`
	RequestID string            `json:"request_id,omitempty"`
}

// statusOf maps a domain error code to its HTTP status. It is the only
// place that does.
func statusOf(code string) int {
	switch code {
	case enforcement.EINVALID:
		return http.StatusUnprocessableEntity
	case enforcement.ENOTFOUND:
		return http.StatusNotFound
	case enforcement.ECONFLICT:
		return http.StatusConflict
	case enforcement.EFORBIDDEN:
		return http.StatusForbidden
	case enforcement.EUNAUTHORIZED:
		return http.StatusUnauthorized
	}
	return http.StatusInternalServerError
}

// titles are the fixed titles of the problem types of the domain codes.
var titles = map[string]string{
	enforcement.EINVALID:      "Invalid input",
	enforcement.ENOTFOUND:     "Not found",
	enforcement.ECONFLICT:     "Conflict with the current state",
	enforcement.EFORBIDDEN:    "Forbidden",
	enforcement.EUNAUTHORIZED: "Sign-in required",
	enforcement.EINTERNAL:     "Internal error",
}

// requestError is a problem with the HTTP request itself rather than with
// its meaning: malformed JSON, an unknown field, a body too large. It
// answers with its own status (400 or 413), not a domain code's.
type requestError struct {
	status int
	slug   string
	detail string
	fields map[string]string
}

func (e *requestError) Error() string { return e.detail }

// badRequest returns a 400 requestError.
func badRequest(detail string, fields map[string]string) error {
	return &requestError{status: http.StatusBadRequest, slug: "bad-request", detail: detail, fields: fields}
}

// error answers err as problem+json: a requestError with its own status,
// any other error with the status of its domain code. Internal errors are
// logged with the request id, and their detail never reaches the client.
func (s *Server) error(w http.ResponseWriter, r *http.Request, err error) {
	var p Problem
	var re *requestError
	var de *enforcement.Error
	switch {
	case errors.As(err, &re):
		p = Problem{Type: problemTypeBase + re.slug, Title: http.StatusText(re.status), Status: re.status,
			Detail: re.detail, Errors: re.fields}
	default:
		code := enforcement.ErrorCode(err)
		p = Problem{Type: problemTypeBase + code, Title: titles[code], Status: statusOf(code),
			Detail: enforcement.ErrorMessage(err), Code: code}
		if errors.As(err, &de) && code != enforcement.EINTERNAL {
			p.Errors = de.Fields
			p.DetailZH = de.MessageZH
		}
		if code == enforcement.EINTERNAL {
			s.Logger.ErrorContext(r.Context(), "internal error",
				"request_id", middleware.GetReqID(r.Context()), "method", r.Method, "path", r.URL.Path, "err", err)
		}
	}
	s.writeProblem(w, r, p)
}

// writeProblem writes p as application/problem+json.
func (s *Server) writeProblem(w http.ResponseWriter, r *http.Request, p Problem) {
	p.RequestID = middleware.GetReqID(r.Context())
	if p.Status == http.StatusUnauthorized {
		// RFC 9110 §15.5.2: a 401 names the scheme that would work.
		w.Header().Set("WWW-Authenticate", `Bearer realm="jointops"`)
	}
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(p.Status)
	_ = json.NewEncoder(w).Encode(p)
}

// handleNotFound answers an unmatched route: problem+json under /api/,
// the error page elsewhere.
func (s *Server) handleNotFound(w http.ResponseWriter, r *http.Request) {
	err := enforcement.Errorf(enforcement.ENOTFOUND, "There is no page %s.", r.URL.Path)
	if !strings.HasPrefix(r.URL.Path, "/api/") {
		s.htmlError(w, r, err)
		return
	}
	s.error(w, r, err)
}

// handleCrossOrigin answers a state-changing request that another site's
// page sent (CSRF): 403, as problem+json under /api/, else the error page.
func (s *Server) handleCrossOrigin(w http.ResponseWriter, r *http.Request) {
	err := enforcement.Errorf(enforcement.EFORBIDDEN, "Cross-origin request refused: submit the form from this site's own page.")
	if strings.HasPrefix(r.URL.Path, "/api/") {
		s.error(w, r, err)
		return
	}
	s.htmlError(w, r, err)
}

// methodNotAllowed returns the 405 handler of router, with the Allow
// header listing the methods the path has: problem+json under /api/, the
// error page elsewhere (a person who followed a form's URL, say).
func (s *Server) methodNotAllowed(router chi.Router) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var allowed []string
		for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete} {
			if router.Match(chi.NewRouteContext(), m, r.URL.Path) {
				allowed = append(allowed, m)
			}
		}
		w.Header().Set("Allow", strings.Join(allowed, ", "))
		detail := r.Method + " is not allowed on " + r.URL.Path + "; use " + strings.Join(allowed, " or ") + "."
		if !strings.HasPrefix(r.URL.Path, "/api/") {
			s.htmlError(w, r, &requestError{status: http.StatusMethodNotAllowed, slug: "method-not-allowed", detail: detail})
			return
		}
		s.writeProblem(w, r, Problem{Type: "about:blank", Title: http.StatusText(http.StatusMethodNotAllowed),
			Status: http.StatusMethodNotAllowed, Detail: detail})
	}
}
