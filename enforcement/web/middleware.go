package web

import (
	"errors"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"runtime/debug"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/go-chi/chi/v5/middleware"

	"github.com/jointops/jointops/enforcement"
)

// commonHeaders echoes the request id, so that a user can quote it, and
// forbids content sniffing.
func (s *Server) commonHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set(middleware.RequestIDHeader, middleware.GetReqID(r.Context()))
		w.Header().Set("X-Content-Type-Options", "nosniff")
		next.ServeHTTP(w, r)
	})
}

// recoverer turns a panic in a handler into a logged internal error and a
// 500 problem+json. http.ErrAbortHandler passes through: it is how a
// handler aborts a response on purpose.
func (s *Server) recoverer(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			v := recover()
			if v == nil {
				return
			}
			if err, ok := v.(error); ok && errors.Is(err, http.ErrAbortHandler) {
				panic(v)
			}
			s.Logger.ErrorContext(r.Context(), "panic", "request_id", middleware.GetReqID(r.Context()),
				"method", r.Method, "path", r.URL.Path, "panic", v, "stack", string(debug.Stack()))
			s.error(w, r, fmt.Errorf("panic: %v", v))
		}()
		next.ServeHTTP(w, r)
	})
}

// requireActor answers 401 problem+json when nobody signed in. The services
// check too; this answers before the body is read, and for routes that
// call no service.
func (s *Server) requireActor(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, err := enforcement.RequireActor(r.Context()); err != nil {
			s.error(w, r, err)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// maxFormBytes caps an urlencoded form body: the largest page form, an
// operation's, is a few kilobytes. Photos and files come as multipart,
// which their handlers cap (MaxAttachmentBytes).
const maxFormBytes = 1 << 20

// validInput refuses, before any handler runs, text the database cannot
// store (PostgreSQL's UTF8 refuses invalid bytes and NUL, which would
// otherwise fail a query with an internal error):
//
//   - a path with invalid UTF-8 or NUL names nothing: 404;
//   - a query name or value, or an urlencoded form name or value, with
//     invalid UTF-8 or NUL: 422 (EINVALID naming the field);
//   - an urlencoded body larger than maxFormBytes: 413; one that does not
//     parse: 422.
//
// Under /api/ the answer is problem+json, elsewhere the error page. It
// parses an urlencoded body (r.ParseForm), so handlers find r.PostForm
// filled; multipart bodies are left to their handlers.
func (s *Server) validInput(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !validText(r.URL.Path) {
			s.handleNotFound(w, r)
			return
		}
		q, _ := url.ParseQuery(r.URL.RawQuery) // malformed pairs are dropped, as r.URL.Query does
		if name, bad := invalidField(q); bad {
			s.inputError(w, r, enforcement.FieldError(name, "holds bytes that are not UTF-8 text, or a NUL character.").
				ZH("字段 %s 含有无效字符（非 UTF-8 文本或空字符）。", name))
			return
		}
		if isURLEncodedBody(r) {
			r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
			var tooLarge *http.MaxBytesError
			if err := r.ParseForm(); errors.As(err, &tooLarge) {
				s.inputError(w, r, &requestError{status: http.StatusRequestEntityTooLarge, slug: "too-large",
					detail: fmt.Sprintf("The form is larger than %d bytes.", tooLarge.Limit)})
				return
			} else if err != nil {
				s.inputError(w, r, enforcement.Errorf(enforcement.EINVALID, "The form cannot be read: %v", err).
					ZH("无法读取表单：%v", err))
				return
			}
			if name, bad := invalidField(r.PostForm); bad {
				s.inputError(w, r, enforcement.FieldError(name, "holds bytes that are not UTF-8 text, or a NUL character.").
					ZH("字段 %s 含有无效字符（非 UTF-8 文本或空字符）。", name))
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

// inputError answers err as problem+json under /api/, else as the error
// page.
func (s *Server) inputError(w http.ResponseWriter, r *http.Request, err error) {
	if strings.HasPrefix(r.URL.Path, "/api/") {
		s.error(w, r, err)
		return
	}
	s.htmlError(w, r, err)
}

// isURLEncodedBody reports whether r carries an urlencoded form body that
// r.ParseForm reads.
func isURLEncodedBody(r *http.Request) bool {
	if r.Method != http.MethodPost && r.Method != http.MethodPut && r.Method != http.MethodPatch {
		return false
	}
	ct, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return err == nil && ct == "application/x-www-form-urlencoded"
}

// invalidField returns the first name (sorted) of vs whose name or one of
// whose values is not valid text, made printable.
func invalidField(vs url.Values) (string, bool) {
	var bad []string
	for name, values := range vs {
		if !validText(name) {
			bad = append(bad, name)
			continue
		}
		for _, v := range values {
			if !validText(v) {
				bad = append(bad, name)
				break
			}
		}
	}
	if len(bad) == 0 {
		return "", false
	}
	sort.Strings(bad)
	return strings.ReplaceAll(strings.ToValidUTF8(bad[0], "\uFFFD"), "\x00", "\uFFFD"), true
}

// validText reports whether s is UTF-8 without NUL, as PostgreSQL's text
// takes it.
func validText(s string) bool {
	return utf8.ValidString(s) && !strings.ContainsRune(s, 0)
}
