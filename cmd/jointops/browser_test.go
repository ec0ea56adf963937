package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/jointops/jointops/enforcement"
)

// chromiumPath is Debian's Chromium (package chromium), which .ci/run and
// `make test` install when it is missing. CHROMIUM overrides it.
func chromiumPath() string {
	if p := os.Getenv("CHROMIUM"); p != "" {
		return p
	}
	return "/usr/bin/chromium"
}

// screenshotDir is where the browser tests save a PNG of each page they
// visit, for the README and for review: docs/screenshots.
const screenshotDir = "../../docs/screenshots"

// browserSlots bounds the Chromiums running at once: the browser tests run
// in parallel with the rest, and on a two-core machine more than two
// browsers make every page slow enough to blur what the tests measure.
var browserSlots = make(chan struct{}, 2)

// newChromium starts one headless Chromium with a fresh profile for the
// test, with the flags that keep it off the network (this machine has none)
// and out of the sandbox (tests run as root). It stops with the test.
func newChromium(t *testing.T) context.Context {
	t.Helper()
	browserSlots <- struct{}{}
	t.Cleanup(func() { <-browserSlots })
	path := chromiumPath()
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("Chromium not found at %s (set CHROMIUM, or run .ci/chromium-ensure to install Debian's chromium): %v", path, err)
	}
	ctx, cancel := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(path),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-features", "Translate,MediaRouter,OptimizationHints"),
		chromedp.Flag("lang", "zh-CN"),
		chromedp.WindowSize(1280, 900),
	)
	t.Cleanup(cancel)
	// The first context starts the browser; each person then gets a
	// browser context of their own under it (see signIn).
	ctx, cancelBrowser := chromedp.NewContext(ctx)
	t.Cleanup(cancelBrowser)
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start Chromium at %s: %v", path, err)
	}
	return ctx
}

// browserSession is one person's tab in a browser context of its own (its
// own cookies), signed in through the development identity provider.
type browserSession struct {
	t    *testing.T
	b    *e2eBundle
	ctx  context.Context
	user string
}

// signIn opens a fresh browser context for user, asks for path (a page
// that needs a signed-in person), picks user on the provider's sign-in
// page, and checks that the browser comes back to path.
func (b *e2eBundle) signIn(chromium context.Context, user, path string) *browserSession {
	b.t.Helper()
	ctx, cancel := chromedp.NewContext(chromium, chromedp.WithNewBrowserContext())
	b.t.Cleanup(cancel)
	ctx, cancelTimeout := context.WithTimeout(ctx, 3*time.Minute)
	b.t.Cleanup(cancelTimeout)
	s := &browserSession{t: b.t, b: b, ctx: ctx, user: user}
	s.do(
		chromedp.Navigate(b.app.Config.PublicURL+path),
		chromedp.WaitVisible(`button[value="`+user+`"]`),
		chromedp.Click(`button[value="`+user+`"]`),
		chromedp.WaitVisible(`main#main`),
	)
	if got := s.path(); got != path {
		b.t.Fatalf("%s signed in and landed on %s, want %s", user, got, path)
	}
	return s
}

// do runs steps, failing the test with the page's URL on an error.
func (s *browserSession) do(steps ...chromedp.Action[chromedp.Void]) {
	s.t.Helper()
	if err := chromedp.Do(s.ctx, steps...); err != nil {
		loc, _ := chromedp.Run(s.ctx, chromedp.Location())
		s.t.Fatalf("browser (%s) at %s: %v", s.user, loc, err)
	}
}

// open navigates to path and waits for the page's main element.
func (s *browserSession) open(path string) {
	s.t.Helper()
	s.do(chromedp.Navigate(s.b.app.Config.PublicURL+path), chromedp.WaitVisible(`main#main`))
}

// path returns the path and query of the page shown.
func (s *browserSession) path() string {
	s.t.Helper()
	loc, err := chromedp.Run(s.ctx, chromedp.Location())
	if err != nil {
		s.t.Fatal(err)
	}
	u, err := url.Parse(loc)
	if err != nil {
		s.t.Fatal(err)
	}
	return u.RequestURI()
}

// text returns the visible text of the first element sel matches.
//
// It waits for the element, then reads its text in one script run in the
// page: reading by node id (chromedp.Text) fails with "No node with given
// id" when htmx or a reload replaces the element in between.
func (s *browserSession) text(sel string) string {
	s.t.Helper()
	if err := chromedp.Do(s.ctx, chromedp.WaitVisible(sel)); err != nil {
		s.t.Fatalf("wait for %s: %v", sel, err)
	}
	txt, err := chromedp.Run(s.ctx, chromedp.Evaluate[string](fmt.Sprintf(`(() => { const e = document.querySelector(%q); return e ? e.innerText : ""; })()`, sel)))
	if err != nil {
		s.t.Fatalf("text of %s: %v", sel, err)
	}
	return txt
}

