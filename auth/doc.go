// Package auth signs people in to jointops with OpenID Connect and tells
// every request who is acting (DESIGN.md §5).
//
// Browsers sign in with the authorization-code flow with PKCE, state and
// nonce ([Authenticator.Routes]: /login, /auth/callback, /logout) and then
// carry a signed and encrypted session cookie. API clients send
// "Authorization: Bearer <ID token>", verified for issuer, audience, expiry
// and signature. [Authenticator.Middleware] turns either into an
// *enforcement.Actor in the request's context; [ActorFromClaims] documents
// how claims map to a department and roles.
//
// The package imports go-oidc, x/oauth2 and securecookie, and of the project
// only enforcement. auth/devidp is a development provider to sign in against
// in `jointops dev` and in tests.
package auth
