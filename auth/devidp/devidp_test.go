package devidp_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/coreos/go-oidc/v3/oidc"
	"github.com/go-chi/chi/v5"
	"golang.org/x/oauth2"

	"github.com/jointops/jointops/auth/devidp"
)

const (
	testClientID     = "jointops"
	testClientSecret = "secret"
)

type testBundle struct {
	issuer      string
	redirectURI string
	idp         *devidp.Provider
	server      *httptest.Server
}

// setup serves a provider under /idp of a test server, the way `jointops
// dev` mounts it, with the demo users and one client whose redirect URI is
// on the same server.
func setup(t *testing.T) *testBundle {
	t.Helper()
	mux := http.NewServeMux()
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	b := &testBundle{issuer: srv.URL + "/idp", redirectURI: srv.URL + "/auth/callback", server: srv}
	idp, err := devidp.New(b.issuer, []devidp.Client{{ID: testClientID, Secret: testClientSecret, RedirectURIs: []string{b.redirectURI}}}, devidp.DemoUsers())
	if err != nil {
		t.Fatal(err)
	}
	b.idp = idp
	mux.Handle("/idp/", idp.Handler())
	return b
}

func (b *testBundle) verify(t *testing.T, ctx context.Context, rawIDToken string) *oidc.IDToken {
	t.Helper()
	provider, err := oidc.NewProvider(ctx, b.issuer)
	if err != nil {
		t.Fatal(err)
	}
	tok, err := provider.Verifier(&oidc.Config{ClientID: testClientID}).Verify(ctx, rawIDToken)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func TestToken(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := t.Context()

	tok, err := devidp.Token(ctx, b.issuer, testClientID, testClientSecret, b.redirectURI, "emb-lead")
	if err != nil {
		t.Fatal(err)
	}
	idToken := b.verify(t, ctx, tok.Extra("id_token").(string))
	var claims struct {
		Name   string   `json:"name"`
		Email  string   `json:"email"`
		Groups []string `json:"groups"`
		Nonce  string   `json:"nonce"`
	}
	if err := idToken.Claims(&claims); err != nil {
		t.Fatal(err)
	}
	if idToken.Subject != "u-emb-lead" || claims.Name != "王建国" || claims.Email != "emb-lead@jointops.test" ||
		!slices.Equal(claims.Groups, []string{"dept:EMB:dept_lead"}) || claims.Nonce == "" {
		t.Errorf("subject %q, claims %+v", idToken.Subject, claims)
	}

	// The JWT access token passes the same verifier and carries the groups.
	accessToken := b.verify(t, ctx, tok.AccessToken)
	if err := accessToken.Claims(&claims); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(claims.Groups, []string{"dept:EMB:dept_lead"}) {
		t.Errorf("access token groups = %v", claims.Groups)
	}
}

func TestToken_Userinfo(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := t.Context()

	tok, err := devidp.Token(ctx, b.issuer, testClientID, testClientSecret, b.redirectURI, "coordinator")
	if err != nil {
		t.Fatal(err)
	}
	provider, err := oidc.NewProvider(ctx, b.issuer)
	if err != nil {
		t.Fatal(err)
	}
	info, err := provider.UserInfo(ctx, oauth2.StaticTokenSource(tok))
	if err != nil {
		t.Fatal(err)
	}
	var claims struct {
		Name   string   `json:"name"`
		Groups []string `json:"groups"`
	}
	if err := info.Claims(&claims); err != nil {
		t.Fatal(err)
	}
	if info.Subject != "u-coordinator" || claims.Name != "张伟" || !slices.Equal(claims.Groups, []string{"role:coordinator"}) {
		t.Errorf("userinfo %q %+v", info.Subject, claims)
	}
}

func TestToken_Refusals(t *testing.T) {
	t.Parallel()
	b := setup(t)

	tests := []struct {
		name                                    string
		clientID, secret, redirectURI, username string
		want                                    string
	}{
		{"unknown user", testClientID, testClientSecret, b.redirectURI, "nobody", "nobody"},
		{"wrong secret", testClientID, "wrong", b.redirectURI, "emb-lead", "code exchange"},
		{"unregistered redirect URI", testClientID, testClientSecret, b.server.URL + "/elsewhere", "emb-lead", "redirect_uri"},
		{"unknown client", "stranger", testClientSecret, b.redirectURI, "emb-lead", "client"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := devidp.Token(t.Context(), b.issuer, tt.clientID, tt.secret, tt.redirectURI, tt.username)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want one that mentions %q", err, tt.want)
			}
		})
	}
}

