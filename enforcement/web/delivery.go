package web

import (
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/jointops/jointops/enforcement"
)

// deliveryRoutes registers how notifications reach people: the actor's
// read-all and preferences, and, when Server.Deliveries is set, the admin
// routes of deliveries and webhooks.
func (s *Server) deliveryRoutes(r chi.Router) {
	r.Post("/notifications/read-all", s.handleNotificationsReadAll)
	r.Put("/me/language", s.handleMeLanguage)
	r.Put("/me/email-notifications", s.handleMeEmailNotifications)
	if s.Deliveries == nil {
		return
	}
	r.Get("/admin/deliveries", s.handleDeliveryList)
	r.Get("/admin/webhooks", s.handleWebhookList)
	r.Post("/admin/webhooks", s.handleWebhookCreate)
	r.Post("/admin/webhooks/{id}/activate", s.handleWebhookActive(true))
	r.Post("/admin/webhooks/{id}/deactivate", s.handleWebhookActive(false))
}

// handleNotificationsReadAll answers POST /api/v1/notifications/read-all
// with {"marked": N}: every unread item of the actor is read now.
func (s *Server) handleNotificationsReadAll(w http.ResponseWriter, r *http.Request) {
	n, err := s.Inbox.MarkAllNotificationsRead(r.Context())
	if err != nil {
		s.error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]int{"marked": n})
}

// handleMeLanguage answers PUT /api/v1/me/language with body
// {"language": "zh"|"en"}: the language of the actor's e-mail.
func (s *Server) handleMeLanguage(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Language *string `json:"language"`
	}
	if err := decodeJSON(w, r, &body); err != nil {
		s.error(w, r, err)
		return
	}
	if body.Language == nil {
		s.error(w, r, enforcement.FieldError("language", "required: zh or en.").
			ZH("必填：zh 或 en。"))
		return
	}
	if err := s.Inbox.SetNotificationPreferences(r.Context(), enforcement.NotificationPreferences{Language: body.Language}); err != nil {
		s.error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"language": *body.Language})
}

// handleMeEmailNotifications answers PUT /api/v1/me/email-notifications
// with body {"enabled": false}: whether the actor gets e-mail digests. The
// inbox keeps every item either way.
func (s *Server) handleMeEmailNotifications(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Enabled *bool `json:"enabled"`
	}
	if err := decodeJSON(w, r, &body); err != nil {
		s.error(w, r, err)
		return
	}
	if body.Enabled == nil {
		s.error(w, r, enforcement.FieldError("enabled", "required: true or false.").
			ZH("必填：true 或 false。"))
		return
	}
	if err := s.Inbox.SetNotificationPreferences(r.Context(), enforcement.NotificationPreferences{EmailEnabled: body.Enabled}); err != nil {
		s.error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]bool{"email_enabled": *body.Enabled})
}

// handleDeliveryList answers GET /api/v1/admin/deliveries?status=failed&limit=&before_id=
// (admins only): deliveries newest first. A full page carries
// next_before_id.
func (s *Server) handleDeliveryList(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	status, err := queryEnum(q, "status", enforcement.DeliveryPending, enforcement.DeliverySent, enforcement.DeliveryFailed)
	if err != nil {
		s.error(w, r, err)
		return
	}
	f := enforcement.DeliveryFilter{Status: status}
	if f.Limit, f.BeforeID, err = queryPage(q, 500); err != nil {
		s.error(w, r, err)
		return
	}
	list, err := s.Deliveries.FindDeliveries(r.Context(), f)
	if err != nil {
		s.error(w, r, err)
		return
	}
	body := pagedBody("deliveries", list, f.Limit, 100, func(x *enforcement.Delivery) int64 { return x.ID })
	writeJSON(w, http.StatusOK, body)
}

// handleWebhookList answers GET /api/v1/admin/webhooks (admins only)
// with {"webhooks": [...]}, without their secrets.
func (s *Server) handleWebhookList(w http.ResponseWriter, r *http.Request) {
	hooks, err := s.Deliveries.FindWebhooks(r.Context())
	if err != nil {
		s.error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"webhooks": nonNil(hooks)})
}

// handleWebhookCreate answers POST /api/v1/admin/webhooks with body
// {"department", "url", "kind", "secret"} (admins only) with 201 and the
// webhook, its secret included: the only time it is shown.
func (s *Server) handleWebhookCreate(w http.ResponseWriter, r *http.Request) {
	var c enforcement.WebhookCreate
	if err := decodeJSON(w, r, &c); err != nil {
		s.error(w, r, err)
		return
	}
	hook, err := s.Deliveries.CreateWebhook(r.Context(), &c)
	if err != nil {
		s.error(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, hook)
}

// handleWebhookActive answers POST /api/v1/admin/webhooks/{id}/activate
// and /deactivate with the webhook.
func (s *Server) handleWebhookActive(active bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, err := pathID(r)
		if err != nil {
			s.error(w, r, err)
			return
		}
		hook, err := s.Deliveries.SetWebhookActive(r.Context(), id, active)
		if err != nil {
			s.error(w, r, err)
			return
		}
		writeJSON(w, http.StatusOK, hook)
	}
}
