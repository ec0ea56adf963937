// Package web is the HTTP adapter of jointops: the JSON API under /api/v1
// and a minimal HTML page at /, on a chi router (DESIGN.md §6).
//
// It imports the domain only. Who the caller is comes from the request
// context (enforcement.ActorFromContext), put there by the auth middleware
// that cmd/jointops mounts through Server.Mount. Every domain error is
// answered as RFC 9457 problem+json with the status its code maps to, in
// one place (statusOf).
package web

import (
	"context"
	"fmt"
	"html/template"
	"log/slog"
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"

	"github.com/jointops/jointops/enforcement"
)

// Server holds the dependencies of the HTTP handlers. cmd/jointops sets
// the fields, then calls Handler once at start.
type Server struct {
	// Operations, Tasks, Visits, Rectifications, Inbox and Audit are the
	// domain services the handlers call. Required: Handler panics when one
	// is nil.
	Operations     enforcement.OperationService
	Tasks          enforcement.TaskService
	Visits         enforcement.VisitService
	Rectifications enforcement.RectificationService
	Inbox          enforcement.InboxService
	Audit          enforcement.AuditService
	// Roster keeps the inspector rosters, recusals and planning settings.
	// Required.
	Roster enforcement.RosterService
	// Planning previews, re-plans and verifies the draws of operations.
	Planning enforcement.PlanningService
	// Policies, Calendars, Extensions, Attachments and Supervision run the
	// escalation policies, the working-day calendar, extension requests,
	// evidence files, and the listed register and order histories.
	// Required.
	Policies    enforcement.EscalationPolicyService
	Calendars   enforcement.CalendarService
	Extensions  enforcement.ExtensionService
	Attachments enforcement.AttachmentService
	Supervision enforcement.SupervisionService
	// References lists departments, subdistricts and industries for the
	// pages' forms and labels. Required.
	References enforcement.ReferenceService
	// Statistics counts what the dashboard charts and lists the
	// departments' settings and remits for the admin page. Required.
	Statistics enforcement.StatisticsService
	// Progress counts each operation's tasks per department and lists its
	// visits per day, for the operations pages. Required.
	Progress enforcement.OperationProgressService
	// MaxAttachmentBytes caps an uploaded file (413 beyond). Defaults to
	// enforcement.DefaultMaxAttachmentBytes (5 MiB).
	MaxAttachmentBytes int64
	// Deliveries lists deliveries and keeps webhooks, for admins. Defaults
	// to nil: then the /api/v1/admin/deliveries and /admin/webhooks routes
	// do not exist.
	Deliveries enforcement.DeliveryService

	// Ready reports whether the instance can serve (the database answers);
	// GET /readyz answers 503 with its error. Defaults to always ready.
	Ready func(ctx context.Context) error

	// DevClock is the movable clock of `jointops dev`. When set, the routes
	// GET and POST /api/v1/dev/clock exist and the page reads "today" from
	// it. Defaults to nil, as in production: then the routes do not exist.
	DevClock *enforcement.OffsetClock
	// AfterClockMove runs after POST /api/v1/dev/clock moved DevClock; the
	// wiring enqueues an escalation sweep there. Defaults to nothing.
	AfterClockMove func(ctx context.Context) error

	// Location is the district's time zone, for display and for "today".
	// Defaults to Asia/Shanghai.
	Location *time.Location
	// Calendar counts the working days shown as "due in N working days".
	// Defaults to enforcement.WeekdayCalendar (no holidays).
	Calendar enforcement.Calendar
	// Logger logs internal errors and panics with the request id. Defaults
	// to slog.Default().
	Logger *slog.Logger

	// Mount, when set, is called on the root router after web's own
	// middleware (request id, recoverer) and before web registers any
	// route, so it may call r.Use. cmd/jointops mounts the auth middleware
	// that puts the actor in the context there, and the routes the auth
	// package owns (/login, /auth/callback, /logout). Defaults to nothing.
	Mount func(r chi.Router)

	pages     map[string]*template.Template
	catalogue *catalogue
}

