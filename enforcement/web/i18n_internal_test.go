package web

import (
	"io/fs"
	"os"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"
)

// Every message id is in both languages, and every literal id a template
// or a handler asks for is in the catalogue.
func TestCatalogueIsComplete(t *testing.T) {
	t.Parallel()
	c := mustLoadCatalogue(t)
	if m := c.missing(); len(m) > 0 {
		t.Errorf("ids missing from a language:\n%s", strings.Join(m, "\n"))
	}
	used := regexp.MustCompile(`\bt "([a-z0-9_.]+)"|\.T\("([a-z0-9_.]+)"|Title: +"([a-z0-9_.]+)"|(?:redirectFlash|flash)\([^)]*"([a-z0-9_]+\.[a-z0-9_.]+)"\)`)
	check := func(name string, src []byte) {
		for _, m := range used.FindAllSubmatch(src, -1) {
			id := string(m[1]) + string(m[2]) + string(m[3]) + string(m[4])
			if strings.HasSuffix(id, ".") {
				continue // a prefix completed at run time
			}
			for _, lang := range languages {
				if !c.ids[lang][id] {
					t.Errorf("%s asks for %q, which %s lacks", name, id, lang)
				}
			}
		}
	}
	files, _ := fs.Glob(templateFS, "templates/*.html")
	for _, f := range files {
		src, _ := fs.ReadFile(templateFS, f)
		check(f, src)
	}
	goFiles, _ := fs.Glob(sourceFS(t), "*.go")
	for _, f := range goFiles {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, _ := fs.ReadFile(sourceFS(t), f)
		check(f, src)
	}
}

// mustLoadCatalogue loads the embedded message catalogues.
func mustLoadCatalogue(t *testing.T) *catalogue {
	t.Helper()
	c, err := loadCatalogue(localeFS)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func sourceFS(t *testing.T) fs.FS {
	t.Helper()
	return os.DirFS(".")
}

func TestLocalizerPluralsAndMissingIDs(t *testing.T) {
	t.Parallel()
	c := mustLoadCatalogue(t)
	var missing []string
	en := c.localizer("en", func(id string) { missing = append(missing, id) })
	zh := c.localizer("zh", nil)
	for _, tc := range []struct{ got, want string }{
		{en.T("due.in", "Count", 1), "due in 1 working day"},
		{en.T("due.in", "Count", 2), "due in 2 working days"},
		{zh.T("due.in", "Count", 2), "2 个工作日后到期"},
		{en.T("no.such.id"), "no.such.id"},
	} {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
	if len(missing) != 1 || missing[0] != "no.such.id" {
		t.Errorf("missing = %v, want [no.such.id]", missing)
	}
	if c.localizer("fr", nil).lang != "zh" {
		t.Error("an unknown language should fall back to Chinese")
	}
}

func TestLoadCatalogueRefusesBadFiles(t *testing.T) {
	t.Parallel()
	for name, fsys := range map[string]fstest.MapFS{
		"unknown language": {"locales/a.fr.json": {Data: []byte(`{"x": "y"}`)}},
		"twice":            {"locales/a.en.json": {Data: []byte(`{"x": "y"}`)}, "locales/b.en.json": {Data: []byte(`{"x": "z"}`)}},
		"bad json":         {"locales/a.en.json": {Data: []byte(`{"x": `)}},
	} {
		if _, err := loadCatalogue(fsys); err == nil {
			t.Errorf("%s: loaded, want an error", name)
		}
	}
}
