package web

import (
	"errors"
	"net/http"
	"regexp"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/jointops/jointops/enforcement"
)

// The forms of the admin page that edit escalation policies and the
// working-day calendar.

// adminPolicyRecipients are the roles a ladder step may notify, in the order
// of the checkboxes (enforcement.EscalationPolicy.Validate).
var adminPolicyRecipients = []enforcement.Role{enforcement.RoleInspector, enforcement.RoleDeptLead, enforcement.RoleCoordinator, enforcement.RoleLeadership}

// adminPolicyView is an escalation policy as its form shows it: the four
// levels, each on or off.
type adminPolicyView struct {
	Severity   enforcement.Severity
	Steps      []adminStepView
	Recipients []enforcement.Role
}

// adminStepView is one level of a policy's form. Its fields are named
// enabled_<level>, offset_<level> (working days from the due date,
// negative before it) and recipients_<level>.
type adminStepView struct {
	Level   int
	Enabled bool
	// Fixed is true for level 1, which every ladder has.
	Fixed      bool
	Offset     string
	Recipients map[enforcement.Role]bool
	// OffsetError and RecipientsError are the messages next to the fields.
	OffsetError, RecipientsError string
}

// adminPolicyOf shows a stored policy.
func adminPolicyOf(p *enforcement.EscalationPolicy) *adminPolicyView {
	v := &adminPolicyView{Severity: p.Severity, Recipients: adminPolicyRecipients}
	for l := enforcement.LevelReminder; l <= enforcement.LevelListed; l++ {
		st := adminStepView{Level: int(l), Fixed: l == enforcement.LevelOverdue, Recipients: map[enforcement.Role]bool{}}
		for _, s := range p.Steps {
			if s.Level == l {
				st.Enabled, st.Offset = true, strconv.Itoa(s.OffsetWorkingDays)
				for _, r := range s.Recipients {
					st.Recipients[r] = true
				}
			}
		}
		v.Steps = append(v.Steps, st)
	}
	return v
}

// adminPolicyFromForm shows what was submitted for severity, with its
// messages.
func adminPolicyFromForm(sev enforcement.Severity, f *form) *adminPolicyView {
	v := &adminPolicyView{Severity: sev, Recipients: adminPolicyRecipients}
	for l := 0; l <= int(enforcement.LevelListed); l++ {
		n := strconv.Itoa(l)
		st := adminStepView{Level: l, Fixed: l == int(enforcement.LevelOverdue), Recipients: map[enforcement.Role]bool{},
			Enabled: l == int(enforcement.LevelOverdue) || f.Get("enabled_"+n) != "", Offset: f.Get("offset_" + n),
			OffsetError: f.Error("offset_" + n), RecipientsError: f.Error("recipients_" + n)}
		for _, r := range f.Values["recipients_"+n] {
			st.Recipients[enforcement.Role(r)] = true
		}
		v.Steps = append(v.Steps, st)
	}
	return v
}

// adminStepField matches a field of enforcement.EscalationPolicy.Validate's
// errors: steps[i].offset_working_days or steps[i].recipients.
var adminStepField = regexp.MustCompile(`^steps\[(\d+)\]\.(offset_working_days|recipients|level)$`)

