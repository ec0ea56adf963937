package web

import (
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/jointops/jointops/enforcement"
)

// escalationPolicyRoutes registers the escalation policies an admin edits.
func (s *Server) escalationPolicyRoutes(r chi.Router) {
	r.Get("/admin/escalation-policies", s.handlePolicyList)
	r.Put("/admin/escalation-policies/{severity}", s.handlePolicyPut)
}

// handlePolicyList answers GET /api/v1/admin/escalation-policies with
// {"escalation_policies": [...]}: the policy in force of each severity, or
// with ?history=true every version, newest first. Every signed-in actor
// reads them.
func (s *Server) handlePolicyList(w http.ResponseWriter, r *http.Request) {
	history, err := queryBool(r.URL.Query(), "history")
	if err != nil {
		s.error(w, r, err)
		return
	}
	policies, err := s.Policies.FindEscalationPolicies(r.Context(), history != nil && *history)
	if err != nil {
		s.error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"escalation_policies": nonNil(policies)})
}

// handlePolicyPut answers PUT /api/v1/admin/escalation-policies/{severity}
// with body {"steps": [{"level", "offset_working_days", "recipients"}, …]}:
// the new version, in force for orders issued from now on. Admins only.
func (s *Server) handlePolicyPut(w http.ResponseWriter, r *http.Request) {
	sev := enforcement.Severity(chi.URLParam(r, "severity"))
	if !sev.Valid() {
		s.error(w, r, enforcement.Errorf(enforcement.ENOTFOUND, "No severity %q: use general or major.", sev))
		return
	}
	var body struct {
		Steps []enforcement.EscalationStep `json:"steps"`
	}
	if err := decodeJSON(w, r, &body); err != nil {
		s.error(w, r, err)
		return
	}
	p, err := s.Policies.SetEscalationPolicy(r.Context(), &enforcement.EscalationPolicy{Severity: sev, Steps: body.Steps})
	if err != nil {
		s.error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, p)
}
