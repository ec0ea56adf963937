package enforcement

import (
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strings"
	"testing"
)

// untranslated lists the EINVALID and ECONFLICT errors that stay in English
// only, as "file: start of the English format": none of them reaches a
// page. Keep it short; a new user-facing rule needs its .ZH.
var untranslated = map[string]string{
	// An ImportError sums up its rows for the CLI (jointops import); its
	// rows' reasons are English, and no page imports.
	"import.go: &Error{": "the summary of an ImportError, CLI output",
}

// Every FieldError, and every Errorf with EINVALID or ECONFLICT, in the
// domain and its store carries a Chinese text (.ZH), so that a Chinese
// viewer reads the rule in Chinese; and every &Error literal with those
// codes sets MessageZH.
func TestDomainErrorsHaveChinese(t *testing.T) {
	t.Parallel()
	fset := token.NewFileSet()
	var files []string
	for _, dir := range []string{".", "postgres"} {
		m, err := filepath.Glob(filepath.Join(dir, "*.go"))
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, m...)
	}
	seen := map[string]bool{}
	checked := 0
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		base := filepath.Base(name)
		// The calls that .ZH is chained on.
		translated := map[ast.Expr]bool{}
		ast.Inspect(f, func(n ast.Node) bool {
			if c, ok := n.(*ast.CallExpr); ok {
				if sel, ok := c.Fun.(*ast.SelectorExpr); ok && sel.Sel.Name == "ZH" {
					translated[sel.X] = true
				}
			}
			return true
		})
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.CallExpr:
				fn := funcName(n.Fun)
				user := fn == "FieldError" ||
					fn == "Errorf" && len(n.Args) > 1 && isCode(n.Args[0])
				if !user {
					return true
				}
				checked++
				if translated[n] {
					return true
				}
				key := base + ": " + literalPrefix(n.Args)
				if _, ok := untranslated[key]; ok {
					seen[key] = true
					return true
				}
				t.Errorf("%s: %s(%s …) has no .ZH(…): add the Chinese text, or list %q in untranslated with why no page shows it",
					fset.Position(n.Pos()), fn, literalPrefix(n.Args), key)
			case *ast.CompositeLit:
				if funcName(n.Type) != "Error" {
					return true
				}
				var code, zh bool
				for _, el := range n.Elts {
					kv, ok := el.(*ast.KeyValueExpr)
					if !ok {
						continue
					}
					switch fmt.Sprint(kv.Key) {
					case "Code":
						code = isCode(kv.Value)
					case "MessageZH":
						zh = true
					}
				}
				if !code || zh || base == "error.go" { // FieldError's own literal
					return true
				}
				checked++
				key := base + ": &Error{"
				if _, ok := untranslated[key]; ok {
					seen[key] = true
					return true
				}
				t.Errorf("%s: an EINVALID or ECONFLICT &Error{…} without MessageZH: set it, or list %q in untranslated", fset.Position(n.Pos()), key)
			}
			return true
		})
	}
	if checked < 100 {
		t.Errorf("the scan found only %d domain errors: is it still reading the sources?", checked)
	}
	for key := range untranslated {
		if !seen[key] {
			t.Errorf("untranslated lists %q, which the sources no longer have: remove it", key)
		}
	}
}

// funcName returns the name of a called or composite type: FieldError for
// both FieldError and enforcement.FieldError.
func funcName(e ast.Expr) string {
	switch e := e.(type) {
	case *ast.Ident:
		return e.Name
	case *ast.SelectorExpr:
		return e.Sel.Name
	}
	return ""
}

// isCode reports whether e names EINVALID or ECONFLICT.
func isCode(e ast.Expr) bool {
	n := funcName(e)
	return n == "EINVALID" || n == "ECONFLICT"
}

// literalPrefix returns the start of the first string literal among args
// that is a format (for FieldError, the second argument), to name a call.
func literalPrefix(args []ast.Expr) string {
	for _, a := range args {
		if lit, ok := a.(*ast.BasicLit); ok && lit.Kind == token.STRING && len(lit.Value) > 3 && strings.Contains(lit.Value, " ") {
			s := strings.Trim(lit.Value, "\"`")
			if len(s) > 40 {
				s = s[:40]
			}
			return s
		}
	}
	return ""
}

func TestErrorZH(t *testing.T) {
	t.Parallel()
	err := FieldError("due_date", "The due date %s is before the day of issue %s.", "2026-11-28", "2026-11-29").
		ZH("整改期限 %s 早于下达日期 %s。", "2026-11-28", "2026-11-29")
	if got, want := ErrorMessageIn(err, "zh"), "整改期限 2026-11-28 早于下达日期 2026-11-29。"; got != want {
		t.Errorf("ErrorMessageIn zh = %q, want %q", got, want)
	}
	if got := ErrorMessageIn(err, "en"); got != err.Message {
		t.Errorf("ErrorMessageIn en = %q, want the English %q", got, err.Message)
	}
	if got := FieldMessagesIn(fmt.Errorf("wrapped: %w", err), "zh")["due_date"]; got != "整改期限 2026-11-28 早于下达日期 2026-11-29。" {
		t.Errorf("FieldMessagesIn zh = %q", got)
	}
	if got := FieldMessagesIn(err, "en")["due_date"]; got != "The due date 2026-11-28 is before the day of issue 2026-11-29." {
		t.Errorf("FieldMessagesIn en = %q", got)
	}
	// No Chinese text: English for everyone; not a domain error: generic.
	plain := Errorf(ECONFLICT, "Extension %d is approved already.", 1)
	if got := ErrorMessageIn(plain, "zh"); got != plain.Message {
		t.Errorf("ErrorMessageIn without ZH = %q", got)
	}
	if got := ErrorMessageIn(errors.New("pq: secret"), "zh"); got != "Internal error." {
		t.Errorf("ErrorMessageIn of an internal error = %q", got)
	}
}
