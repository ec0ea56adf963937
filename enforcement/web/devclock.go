package web

import (
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"

	"github.com/jointops/jointops/enforcement"
)

// devClockRoutes registers /api/v1/dev/clock, which exists only when
// Server.DevClock is set (`jointops dev`).
func (s *Server) devClockRoutes(r chi.Router) {
	r.Get("/dev/clock", s.handleDevClockGet)
	r.Post("/dev/clock", s.handleDevClockAdvance)
}

// clockBody is the answer of the dev clock routes.
type clockBody struct {
	Now time.Time `json:"now"`
	// SweepEnqueued is false when AfterClockMove failed: the periodic
	// sweep still fires what fell due, a few seconds later.
	SweepEnqueued *bool `json:"sweep_enqueued,omitempty"`
}

// handleDevClockGet answers GET /api/v1/dev/clock with {"now"}.
func (s *Server) handleDevClockGet(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, clockBody{Now: s.DevClock.Now().In(s.Location)})
}

// handleDevClockAdvance answers POST /api/v1/dev/clock with body
// {"advance": "72h"} (a Go duration, or whole days such as "3d" or
// "1d12h"): it moves the clock forward, then runs AfterClockMove so that
// what fell due escalates now.
func (s *Server) handleDevClockAdvance(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Advance string `json:"advance"`
	}
	if err := decodeJSON(w, r, &body); err != nil {
		s.error(w, r, err)
		return
	}
	d, err := parseAdvance(body.Advance)
	if err != nil {
		s.error(w, r, err)
		return
	}
	now, err := s.DevClock.Advance(d)
	if err != nil {
		s.error(w, r, err)
		return
	}
	out := clockBody{Now: now.In(s.Location)}
	if s.AfterClockMove != nil {
		ok := true
		if err := s.AfterClockMove(r.Context()); err != nil {
			s.Logger.ErrorContext(r.Context(), "after clock move", "request_id", middleware.GetReqID(r.Context()), "err", err)
			ok = false
		}
		out.SweepEnqueued = &ok
	}
	writeJSON(w, http.StatusOK, out)
}

// maxAdvanceDays bounds one move of the dev clock (ten years), well inside
// time.Duration's range.
const maxAdvanceDays = 3660

// daysPrefix matches the whole days in front of an advance: "3d", "1d12h".
var daysPrefix = regexp.MustCompile(`^(\d+)d`)

// parseAdvance parses a Go duration with optional leading whole days.
func parseAdvance(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	orig := s
	if s == "" {
		return 0, enforcement.FieldError("advance", `Say how far to move the clock, e.g. "72h" or "3d".`).
			ZH("请填写时钟要拨快多久，如“72h”或“3d”。")
	}
	var d time.Duration
	if m := daysPrefix.FindStringSubmatch(s); m != nil {
		days, err := strconv.Atoi(m[1])
		if err != nil || days > maxAdvanceDays {
			return 0, enforcement.FieldError("advance", "Move the clock by at most %d days.", maxAdvanceDays).
				ZH("时钟一次最多拨快 %d 天。", maxAdvanceDays)
		}
		d = time.Duration(days) * 24 * time.Hour
		s = s[len(m[0]):]
		if s == "" {
			return d, nil
		}
	}
	rest, err := time.ParseDuration(s)
	if err != nil {
		return 0, enforcement.FieldError("advance", `%q is not a duration such as "72h", "90m" or "3d".`, orig).
			ZH("“%s”不是“72h”“90m”“3d”这样的时长。", orig)
	}
	if rest > maxAdvanceDays*24*time.Hour {
		return 0, enforcement.FieldError("advance", "Move the clock by at most %d days.", maxAdvanceDays).
			ZH("时钟一次最多拨快 %d 天。", maxAdvanceDays)
	}
	return d + rest, nil
}