// Handler returns the router of every route of web:
//
//	GET  /healthz, GET /readyz; the HTML pages (see uiRoutes) and /static/
//	(CSS, scripts, the vendored htmx and ECharts)
//	/api/v1: me; operations (+ {id}, submit, cancel, draw); tasks (+ {id},
//	accept, decline, reassign); inspectors; roster (+ {id}/activate,
//	{id}/deactivate); recusals; admin/frequency-rules, admin/remits,
//	admin/departments/{code}; visits/{id} (+ hazards);
//	rectification-orders (+ {id}, evidence, verify, cancel, extensions,
//	attachments, history); extensions/{id} (+ approve, refuse);
//	attachments/{id}; listed; admin/escalation-policies (+ {severity});
//	admin/calendar (+ {date}); notifications
//	(+ {id}/read, read-all); me/language, me/email-notifications;
//	admin/deliveries, admin/webhooks (+ {id}/activate, deactivate) when
//	Deliveries is set; audit-events; dev/clock when DevClock is set.
//
// Every /api/v1 route answers 401 problem+json when no actor is in the
// context. The routes of the auth package (/login, /auth/callback,
// /logout) are not web's: cmd/jointops adds them, and the auth middleware,
// through Mount.
//
// Every request that may change state (any method but GET, HEAD and
// OPTIONS) must come from this site: http.CrossOriginProtection refuses a
// browser's cross-site POST with 403 (the CSRF defence of every form;
// requests without Origin and Sec-Fetch-Site, such as API clients with a
// bearer token, pass).
//
// Handler panics when a required service is nil or an embedded page is
// missing or does not parse: both are mistakes of the build or the wiring
// that must stop the start, not a request.
func (s *Server) Handler() http.Handler {
	if err := s.init(); err != nil {
		panic(err)
	}
	r := chi.NewRouter()
	csrf := http.NewCrossOriginProtection()
	csrf.SetDenyHandler(http.HandlerFunc(s.handleCrossOrigin))
	r.Use(middleware.RequestID, s.commonHeaders, s.recoverer, csrf.Handler, s.validInput, middleware.GetHead)
	if s.Mount != nil {
		s.Mount(r)
	}
	r.NotFound(s.handleNotFound)
	r.MethodNotAllowed(s.methodNotAllowed(r))

	r.Get("/healthz", s.handleHealthz)
	r.Get("/readyz", s.handleReadyz)
	s.uiRoutes(r)
	r.Route("/api/v1", func(r chi.Router) {
		r.Use(s.requireActor)
		// Each resource registers its full paths on this router, not on a
		// sub-router of its own: chi's Match, which the 405 handler uses
		// to list the allowed methods, misreports the root of a sub-router.
		r.Get("/me", s.handleMe)
		s.planningRoutes(r)
		s.operationRoutes(r)
		s.taskRoutes(r)
		r.Get("/inspectors", s.handleInspectors)
		s.rosterRoutes(r)
		s.visitRoutes(r)
		s.rectificationRoutes(r)
		s.extensionRoutes(r)
		s.attachmentRoutes(r)
		s.supervisionRoutes(r)
		s.escalationPolicyRoutes(r)
		s.calendarRoutes(r)
		s.notificationRoutes(r)
		s.deliveryRoutes(r)
		r.Get("/audit-events", s.handleAuditEvents)
		if s.DevClock != nil {
			s.devClockRoutes(r)
		}
	})
	return r
}

// init checks the required fields, fills in the defaults and parses the
// embedded pages.
func (s *Server) init() error {
	for name, missing := range map[string]bool{
		"Operations": s.Operations == nil, "Tasks": s.Tasks == nil, "Visits": s.Visits == nil,
		"Rectifications": s.Rectifications == nil, "Inbox": s.Inbox == nil, "Audit": s.Audit == nil,
		"Roster": s.Roster == nil, "Planning": s.Planning == nil,
		"Policies": s.Policies == nil, "Calendars": s.Calendars == nil, "Extensions": s.Extensions == nil,
		"Attachments": s.Attachments == nil, "Supervision": s.Supervision == nil,
		"References": s.References == nil, "Statistics": s.Statistics == nil,
		"Progress": s.Progress == nil,
	} {
		if missing {
			return fmt.Errorf("web: Server.%s is nil", name)
		}
	}
	if s.Location == nil {
		loc, err := time.LoadLocation("Asia/Shanghai")
		if err != nil {
			return fmt.Errorf("web: load Asia/Shanghai: %w", err)
		}
		s.Location = loc
	}
	if s.Calendar == nil {
		s.Calendar = enforcement.WeekdayCalendar{}
	}
	if s.MaxAttachmentBytes <= 0 {
		s.MaxAttachmentBytes = enforcement.DefaultMaxAttachmentBytes
	}
	if s.Logger == nil {
		s.Logger = slog.Default()
	}
	pages, err := parsePages(templateFS)
	if err != nil {
		return err
	}
	s.pages = pages
	if s.catalogue, err = loadCatalogue(localeFS); err != nil {
		return err
	}
	return nil
}

// now returns the current time: the dev clock's when there is one.
func (s *Server) now() time.Time {
	if s.DevClock != nil {
		return s.DevClock.Now()
	}
	return time.Now()
}
