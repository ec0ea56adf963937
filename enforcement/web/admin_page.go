package web

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/jointops/jointops/enforcement"
)

// uiAdminRoutes registers the admin pages: one page of sections, each with
// its own form (departments, remits, escalation policies, calendar).
func (s *Server) uiAdminRoutes(r chi.Router) {
	r.Get("/admin", s.handleAdmin)
	r.Post("/admin/departments/{code}", s.handleAdminDepartment)
	r.Post("/admin/remits", s.handleAdminRemits)
	r.Post("/admin/escalation-policies/{severity}", s.handleAdminPolicy)
	r.Post("/admin/calendar", s.handleAdminCalendarSet)
	r.Post("/admin/calendar/{date}/delete", s.handleAdminCalendarDelete)
}

// adminPage is the data of admin.html.
type adminPage struct {
	Departments []adminDepartment
	Industries  []enforcement.Industry
	// Remit holds "DEPT/INDUSTRY" for each pair the matrix shows checked.
	Remit map[string]bool
	// Policies are the escalation policies in force, general then major,
	// as their forms show them.
	Policies []*adminPolicyView
	// Calendar is the calendar of Year: holidays, adjusted working days
	// and admin overrides.
	Calendar *enforcement.CalendarYear
	Year     int
	// Roles is how sign-in maps OIDC groups to roles (read-only).
	Roles []adminRoleMapping
	// Section names the form that failed ("department:EMB", "remits",
	// "policy:general", "calendar"): that form shows the values typed.
	Section string
	// Cleared are the departments the remit form, as submitted, would
	// leave with no industry at all: the form asks to confirm that.
	Cleared []string
}

// adminDepartment is a department row with the value its form shows.
type adminDepartment struct {
	*enforcement.DepartmentSettings
	// Visits is the visits per team per day as the form shows it: the
	// stored value, or what was typed when it failed; Error its message.
	Visits, Error string
	// CapacityPerDay is the visits the department can make in a working
	// day: a team per two active inspectors, times the visits per team.
	CapacityPerDay int
}

// adminRoleMapping is one kind of entry of the OIDC groups claim.
type adminRoleMapping struct {
	// Group is the entry's pattern, e.g. "dept:<CODE>:dept_lead".
	Group string
	Role  enforcement.Role
	// Departmental is true for roles held in one department.
	Departmental bool
}

// adminRoleMappings mirrors auth.ActorFromClaims: the entries of the "groups"
// claim (its name is configurable) that sign-in turns into roles. jointops
// stores no per-user override, so the page shows it read-only.
var adminRoleMappings = []adminRoleMapping{
	{"dept:<CODE>:dept_lead", enforcement.RoleDeptLead, true},
	{"dept:<CODE>:lead", enforcement.RoleDeptLead, true},
	{"dept:<CODE>:inspector", enforcement.RoleInspector, true},
	{"role:coordinator", enforcement.RoleCoordinator, false},
	{"role:auditor", enforcement.RoleAuditor, false},
	{"role:admin", enforcement.RoleAdmin, false},
	{"role:leadership", enforcement.RoleLeadership, false},
}

// handleAdmin answers GET /admin?year=: the admin page, admins only (403).
// year is the calendar year shown; it defaults to the district's current
// year.
func (s *Server) handleAdmin(w http.ResponseWriter, r *http.Request) {
	year, err := strconv.Atoi(r.URL.Query().Get("year"))
	if err != nil || enforcement.ValidCalendarYear("year", year) != nil {
		year = s.now().In(s.Location).Year()
	}
	s.renderAdmin(w, r, year, "", nil)
}

// renderAdmin shows the admin page of calendar year year; when f is set,
// the form of section failed and shows f's values and messages (422).
func (s *Server) renderAdmin(w http.ResponseWriter, r *http.Request, year int, section string, f *form) {
	ctx := r.Context()
	if _, err := enforcement.RequireRole(ctx, enforcement.RoleAdmin); err != nil {
		s.htmlError(w, r, err)
		return
	}
	p := adminPage{Year: year, Roles: adminRoleMappings, Section: section, Remit: map[string]bool{}}
	depts, err := s.Statistics.FindDepartmentSettings(ctx)
	if err != nil {
		s.htmlError(w, r, err)
		return
	}
	for _, d := range depts {
		row := adminDepartment{DepartmentSettings: d, Visits: strconv.Itoa(d.VisitsPerTeamPerDay),
			CapacityPerDay: d.ActiveInspectors / 2 * d.VisitsPerTeamPerDay}
		if section == "department:"+d.Code {
			row.Visits, row.Error = f.Get("visits_per_team_per_day"), f.Error("visits_per_team_per_day")
		}
		p.Departments = append(p.Departments, row)
		for _, ind := range d.Industries {
			p.Remit[d.Code+"/"+ind] = true
		}
	}
	if section == "remits" {
		p.Remit = map[string]bool{}
		for _, v := range f.Values["remit"] {
			p.Remit[v] = true
		}
		p.Cleared = remitsCleared(depts, p.Remit)
	}
	if p.Industries, err = s.References.FindIndustries(ctx); err != nil {
		s.htmlError(w, r, err)
		return
	}
	policies, err := s.Policies.FindEscalationPolicies(ctx, false)
	if err != nil {
		s.htmlError(w, r, err)
		return
	}
	for _, sp := range policies {
		v := adminPolicyOf(&sp.EscalationPolicy)
		if section == "policy:"+string(sp.Severity) {
			v = adminPolicyFromForm(sp.Severity, f)
		}
		p.Policies = append(p.Policies, v)
	}
	if p.Calendar, err = s.Calendars.FindCalendarYear(ctx, year); err != nil {
		s.htmlError(w, r, err)
		return
	}
	pg := page{Name: "admin.html", Title: "admin.title", Nav: "admin", Data: p}
	if f != nil {
		pg.Form, pg.Status = f, http.StatusUnprocessableEntity
	}
	s.renderPage(w, r, pg)
}

