package web

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/jointops/jointops/enforcement"
)

// The planning settings an admin edits (registered by rosterRoutes).

// handleFrequencyRules answers GET /api/v1/admin/frequency-rules with
// {"frequency_rules": [...]}; every signed-in actor reads them.
func (s *Server) handleFrequencyRules(w http.ResponseWriter, r *http.Request) {
	rules, err := s.Roster.FindFrequencyRules(r.Context())
	if err != nil {
		s.error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"frequency_rules": nonNil(rules)})
}

// handleFrequencyRulesPut answers PUT /api/v1/admin/frequency-rules with
// body [{"risk_grade", "min_per_year", "max_per_year"}, …]: the rules of
// the grades given are replaced, and the answer is every rule. Each rule is
// checked before any is written, so a bad one changes nothing.
func (s *Server) handleFrequencyRulesPut(w http.ResponseWriter, r *http.Request) {
	// The body is what GET answers, {"frequency_rules": [...]}, or the bare
	// array; every field of a rule is required.
	var raw json.RawMessage
	if err := decodeJSON(w, r, &raw); err != nil {
		s.error(w, r, err)
		return
	}
	type ruleIn struct {
		Grade      *enforcement.RiskGrade `json:"risk_grade"`
		MinPerYear *int                   `json:"min_per_year"`
		MaxPerYear *int                   `json:"max_per_year"`
	}
	var in []ruleIn
	if bytes.HasPrefix(bytes.TrimSpace(raw), []byte("{")) {
		var wrapped struct {
			Rules []ruleIn `json:"frequency_rules"`
		}
		if json.Unmarshal(raw, &wrapped) != nil {
			in = nil
		} else {
			in = wrapped.Rules
		}
	} else if json.Unmarshal(raw, &in) != nil {
		in = nil
	}
	if len(in) == 0 {
		s.error(w, r, badRequest("Send the rules as GET answers them, {\"frequency_rules\":[{\"risk_grade\":1,\"min_per_year\":1,\"max_per_year\":4}]}, or as a bare array.", nil))
		return
	}
	var rules []enforcement.FrequencyRule
	for _, x := range in {
		if x.Grade == nil || x.MinPerYear == nil || x.MaxPerYear == nil {
			s.error(w, r, enforcement.FieldError("frequency_rules", "Each rule needs risk_grade, min_per_year and max_per_year.").
				ZH("每条规则都须填写 risk_grade、min_per_year 和 max_per_year。"))
			return
		}
		rules = append(rules, enforcement.FrequencyRule{Grade: *x.Grade, MinPerYear: *x.MinPerYear, MaxPerYear: *x.MaxPerYear})
	}
	seen := map[enforcement.RiskGrade]bool{}
	for _, rule := range rules {
		if err := rule.Validate(); err != nil {
			s.error(w, r, err)
			return
		}
		if seen[rule.Grade] {
			s.error(w, r, enforcement.FieldError("risk_grade", "Grade %d appears twice.", rule.Grade).
				ZH("风险等级 %d 重复出现。", rule.Grade))
			return
		}
		seen[rule.Grade] = true
	}
	for _, rule := range rules {
		if err := s.Roster.SetFrequencyRule(r.Context(), rule); err != nil {
			s.error(w, r, err)
			return
		}
	}
	s.handleFrequencyRules(w, r)
}

// remitBody is the body of PUT /api/v1/admin/remits and its answer.
type remitBody struct {
	Department string `json:"department"`
	Industry   string `json:"industry"`
	Covered    *bool  `json:"covered"`
}

// handleRemitPut answers PUT /api/v1/admin/remits with body {"department",
// "industry", "covered"}: whether the department's remit covers the
// industry. It answers with the body as stored.
func (s *Server) handleRemitPut(w http.ResponseWriter, r *http.Request) {
	var body remitBody
	if err := decodeJSON(w, r, &body); err != nil {
		s.error(w, r, err)
		return
	}
	if body.Covered == nil {
		s.error(w, r, enforcement.FieldError("covered", "Say whether the remit covers the industry: true or false.").
			ZH("请说明该职责范围是否涵盖此行业：true 或 false。"))
		return
	}
	if err := s.Roster.SetRemit(r.Context(), body.Department, body.Industry, *body.Covered); err != nil {
		s.error(w, r, err)
		return
	}
	body.Department, body.Industry = strings.ToUpper(strings.TrimSpace(body.Department)), strings.TrimSpace(body.Industry)
	writeJSON(w, http.StatusOK, body)
}

// handleDepartmentPut answers PUT /api/v1/admin/departments/{code} with
// body {"visits_per_team_per_day": 4}; an unknown code is 404.
func (s *Server) handleDepartmentPut(w http.ResponseWriter, r *http.Request) {
	var body struct {
		VisitsPerTeamPerDay *int `json:"visits_per_team_per_day"`
	}
	if err := decodeJSON(w, r, &body); err != nil {
		s.error(w, r, err)
		return
	}
	if body.VisitsPerTeamPerDay == nil {
		s.error(w, r, enforcement.FieldError("visits_per_team_per_day", "required: the visits a team of two makes in a working day.").
			ZH("必填：两人一组每个工作日的检查次数。"))
		return
	}
	code := strings.ToUpper(chi.URLParam(r, "code"))
	if err := s.Roster.SetVisitsPerTeamPerDay(r.Context(), code, *body.VisitsPerTeamPerDay); err != nil {
		s.error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"code": code, "visits_per_team_per_day": *body.VisitsPerTeamPerDay})
}
