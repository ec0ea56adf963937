package devidp

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/zitadel/oidc/v3/pkg/oidc"
	"golang.org/x/oauth2"
)

// maxHops bounds the redirects a sign-in follows.
const maxHops = 10

// Token signs username in at the provider at issuer and returns the tokens
// for the client, by running the real authorization-code flow with PKCE over
// HTTP: authorize, the login form, the redirect with the code (intercepted,
// never followed to redirectURI) and the code exchange. The returned token's
// Extra("id_token") is the signed ID token, which an API client sends as its
// bearer token; the access token is a signed JWT too.
//
// Requests go through the *http.Client in ctx under oauth2.HTTPClient when
// there is one, as with the oauth2 package, else http.DefaultClient.
func Token(ctx context.Context, issuer, clientID, clientSecret, redirectURI, username string) (*oauth2.Token, error) {
	hc := noRedirects(httpClientFrom(ctx))
	issuer = strings.TrimSuffix(issuer, "/")
	disc, err := discover(ctx, hc, issuer)
	if err != nil {
		return nil, err
	}
	redirect, err := url.Parse(redirectURI)
	if err != nil {
		return nil, fmt.Errorf("devidp: redirect URI: %w", err)
	}
	conf := &oauth2.Config{
		ClientID:     clientID,
		ClientSecret: clientSecret,
		Endpoint:     oauth2.Endpoint{AuthURL: disc.AuthorizationEndpoint, TokenURL: disc.TokenEndpoint},
		RedirectURL:  redirectURI,
		Scopes:       []string{oidc.ScopeOpenID, oidc.ScopeProfile, oidc.ScopeEmail},
	}
	state, nonce, verifier := rand.Text(), rand.Text(), oauth2.GenerateVerifier()
	authURL := conf.AuthCodeURL(state, oauth2.S256ChallengeOption(verifier), oauth2.SetAuthURLParam("nonce", nonce))

	atRedirect := func(u *url.URL) bool {
		return u.Scheme == redirect.Scheme && u.Host == redirect.Host && u.Path == redirect.Path
	}
	loginPage, resp, err := follow(ctx, hc, http.MethodGet, authURL, nil, atRedirect)
	if err != nil {
		return nil, err
	}
	if resp == nil {
		return nil, fmt.Errorf("devidp: the provider refused the authorization request: %s", callbackError(loginPage))
	}
	if err := expectLoginPage(loginPage, resp); err != nil {
		return nil, err
	}
	callback, resp, err := postLogin(ctx, hc, loginPage, username, atRedirect)
	if err != nil {
		return nil, err
	}
	if resp != nil {
		return nil, fmt.Errorf("devidp: sign-in as %q did not redirect to %s: %s", username, redirectURI, responseError(resp))
	}
	q := callback.Query()
	if q.Get("error") != "" {
		return nil, fmt.Errorf("devidp: %s", callbackError(callback))
	}
	if q.Get("state") != state {
		return nil, errors.New("devidp: the provider returned a different state")
	}
	tok, err := conf.Exchange(ctx, q.Get("code"), oauth2.VerifierOption(verifier))
	if err != nil {
		return nil, fmt.Errorf("devidp: code exchange: %w", err)
	}
	idToken, _ := tok.Extra("id_token").(string)
	if idToken == "" {
		return nil, errors.New("devidp: the token response has no id_token")
	}
	// The signature is the caller's to verify; Token only checks that the
	// ID token answers this request.
	if got, err := unverifiedNonce(idToken); err != nil || got != nonce {
		return nil, fmt.Errorf("devidp: the ID token does not carry the request's nonce (%v)", err)
	}
	return tok, nil
}

// SignIn signs username in to the jointops app at appURL the way a browser
// does: GET appURL/login, the provider's authorize and login form, the
// provider's redirect back to appURL/auth/callback. client must have a cookie
// jar; when SignIn returns nil the jar holds the app's session cookie.
// client's CheckRedirect is not used: SignIn follows redirects itself.
func SignIn(ctx context.Context, client *http.Client, appURL, username string) error {
	if client.Jar == nil {
		return errors.New("devidp: SignIn needs an http.Client with a cookie jar")
	}
	hc := noRedirects(client)
	app, err := url.Parse(strings.TrimSuffix(appURL, "/"))
	if err != nil {
		return fmt.Errorf("devidp: app URL: %w", err)
	}
	callbackPath := app.Path + "/auth/callback"
	isCallback := func(u *url.URL) bool { return u.Host == app.Host && u.Path == callbackPath }

	loginPage, resp, err := follow(ctx, hc, http.MethodGet, app.String()+"/login", nil, isCallback)
	if err != nil {
		return err
	}
	if resp == nil {
		// The provider answered with an error on the app's callback.
		return fmt.Errorf("devidp: the provider refused the app's authorization request: %s", callbackError(loginPage))
	}
	if err := expectLoginPage(loginPage, resp); err != nil {
		return err
	}
	// Follow the login through the app's callback, and stop at the app's
	// redirect after it: the session cookie is then in the jar.
	sawCallback := false
	afterCallback := func(u *url.URL) bool {
		if sawCallback {
			return true
		}
		sawCallback = isCallback(u)
		return false
	}
	_, resp, err = postLogin(ctx, hc, loginPage, username, afterCallback)
	if err != nil {
		return err
	}
	if resp != nil {
		return fmt.Errorf("devidp: sign-in as %q did not complete: %s", username, responseError(resp))
	}
	if !sawCallback {
		return fmt.Errorf("devidp: sign-in as %q never reached %s", username, callbackPath)
	}
	return nil
}

