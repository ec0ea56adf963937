package web

import (
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/jointops/jointops/enforcement"
)

// form is a submitted HTML form shown again after a validation error: what
// the user typed (so that nothing is lost) and a message per field.
type form struct {
	Values url.Values
	// Errors maps a field name to the message shown next to it.
	Errors map[string]string
	// Message is shown above the form when an error names no field.
	Message string
}

// newForm keeps r's posted values. Call after r.ParseForm or
// r.ParseMultipartForm.
func newForm(r *http.Request) *form {
	return &form{Values: r.PostForm, Errors: map[string]string{}}
}

// parsedForm parses r's urlencoded form and keeps it as a form; a body
// that cannot be read answers the error page and false. Every page form
// handler starts here.
func (s *Server) parsedForm(w http.ResponseWriter, r *http.Request) (*form, bool) {
	if err := r.ParseForm(); err != nil {
		s.htmlError(w, r, enforcement.Errorf(enforcement.EINVALID, "The form cannot be read: %v", err).
			ZH("无法读取表单：%v", err))
		return nil, false
	}
	return newForm(r), true
}

// Get returns the value typed into field name.
func (f *form) Get(name string) string {
	if f == nil || f.Values == nil {
		return ""
	}
	return f.Values.Get(name)
}

// Has reports whether value was among those chosen for name (checkboxes,
// multiple selects).
func (f *form) Has(name, value string) bool {
	if f == nil || f.Values == nil {
		return false
	}
	return slices.Contains(f.Values[name], value)
}

// Error returns the message for field name, or "".
func (f *form) Error(name string) string {
	if f == nil {
		return ""
	}
	return f.Errors[name]
}

// Failed reports whether the form has any error.
func (f *form) Failed() bool {
	return f != nil && (len(f.Errors) > 0 || f.Message != "")
}

// Require sets the message msg on each named field left blank, and reports
// whether all were filled.
func (f *form) Require(msg string, names ...string) bool {
	ok := true
	for _, n := range names {
		if strings.TrimSpace(f.Get(n)) == "" {
			f.Errors[n] = msg
			ok = false
		}
	}
	return ok
}

// Fail records a domain error: its field messages next to the fields
// (aliases maps an API field name to the form's field name when they
// differ), or its message above the form, in the viewer's language lang
// ("zh" shows the rule's Chinese text when it has one, else its English).
// It returns false for an error that is not the user's to fix (internal,
// forbidden, not found): the caller shows the error page instead.
func (f *form) Fail(err error, lang string, aliases map[string]string) bool {
	var e *enforcement.Error
	if !errors.As(err, &e) || (e.Code != enforcement.EINVALID && e.Code != enforcement.ECONFLICT) {
		return false
	}
	if f.Errors == nil {
		f.Errors = map[string]string{}
	}
	for name, msg := range enforcement.FieldMessagesIn(e, lang) {
		if a, ok := aliases[name]; ok {
			name = a
		}
		f.Errors[name] = msg
	}
	if len(e.Fields) == 0 {
		f.Message = enforcement.ErrorMessageIn(e, lang)
	}
	return true
}
