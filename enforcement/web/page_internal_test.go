package web

import (
	"strings"
	"testing"
	"testing/fstest"
)

func TestParsePagesFailsOnAMissingPage(t *testing.T) {
	t.Parallel()
	if _, err := parsePages(templateFS); err != nil {
		t.Fatalf("embedded pages: %v", err)
	}
	layout, _ := templateFS.ReadFile("templates/layout.html")
	_, err := parsePages(fstest.MapFS{"templates/layout.html": {Data: layout}})
	if err == nil || !strings.Contains(err.Error(), "index.html") {
		t.Fatalf("err = %v, want one naming index.html", err)
	}
	_, err = parsePages(fstest.MapFS{
		"templates/layout.html": {Data: layout},
		"templates/index.html":  {Data: []byte(`{{define "other"}}{{end}}`)},
	})
	if err == nil || !strings.Contains(err.Error(), "content") {
		t.Fatalf("err = %v, want one naming the missing content template", err)
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
