package web

import (
	"encoding/json"
	"fmt"
	"maps"
	"math"
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

// auditRow is one audit event with its details as a list of names and
// values.
type auditRow struct {
	*enforcement.AuditEvent
	Details []auditDetail
	// Link is the page of the subject, or "" when it has none.
	Link string
}

// auditDetail is one entry of an audit event's details, its value as text.
type auditDetail struct {
	Key, Value string
}

// auditDetails lists details sorted by name, each value readable: text as
// it is, numbers in full (no exponent), true/false, a list of plain values
// joined by commas, and anything nested as compact JSON.
func auditDetails(details map[string]any) []auditDetail {
	out := make([]auditDetail, 0, len(details))
	for _, k := range slices.Sorted(maps.Keys(details)) {
		out = append(out, auditDetail{Key: k, Value: auditValue(details[k], true)})
	}
	return out
}

// auditValue writes v as text; top is false inside a list.
func auditValue(v any, top bool) string {
	switch x := v.(type) {
	case nil:
		return "—"
	case string:
		return x
	case bool:
		return strconv.FormatBool(x)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case json.Number:
		return x.String()
	case int, int32, int64:
		return fmt.Sprint(x)
	case []any:
		if top {
			parts := make([]string, 0, len(x))
			plain := true
			for _, e := range x {
				switch e.(type) {
				case map[string]any, []any:
					plain = false
				}
				parts = append(parts, auditValue(e, false))
			}
			if plain {
				return strings.Join(parts, ", ")
			}
		}
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
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
	if v := strings.TrimSpace(q.Get("before_id")); v != "" {
		// A pager link's value: a positive event id. The store compares it
		// as a 32-bit integer, so a larger one is refused here rather than
		// failing there.
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id < 1 || id > math.MaxInt32 {
			f.Message = l.T("audit.error.pager")
		}
		filter.BeforeID = id
	}
	p := auditPage{Kinds: auditSubjectKinds, Paged: q.Get("before_id") != ""}
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
		row.Details = auditDetails(e.Details)
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
