package web

import (
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/jointops/jointops/enforcement"
)

// notificationRoutes registers /api/v1/notifications: the actor's own inbox.
func (s *Server) notificationRoutes(r chi.Router) {
	r.Get("/notifications", s.handleNotificationList)
	r.Post("/notifications/{id}/read", s.handleNotificationRead)
}

// handleNotificationList answers GET /api/v1/notifications?unread=true&limit=&before_id=.
// A full page carries next_before_id: pass it as before_id for the next.
// "unread" counts all the actor's unread items, on every page.
func (s *Server) handleNotificationList(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	unread, err := queryBool(q, "unread")
	if err != nil {
		s.error(w, r, err)
		return
	}
	f := enforcement.NotificationFilter{UnreadOnly: unread != nil && *unread}
	if f.Limit, f.BeforeID, err = queryPage(q, 500); err != nil {
		s.error(w, r, err)
		return
	}
	notes, err := s.Inbox.FindNotifications(r.Context(), f)
	if err != nil {
		s.error(w, r, err)
		return
	}
	unreadCount, err := s.Inbox.CountUnreadNotifications(r.Context())
	if err != nil {
		s.error(w, r, err)
		return
	}
	body := pagedBody("notifications", notes, f.Limit, 100, func(x *enforcement.Notification) int64 { return x.ID })
	body["unread"] = unreadCount
	writeJSON(w, http.StatusOK, body)
}

// handleNotificationRead answers POST /api/v1/notifications/{id}/read with
// 204; another person's item is 404.
func (s *Server) handleNotificationRead(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	if err := s.Inbox.MarkNotificationRead(r.Context(), id); err != nil {
		s.error(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
