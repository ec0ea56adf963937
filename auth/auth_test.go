package auth_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/jointops/jointops/auth"
	"github.com/jointops/jointops/auth/devidp"
	"github.com/jointops/jointops/enforcement"
)

const (
	testClientID     = "jointops"
	testClientSecret = "jointops-secret"
	otherClientID    = "other-app"
)

type testBundle struct {
	appURL string // the app's PUBLIC_URL; the provider is under /idp
	issuer string
	auth   *auth.Authenticator
	clock  *testClock
	// setCookies records every Set-Cookie header that clients made by
	// newBrowser received.
	setCookies *cookieLog
}

type setupOpts struct {
	resolve func(context.Context, *enforcement.Actor) error
}

func setup(t *testing.T) *testBundle { return setupWith(t, setupOpts{}) }

// setupWith serves, on one test server, the development provider under /idp
// (as `jointops dev` does) and a small app behind the authenticator:
//
//	GET /whoami  the actor in the context as JSON ({"actor": null} when none)
//	GET /page    the same, behind RequireSignIn
func setupWith(t *testing.T, opts setupOpts) *testBundle {
	t.Helper()
	mux := http.NewServeMux()
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	b := &testBundle{appURL: srv.URL, issuer: srv.URL + "/idp", clock: &testClock{}, setCookies: &cookieLog{}}

	idp, err := devidp.New(b.issuer, []devidp.Client{
		{ID: testClientID, Secret: testClientSecret, RedirectURIs: []string{srv.URL + "/auth/callback"}},
		{ID: otherClientID, Secret: "other-secret", RedirectURIs: []string{srv.URL + "/other/callback"}},
	}, devidp.DemoUsers())
	if err != nil {
		t.Fatal(err)
	}
	mux.Handle("/idp/", idp.Handler())

	// Discovery runs over the network against the server started above.
	b.auth, err = auth.New(t.Context(), &auth.Config{
		Issuer:       b.issuer,
		ClientID:     testClientID,
		ClientSecret: testClientSecret,
		PublicURL:    srv.URL,
		Now:          b.clock.Now,
	})
	if err != nil {
		t.Fatal(err)
	}
	b.auth.Resolve = opts.resolve

	app := chi.NewRouter()
	app.Use(b.auth.Middleware)
	b.auth.Routes(app)
	app.Get("/whoami", whoami)
	app.With(auth.RequireSignIn).Get("/page", whoami)
	mux.Handle("/", app)
	return b
}

type whoamiResponse struct {
	Actor  *enforcement.Actor `json:"actor"`
	Issuer string             `json:"issuer"`
}

func whoami(w http.ResponseWriter, r *http.Request) {
	resp := whoamiResponse{Actor: enforcement.ActorFromContext(r.Context())}
	if resp.Actor != nil {
		resp.Issuer = resp.Actor.Issuer
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(resp)
}

// newBrowser returns a client with a cookie jar that records the Set-Cookie
// headers it receives.
func (b *testBundle) newBrowser(t *testing.T) *http.Client {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &http.Client{Jar: jar, Transport: &recordingTransport{log: b.setCookies}}
}

// whoami GETs path with hc and, when bearer is not empty, that bearer token.
func (b *testBundle) whoami(t *testing.T, hc *http.Client, path, bearer string) *whoamiResponse {
	t.Helper()
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, b.appURL+path, nil)
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	resp, err := hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		body, _ := io.ReadAll(resp.Body)
		t.Fatalf("GET %s: %s %s", path, resp.Status, body)
	}
	var out whoamiResponse
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatal(err)
	}
	return &out
}

func (b *testBundle) token(t *testing.T, clientID, secret, redirectPath, username string) string {
	t.Helper()
	tok, err := devidp.Token(t.Context(), b.issuer, clientID, secret, b.appURL+redirectPath, username)
	if err != nil {
		t.Fatal(err)
	}
	return tok.Extra("id_token").(string)
}

func TestSignIn(t *testing.T) {
	t.Parallel()
	b := setup(t)
	browser := b.newBrowser(t)

	if got := b.whoami(t, browser, "/whoami", ""); got.Actor != nil {
		t.Fatalf("anonymous request carries %+v", got.Actor)
	}
	if err := devidp.SignIn(t.Context(), browser, b.appURL, "msa-inspector1"); err != nil {
		t.Fatal(err)
	}
	got := b.whoami(t, browser, "/whoami", "")
	a := got.Actor
	if a == nil || a.Subject != "u-msa-inspector1" || a.Department != "MSA" || !slices.Equal(a.Roles, []enforcement.Role{enforcement.RoleInspector}) ||
		a.Name != "吴磊" || a.Email != "msa-inspector1@jointops.test" || got.Issuer != b.issuer {
		t.Fatalf("actor %+v, issuer %q", a, got.Issuer)
	}

	// Over http, the session cookie is HttpOnly, SameSite=Lax and not Secure
	// (a cookie jar would not send a Secure cookie to http://127.0.0.1).
	session := b.setCookies.last("jointops_session")
	if session == nil || !session.HttpOnly || session.SameSite != http.SameSiteLaxMode || session.Secure || session.Path != "/" || session.MaxAge <= 0 {
		t.Errorf("session cookie %+v", session)
	}
	if strings.Contains(session.Value, "msa-inspector1") || strings.Contains(session.Value, "MSA") {
		t.Errorf("the session cookie is readable: %s", session.Value)
	}
}

