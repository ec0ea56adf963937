package web

import (
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