// follow requests rawURL and follows redirects by hand. Before each redirect
// it asks stop about the next URL: when stop says true, follow returns that
// URL and a nil response without requesting it. Otherwise it returns the
// first response that is not a redirect, with its URL; the caller closes its
// body.
func follow(ctx context.Context, hc *http.Client, method, rawURL string, form url.Values, stop func(*url.URL) bool) (*url.URL, *http.Response, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, nil, err
	}
	for range maxHops {
		var body io.Reader
		if form != nil {
			body = strings.NewReader(form.Encode())
		}
		req, err := http.NewRequestWithContext(ctx, method, u.String(), body)
		if err != nil {
			return nil, nil, err
		}
		if form != nil {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		resp, err := hc.Do(req)
		if err != nil {
			return nil, nil, fmt.Errorf("devidp: %s %s: %w", method, u.Redacted(), err)
		}
		loc := resp.Header.Get("Location")
		if resp.StatusCode < 300 || resp.StatusCode > 399 || loc == "" {
			return u, resp, nil
		}
		resp.Body.Close()
		next, err := u.Parse(loc)
		if err != nil {
			return nil, nil, fmt.Errorf("devidp: bad redirect %q: %w", loc, err)
		}
		if stop(next) {
			return next, nil, nil
		}
		u, method, form = next, http.MethodGet, nil
	}
	return nil, nil, fmt.Errorf("devidp: more than %d redirects from %s", maxHops, rawURL)
}

// postLogin posts the login form of the login page at loginPage as username
// and follows the redirects with stop.
func postLogin(ctx context.Context, hc *http.Client, loginPage *url.URL, username string, stop func(*url.URL) bool) (*url.URL, *http.Response, error) {
	action := *loginPage
	action.RawQuery = ""
	form := url.Values{"id": {loginPage.Query().Get("authRequestID")}, "username": {username}}
	return follow(ctx, hc, http.MethodPost, action.String(), form, stop)
}

// expectLoginPage checks that resp is the provider's login page, and closes
// its body.
func expectLoginPage(u *url.URL, resp *http.Response) error {
	if resp.StatusCode != http.StatusOK || !strings.HasSuffix(u.Path, "/login/username") || u.Query().Get("authRequestID") == "" {
		return fmt.Errorf("devidp: expected the provider's login page, got %s: %s", u.Redacted(), responseError(resp))
	}
	resp.Body.Close()
	return nil
}

// responseError describes resp by its status and the start of its body, and
// closes the body.
func responseError(resp *http.Response) string {
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	return fmt.Sprintf("%s %s", resp.Status, strings.TrimSpace(string(b)))
}

// callbackError describes an OAuth error in the query of a redirect.
func callbackError(u *url.URL) string {
	q := u.Query()
	if q.Get("error") == "" {
		return "redirected to " + u.Redacted() + " with no code"
	}
	return q.Get("error") + ": " + q.Get("error_description")
}

// discover fetches the provider's discovery document.
func discover(ctx context.Context, hc *http.Client, issuer string) (*oidc.DiscoveryConfiguration, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, issuer+oidc.DiscoveryEndpoint, nil)
	if err != nil {
		return nil, err
	}
	resp, err := hc.Do(req)
	if err != nil {
		return nil, fmt.Errorf("devidp: discovery: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("devidp: discovery: %s", responseError(resp))
	}
	defer resp.Body.Close()
	var disc oidc.DiscoveryConfiguration
	if err := json.NewDecoder(resp.Body).Decode(&disc); err != nil {
		return nil, fmt.Errorf("devidp: discovery: %w", err)
	}
	return &disc, nil
}

// unverifiedNonce returns the nonce claim of a JWT without checking its
// signature.
func unverifiedNonce(jwt string) (string, error) {
	parts := strings.Split(jwt, ".")
	if len(parts) != 3 {
		return "", errors.New("not a JWT")
	}
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return "", err
	}
	var claims struct {
		Nonce string `json:"nonce"`
	}
	if err := json.Unmarshal(payload, &claims); err != nil {
		return "", err
	}
	return claims.Nonce, nil
}

func httpClientFrom(ctx context.Context) *http.Client {
	if hc, ok := ctx.Value(oauth2.HTTPClient).(*http.Client); ok && hc != nil {
		return hc
	}
	return http.DefaultClient
}

// noRedirects returns a copy of hc, with the same transport and jar, that
// returns redirects instead of following them.
func noRedirects(hc *http.Client) *http.Client {
	c := *hc
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &c
}
