package auth

import (
	"context"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"fmt"
	"strings"

	"github.com/coreos/go-oidc/v3/oidc"
	"github.com/gorilla/securecookie"
	"golang.org/x/oauth2"

	"github.com/jointops/jointops/enforcement"
)

// Authenticator signs browsers in, keeps their sessions, verifies bearer
// tokens and puts the actor of each request in its context. Create it with
// New; it is safe for concurrent use once Resolve is set.
type Authenticator struct {
	// Resolve, when not nil, is called once per request that carries an
	// actor, after the actor is built from the session or the bearer token
	// and before the next handler runs. The wiring in cmd sets it to upsert
	// the user row and fill a.UserID; it may also apply the admin mapping
	// table (DESIGN.md §5) by changing a.Department and a.Roles. An error
	// answers 500 problem+json, or 401/403 for an EUNAUTHORIZED/EFORBIDDEN
	// *enforcement.Error (e.g. a disabled user).
	Resolve func(ctx context.Context, a *enforcement.Actor) error

	cfg      *Config
	verifier *oidc.IDTokenVerifier
	oauth    *oauth2.Config
	cookies  *cookies
}

// New discovers the provider at cfg.Issuer and returns an Authenticator.
// go-oidc insists that the discovered issuer equals cfg.Issuer exactly
// (scheme, host, path, no trailing slash). A missing setting is an error
// that names its environment variable.
func New(ctx context.Context, cfg *Config) (*Authenticator, error) {
	cfg = cfg.WithDefaults()
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	provider, err := oidc.NewProvider(oidc.ClientContext(ctx, cfg.HTTPClient), cfg.Issuer)
	if err != nil {
		return nil, fmt.Errorf("auth: OpenID discovery at OIDC_ISSUER %s: %w", cfg.Issuer, err)
	}
	key := cfg.SessionKey
	if key == nil {
		key = make([]byte, minSessionKeyBytes)
		rand.Read(key)
	}
	c, err := newCookies(key, cfg)
	if err != nil {
		return nil, err
	}
	return &Authenticator{
		cfg: cfg,
		verifier: provider.Verifier(&oidc.Config{
			ClientID: cfg.ClientID,
			Now:      cfg.Now,
		}),
		oauth: &oauth2.Config{
			ClientID:     cfg.ClientID,
			ClientSecret: cfg.ClientSecret,
			Endpoint:     provider.Endpoint(),
			RedirectURL:  cfg.PublicURL + callbackPath,
			Scopes:       cfg.Scopes,
		},
		cookies: c,
	}, nil
}

// newCookies derives the cookie keys from the session key: one to sign
// (HMAC-SHA256) and one to encrypt (AES-256), each bound to its use.
func newCookies(key []byte, cfg *Config) (*cookies, error) {
	hashKey, err := hkdf.Key(sha256.New, key, nil, "jointops auth cookie hmac", 64)
	if err != nil {
		return nil, fmt.Errorf("auth: derive cookie keys: %w", err)
	}
	blockKey, err := hkdf.Key(sha256.New, key, nil, "jointops auth cookie aes", 32)
	if err != nil {
		return nil, fmt.Errorf("auth: derive cookie keys: %w", err)
	}
	codec := func(maxAgeSeconds int) *securecookie.SecureCookie {
		return securecookie.New(hashKey, blockKey).MaxAge(maxAgeSeconds).SetSerializer(securecookie.JSONEncoder{})
	}
	secure := strings.HasPrefix(cfg.PublicURL, "https://")
	c := &cookies{
		secure:       secure,
		sessionName:  sessionCookieName,
		session:      codec(int(cfg.SessionTTL.Seconds())),
		loginName:    loginCookieName,
		login:        codec(int(loginTTL.Seconds())),
		sessionTTL:   cfg.SessionTTL,
		now:          cfg.Now,
		cookieMaxAge: int(cfg.SessionTTL.Seconds()),
	}
	if secure {
		// __Host- cookies are Secure, host-only and for path /, which browsers
		// enforce (RFC 6265bis).
		c.sessionName = "__Host-" + c.sessionName
		c.loginName = "__Host-" + c.loginName
	}
	return c, nil
}
