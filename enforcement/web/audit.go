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
	if f.Limit, f.BeforeID, err = queryPage(q, 1000); err != nil {
		s.error(w, r, err)
		return
	}
	events, err := s.Audit.FindAuditEvents(r.Context(), f)
	if err != nil {
		s.error(w, r, err)
		return
	}
	body := pagedBody("audit_events", events, f.Limit, 200, func(x *enforcement.AuditEvent) int64 { return x.ID })
	writeJSON(w, http.StatusOK, body)
}
