package web

import (
	"net/http"

	"github.com/jointops/jointops/enforcement"
)

// handleAuditEvents answers GET /api/v1/audit-events?subject_kind=&subject_id=&limit=&before_id=
// (审计记录): auditors, coordinators, leadership and admins.
func (s *Server) handleAuditEvents(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	var f enforcement.AuditFilter
	var err error
	if f.SubjectKind, err = queryEnum(q, "subject_kind", enforcement.SubjectOperation, enforcement.SubjectTask,
		enforcement.SubjectVisit, enforcement.SubjectHazard, enforcement.SubjectRectificationOrder,
		enforcement.SubjectInspector, enforcement.SubjectFrequencyRule, enforcement.SubjectDepartment,
		enforcement.SubjectEscalationPolicy, enforcement.SubjectCalendarDay); err != nil {
		s.error(w, r, err)
		return
	}
	if f.SubjectID, err = queryInt64(q, "subject_id"); err != nil {
		s.error(w, r, err)
		return
	}
	if f.Limit, err = queryInt(q, "limit", 1, 1000); err != nil {
		s.error(w, r, err)
		return
	}
	before, err := queryInt(q, "before_id", 0, 1<<62)
	if err != nil {
		s.error(w, r, err)
		return
	}
	f.BeforeID = int64(before)
	events, err := s.Audit.FindAuditEvents(r.Context(), f)
	if err != nil {
		s.error(w, r, err)
		return
	}
	body := map[string]any{"audit_events": nonNil(events)}
	if n := len(events); n > 0 && n == pageSize(f.Limit, 200) {
		body["next_before_id"] = events[n-1].ID
	}
	writeJSON(w, http.StatusOK, body)
}
