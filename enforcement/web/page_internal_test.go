package web

import (
	"bytes"
	"html/template"
	"strings"
	"testing"
	"testing/fstest"
)

func TestParsePages(t *testing.T) {
	t.Parallel()
	if _, err := parsePages(templateFS); err != nil {
		t.Fatalf("embedded pages: %v", err)
	}
	layout, _ := templateFS.ReadFile("templates/layout.html")
	partials, _ := templateFS.ReadFile("templates/partials.html")
	_, err := parsePages(fstest.MapFS{"templates/layout.html": {Data: layout}, "templates/partials.html": {Data: partials}})
	if err == nil || !strings.Contains(err.Error(), "no page") {
		t.Fatalf("err = %v, want one saying there is no page", err)
	}
	_, err = parsePages(fstest.MapFS{
		"templates/layout.html":   {Data: layout},
		"templates/partials.html": {Data: partials},
		"templates/inbox.html":    {Data: []byte(`{{define "other"}}{{end}}`)},
	})
	if err == nil || !strings.Contains(err.Error(), "inbox.html") || !strings.Contains(err.Error(), "content") {
		t.Fatalf("err = %v, want one naming inbox.html and the missing content template", err)
	}
}

func TestParseAdvance(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{"72h": "72h0m0s", "3d": "72h0m0s", "1d12h": "36h0m0s", "90m": "1h30m0s", "0s": "0s"} {
		d, err := parseAdvance(in)
		if err != nil || d.String() != want {
			t.Errorf("parseAdvance(%q) = %s, %v; want %s", in, d, err, want)
		}
	}
}

// aria marks a field that has an error, server-side.
func TestAriaMarksFieldsWithErrors(t *testing.T) {
	t.Parallel()
	tmpl := template.Must(template.New("f").Funcs(pageFuncs(nil)).Parse(
		`<input name="title" value="{{.Get "title"}}"{{aria . "title"}}><input name="note"{{aria . "note"}}><input name='a"b'{{aria . "a\"b"}}>`))
	for _, tc := range []struct {
		f    *form
		want string
	}{
		{&form{Errors: map[string]string{"title": "Required.", `a"b`: "x"}},
			`<input name="title" value="" aria-invalid="true" aria-describedby="title-error"><input name="note"><input name='a"b' aria-invalid="true" aria-describedby="a&#34;b-error">`},
		{&form{}, `<input name="title" value=""><input name="note"><input name='a"b'>`},
		{nil, `<input name="title" value=""><input name="note"><input name='a"b'>`},
	} {
		var buf bytes.Buffer
		if err := tmpl.Execute(&buf, tc.f); err != nil {
			t.Fatal(err)
		}
		if buf.String() != tc.want {
			t.Errorf("got  %s\nwant %s", buf.String(), tc.want)
		}
	}
}

// localPath keeps a path of this site and refuses whatever a browser could
// read as another host.
func TestLocalPath(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"/":                             "/",
		"/tasks/5?from=mail#x":          "/tasks/5?from=mail#x",
		"/ledger?q=%E6%95%B4":           "/ledger?q=%E6%95%B4",
		"":                              "/",
		"tasks/5":                       "/",
		"//evil.example":                "/",
		"/\\evil.example":               "/",
		"/\\/evil.example":              "/",
		"/\t/evil.example":              "/",
		"/\n/evil.example":              "/",
		"/\r/evil.example":              "/",
		"/\x7f/evil.example":            "/",
		"/\x00":                         "/",
		"/a\\b":                         "/",
		"https://evil.example/":         "/",
		"/" + strings.Repeat("a", 2048): "/",
	} {
		if got := localPath(in); got != want {
			t.Errorf("localPath(%q) = %q, want %q", in, got, want)
		}
	}
}
