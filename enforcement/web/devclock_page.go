package web

import (
	"net/http"

	"github.com/go-chi/chi/v5/middleware"
)

// handleDevClockForm answers POST /dev/clock, the demo clock's form in the
// banner of every page in `jointops dev` (the route does not exist
// otherwise). The form field advance is "1d", "3d", "7d" or any value
// /api/v1/dev/clock takes; the browser goes back to the form field back.
// What fell due escalates at once (AfterClockMove).
func (s *Server) handleDevClockForm(w http.ResponseWriter, r *http.Request) {
	d, err := parseAdvance(r.PostFormValue("advance"))
	if err != nil {
		s.htmlError(w, r, err)
		return
	}
	if _, err := s.DevClock.Advance(d); err != nil {
		s.htmlError(w, r, err)
		return
	}
	if s.AfterClockMove != nil {
		if err := s.AfterClockMove(r.Context()); err != nil {
			s.Logger.ErrorContext(r.Context(), "after clock move", "request_id", middleware.GetReqID(r.Context()), "err", err)
		}
	}
	redirectFlash(w, r, localPath(r.PostFormValue("back")), "dev.clock_moved")
}
