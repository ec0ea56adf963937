package web

import (
	"embed"
	"io/fs"
	"net/http"
	"net/url"
	"regexp"

	"github.com/go-chi/chi/v5"

	"github.com/jointops/jointops/enforcement"
)

// staticFS holds the stylesheet, the page script and the vendored htmx and
// ECharts (static/vendor, refreshed by static/vendor/refresh.sh).
//
//go:embed static
var staticFS embed.FS

// uiRoutes registers the HTML pages. Each page needs a signed-in actor: a
// visitor is sent to /login?next=<the page>, and comes back there.
//
// Every state-changing request (POST, PUT, DELETE …), forms and htmx
// alike, passes the cross-origin check of Handler (http.CrossOriginProtection).
func (s *Server) uiRoutes(r chi.Router) {
	static, _ := fs.Sub(staticFS, "static")
	r.Handle("/static/*", http.StripPrefix("/static/", cacheStatic(http.FileServerFS(static))))
	r.Get("/signed-out", s.handleSignedOut)
	r.Group(func(r chi.Router) {
		r.Use(s.requirePageActor)
		r.Get("/", s.handleInbox)
		r.Post("/notifications/{id}/read", s.handleInboxRead)
		r.Post("/notifications/read-all", s.handleInboxReadAll)
		r.Post("/language", s.handleLanguage)
		if s.DevClock != nil {
			r.Post("/dev/clock", s.handleDevClockForm)
		}
		s.uiTaskRoutes(r)
		s.uiVisitRoutes(r)
		s.uiOperationRoutes(r)
		s.uiLedgerRoutes(r)
		s.uiDashboardRoutes(r)
		s.uiAuditRoutes(r)
		s.uiAdminRoutes(r)
	})
}

// cacheStatic lets browsers keep the static files for an hour.
func cacheStatic(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=3600")
		next.ServeHTTP(w, r)
	})
}

// requirePageActor sends a visitor to sign in, then back to the page asked
// for. An htmx request gets HX-Redirect, so the whole page goes.
func (s *Server) requirePageActor(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if enforcement.ActorFromContext(r.Context()) != nil {
			next.ServeHTTP(w, r)
			return
		}
		target := "/login?next=" + url.QueryEscape(r.URL.RequestURI())
		if r.Header.Get("HX-Request") == "true" {
			w.Header().Set("HX-Redirect", target)
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		status := http.StatusFound
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			status = http.StatusSeeOther
		}
		http.Redirect(w, r, target, status)
	})
}

// handleLanguage answers POST /language with the form field language (zh
// or en): the viewer's language from now on, on every page and in e-mail.
// It goes back to the form field back, a local path.
func (s *Server) handleLanguage(w http.ResponseWriter, r *http.Request) {
	lang := r.PostFormValue("language")
	if err := s.Inbox.SetNotificationPreferences(r.Context(), enforcement.NotificationPreferences{Language: &lang}); err != nil {
		s.htmlError(w, r, err)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: langCookie, Value: lang, Path: "/", MaxAge: 400 * 24 * 3600, HttpOnly: true, SameSite: http.SameSiteLaxMode})
	http.Redirect(w, r, localPath(r.PostFormValue("back")), http.StatusSeeOther)
}

// langCookie remembers the language chosen on this browser for the pages a
// visitor sees (signed out); a signed-in person's stored choice wins.
const langCookie = "lang"

// flashPattern is what a flash cookie may hold: a message id.
var flashPattern = regexp.MustCompile(`^[a-z0-9_.]{1,64}$`)

// redirectFlash sends the browser to target (Post/Redirect/Get) with the
// message id flash shown once on the next page.
func redirectFlash(w http.ResponseWriter, r *http.Request, target, flash string) {
	if flashPattern.MatchString(flash) {
		http.SetCookie(w, &http.Cookie{Name: "flash", Value: flash, Path: "/", MaxAge: 60, HttpOnly: true, SameSite: http.SameSiteLaxMode})
	}
	http.Redirect(w, r, target, http.StatusSeeOther)
}

// takeFlash returns the flash message id of the request, and clears it.
func takeFlash(w http.ResponseWriter, r *http.Request) string {
	c, err := r.Cookie("flash")
	if err != nil || !flashPattern.MatchString(c.Value) {
		return ""
	}
	http.SetCookie(w, &http.Cookie{Name: "flash", Path: "/", MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteLaxMode})
	return c.Value
}

// localPath returns p when it is a path on this site, else "/".
func localPath(p string) string {
	if p == "" || p[0] != '/' || len(p) > 2048 || (len(p) > 1 && (p[1] == '/' || p[1] == '\\')) {
		return "/"
	}
	return p
}

// handleSignedOut answers GET /signed-out, where signing out ends: a page
// that needs no sign-in, with a link to sign in again.
func (s *Server) handleSignedOut(w http.ResponseWriter, r *http.Request) {
	s.renderPage(w, r, page{Name: "signed_out.html", Title: "signed_out.title"})
}
