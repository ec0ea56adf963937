package web

import (
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/jointops/jointops/enforcement"
)

// calendarRoutes registers the working-day calendar an admin keeps.
func (s *Server) calendarRoutes(r chi.Router) {
	r.Get("/admin/calendar", s.handleCalendarYear)
	r.Put("/admin/calendar/{date}", s.handleCalendarPut)
	r.Delete("/admin/calendar/{date}", s.handleCalendarDelete)
}

// handleCalendarYear answers GET /api/v1/admin/calendar?year=2027 (default:
// this year in the district) with the year's official holidays, adjusted
// working days and admin overrides, each marked by source.
func (s *Server) handleCalendarYear(w http.ResponseWriter, r *http.Request) {
	year, err := queryInt(r.URL.Query(), "year", 1, 9999)
	if err != nil {
		s.error(w, r, err)
		return
	}
	if year == 0 {
		year = s.now().In(s.Location).Year()
	}
	cy, err := s.Calendars.FindCalendarYear(r.Context(), year)
	if err != nil {
		s.error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, cy)
}

// handleCalendarPut answers PUT /api/v1/admin/calendar/{date} with body
// {"working": bool, "note"}: the stored override. Admins only; deadlines
// computed from now on count it.
func (s *Server) handleCalendarPut(w http.ResponseWriter, r *http.Request) {
	d, err := pathDate(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	var c enforcement.CalendarOverride
	if err := decodeJSON(w, r, &c); err != nil {
		s.error(w, r, err)
		return
	}
	day, err := s.Calendars.SetCalendarOverride(r.Context(), d, &c)
	if err != nil {
		s.error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, day)
}

// handleCalendarDelete answers DELETE /api/v1/admin/calendar/{date} with
// 204: the official data decides the day again. Admins only.
func (s *Server) handleCalendarDelete(w http.ResponseWriter, r *http.Request) {
	d, err := pathDate(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	if err := s.Calendars.DeleteCalendarOverride(r.Context(), d); err != nil {
		s.error(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// pathDate returns the {date} of the route, YYYY-MM-DD, or EINVALID.
func pathDate(r *http.Request) (enforcement.Date, error) {
	d, err := enforcement.ParseDate(chi.URLParam(r, "date"))
	if err != nil {
		return d, enforcement.FieldError("date", "%s", enforcement.ErrorMessage(err)).
			ZH("%s", enforcement.ErrorMessageIn(err, "zh"))
	}
	return d, nil
}
