package web

import (
	"embed"
	"io/fs"
	"net/http"
	"net/url"
	"regexp"
	"strings"

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

// requirePageActor sends a visitor to sign in, then back to the page they
// were on: the page asked for by a GET, else the page the form or the htmx
// request came from (pagePath), never a POST-only URL. An htmx request gets
// HX-Redirect, so the whole page goes.
func (s *Server) requirePageActor(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if enforcement.ActorFromContext(r.Context()) != nil {
			next.ServeHTTP(w, r)
			return
		}
		target := "/login?next=" + url.QueryEscape(pagePath(r))
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

// pagePath is the page a person making r is on, as a local path and query
// that a GET can show again: the language switch and the demo clock go
// back there, and signing in comes back there.
//
//   - an htmx request: the HX-Current-URL header (the page the fragment
//     is part of), else the Referer;
//   - a GET or HEAD: the request's own path and query;
//   - any other method (a form's POST, answered with a 422 page, an
//     error page or a confirmation step): the Referer.
//
// Only a header of this site that names a path with a GET route counts;
// otherwise it is "/".
func pagePath(r *http.Request) string {
	if r.Header.Get("HX-Request") == "true" {
		if p := sameOriginPath(r, r.Header.Get("HX-Current-URL")); p != "" {
			return p
		}
	} else if r.Method == http.MethodGet || r.Method == http.MethodHead {
		return r.URL.RequestURI()
	}
	if p := sameOriginPath(r, r.Header.Get("Referer")); p != "" {
		return p
	}
	return "/"
}

// sameOriginPath returns the local path and query of the absolute URL raw
// when it is of r's host and a GET route of the router serving r, else "".
func sameOriginPath(r *http.Request, raw string) string {
	if raw == "" {
		return ""
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || !strings.EqualFold(u.Host, r.Host) || u.User != nil {
		return ""
	}
	u.Fragment, u.RawFragment = "", ""
	p := u.RequestURI()
	if localPath(p) != p {
		return ""
	}
	if rctx := chi.RouteContext(r.Context()); rctx != nil && rctx.Routes != nil &&
		!rctx.Routes.Match(chi.NewRouteContext(), http.MethodGet, u.Path) {
		return ""
	}
	return p
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

// localPath returns p when it is a path on this site, else "/". As in the
// auth package's, a control character (browsers drop tabs and newlines, so
// "/\t/evil.example" would become "//evil.example"), a backslash (read as a
// slash), a leading "//" (another host) or a scheme, host or user part is
// refused.
func localPath(p string) string {
	if p == "" || p[0] != '/' || len(p) > 2048 {
		return "/"
	}
	if strings.ContainsFunc(p, func(r rune) bool { return r < 0x20 || r == 0x7f || r == '\\' }) {
		return "/"
	}
	if strings.HasPrefix(p, "//") {
		return "/"
	}
	u, err := url.Parse(p)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil {
		return "/"
	}
	return p
}

// handleSignedOut answers GET /signed-out, where signing out ends: a page
// that needs no sign-in, with a link to sign in again.
func (s *Server) handleSignedOut(w http.ResponseWriter, r *http.Request) {
	s.renderPage(w, r, page{Name: "signed_out.html", Title: "signed_out.title"})
}
