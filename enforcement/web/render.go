package web

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/go-chi/chi/v5/middleware"

	"github.com/jointops/jointops/enforcement"
)

// templateFS holds the HTML templates: layout.html and partials.html, which
// every page shares, and one file per page that defines "content".
//
//go:embed templates/*.html
var templateFS embed.FS

// contentSecurityPolicy allows only this site's scripts and styles (the
// vendored htmx and ECharts among them), inline styles for the charts, and
// images from this site (evidence photos) or the page itself.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; object-src 'none'; frame-ancestors 'none'; base-uri 'none'"

// parsePages parses each page file of templates/ with the layout and the
// partials, once at start. The per-request functions (t, date, due, …) are
// bound by Clone at render time; placeholders stand in for them here. It
// returns an error naming the page that does not parse.
func parsePages(fsys fs.FS) (map[string]*template.Template, error) {
	files, err := fs.Glob(fsys, "templates/*.html")
	if err != nil {
		return nil, err
	}
	pages := make(map[string]*template.Template, len(files))
	for _, f := range files {
		name := path.Base(f)
		if name == "layout.html" || name == "partials.html" {
			continue
		}
		t, err := template.New(name).Funcs(pageFuncs(nil)).ParseFS(fsys, "templates/layout.html", "templates/partials.html", f)
		if err != nil {
			return nil, fmt.Errorf("web: page %s: %w", name, err)
		}
		if t.Lookup("layout") == nil || t.Lookup("content") == nil {
			return nil, fmt.Errorf("web: page %s: needs the templates \"layout\" and \"content\"", name)
		}
		pages[name] = t
	}
	if len(pages) == 0 {
		return nil, fmt.Errorf("web: no page in templates/")
	}
	return pages, nil
}

// page is what a handler asks renderPage to show.
type page struct {
	// Name is the template file, e.g. "inbox.html". Required.
	Name string
	// Title is the message id of the page's title. Required.
	Title string
	// Nav is the section highlighted in the navigation: "inbox",
	// "operations", "ledger", "listed", "dashboard", "audit" or "admin".
	Nav string
	// Data is the page's own data, as .Data in the template.
	Data any
	// Form is the submitted form, when the page shows one again with its
	// errors (as .Form); nil shows an empty form.
	Form *form
	// Status is the HTTP status; 200 when zero.
	Status int
}

// view is the data every template gets.
type view struct {
	page
	Actor *enforcement.Actor
	// Lang is "zh" or "en"; HTMLLang the value of <html lang>.
	Lang, HTMLLang string
	// Today is the district's date (the dev clock's in `jointops dev`).
	Today enforcement.Date
	// Flash is a message id shown once, after a redirect.
	Flash string
	// DevClock is true in `jointops dev`, where the clock can be moved.
	DevClock bool
	// Path is the local path and query of the page the viewer is on, for
	// the language switch and the demo clock to come back to: a page a GET
	// can show, also when this one answers a POST (see pagePath).
	Path string
}

// renderPage writes p as text/html, buffered so that a template error
// becomes a clean error page.
func (s *Server) renderPage(w http.ResponseWriter, r *http.Request, p page) {
	l := s.localizerFor(r)
	now := s.now().In(s.Location)
	v := view{page: p, Actor: enforcement.ActorFromContext(r.Context()), Lang: l.lang, HTMLLang: l.htmlLang(),
		Today: enforcement.DateOf(now), Flash: takeFlash(w, r), DevClock: s.DevClock != nil, Path: pagePath(r)}
	if v.Form == nil {
		v.Form = &form{}
	}
	t, err := s.pages[p.Name].Clone()
	if err != nil {
		s.htmlError(w, r, err)
		return
	}
	t.Funcs(pageFuncs(&funcEnv{s: s, r: r, l: l, now: now, today: v.Today}))
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", v); err != nil {
		s.htmlError(w, r, err)
		return
	}
	setPageHeaders(w)
	if p.Status != 0 {
		w.WriteHeader(p.Status)
	}
	_, _ = buf.WriteTo(w)
}

// renderFragment writes one named template of page p without the layout,
// for htmx partial updates.
func (s *Server) renderFragment(w http.ResponseWriter, r *http.Request, p page, fragment string) {
	l := s.localizerFor(r)
	now := s.now().In(s.Location)
	v := view{page: p, Actor: enforcement.ActorFromContext(r.Context()), Lang: l.lang, HTMLLang: l.htmlLang(),
		Today: enforcement.DateOf(now), DevClock: s.DevClock != nil, Path: pagePath(r)}
	if v.Form == nil {
		v.Form = &form{}
	}
	t, err := s.pages[p.Name].Clone()
	if err != nil {
		s.htmlError(w, r, err)
		return
	}
	t.Funcs(pageFuncs(&funcEnv{s: s, r: r, l: l, now: now, today: v.Today}))
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, fragment, v); err != nil {
		s.htmlError(w, r, err)
		return
	}
	setPageHeaders(w)
	if p.Status != 0 {
		w.WriteHeader(p.Status)
	}
	_, _ = buf.WriteTo(w)
}