// wantText fails unless the element sel shows every one of wants.
func (s *browserSession) wantText(sel string, wants ...string) {
	s.t.Helper()
	txt := s.text(sel)
	for _, w := range wants {
		if !strings.Contains(txt, w) {
			s.t.Errorf("%s: %s lacks %q; it reads:\n%s", s.path(), sel, w, txt)
		}
	}
}

// waitText waits until the element sel shows want: for parts of a page
// that htmx may still be swapping when the test reads them.
func (s *browserSession) waitText(sel, want string) {
	s.t.Helper()
	js := fmt.Sprintf(`(() => { const e = document.querySelector(%q); return !!e && e.innerText.includes(%q); })()`, sel, want)
	if _, err := chromedp.Run(s.ctx, chromedp.Poll[bool](js)); err != nil {
		s.t.Fatalf("%s: %s never showed %q: %v", s.path(), sel, want, err)
	}
}

// shot saves a full-page PNG of the page shown as docs/screenshots/name.png.
func (s *browserSession) shot(name string) {
	s.t.Helper()
	png, err := chromedp.Run(s.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		s.t.Fatalf("screenshot %s: %v", name, err)
	}
	if err := os.MkdirAll(screenshotDir, 0o755); err != nil && !errors.Is(err, fs.ErrExist) {
		s.t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(screenshotDir, name+".png"), png, 0o644); err != nil {
		s.t.Fatal(err)
	}
}

// TestBrowserInboxAndLanguage is journey 7: a lead signs in, comes back to
// the page first asked for, sees the inbox in Chinese, switches to English
// and sees English labels from then on; a phone-width inbox still shows
// the deadline.
func TestBrowserInboxAndLanguage(t *testing.T) {
	t.Parallel()
	b := setupE2E(t)
	op := b.demoOperation("春季安全生产联合执法")
	chromium := newChromium(t)
	lead := b.signIn(chromium, "emb-lead", "/?from=mail")
	// Monday 2 March; the tasks are due on Wednesday 4 March.
	lead.wantText("main", "我的待办", "待接收任务", "2 个工作日后到期", "春季安全生产联合执法", op.Title)
	lead.wantText("header", "待办", "整改台账")
	lead.shot("inbox-zh")

	lead.do(chromedp.Click(`#lang-switch`), chromedp.WaitVisible(`html[lang="en"]`))
	if got := lead.path(); got != "/?from=mail" {
		t.Errorf("after the switch the browser is on %s, want the page it was on", got)
	}
	lead.wantText("main", "My inbox", "Tasks to accept", "due in 2 working days")
	lead.wantText("header", "Inbox", "Rectification ledger", "Sign out")
	lead.open("/")
	lead.wantText("main", "My inbox")
	lead.shot("inbox-en")

	lead.do(chromedp.EmulateViewport(390, 844))
	lead.open("/")
	lead.shot("inbox-phone")

	// Signing out ends on a page of its own, not back at the provider.
	lead.do(chromedp.Click(`form[action="/logout"] button`), chromedp.WaitVisible(`a[href="/login"]`))
	if got := lead.path(); got != "/signed-out" {
		t.Errorf("after signing out the browser is on %s", got)
	}
	lead.wantText("main", "You have signed out")
	lead.open("/signed-out")
	lead.do(chromedp.Navigate(b.app.Config.PublicURL+"/"), chromedp.WaitVisible(`button[value="emb-lead"]`))
}

// demoOperation plans, over the API, an operation of EMB with MSA and FIRE
// on the grade-1 enterprises of the demo data for 9–20 March 2026, and
// waits for the plan job.
func (b *e2eBundle) demoOperation(title string) *enforcement.Operation {
	b.t.Helper()
	var op enforcement.Operation
	b.must(201, "coordinator", "POST", "/api/v1/operations", map[string]any{
		"title": title, "lead_department": "EMB", "departments": []string{"MSA", "FIRE"},
		"window_start": "2026-03-09", "window_end": "2026-03-20",
		"criteria": map[string]any{"risk_grades": []int{1}, "sampling_ratio": map[string]float64{"1": 0.5}},
	}, &op)
	b.must(202, "coordinator", "POST", fmt.Sprintf("/api/v1/operations/%d/submit", op.ID), nil, nil)
	b.eventually("the plan job", func() bool {
		b.must(200, "coordinator", "GET", fmt.Sprintf("/api/v1/operations/%d", op.ID), nil, &op)
		return op.Status == enforcement.OperationPlanned
	})
	return &op
}