func TestSignIn_Roles(t *testing.T) {
	t.Parallel()
	b := setup(t)

	tests := []struct {
		username string
		dept     string
		roles    []enforcement.Role
	}{
		{"coordinator", "", []enforcement.Role{enforcement.RoleCoordinator}},
		{"auditor", "", []enforcement.Role{enforcement.RoleAuditor}},
		{"leadership", "", []enforcement.Role{enforcement.RoleLeadership}},
		{"hcb-lead", "HCB", []enforcement.Role{enforcement.RoleDeptLead}},
	}
	for _, tt := range tests {
		t.Run(tt.username, func(t *testing.T) {
			t.Parallel()
			browser := b.newBrowser(t)
			if err := devidp.SignIn(t.Context(), browser, b.appURL, tt.username); err != nil {
				t.Fatal(err)
			}
			a := b.whoami(t, browser, "/whoami", "").Actor
			if a == nil || a.Department != tt.dept || !slices.Equal(a.Roles, tt.roles) {
				t.Errorf("actor %+v", a)
			}
		})
	}
}

// After signing in, the browser lands on next when it is a local path, and
// on / otherwise.
func TestSignIn_Next(t *testing.T) {
	t.Parallel()
	b := setup(t)

	tests := []struct{ next, want string }{
		{"/tasks?id=3", "/tasks?id=3"},
		{"", "/"},
		{"https://evil.example", "/"},
		{"https://evil.example/tasks", "/"},
		{"//evil.example", "/"},
		{"/\\evil.example", "/"},
		{"javascript:alert(1)", "/"},
		{"tasks", "/"},
	}
	for _, tt := range tests {
		t.Run(tt.next, func(t *testing.T) {
			t.Parallel()
			if got := b.signInWithNext(t, tt.next); got != tt.want {
				t.Errorf("landed on %q, want %q", got, tt.want)
			}
		})
	}
}

// signInWithNext signs emb-lead in from /login?next=next, using the
// provider's login_hint, and returns where the callback sends the browser.
func (b *testBundle) signInWithNext(t *testing.T, next string) string {
	t.Helper()
	browser := b.newBrowser(t)
	browser.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	u, _ := url.Parse(b.appURL + "/login?next=" + url.QueryEscape(next))
	for range 10 {
		resp, err := browser.Get(u.String())
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		loc, err := resp.Location()
		if err != nil {
			t.Fatalf("GET %s: %s, no redirect", u, resp.Status)
		}
		if u.Path == "/auth/callback" {
			if loc.Host != "" && loc.Host != u.Host {
				t.Errorf("the callback redirects off-site to %s", loc)
			}
			return resp.Header.Get("Location")
		}
		if strings.HasSuffix(loc.Path, "/authorize") {
			q := loc.Query()
			q.Set("login_hint", "emb-lead")
			loc.RawQuery = q.Encode()
		}
		u = loc
	}
	t.Fatal("too many redirects")
	return ""
}

func TestCallback_WrongState(t *testing.T) {
	t.Parallel()
	b := setup(t)
	browser := b.newBrowser(t)
	browser.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

	// /login sets the login cookie with the real state.
	resp, err := browser.Get(b.appURL + "/login")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if b.setCookies.last("jointops_login") == nil {
		t.Fatal("/login set no login cookie")
	}

	resp, err = browser.Get(b.appURL + "/auth/callback?code=stolen&state=wrong")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(string(body), "state") {
		t.Errorf("%s %s", resp.Status, body)
	}
	if c := b.setCookies.last("jointops_session"); c != nil {
		t.Errorf("a session cookie was set: %+v", c)
	}
	if a := b.whoami(t, browser, "/whoami", "").Actor; a != nil {
		t.Errorf("actor %+v after a failed callback", a)
	}
}

