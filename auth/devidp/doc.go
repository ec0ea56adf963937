// Package devidp is a development OpenID provider for jointops, with the demo
// users of a district's joint enforcement office. It is used by `jointops dev`
// and by tests only, never in production: its login page asks for no
// password.
//
// The protocol side (discovery, authorization with PKCE, token endpoint,
// userinfo, JWKS, token signing) is zitadel/oidc's op package; this package
// adds an in-memory op.Storage, the demo users and a login page. ID tokens,
// JWT access tokens and userinfo carry name, email and a custom "groups"
// claim in the format auth.ActorFromClaims reads (dept:EMB:dept_lead,
// role:coordinator, …); ID tokens carry the nonce of the request.
//
// # Mounting
//
// The provider is meant to share the app's listener under a path prefix: with
// issuer "http://localhost:8080/idp", mount [Provider.Handler] at /idp, e.g.
// chi's r.Mount("/idp", p.Handler()) or http.ServeMux's
// mux.Handle("/idp/", p.Handler()). The handler accepts request paths with or
// without the issuer's path prefix, so http.StripPrefix works too. An issuer
// with no path ("http://localhost:9998") serves at the root of its own
// listener instead.
//
// Because the app discovers its provider at start (auth.New), and the shared
// listener may not serve yet at that moment, [Provider.HTTPClient] returns an
// http.Client that answers requests to the issuer in-process; pass it as
// auth.Config.HTTPClient.
//
// # Signing in from a program
//
// The login form is trivially postable: POST <issuer>/login/username with the
// form fields id (the auth request id, the authRequestID query parameter of
// the login page) and username. An authorization request with
// login_hint=<username> skips the form. [Token] and [SignIn] run the whole
// flow over HTTP.
package devidp
