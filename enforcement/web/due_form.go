package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/jointops/jointops/enforcement"
)

// readDueRule reads a due date typed into f either as a calendar date in
// dateField (YYYY-MM-DD) or as a number of working days in daysField,
// whichever is filled in: the visit's order form and the order's failed
// verification both ask for one so. An empty field name is a way the form
// does not offer (the order form offers one way at a time, by its
// due_mode). It sets a localized message on the field at fault and reports
// whether the rule was read; what needs the calendar or the day of issue
// (a date in the past) is left to enforcement.DueRule.Resolve.
func readDueRule(f *form, l *localizer, dateField, daysField string) (enforcement.DueRule, bool) {
	get := func(name string) string {
		if name == "" {
			return ""
		}
		return strings.TrimSpace(f.Get(name))
	}
	var r enforcement.DueRule
	ok := true
	fail := func(field, msg string) {
		f.Errors[field] = msg
		ok = false
	}
	if v := get(dateField); v != "" {
		d, err := enforcement.ParseDate(v)
		if err != nil {
			fail(dateField, l.T("due.error.date"))
		}
		r.Date = &d
	}
	if v := get(daysField); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > enforcement.MaxDueWorkingDays {
			fail(daysField, l.T("due.error.days", "Max", enforcement.MaxDueWorkingDays))
		}
		r.WorkingDays = &n
	}
	switch {
	case r.Date != nil && r.WorkingDays != nil && ok:
		fail(dateField, l.T("due.error.both"))
	case r.Date != nil || r.WorkingDays != nil:
		// One way, read above.
	case daysField == "":
		fail(dateField, l.T("due.error.date"))
	case dateField == "":
		fail(daysField, l.T("due.error.days", "Max", enforcement.MaxDueWorkingDays))
	default:
		fail(dateField, l.T("due.error.missing"))
	}
	return r, ok
}

// duePreview is the data of the fragment "duepreview" of visit.html: what
// a due date given in working days comes to, or why it cannot be read.
type duePreview struct {
	Due   enforcement.Date
	Error string
}

// renderDuePreview answers an htmx GET with the fragment "duepreview": the
// date N working days after today (the district's day, the server's
// working-day calendar: holidays skipped, adjusted working weekends
// counted), N read from the first of the query's names that is filled in;
// nothing when none is; the localized message when N is not a number of
// working days the forms accept. It is a preview, not a submission: the
// answer is 200 either way, so that htmx shows it.
func (s *Server) renderDuePreview(w http.ResponseWriter, r *http.Request, names ...string) {
	q := r.URL.Query()
	v := ""
	for _, n := range names {
		if v = strings.TrimSpace(q.Get(n)); v != "" {
			break
		}
	}
	var p duePreview
	if v != "" {
		l := s.localizerFor(r)
		n, err := strconv.Atoi(v)
		if err == nil && n >= 1 && n <= enforcement.MaxDueWorkingDays {
			p.Due, err = enforcement.AddWorkingDays(s.Calendar, enforcement.DateOf(s.now().In(s.Location)), n)
		}
		if err != nil || n < 1 || n > enforcement.MaxDueWorkingDays {
			p.Due, p.Error = enforcement.Date{}, l.T("due.error.days", "Max", enforcement.MaxDueWorkingDays)
		}
	}
	s.renderFragment(w, r, page{Name: "visit.html", Title: "visit.title", Data: p}, "duepreview")
}