func TestCallback_Refusals(t *testing.T) {
	t.Parallel()
	b := setup(t)

	tests := []struct {
		name, query string
		login       bool // whether /login ran first
	}{
		{"no login cookie", "?code=x&state=y", false},
		{"provider error", "?error=access_denied&error_description=no", true},
		{"bad code", "", true}, // the right state, a code the provider never issued
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			browser := b.newBrowser(t)
			browser.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
			query := tt.query
			if tt.login {
				resp, err := browser.Get(b.appURL + "/login")
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
				loc, _ := resp.Location()
				if query == "" {
					query = "?code=forged&state=" + url.QueryEscape(loc.Query().Get("state"))
				}
			}
			resp, err := browser.Get(b.appURL + "/auth/callback" + query)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusBadRequest {
				t.Errorf("%s", resp.Status)
			}
			if a := b.whoami(t, browser, "/whoami", "").Actor; a != nil {
				t.Errorf("actor %+v after a failed callback", a)
			}
		})
	}
}

func TestBearer(t *testing.T) {
	t.Parallel()
	b := setup(t)

	idToken := b.token(t, testClientID, testClientSecret, "/auth/callback", "emb-lead")
	a := b.whoami(t, http.DefaultClient, "/whoami", idToken).Actor
	if a == nil || a.Subject != "u-emb-lead" || a.Department != "EMB" || !slices.Equal(a.Roles, []enforcement.Role{enforcement.RoleDeptLead}) || a.Name != "王建国" {
		t.Fatalf("actor %+v", a)
	}
}

func TestBearer_Refused(t *testing.T) {
	t.Parallel()
	b := setup(t)
	idToken := b.token(t, testClientID, testClientSecret, "/auth/callback", "emb-inspector1")

	// A token of the same client ID from another provider.
	foreign := setup(t)
	foreignToken := foreign.token(t, testClientID, testClientSecret, "/auth/callback", "emb-inspector1")

	tests := []struct {
		name, token, detail string
	}{
		{"tampered signature", tamper(idToken), "not an ID token"},
		{"another audience", b.token(t, otherClientID, "other-secret", "/other/callback", "emb-inspector1"), "not an ID token"},
		{"another issuer", foreignToken, "not an ID token"},
		{"not a JWT", "not-a-jwt", "not an ID token"},
		{"empty", "", "no bearer token"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			expectProblem(t, b.appURL+"/whoami", tt.token, http.StatusUnauthorized, tt.detail)
		})
	}
}

// The expiry check reads Config.Now.
func TestBearer_Expired(t *testing.T) {
	t.Parallel()
	b := setup(t)
	idToken := b.token(t, testClientID, testClientSecret, "/auth/callback", "fire-lead")

	b.clock.advance(2 * time.Hour) // the devidp's ID tokens last an hour
	expectProblem(t, b.appURL+"/whoami", idToken, http.StatusUnauthorized, "expired")
}

// tamper flips one character in the middle of the JWT's signature (the last
// character may only carry padding bits).
func tamper(jwt string) string {
	i := strings.LastIndex(jwt, ".") + 1
	return jwt[:i] + flipMiddle(jwt[i:])
}

// flipMiddle changes the middle character of s.
func flipMiddle(s string) string {
	i := len(s) / 2
	c := byte('A')
	if s[i] == 'A' {
		c = 'B'
	}
	return s[:i] + string(c) + s[i+1:]
}

func expectProblem(t *testing.T, rawURL, bearer string, status int, detail string) {
	t.Helper()
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, rawURL, nil)
	req.Header.Set("Authorization", "Bearer "+bearer)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var p struct {
		Type, Title, Detail string
		Status              int
	}
	if err := json.NewDecoder(resp.Body).Decode(&p); err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != status || resp.Header.Get("Content-Type") != "application/problem+json" ||
		p.Status != status || p.Type == "" || p.Title == "" || !strings.Contains(p.Detail, detail) {
		t.Errorf("%s %s %+v, want %d with a detail that mentions %q", resp.Status, resp.Header.Get("Content-Type"), p, status, detail)
	}
	if status == http.StatusUnauthorized && !strings.HasPrefix(resp.Header.Get("WWW-Authenticate"), "Bearer") {
		t.Errorf("WWW-Authenticate = %q", resp.Header.Get("WWW-Authenticate"))
	}
}

func TestSession_Expired(t *testing.T) {
	t.Parallel()
	b := setup(t)
	browser := b.newBrowser(t)
	if err := devidp.SignIn(t.Context(), browser, b.appURL, "hcb-inspector2"); err != nil {
		t.Fatal(err)
	}

	b.clock.advance(auth.DefaultSessionTTL - time.Minute)
	if a := b.whoami(t, browser, "/whoami", "").Actor; a == nil {
		t.Fatal("the session ended early")
	}
	b.clock.advance(2 * time.Minute)
	if a := b.whoami(t, browser, "/whoami", "").Actor; a != nil {
		t.Errorf("actor %+v after the session's end", a)
	}
}