func setPageHeaders(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Security-Policy", contentSecurityPolicy)
	w.Header().Set("Referrer-Policy", "same-origin")
}

// localizerFor returns the localizer of the viewer's language (langOf).
func (s *Server) localizerFor(r *http.Request) *localizer {
	lang := s.langOf(r)
	return s.catalogue.localizer(lang, func(id string) {
		s.Logger.WarnContext(r.Context(), "message id missing from the catalogue", "id", id, "lang", lang)
	})
}

// langOf returns the viewer's language, "zh" or "en": the signed-in
// user's choice; for a visitor, the cookie the language switch leaves (so
// the signed-out page stays in the person's language); else Chinese, the
// district's language. The browser's Accept-Language is not asked: an
// official's English-language browser does not make the office English.
func (s *Server) langOf(r *http.Request) string {
	lang := "zh"
	if c, err := r.Cookie(langCookie); err == nil {
		lang = trimLang(c.Value)
	}
	if a := enforcement.ActorFromContext(r.Context()); a != nil {
		lang = trimLang(a.Language)
	}
	return lang
}

// htmlError answers a failed page with an error page in the viewer's
// language and the request id. The domain's own message (in Chinese for a
// Chinese viewer when the rule has a translation, else in English) is
// shown only for invalid input and conflicts, where it says what to fix;
// for not found, forbidden, unauthorized and internal errors the page's
// localized text says all there is (and an internal error is logged). A
// requestError (405, 413, …) answers its own status with the text of its
// slug (pageErrorKeys), and its detail only when that is invalid input.
func (s *Server) htmlError(w http.ResponseWriter, r *http.Request, err error) {
	code := enforcement.ErrorCode(err)
	status := statusOf(code)
	reqID := middleware.GetReqID(r.Context())
	msg := ""
	var re *requestError
	switch {
	case errors.As(err, &re):
		status, code = re.status, pageErrorKeys[re.slug]
		if code == "" || code == enforcement.EINVALID {
			code, msg = enforcement.EINVALID, re.detail
		}
	case code == enforcement.EINVALID, code == enforcement.ECONFLICT:
		msg = enforcement.ErrorMessageIn(err, s.localizerFor(r).lang)
	case code == enforcement.EINTERNAL:
		s.Logger.ErrorContext(r.Context(), "internal error", "request_id", reqID, "method", r.Method, "path", r.URL.Path, "err", err)
	}
	t := s.pages["error.html"]
	if t == nil {
		http.Error(w, msg, status)
		return
	}
	l := s.localizerFor(r)
	now := s.now().In(s.Location)
	t, cerr := t.Clone()
	if cerr == nil {
		t.Funcs(pageFuncs(&funcEnv{s: s, r: r, l: l, now: now, today: enforcement.DateOf(now)}))
		var buf bytes.Buffer
		v := view{page: page{Name: "error.html", Title: "error.title." + code, Form: &form{},
			Data: errorPage{Code: code, Message: msg, RequestID: reqID}},
			Actor: enforcement.ActorFromContext(r.Context()), Lang: l.lang, HTMLLang: l.htmlLang(),
			Today: enforcement.DateOf(now), DevClock: s.DevClock != nil, Path: pagePath(r)}
		if cerr = t.ExecuteTemplate(&buf, "layout", v); cerr == nil {
			setPageHeaders(w)
			w.WriteHeader(status)
			_, _ = buf.WriteTo(w)
			return
		}
	}
	s.Logger.ErrorContext(r.Context(), "error page", "request_id", reqID, "err", cerr)
	http.Error(w, msg, status)
}

// pageErrorKeys maps the slug of a requestError to the suffix of its
// error page's messages (error.title.KEY, error.text.KEY).
var pageErrorKeys = map[string]string{
	"bad-request":        enforcement.EINVALID,
	"method-not-allowed": "method",
	"too-large":          "too_large",
}

// errorPage is the data of error.html.
type errorPage struct {
	Code, Message, RequestID string
}

// funcEnv is what the per-request template functions need.
type funcEnv struct {
	s     *Server
	r     *http.Request
	l     *localizer
	now   time.Time
	today enforcement.Date
	depts map[string]enforcement.Department
}

// due describes a deadline relative to today, in working days.
type due struct {
	// Days counts the working days from today to the deadline: 0 when it
	// is today; negative, the working days it is overdue.
	Days int
	// Overdue is true once the deadline day has passed.
	Overdue bool
	// Text is "2 个工作日后到期" / "due in 2 working days", "今日到期",
	// or "已逾期 3 个工作日".
	Text string
}