// handleAdminDepartment answers POST /admin/departments/{code} with the
// field visits_per_team_per_day (1 to enforcement.MaxVisitsPerTeamPerDay
// visits a working day).
func (s *Server) handleAdminDepartment(w http.ResponseWriter, r *http.Request) {
	_ = r.ParseForm()
	f := newForm(r)
	code := strings.ToUpper(chi.URLParam(r, "code"))
	year := s.now().In(s.Location).Year()
	n, err := strconv.Atoi(strings.TrimSpace(f.Get("visits_per_team_per_day")))
	if err != nil || enforcement.ValidateVisitsPerTeamPerDay(n) != nil {
		f.Errors["visits_per_team_per_day"] = s.localizerFor(r).T("admin.departments.error_visits", "Max", enforcement.MaxVisitsPerTeamPerDay)
		s.renderAdmin(w, r, year, "department:"+code, f)
		return
	}
	if err := s.Roster.SetVisitsPerTeamPerDay(r.Context(), code, n); err != nil {
		if f.Fail(err, s.langOf(r), nil) {
			s.renderAdmin(w, r, year, "department:"+code, f)
			return
		}
		s.htmlError(w, r, err)
		return
	}
	redirectFlash(w, r, "/admin#departments", "admin.departments.saved")
}

// handleAdminRemits answers POST /admin/remits with the checked cells of
// the matrix as fields remit=DEPT/INDUSTRY: it sets each pair that changed
// (one audit event each) and leaves the rest alone. A pair that is not a
// department and an industry of the matrix is refused (422), as is a save
// that leaves a department that had a remit with none, unless the field
// confirm_empty=yes confirms it.
func (s *Server) handleAdminRemits(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	if _, err := enforcement.RequireRole(ctx, enforcement.RoleAdmin); err != nil {
		s.htmlError(w, r, err)
		return
	}
	_ = r.ParseForm()
	f := newForm(r)
	l := s.localizerFor(r)
	depts, err := s.Statistics.FindDepartmentSettings(ctx)
	if err != nil {
		s.htmlError(w, r, err)
		return
	}
	industries, err := s.References.FindIndustries(ctx)
	if err != nil {
		s.htmlError(w, r, err)
		return
	}
	year := s.now().In(s.Location).Year()
	known := map[string]bool{}
	for _, d := range depts {
		for _, ind := range industries {
			known[d.Code+"/"+ind.Code] = true
		}
	}
	wanted := map[string]bool{}
	var bad []string
	for _, v := range f.Values["remit"] {
		if !known[v] {
			if len(bad) < 5 && !slices.Contains(bad, v) {
				bad = append(bad, v)
			}
			continue
		}
		wanted[v] = true
	}
	if len(bad) > 0 {
		// A tampered or stale form: say so, and save nothing.
		f.Message = l.T("admin.remits.error_pairs", "Values", strings.Join(bad, l.T("admin.remits.sep")))
		s.renderAdmin(w, r, year, "remits", f)
		return
	}
	if cleared := remitsCleared(depts, wanted); len(cleared) > 0 && f.Get("confirm_empty") != "yes" {
		f.Errors["confirm_empty"] = l.T("admin.remits.error_confirm")
		s.renderAdmin(w, r, year, "remits", f)
		return
	}
	for _, d := range depts {
		covered := map[string]bool{}
		for _, ind := range d.Industries {
			covered[ind] = true
		}
		for _, ind := range industries {
			want := wanted[d.Code+"/"+ind.Code]
			if want == covered[ind.Code] {
				continue
			}
			if err := s.Roster.SetRemit(ctx, d.Code, ind.Code, want); err != nil {
				if f.Fail(err, s.langOf(r), nil) {
					s.renderAdmin(w, r, year, "remits", f)
					return
				}
				s.htmlError(w, r, err)
				return
			}
		}
	}
	redirectFlash(w, r, "/admin#remits", "admin.remits.saved")
}

// remitsCleared returns the codes of the departments that cover some
// industry today and none in wanted ("DEPT/INDUSTRY" pairs).
func remitsCleared(depts []*enforcement.DepartmentSettings, wanted map[string]bool) []string {
	var out []string
	for _, d := range depts {
		if len(d.Industries) == 0 {
			continue
		}
		kept := false
		for k := range wanted {
			if strings.HasPrefix(k, d.Code+"/") {
				kept = true
				break
			}
		}
		if !kept {
			out = append(out, d.Code)
		}
	}
	return out
}
