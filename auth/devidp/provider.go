package devidp

import (
	"context"
	"crypto/rand"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"

	"github.com/go-chi/chi/v5"
	"github.com/zitadel/oidc/v3/pkg/op"
	"golang.org/x/text/language"
)

// Client is an OAuth client registered with the provider: a confidential web
// client using the authorization-code flow. http redirect URIs are allowed.
type Client struct {
	ID           string
	Secret       string
	RedirectURIs []string
}

// Provider is a running development OpenID provider. Serve it with Handler.
type Provider struct {
	issuer  string
	prefix  string // the issuer's path, e.g. "/idp"; "" at the root
	storage *storage
	op      *op.Provider
	handler http.Handler
}

// New returns a provider for issuer, a full URL such as
// "http://localhost:8080/idp" (a trailing slash is dropped; http is allowed),
// with the given clients and users; pass DemoUsers() for the demo users.
// The RSA signing key is generated here and lives as long as the provider.
func New(issuer string, clients []Client, users []User) (*Provider, error) {
	issuer = strings.TrimSuffix(issuer, "/")
	u, err := url.Parse(issuer)
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return nil, fmt.Errorf("devidp: the issuer %q is not an absolute http(s) URL", issuer)
	}
	s, err := newStorage(issuer, clients, users)
	if err != nil {
		return nil, err
	}
	// The op encrypts opaque tokens with this key; it lives as long as the
	// provider, like the signing key.
	var cryptoKey [32]byte
	rand.Read(cryptoKey[:])
	config := &op.Config{
		CryptoKey:                cryptoKey,
		DefaultLogoutRedirectURI: issuer + "/logged-out",
		CodeMethodS256:           true,
		AuthMethodPost:           true,
		SupportedUILocales:       []language.Tag{language.Chinese, language.English},
		SupportedClaims:          append(slices.Clone(op.DefaultSupportedClaims), groupsClaim),
	}
	provider, err := op.NewProvider(config, s, op.StaticIssuer(issuer),
		// Dev mode: the issuer may be http://localhost.
		op.WithAllowInsecure(),
	)
	if err != nil {
		return nil, fmt.Errorf("devidp: %w", err)
	}
	p := &Provider{issuer: issuer, prefix: u.Path, storage: s, op: provider}

	issuerInterceptor := op.NewIssuerInterceptor(provider.IssuerFromRequest)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /login/username", p.loginPage)
	mux.Handle("POST /login/username", issuerInterceptor.HandlerFunc(p.login))
	mux.HandleFunc("GET /logged-out", loggedOut)
	mux.Handle("/", provider)
	p.handler = mux
	return p, nil
}

// Issuer returns the issuer URL, without a trailing slash.
func (p *Provider) Issuer() string { return p.issuer }

// Handler returns the provider's HTTP handler: discovery, authorize, token,
// userinfo, keys, end_session and the login page. It accepts paths with the
// issuer's path prefix ("/idp/authorize") and without it ("/authorize"), so
// it can be mounted with chi's Mount, http.ServeMux or http.StripPrefix.
func (p *Provider) Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if p.prefix != "" {
			if rest, ok := strings.CutPrefix(r.URL.Path, p.prefix); ok && (rest == "" || rest[0] == '/') {
				r2 := r.Clone(r.Context())
				r2.URL.Path = rest
				r2.URL.RawPath = ""
				if r2.URL.Path == "" {
					r2.URL.Path = "/"
				}
				r = r2
			}
		}
		// zitadel's op routes with chi; drop a parent chi router's routing
		// context so that it routes on the path above, however it was mounted.
		r = r.WithContext(context.WithValue(r.Context(), chi.RouteCtxKey, (*chi.Context)(nil)))
		p.handler.ServeHTTP(w, r)
	})
}

// HTTPClient returns an http.Client that answers requests to the issuer's
// host in-process with Handler, and sends any other request over the network
// with http.DefaultTransport. Give it to the app's OIDC client (discovery,
// keys, code exchange) when the provider shares a listener that may not serve
// yet, as in `jointops dev`. Browsers still reach the provider over the
// network.
func (p *Provider) HTTPClient() *http.Client {
	u, _ := url.Parse(p.issuer)
	return &http.Client{Transport: &inProcessTransport{
		scheme: u.Scheme, host: u.Host, handler: p.Handler(), next: http.DefaultTransport,
	}}
}

// inProcessTransport serves requests for one scheme and host with a handler.
type inProcessTransport struct {
	scheme, host string
	handler      http.Handler
	next         http.RoundTripper
}

// RoundTrip implements http.RoundTripper.
func (t *inProcessTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.URL.Scheme != t.scheme || r.URL.Host != t.host {
		return t.next.RoundTrip(r)
	}
	rec := httptest.NewRecorder()
	in := r.Clone(r.Context())
	in.RequestURI = r.URL.RequestURI()
	in.RemoteAddr = "127.0.0.1:0"
	if in.Body == nil {
		in.Body = http.NoBody
	}
	t.handler.ServeHTTP(rec, in)
	resp := rec.Result()
	resp.Request = r
	return resp, nil
}

func loggedOut(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	fmt.Fprintln(w, "已退出登录 / Signed out of the development provider.")
}
