package auth

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
)

// Config configures an Authenticator. The zero values of the optional
// fields take the defaults that WithDefaults sets.
type Config struct {
	// Issuer is the OpenID provider's issuer URL, from OIDC_ISSUER. Discovery
	// must report exactly this issuer. Required.
	Issuer string

	// ClientID is jointops' client ID at the provider, from OIDC_CLIENT_ID.
	// Bearer tokens must name it in their audience. Required.
	ClientID string

	// ClientSecret is the client secret, from OIDC_CLIENT_SECRET. Defaults to
	// none: a public client, which PKCE still protects.
	ClientSecret string

	// PublicURL is the URL at which browsers reach jointops, from PUBLIC_URL,
	// e.g. "https://jointops.example.gov.cn". The redirect URI registered at
	// the provider is PublicURL + "/auth/callback". Cookies are Secure when it
	// is https. Required.
	PublicURL string

	// GroupsClaim names the claim that holds the department and role entries
	// (see ActorFromClaims). Defaults to "groups".
	GroupsClaim string

	// Scopes are the scopes requested at sign-in. Defaults to openid,
	// profile and email.
	Scopes []string

	// SessionKey signs and encrypts the cookies; it needs at least 32 bytes,
	// and every instance behind one PublicURL needs the same key. Defaults to
	// a random key, so that sessions end at a restart.
	SessionKey []byte

	// SessionTTL is how long a browser session lasts after sign-in. Defaults
	// to 8 hours, a working day.
	SessionTTL time.Duration

	// HTTPClient makes the requests to the provider: discovery, keys and the
	// code exchange. Defaults to http.DefaultClient.
	HTTPClient *http.Client

	// Now tells the time for token and session expiry. Defaults to time.Now.
	// Do not pass the domain's dev clock: moving it forward by days would end
	// every session and reject every token.
	Now func() time.Time

	// Logger receives sign-in failures and rejected tokens, with their
	// causes, which the responses leave out. Defaults to slog.Default().
	Logger *slog.Logger
}

// Defaults of Config.
const (
	DefaultGroupsClaim = "groups"
	DefaultSessionTTL  = 8 * time.Hour
)

// minSessionKeyBytes is the least key material for the cookie keys.
const minSessionKeyBytes = 32

// WithDefaults returns a copy of c with the defaults set. c may be nil.
func (c *Config) WithDefaults() *Config {
	out := &Config{}
	if c != nil {
		*out = *c
	}
	out.Issuer = strings.TrimSpace(out.Issuer)
	out.PublicURL = strings.TrimSuffix(strings.TrimSpace(out.PublicURL), "/")
	if out.GroupsClaim == "" {
		out.GroupsClaim = DefaultGroupsClaim
	}
	if len(out.Scopes) == 0 {
		out.Scopes = []string{"openid", "profile", "email"}
	} else {
		out.Scopes = slices.Clone(out.Scopes)
	}
	if out.SessionTTL == 0 {
		out.SessionTTL = DefaultSessionTTL
	}
	if out.HTTPClient == nil {
		out.HTTPClient = http.DefaultClient
	}
	if out.Now == nil {
		out.Now = time.Now
	}
	if out.Logger == nil {
		out.Logger = slog.Default()
	}
	return out
}

// validate reports the first missing or bad setting, naming its
// environment variable where there is one.
func (c *Config) validate() error {
	switch {
	case c.Issuer == "":
		return errors.New("auth: OIDC_ISSUER is not set: give the issuer URL of the OpenID provider")
	case c.ClientID == "":
		return errors.New("auth: OIDC_CLIENT_ID is not set: give jointops' client ID at the OpenID provider")
	case c.PublicURL == "":
		return errors.New("auth: PUBLIC_URL is not set: give the URL at which browsers reach jointops")
	}
	if u, err := url.Parse(c.Issuer); err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return fmt.Errorf("auth: OIDC_ISSUER %q is not an http(s) URL", c.Issuer)
	}
	if u, err := url.Parse(c.PublicURL); err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return fmt.Errorf("auth: PUBLIC_URL %q is not an http(s) URL", c.PublicURL)
	}
	if c.SessionKey != nil && len(c.SessionKey) < minSessionKeyBytes {
		return fmt.Errorf("auth: the session key has %d bytes; it needs at least %d", len(c.SessionKey), minSessionKeyBytes)
	}
	if c.SessionTTL < 0 {
		return fmt.Errorf("auth: the session TTL %s is negative", c.SessionTTL)
	}
	if !slices.Contains(c.Scopes, "openid") {
		return errors.New("auth: the scopes must include openid")
	}
	return nil
}