// A browser that follows redirects lands on the login page, which lists the
// demo users.
func TestLoginPage(t *testing.T) {
	t.Parallel()
	b := setup(t)

	resp, err := http.Get(b.authorizeURL(nil))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK || !strings.HasSuffix(resp.Request.URL.Path, "/idp/login/username") {
		t.Fatalf("%s at %s", resp.Status, resp.Request.URL)
	}
	for _, want := range []string{"王建国", `value="emb-lead"`, "应急管理局 · 部门负责人", "EMB", "department lead", `action="/idp/login/username"`} {
		if !strings.Contains(string(body), want) {
			t.Errorf("login page lacks %q", want)
		}
	}
}

// login_hint skips the form: authorize redirects straight to the client with
// a code.
func TestLoginHint(t *testing.T) {
	t.Parallel()
	b := setup(t)

	hc := &http.Client{CheckRedirect: func(req *http.Request, _ []*http.Request) error {
		if req.URL.Path == "/auth/callback" {
			return http.ErrUseLastResponse
		}
		return nil
	}}
	resp, err := hc.Get(b.authorizeURL(url.Values{"login_hint": {"fire-inspector2"}}))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc, err := resp.Location()
	if err != nil {
		t.Fatalf("%s: %v", resp.Status, err)
	}
	if loc.Path != "/auth/callback" || loc.Query().Get("code") == "" || loc.Query().Get("state") != "st" {
		t.Errorf("redirected to %s", loc)
	}
}

// HTTPClient serves the issuer in-process: the flow works for an issuer no
// listener serves.
func TestHTTPClient(t *testing.T) {
	t.Parallel()
	issuer := "http://idp.invalid/idp"
	redirectURI := "http://app.invalid/auth/callback"
	idp, err := devidp.New(issuer, []devidp.Client{{ID: testClientID, Secret: testClientSecret, RedirectURIs: []string{redirectURI}}}, devidp.DemoUsers())
	if err != nil {
		t.Fatal(err)
	}
	ctx := oidc.ClientContext(t.Context(), idp.HTTPClient())
	tok, err := devidp.Token(ctx, issuer, testClientID, testClientSecret, redirectURI, "auditor")
	if err != nil {
		t.Fatal(err)
	}
	provider, err := oidc.NewProvider(ctx, issuer)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := provider.Verifier(&oidc.Config{ClientID: testClientID}).Verify(ctx, tok.Extra("id_token").(string)); err != nil {
		t.Fatal(err)
	}
}

// The handler serves its issuer's paths however it is mounted.
func TestHandler_Mounting(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name  string
		mount func(http.Handler) http.Handler
	}{
		{"ServeMux", func(h http.Handler) http.Handler {
			mux := http.NewServeMux()
			mux.Handle("/idp/", h)
			return mux
		}},
		{"chi Mount", func(h http.Handler) http.Handler {
			r := chi.NewRouter()
			r.Mount("/idp", h)
			return r
		}},
		{"StripPrefix", func(h http.Handler) http.Handler {
			return http.StripPrefix("/idp", h)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			idp, err := devidp.New("http://localhost:8080/idp", nil, devidp.DemoUsers())
			if err != nil {
				t.Fatal(err)
			}
			h := tt.mount(idp.Handler())
			for _, path := range []string{"/idp/.well-known/openid-configuration", "/idp/keys"} {
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
				if rec.Code != http.StatusOK {
					t.Errorf("GET %s: %d %s", path, rec.Code, rec.Body)
				}
			}
		})
	}
}

func TestDemoUsers(t *testing.T) {
	t.Parallel()
	users := devidp.DemoUsers()
	seen := map[string]bool{}
	groups := map[string]int{}
	for _, u := range users {
		if seen[u.Username] || seen[u.Subject] {
			t.Errorf("duplicate %s", u.Username)
		}
		seen[u.Username], seen[u.Subject] = true, true
		if u.Subject != "u-"+u.Username || u.Email != u.Username+"@jointops.test" || u.Name == "" || len(u.Groups) != 1 {
			t.Errorf("user %+v", u)
		}
		groups[u.Groups[0]]++
	}
	want := map[string]int{"role:coordinator": 1, "role:auditor": 1, "role:admin": 1, "role:leadership": 1}
	for _, d := range []string{"EMB", "MSA", "FIRE", "HCB"} {
		want["dept:"+d+":dept_lead"], want["dept:"+d+":inspector"] = 1, 2
	}
	if len(groups) != len(want) {
		t.Errorf("groups = %v", groups)
	}
	for g, n := range want {
		if groups[g] != n {
			t.Errorf("%s: %d users, want %d", g, groups[g], n)
		}
	}
}

func (b *testBundle) authorizeURL(extra url.Values) string {
	q := url.Values{
		"client_id":             {testClientID},
		"redirect_uri":          {b.redirectURI},
		"response_type":         {"code"},
		"scope":                 {"openid profile email"},
		"state":                 {"st"},
		"code_challenge":        {oauth2.S256ChallengeFromVerifier(oauth2.GenerateVerifier())},
		"code_challenge_method": {"S256"},
	}
	for k, v := range extra {
		q[k] = v
	}
	return b.issuer + "/authorize?" + q.Encode()
}