func TestSession_Forged(t *testing.T) {
	t.Parallel()
	b := setup(t)
	browser := b.newBrowser(t)
	if err := devidp.SignIn(t.Context(), browser, b.appURL, "admin"); err != nil {
		t.Fatal(err)
	}
	app, _ := url.Parse(b.appURL)
	cookies := browser.Jar.Cookies(app)
	for _, c := range cookies {
		if c.Name == "jointops_session" {
			c.Value = flipMiddle(c.Value)
		}
	}
	browser.Jar.SetCookies(app, cookies)
	if a := b.whoami(t, browser, "/whoami", "").Actor; a != nil {
		t.Errorf("actor %+v from a forged cookie", a)
	}
}

func TestLogout(t *testing.T) {
	t.Parallel()
	b := setup(t)
	browser := b.newBrowser(t)
	if err := devidp.SignIn(t.Context(), browser, b.appURL, "emb-inspector2"); err != nil {
		t.Fatal(err)
	}

	// A cross-site form post cannot sign the user out.
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, b.appURL+"/logout", nil)
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	resp, err := browser.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("cross-site logout: %s", resp.Status)
	}
	if a := b.whoami(t, browser, "/whoami", "").Actor; a == nil {
		t.Fatal("a cross-site request ended the session")
	}

	browser.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err = browser.Post(b.appURL+"/logout", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != auth.SignedOutPath {
		t.Errorf("logout: %s to %q", resp.Status, resp.Header.Get("Location"))
	}
	if a := b.whoami(t, browser, "/whoami", "").Actor; a != nil {
		t.Errorf("actor %+v after logout", a)
	}
}

func TestRequireSignIn(t *testing.T) {
	t.Parallel()
	b := setup(t)
	browser := b.newBrowser(t)
	browser.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

	resp, err := browser.Get(b.appURL + "/page?x=1")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound || resp.Header.Get("Location") != "/login?next=%2Fpage%3Fx%3D1" {
		t.Errorf("anonymous: %s to %q", resp.Status, resp.Header.Get("Location"))
	}

	if err := devidp.SignIn(t.Context(), browser, b.appURL, "coordinator"); err != nil {
		t.Fatal(err)
	}
	if a := b.whoami(t, browser, "/page?x=1", "").Actor; a == nil || !a.Has(enforcement.RoleCoordinator) {
		t.Errorf("signed in: actor %+v", a)
	}
}

func TestResolve(t *testing.T) {
	t.Parallel()

	var mu sync.Mutex
	calls := 0
	b := setupWith(t, setupOpts{resolve: func(ctx context.Context, a *enforcement.Actor) error {
		mu.Lock()
		defer mu.Unlock()
		calls++
		switch a.Subject {
		case "u-auditor":
			return enforcement.Errorf(enforcement.EFORBIDDEN, "This account is disabled.")
		case "u-admin":
			return errors.New("database down")
		}
		a.UserID = 42
		return nil
	}})

	idToken := b.token(t, testClientID, testClientSecret, "/auth/callback", "msa-lead")
	if a := b.whoami(t, http.DefaultClient, "/whoami", idToken).Actor; a == nil || a.UserID != 42 {
		t.Errorf("actor %+v", a)
	}
	b.whoami(t, http.DefaultClient, "/whoami", "") // anonymous: Resolve is not called
	mu.Lock()
	if calls != 1 {
		t.Errorf("Resolve ran %d times, want 1", calls)
	}
	mu.Unlock()

	expectProblem(t, b.appURL+"/whoami", b.token(t, testClientID, testClientSecret, "/auth/callback", "auditor"), http.StatusForbidden, "disabled")
	expectProblem(t, b.appURL+"/whoami", b.token(t, testClientID, testClientSecret, "/auth/callback", "admin"), http.StatusInternalServerError, "Internal error")
}

// testClock is the wall clock plus an offset that tests advance.
type testClock struct {
	mu     sync.Mutex
	offset time.Duration
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Now().Add(c.offset)
}

func (c *testClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.offset += d
}

// cookieLog records Set-Cookie headers.
type cookieLog struct {
	mu      sync.Mutex
	cookies []*http.Cookie
}

// last returns the last cookie set with name, or nil.
func (l *cookieLog) last(name string) *http.Cookie {
	l.mu.Lock()
	defer l.mu.Unlock()
	for i := len(l.cookies) - 1; i >= 0; i-- {
		if l.cookies[i].Name == name {
			return l.cookies[i]
		}
	}
	return nil
}

type recordingTransport struct{ log *cookieLog }

func (t *recordingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := http.DefaultTransport.RoundTrip(r)
	if err == nil {
		t.log.mu.Lock()
		t.log.cookies = append(t.log.cookies, resp.Cookies()...)
		t.log.mu.Unlock()
	}
	return resp, err
}
