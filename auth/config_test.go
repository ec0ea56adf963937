package auth_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/go-chi/chi/v5"

	"github.com/jointops/jointops/auth"
	"github.com/jointops/jointops/auth/devidp"
)

func TestNew_Config(t *testing.T) {
	t.Parallel()

	valid := auth.Config{Issuer: "http://idp.invalid/idp", ClientID: "jointops", PublicURL: "http://app.invalid"}
	tests := []struct {
		name   string
		change func(*auth.Config)
		want   string
	}{
		{"no issuer", func(c *auth.Config) { c.Issuer = "" }, "OIDC_ISSUER"},
		{"no client ID", func(c *auth.Config) { c.ClientID = "" }, "OIDC_CLIENT_ID"},
		{"no public URL", func(c *auth.Config) { c.PublicURL = "" }, "PUBLIC_URL"},
		{"relative public URL", func(c *auth.Config) { c.PublicURL = "jointops.example" }, "PUBLIC_URL"},
		{"issuer not a URL", func(c *auth.Config) { c.Issuer = "idp" }, "OIDC_ISSUER"},
		{"short session key", func(c *auth.Config) { c.SessionKey = []byte("short") }, "at least 32"},
		{"no openid scope", func(c *auth.Config) { c.Scopes = []string{"profile"} }, "openid"},
		// Valid settings, but nothing serves the issuer.
		{"discovery fails", func(*auth.Config) {}, "discovery"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cfg := valid
			tt.change(&cfg)
			cfg.HTTPClient = &http.Client{Transport: refuseTransport{}}
			_, err := auth.New(t.Context(), &cfg)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want one that mentions %q", err, tt.want)
			}
		})
	}

	if _, err := auth.New(t.Context(), nil); err == nil || !strings.Contains(err.Error(), "OIDC_ISSUER") {
		t.Errorf("nil config: err = %v", err)
	}
}

func TestConfig_WithDefaults(t *testing.T) {
	t.Parallel()
	c := (*auth.Config)(nil).WithDefaults()
	if c.GroupsClaim != "groups" || c.SessionTTL != auth.DefaultSessionTTL || c.HTTPClient == nil || c.Now == nil || c.Logger == nil ||
		strings.Join(c.Scopes, " ") != "openid profile email" {
		t.Errorf("defaults %+v", c)
	}
	c = (&auth.Config{PublicURL: "https://jointops.example/", GroupsClaim: "roles"}).WithDefaults()
	if c.PublicURL != "https://jointops.example" || c.GroupsClaim != "roles" {
		t.Errorf("%+v", c)
	}
}

// Over https the cookies are Secure and carry the __Host- prefix. The
// provider is reached in-process through devidp's HTTPClient, as in
// `jointops dev` before its listener serves.
func TestNew_SecureCookies(t *testing.T) {
	t.Parallel()
	const issuer = "http://idp.invalid/idp"
	idp, err := devidp.New(issuer, []devidp.Client{{ID: "jointops", RedirectURIs: []string{"https://jointops.example/auth/callback"}}}, devidp.DemoUsers())
	if err != nil {
		t.Fatal(err)
	}
	a, err := auth.New(t.Context(), &auth.Config{Issuer: issuer, ClientID: "jointops", PublicURL: "https://jointops.example", HTTPClient: idp.HTTPClient()})
	if err != nil {
		t.Fatal(err)
	}
	r := chi.NewRouter()
	a.Routes(r)
	rec := httptest.NewRecorder()
	r.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "https://jointops.example/login", nil))
	cookies := rec.Result().Cookies()
	if rec.Code != http.StatusFound || len(cookies) != 1 {
		t.Fatalf("%d, cookies %v", rec.Code, cookies)
	}
	if c := cookies[0]; c.Name != "__Host-jointops_login" || !c.Secure || !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Path != "/" {
		t.Errorf("login cookie %+v", c)
	}
	if loc := rec.Header().Get("Location"); !strings.HasPrefix(loc, issuer+"/authorize?") ||
		!strings.Contains(loc, "code_challenge_method=S256") || !strings.Contains(loc, "nonce=") ||
		!strings.Contains(loc, "redirect_uri=https%3A%2F%2Fjointops.example%2Fauth%2Fcallback") {
		t.Errorf("Location %s", loc)
	}
}

// refuseTransport fails every request, so that no test reaches the network.
type refuseTransport struct{}

func (refuseTransport) RoundTrip(*http.Request) (*http.Response, error) {
	return nil, http.ErrServerClosed
}
