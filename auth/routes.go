package auth

import (
	"crypto/rand"
	"crypto/subtle"
	"html/template"
	"net/http"
	"net/url"
	"strings"

	"github.com/coreos/go-oidc/v3/oidc"
	"github.com/go-chi/chi/v5"
	"golang.org/x/oauth2"

	"github.com/jointops/jointops/enforcement"
)

// Paths of the sign-in routes.
const (
	loginPath    = "/login"
	callbackPath = "/auth/callback"
	logoutPath   = "/logout"
)

// Routes adds the sign-in routes to r:
//
//	GET  /login?next=/path  start signing in, then come back to next
//	GET  /auth/callback     the provider's redirect back; sets the session
//	POST /logout            end the session and go to /
//
// next must be a local path; anything else, such as an absolute URL, is
// replaced by "/" (open-redirect guard). /logout refuses cross-origin
// requests (http.CrossOriginProtection).
func (a *Authenticator) Routes(r chi.Router) {
	r.Get(loginPath, a.login)
	r.Get(callbackPath, a.callback)
	r.Method(http.MethodPost, logoutPath, http.NewCrossOriginProtection().Handler(http.HandlerFunc(a.logout)))
}

// login keeps state, nonce and the PKCE verifier in the short-lived login
// cookie and sends the browser to the provider.
func (a *Authenticator) login(w http.ResponseWriter, r *http.Request) {
	l := loginState{
		State:    rand.Text(),
		Nonce:    rand.Text(),
		Verifier: oauth2.GenerateVerifier(),
		Next:     localPath(r.URL.Query().Get("next")),
	}
	if err := a.cookies.setLogin(w, l); err != nil {
		a.cfg.Logger.Error("auth: write login cookie", "err", err)
		http.Error(w, "Internal error.", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, a.oauth.AuthCodeURL(l.State, oauth2.S256ChallengeOption(l.Verifier), oidc.Nonce(l.Nonce)), http.StatusFound)
}

// callback checks state, redeems the code with the PKCE verifier, verifies
// the ID token and its nonce, and sets the session cookie.
func (a *Authenticator) callback(w http.ResponseWriter, r *http.Request) {
	l, ok := a.cookies.readLogin(r)
	// The login cookie is single-use, whatever happens next.
	a.cookies.clear(w, a.cookies.loginName)
	q := r.URL.Query()
	if e := q.Get("error"); e != "" {
		a.callbackError(w, r, "The identity provider refused the sign-in: "+e+" "+q.Get("error_description"), nil)
		return
	}
	if !ok {
		a.callbackError(w, r, "The sign-in took too long or started in another browser. Please sign in again.", nil)
		return
	}
	if subtle.ConstantTimeCompare([]byte(q.Get("state")), []byte(l.State)) != 1 {
		a.callbackError(w, r, "The sign-in response does not match the sign-in request (state). Please sign in again.", nil)
		return
	}
	ctx := oidc.ClientContext(r.Context(), a.cfg.HTTPClient)
	tok, err := a.oauth.Exchange(ctx, q.Get("code"), oauth2.VerifierOption(l.Verifier))
	if err != nil {
		a.callbackError(w, r, "The identity provider did not accept the sign-in code. Please sign in again.", err)
		return
	}
	rawIDToken, _ := tok.Extra("id_token").(string)
	if rawIDToken == "" {
		a.callbackError(w, r, "The identity provider sent no ID token.", nil)
		return
	}
	idToken, err := a.verifier.Verify(ctx, rawIDToken)
	if err != nil {
		a.callbackError(w, r, "The ID token from the identity provider is not valid.", err)
		return
	}
	if subtle.ConstantTimeCompare([]byte(idToken.Nonce), []byte(l.Nonce)) != 1 {
		a.callbackError(w, r, "The ID token does not match the sign-in request (nonce). Please sign in again.", nil)
		return
	}
	actor, err := a.actorFromToken(idToken)
	if err != nil {
		a.callbackError(w, r, enforcement.ErrorMessage(err), err)
		return
	}
	if err := a.cookies.setSession(w, actor); err != nil {
		a.cfg.Logger.Error("auth: write session cookie", "err", err)
		http.Error(w, "Internal error.", http.StatusInternalServerError)
		return
	}
	a.cfg.Logger.Info("auth: signed in", "issuer", actor.Issuer, "subject", actor.Subject, "department", actor.Department, "roles", actor.Roles)
	http.Redirect(w, r, l.Next, http.StatusFound)
}

// logout clears the session cookie and shows /signed-out, a page that
// needs no sign-in: going to "/" would sign the person straight back in
// while their session at the provider lasts.
func (a *Authenticator) logout(w http.ResponseWriter, r *http.Request) {
	a.cookies.clear(w, a.cookies.sessionName)
	http.Redirect(w, r, SignedOutPath, http.StatusSeeOther)
}

// actorFromToken maps a verified token's claims to an actor.
func (a *Authenticator) actorFromToken(t *oidc.IDToken) (*enforcement.Actor, error) {
	var claims map[string]any
	if err := t.Claims(&claims); err != nil {
		return nil, err
	}
	return ActorFromClaims(t.Issuer, t.Subject, claims, a.cfg.GroupsClaim)
}

// callbackError answers 400 with a short page; cause goes to the log only.
func (a *Authenticator) callbackError(w http.ResponseWriter, r *http.Request, message string, cause error) {
	a.cfg.Logger.Warn("auth: sign-in failed", "message", message, "err", cause, "remote", r.RemoteAddr)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusBadRequest)
	_ = errorPage.Execute(w, message)
}

var errorPage = template.Must(template.New("error").Parse(`<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>登录失败 · Sign-in failed</title></head>
<body><h1>登录失败 · Sign-in failed</h1>
<p>{{.}}</p>
<p><a href="/login">重新登录 · Sign in again</a></p>
</body></html>
`))

// SignedOutPath is where the browser goes after signing out; the web
// package serves the page.
const SignedOutPath = "/signed-out"

// localPath returns next when it is a path on this site, else "/". It
// refuses absolute URLs, scheme-relative "//host" and "/\host" (which
// browsers read as "//host"), and control characters.
func localPath(next string) string {
	if next == "" || next[0] != '/' || len(next) > 2048 {
		return "/"
	}
	if strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return "/"
	}
	if strings.ContainsFunc(next, func(r rune) bool { return r < 0x20 || r == 0x7f || r == '\\' }) {
		return "/"
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil {
		return "/"
	}
	return next
}
