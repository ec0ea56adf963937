package auth

import (
	"net/http"
	"time"

	"github.com/gorilla/securecookie"

	"github.com/jointops/jointops/enforcement"
)

// Cookie names; over https they get the __Host- prefix.
const (
	sessionCookieName = "jointops_session"
	loginCookieName   = "jointops_login"
)

// loginTTL bounds the time between /login and /auth/callback.
const loginTTL = 10 * time.Minute

// cookies reads and writes the session and login cookies. Both are signed
// and encrypted, HttpOnly, SameSite=Lax (so that the provider's redirect to
// the callback, a top-level GET, carries the login cookie) and Secure when
// the public URL is https.
type cookies struct {
	secure       bool
	sessionName  string
	session      *securecookie.SecureCookie
	loginName    string
	login        *securecookie.SecureCookie
	sessionTTL   time.Duration
	now          func() time.Time
	cookieMaxAge int
}

// session is what the session cookie holds: the actor, less UserID, which
// Resolve fills per request, and the session's end.
type session struct {
	Issuer     string             `json:"iss"`
	Subject    string             `json:"sub"`
	Name       string             `json:"name,omitempty"`
	Email      string             `json:"email,omitempty"`
	Department string             `json:"dept,omitempty"`
	Roles      []enforcement.Role `json:"roles,omitempty"`
	Language   string             `json:"lang,omitempty"`
	ExpiresAt  int64              `json:"exp"`
}

// loginState is what the login cookie holds between /login and the callback.
type loginState struct {
	State    string `json:"state"`
	Nonce    string `json:"nonce"`
	Verifier string `json:"verifier"`
	Next     string `json:"next"`
}

// setSession writes the session cookie for a.
func (c *cookies) setSession(w http.ResponseWriter, a *enforcement.Actor) error {
	s := session{
		Issuer:     a.Issuer,
		Subject:    a.Subject,
		Name:       a.Name,
		Email:      a.Email,
		Department: a.Department,
		Roles:      a.Roles,
		Language:   a.Language,
		ExpiresAt:  c.now().Add(c.sessionTTL).Unix(),
	}
	return c.set(w, c.session, c.sessionName, s, c.cookieMaxAge)
}

// readSession returns the actor of the session cookie, or nil when there is
// none, or it is forged, expired or unreadable.
func (c *cookies) readSession(r *http.Request) *enforcement.Actor {
	var s session
	if !c.read(r, c.session, c.sessionName, &s) {
		return nil
	}
	if s.Subject == "" || c.now().Unix() >= s.ExpiresAt || !rolesValid(s.Roles) {
		return nil
	}
	return &enforcement.Actor{
		Issuer:     s.Issuer,
		Subject:    s.Subject,
		Name:       s.Name,
		Email:      s.Email,
		Department: s.Department,
		Roles:      s.Roles,
		Language:   s.Language,
	}
}

func (c *cookies) setLogin(w http.ResponseWriter, l loginState) error {
	return c.set(w, c.login, c.loginName, l, int(loginTTL.Seconds()))
}

func (c *cookies) readLogin(r *http.Request) (loginState, bool) {
	var l loginState
	ok := c.read(r, c.login, c.loginName, &l)
	return l, ok
}

func (c *cookies) set(w http.ResponseWriter, codec *securecookie.SecureCookie, name string, v any, maxAge int) error {
	value, err := codec.Encode(name, v)
	if err != nil {
		return err
	}
	http.SetCookie(w, c.cookie(name, value, maxAge))
	return nil
}

func (c *cookies) read(r *http.Request, codec *securecookie.SecureCookie, name string, dst any) bool {
	ck, err := r.Cookie(name)
	if err != nil {
		return false
	}
	return codec.Decode(name, ck.Value, dst) == nil
}

// clear deletes the cookie name.
func (c *cookies) clear(w http.ResponseWriter, name string) {
	http.SetCookie(w, c.cookie(name, "", -1))
}

func (c *cookies) cookie(name, value string, maxAge int) *http.Cookie {
	return &http.Cookie{
		Name:     name,
		Value:    value,
		Path:     "/",
		MaxAge:   maxAge,
		HttpOnly: true,
		Secure:   c.secure,
		SameSite: http.SameSiteLaxMode,
	}
}
