package web

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"

	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
)

// localeFS holds the message catalogues: one pair of files per area of the
// UI, NAME.zh.json and NAME.en.json, each a flat object from message id to
// text, or to {"one": …, "other": …} for a message with a count. Texts are
// Go text/template strings over the data the page passes ({{.Count}}, …).
//
//go:embed locales/*.json
var localeFS embed.FS

// languages are the UI languages, the default first. They are the values of
// enforcement.Actor.Language.
var languages = []string{"zh", "en"}

// catalogue is the parsed message catalogues of every language.
type catalogue struct {
	bundle *i18n.Bundle
	// ids lists the message ids of each language, for the completeness
	// test and for missing-message logs.
	ids map[string]map[string]bool
}

// loadCatalogue parses every file of locales/. It fails when a file does not
// parse or names a language other than zh and en.
func loadCatalogue(fsys fs.FS) (*catalogue, error) {
	b := i18n.NewBundle(language.Chinese)
	b.RegisterUnmarshalFunc("json", json.Unmarshal)
	c := &catalogue{bundle: b, ids: map[string]map[string]bool{"zh": {}, "en": {}}}
	files, err := fs.Glob(fsys, "locales/*.json")
	if err != nil {
		return nil, err
	}
	for _, f := range files {
		mf, err := b.LoadMessageFileFS(fsys, f)
		if err != nil {
			return nil, fmt.Errorf("web: message catalogue %s: %w", f, err)
		}
		base, _ := mf.Tag.Base()
		lang := base.String()
		if c.ids[lang] == nil {
			return nil, fmt.Errorf("web: message catalogue %s: language %q is not zh or en", path.Base(f), mf.Tag)
		}
		for _, m := range mf.Messages {
			if c.ids[lang][m.ID] {
				return nil, fmt.Errorf("web: message catalogue %s: id %q is defined twice", path.Base(f), m.ID)
			}
			c.ids[lang][m.ID] = true
		}
	}
	return c, nil
}

// missing returns the ids that one language has and the other lacks, as
// "en: id" lines, sorted.
func (c *catalogue) missing() []string {
	var out []string
	for _, lang := range languages {
		for _, other := range languages {
			for id := range c.ids[other] {
				if !c.ids[lang][id] {
					out = append(out, lang+": "+id)
				}
			}
		}
	}
	sort.Strings(out)
	return out
}

// localizer translates message ids into one language.
type localizer struct {
	lang string
	loc  *i18n.Localizer
	// onMissing is told of an id the catalogue lacks; the page then shows
	// the id itself.
	onMissing func(id string)
}

func (c *catalogue) localizer(lang string, onMissing func(string)) *localizer {
	if lang != "en" {
		lang = "zh"
	}
	return &localizer{lang: lang, loc: i18n.NewLocalizer(c.bundle, lang), onMissing: onMissing}
}

// T returns the text of id. args are pairs of a name and a value for the
// message's template; a pair named "Count" also picks the plural form.
func (l *localizer) T(id string, args ...any) string {
	cfg := &i18n.LocalizeConfig{MessageID: id}
	if len(args) > 0 {
		data := make(map[string]any, len(args)/2)
		for i := 0; i+1 < len(args); i += 2 {
			name := fmt.Sprint(args[i])
			data[name] = args[i+1]
			if name == "Count" {
				cfg.PluralCount = args[i+1]
			}
		}
		cfg.TemplateData = data
	}
	s, err := l.loc.Localize(cfg)
	if err != nil {
		if l.onMissing != nil {
			l.onMissing(id)
		}
		return id
	}
	return s
}

// htmlLang is the value of <html lang>.
func (l *localizer) htmlLang() string {
	if l.lang == "en" {
		return "en"
	}
	return "zh-CN"
}

// trimLang reduces a stored or submitted language to "zh" or "en".
func trimLang(v string) string {
	if strings.HasPrefix(strings.ToLower(strings.TrimSpace(v)), "en") {
		return "en"
	}
	return "zh"
}
