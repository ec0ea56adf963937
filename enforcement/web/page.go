package web

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"strings"

	"github.com/go-chi/chi/v5/middleware"

	"github.com/jointops/jointops/enforcement"
)

// templateFS holds the HTML templates: layout.html and one file per page.
//
//go:embed templates/*.html
var templateFS embed.FS

// pageNames are the pages Handler needs; a missing one fails the start.
var pageNames = []string{"index.html"}

// parsePages parses each page of pageNames together with the layout, once
// at start. It returns an error naming the page that is missing or does
// not parse.
func parsePages(fsys fs.FS) (map[string]*template.Template, error) {
	pages := make(map[string]*template.Template, len(pageNames))
	for _, name := range pageNames {
		t, err := template.New(name).Funcs(pageFuncs).ParseFS(fsys, "templates/layout.html", "templates/"+name)
		if err != nil {
			return nil, fmt.Errorf("web: page %s: %w", name, err)
		}
		if t.Lookup("layout") == nil || t.Lookup("content") == nil {
			return nil, fmt.Errorf("web: page %s: needs the templates \"layout\" and \"content\"", name)
		}
		pages[name] = t
	}
	return pages, nil
}

// roleLabels name the roles on the page, Chinese first.
var roleLabels = map[enforcement.Role]string{
	enforcement.RoleCoordinator: "联合执法办公室 / coordinator",
	enforcement.RoleDeptLead:    "部门负责人 / department lead",
	enforcement.RoleInspector:   "执法人员 / inspector",
	enforcement.RoleAuditor:     "监督审计 / auditor",
	enforcement.RoleAdmin:       "系统管理员 / admin",
	enforcement.RoleLeadership:  "区领导 / district leadership",
}

var pageFuncs = template.FuncMap{
	"roles": func(rs []enforcement.Role) string {
		labels := make([]string, len(rs))
		for i, r := range rs {
			if labels[i] = roleLabels[r]; labels[i] == "" {
				labels[i] = string(r)
			}
		}
		return strings.Join(labels, "、")
	},
}

// render writes page with data as text/html, buffered so that a template
// error becomes a clean 500.
func (s *Server) render(w http.ResponseWriter, r *http.Request, page string, data any) {
	var buf bytes.Buffer
	if err := s.pages[page].ExecuteTemplate(&buf, "layout", data); err != nil {
		s.htmlError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
	_, _ = buf.WriteTo(w)
}

// htmlError answers a failed page with a short bilingual text and the
// request id; internal errors are logged, and never shown.
func (s *Server) htmlError(w http.ResponseWriter, r *http.Request, err error) {
	code := enforcement.ErrorCode(err)
	reqID := middleware.GetReqID(r.Context())
	if code == enforcement.EINTERNAL {
		s.Logger.ErrorContext(r.Context(), "internal error", "request_id", reqID, "method", r.Method, "path", r.URL.Path, "err", err)
	}
	msg := fmt.Sprintf("出错了 / Something went wrong: %s\n请求编号 / request id: %s\n", enforcement.ErrorMessage(err), reqID)
	http.Error(w, msg, statusOf(code))
}