// pageFuncs returns the template functions; env is nil at parse time.
func pageFuncs(env *funcEnv) template.FuncMap {
	return template.FuncMap{
		// t translates a message id; args are name/value pairs.
		"t": func(id string, args ...any) string {
			if env == nil {
				return id
			}
			return env.l.T(id, args...)
		},
		// date formats a date in the viewer's usual format:
		// 2026年3月2日（周一） or Mon 2 Mar 2026.
		"date": func(d enforcement.Date) string {
			if env == nil || d.IsZero() {
				return ""
			}
			return formatDate(env.l.lang, d)
		},
		// datetime formats an instant in the district's time zone.
		"datetime": func(t time.Time) string {
			if env == nil || t.IsZero() {
				return ""
			}
			t = t.In(env.s.Location)
			if env.l.lang == "en" {
				return t.Format("Mon 2 Jan 2006 15:04")
			}
			return fmt.Sprintf("%d年%d月%d日 %s", t.Year(), t.Month(), t.Day(), t.Format("15:04"))
		},
		// due counts the working days from today to d.
		"due": func(d enforcement.Date) due {
			if env == nil {
				return due{}
			}
			return dueOf(env, d)
		},
		// dept names a department in the viewer's language.
		"dept": func(code string) string {
			if env == nil {
				return code
			}
			return env.department(code)
		},
		// hasRole reports whether the viewer holds role.
		"hasRole": func(role string) bool {
			if env == nil {
				return false
			}
			a := enforcement.ActorFromContext(env.r.Context())
			return a != nil && a.Has(enforcement.Role(role))
		},
		// dict builds a map from name/value pairs, for partials.
		"dict": func(kv ...any) map[string]any {
			m := make(map[string]any, len(kv)/2)
			for i := 0; i+1 < len(kv); i += 2 {
				m[fmt.Sprint(kv[i])] = kv[i+1]
			}
			return m
		},
		// query returns the current URL with the name/value pairs set, for
		// filter and pager links.
		"query": func(kv ...any) string {
			if env == nil {
				return ""
			}
			q := env.r.URL.Query()
			for i := 0; i+1 < len(kv); i += 2 {
				q.Set(fmt.Sprint(kv[i]), fmt.Sprint(kv[i+1]))
			}
			return (&url.URL{Path: env.r.URL.Path, RawQuery: q.Encode()}).String()
		},
		// subject is the page a notification's subject is shown on.
		"subject": subjectPath,
		// level is the step of an escalation, 0 when there is none.
		"level": func(l *enforcement.EscalationLevel) int {
			if l == nil {
				return 0
			}
			return int(*l)
		},
		// aria marks a field of a form shown again with its errors, for
		// screen readers: {{aria .Form "name"}} inside the field's tag
		// writes ` aria-invalid="true" aria-describedby="name-error"` when
		// the form has an error for name (the id of the "fielderror"
		// partial's message), and nothing otherwise:
		//
		//	<input id="name" name="name" value="{{.Form.Get "name"}}"{{aria .Form "name"}}>
		//	{{template "fielderror" (dict "Form" .Form "Name" "name")}}
		"aria":     ariaAttrs,
		"join":     strings.Join,
		"contains": func(list []string, v string) bool { return slices.Contains(list, v) },
		"add":      func(a, b int) int { return a + b },
	}
}

// ariaAttrs is the template function aria.
func ariaAttrs(f *form, name string) template.HTMLAttr {
	if f.Error(name) == "" {
		return ""
	}
	id := template.HTMLEscapeString(name + "-error")
	return template.HTMLAttr(` aria-invalid="true" aria-describedby="` + id + `"`)
}

// department returns the name of code in the viewer's language, reading
// the departments once per page.
func (e *funcEnv) department(code string) string {
	if e.depts == nil {
		e.depts = map[string]enforcement.Department{}
		if ds, err := e.s.References.FindDepartments(e.r.Context()); err == nil {
			for _, d := range ds {
				e.depts[d.Code] = d
			}
		}
	}
	if d, ok := e.depts[code]; ok {
		return d.Name(e.l.lang)
	}
	return code
}

// dueOf counts working days on the server's calendar.
func dueOf(env *funcEnv, d enforcement.Date) due {
	if d.IsZero() {
		return due{}
	}
	switch {
	case d.Before(env.today):
		n := enforcement.WorkingDaysBetween(env.s.Calendar, d, env.today)
		if n < 1 {
			n = 1
		}
		return due{Days: -n, Overdue: true, Text: env.l.T("due.overdue", "Count", n)}
	case d == env.today:
		return due{Text: env.l.T("due.today")}
	default:
		n := enforcement.WorkingDaysBetween(env.s.Calendar, env.today, d)
		return due{Days: n, Text: env.l.T("due.in", "Count", n)}
	}
}

var weekdaysZH = [...]string{"周日", "周一", "周二", "周三", "周四", "周五", "周六"}

// formatDate writes d as 2026年3月2日（周一） or Mon 2 Mar 2026.
func formatDate(lang string, d enforcement.Date) string {
	t := d.UTC()
	if lang == "en" {
		return t.Format("Mon 2 Jan 2006")
	}
	return fmt.Sprintf("%d年%d月%d日（%s）", t.Year(), t.Month(), t.Day(), weekdaysZH[t.Weekday()])
}
