package web

import (
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/jointops/jointops/enforcement"
)

// uiAuditRoutes registers the audit trail page.
func (s *Server) uiAuditRoutes(r chi.Router) {
	r.Get("/audit", s.handleAuditPage)
}

// auditPageSize is how many audit events one page of the trail shows.
const auditPageSize = 50

// auditSubjectKinds are the subject kinds the search offers, in the order
// of the select.
var auditSubjectKinds = []enforcement.SubjectKind{
	enforcement.SubjectOperation, enforcement.SubjectTask, enforcement.SubjectVisit, enforcement.SubjectHazard,
	enforcement.SubjectRectificationOrder, enforcement.SubjectInspector, enforcement.SubjectFrequencyRule,
	enforcement.SubjectDepartment, enforcement.SubjectEscalationPolicy, enforcement.SubjectCalendarDay,
}

// auditPage is the data of audit.html.
type auditPage struct {
	Kinds  []enforcement.SubjectKind
	Events []auditRow
	// Older is the before_id of the next (older) page, or 0 on the last.
	Older int64
	// Paged is true when this is not the newest page.
	Paged bool
}

// auditRow is one audit event with its details as compact JSON.
type auditRow struct {
	*enforcement.AuditEvent
	DetailsJSON string
	// Link is the page of the subject, or "" when it has none.
	Link string
}

// handleAuditPage answers GET /audit?actor=&subject_kind=&subject_id=
// &action=&from=&to=&before_id=: the audit trail (审计记录), newest first,
// auditPageSize events a page. from and to are days in the district's time
// zone, both included. Auditors (and the other roles the AuditService
// admits) only: a department lead gets 403. A malformed filter is shown
// again with its message next to the field (422).
func (s *Server) handleAuditPage(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f := &form{Values: q, Errors: map[string]string{}}
	l := s.localizerFor(r)
	filter := enforcement.AuditFilter{Actor: strings.TrimSpace(q.Get("actor")), Action: strings.TrimSpace(q.Get("action")), Limit: auditPageSize}
	if k := q.Get("subject_kind"); k != "" {
		kind := enforcement.SubjectKind(k)
		if !slices.Contains(auditSubjectKinds, kind) {
			f.Errors["subject_kind"] = l.T("audit.error.kind")
		}
		filter.SubjectKind = &kind
	}
	if v := strings.TrimSpace(q.Get("subject_id")); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id < 0 {
			f.Errors["subject_id"] = l.T("audit.error.subject_id")
		}
		filter.SubjectID = &id
	}
	for _, field := range []struct {
		name string
		to   *enforcement.Date
	}{{"from", &filter.From}, {"to", &filter.To}} {
		if v := strings.TrimSpace(q.Get(field.name)); v != "" {
			d, err := enforcement.ParseDate(v)
			if err != nil {
				f.Errors[field.name] = l.T("audit.error.date")
			}
			*field.to = d
		}
	}
	if !filter.From.IsZero() && !filter.To.IsZero() && filter.To.Before(filter.From) {
		f.Errors["to"] = l.T("audit.error.range")
	}
	if v := q.Get("before_id"); v != "" {
		filter.BeforeID, _ = strconv.ParseInt(v, 10, 64)
	}
	p := auditPage{Kinds: auditSubjectKinds, Paged: filter.BeforeID > 0}
	if f.Failed() {
		// Still ask the service, so that a role without access gets 403
		// and not a form.
		if _, err := s.Audit.FindAuditEvents(r.Context(), enforcement.AuditFilter{Limit: 1}); err != nil {
			s.htmlError(w, r, err)
			return
		}
		s.renderPage(w, r, page{Name: "audit.html", Title: "audit.title", Nav: "audit", Data: p, Form: f, Status: http.StatusUnprocessableEntity})
		return
	}
	events, err := s.Audit.FindAuditEvents(r.Context(), filter)
	if err != nil {
		s.htmlError(w, r, err)
		return
	}
	for _, e := range events {
		row := auditRow{AuditEvent: e}
		if len(e.Details) > 0 {
			b, _ := json.Marshal(e.Details)
			row.DetailsJSON = string(b)
		}
		if path := subjectPath(e.SubjectKind, e.SubjectID); path != "/" {
			row.Link = path
		}
		p.Events = append(p.Events, row)
	}
	if len(events) == auditPageSize {
		p.Older = events[len(events)-1].ID
	}
	s.renderPage(w, r, page{Name: "audit.html", Title: "audit.title", Nav: "audit", Data: p, Form: f})
}