// handleAdminPolicy answers POST /admin/escalation-policies/{severity}:
// the new ladder of a severity, from the enabled levels with their offsets
// in working days and their recipients. It applies to orders issued after
// it; a ladder equal to the one in force stores nothing.
func (s *Server) handleAdminPolicy(w http.ResponseWriter, r *http.Request) {
	_ = r.ParseForm()
	f := newForm(r)
	l := s.localizerFor(r)
	sev := enforcement.Severity(chi.URLParam(r, "severity"))
	if !sev.Valid() {
		s.htmlError(w, r, enforcement.Errorf(enforcement.ENOTFOUND, "No escalation policy %q.", sev))
		return
	}
	p := &enforcement.EscalationPolicy{Severity: sev}
	for lv := 0; lv <= int(enforcement.LevelListed); lv++ {
		n := strconv.Itoa(lv)
		if lv != int(enforcement.LevelOverdue) && f.Get("enabled_"+n) == "" {
			continue
		}
		offset, err := strconv.Atoi(strings.TrimSpace(f.Get("offset_" + n)))
		if err != nil {
			f.Errors["offset_"+n] = l.T("admin.policy.error_number")
		}
		step := enforcement.EscalationStep{Level: enforcement.EscalationLevel(lv), OffsetWorkingDays: offset}
		for _, rv := range f.Values["recipients_"+n] {
			step.Recipients = append(step.Recipients, enforcement.Role(rv))
		}
		p.Steps = append(p.Steps, step)
	}
	render := func() { s.renderAdmin(w, r, s.now().In(s.Location).Year(), "policy:"+string(sev), f) }
	if f.Failed() {
		render()
		return
	}
	err := p.Validate()
	if err == nil {
		_, err = s.Policies.SetEscalationPolicy(r.Context(), p)
	}
	if err != nil {
		var e *enforcement.Error
		if !errors.As(err, &e) || e.Code != enforcement.EINVALID {
			s.htmlError(w, r, err)
			return
		}
		for field := range e.Fields {
			m := adminStepField.FindStringSubmatch(field)
			if m == nil {
				f.Message = l.T("admin.policy.error_steps")
				continue
			}
			i, _ := strconv.Atoi(m[1])
			if i >= len(p.Steps) {
				continue
			}
			n := strconv.Itoa(int(p.Steps[i].Level))
			if m[2] == "recipients" {
				f.Errors["recipients_"+n] = l.T("admin.policy.error_recipients")
			} else {
				f.Errors["offset_"+n] = l.T("admin.policy.error_offset")
			}
		}
		if len(e.Fields) == 0 {
			f.Message = l.T("admin.policy.error_steps")
		}
		render()
		return
	}
	redirectFlash(w, r, "/admin#policies", "admin.policy.saved")
}

// handleAdminCalendarSet answers POST /admin/calendar with the fields date
// (YYYY-MM-DD), working ("true": a working day, such as an adjusted
// weekend; "false": a day off) and note: an admin override of one day of
// the working-day calendar. It goes back to that year's calendar.
func (s *Server) handleAdminCalendarSet(w http.ResponseWriter, r *http.Request) {
	_ = r.ParseForm()
	f := newForm(r)
	l := s.localizerFor(r)
	year := s.now().In(s.Location).Year()
	d, err := enforcement.ParseDate(strings.TrimSpace(f.Get("date")))
	if err != nil {
		f.Errors["date"] = l.T("admin.calendar.error_date")
	} else if enforcement.ValidCalendarYear("date", d.Year) != nil {
		f.Errors["date"] = l.T("admin.calendar.error_year")
	} else {
		year = d.Year
	}
	var working *bool
	switch f.Get("working") {
	case "true", "false":
		b := f.Get("working") == "true"
		working = &b
	default:
		f.Errors["working"] = l.T("admin.calendar.error_working")
	}
	if len([]rune(strings.TrimSpace(f.Get("note")))) > 200 {
		f.Errors["note"] = l.T("admin.calendar.error_note")
	}
	if f.Failed() {
		s.renderAdmin(w, r, year, "calendar", f)
		return
	}
	if _, err := s.Calendars.SetCalendarOverride(r.Context(), d, &enforcement.CalendarOverride{Working: working, Note: f.Get("note")}); err != nil {
		if f.Fail(err, s.langOf(r), nil) {
			s.renderAdmin(w, r, year, "calendar", f)
			return
		}
		s.htmlError(w, r, err)
		return
	}
	redirectFlash(w, r, "/admin?year="+strconv.Itoa(year)+"#calendar", "admin.calendar.saved")
}

// handleAdminCalendarDelete answers POST /admin/calendar/{date}/delete:
// the override of that day goes, and the official data decides again.
func (s *Server) handleAdminCalendarDelete(w http.ResponseWriter, r *http.Request) {
	d, err := enforcement.ParseDate(chi.URLParam(r, "date"))
	if err != nil {
		s.htmlError(w, r, enforcement.Errorf(enforcement.ENOTFOUND, "No override of %q.", chi.URLParam(r, "date")))
		return
	}
	if err := s.Calendars.DeleteCalendarOverride(r.Context(), d); err != nil {
		s.htmlError(w, r, err)
		return
	}
	redirectFlash(w, r, "/admin?year="+strconv.Itoa(d.Year)+"#calendar", "admin.calendar.removed")
}
