package auth

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/coreos/go-oidc/v3/oidc"

	"github.com/jointops/jointops/enforcement"
)

// Middleware puts the actor of each request in its context
// (enforcement.NewContextWithActor):
//
//   - With "Authorization: Bearer <token>", the token must be an ID token of
//     the provider for this client: issuer, audience (the client ID), expiry
//     and signature are verified. (A JWT access token whose audience names
//     the client passes the same checks, as devidp's do.) A token that fails
//     answers 401 application/problem+json (RFC 9457) with a WWW-Authenticate
//     header, and the request stops there.
//   - Else the session cookie, if any, gives the actor; a forged, expired or
//     unreadable cookie is ignored.
//   - Else the request goes on with no actor; handlers decide (see
//     enforcement.RequireActor and RequireSignIn).
//
// Authorization headers with other schemes are ignored. When an actor is
// found and Resolve is set, Resolve runs before next.
func (a *Authenticator) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var actor *enforcement.Actor
		if token, ok := bearerToken(r); ok {
			var detail string
			if actor, detail = a.actorFromBearer(r, token); actor == nil {
				w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token"`)
				writeProblem(w, http.StatusUnauthorized, detail)
				return
			}
		} else {
			actor = a.cookies.readSession(r)
		}
		if actor == nil {
			next.ServeHTTP(w, r)
			return
		}
		if a.Resolve != nil {
			if err := a.Resolve(r.Context(), actor); err != nil {
				a.resolveError(w, r, actor, err)
				return
			}
		}
		next.ServeHTTP(w, r.WithContext(enforcement.NewContextWithActor(r.Context(), actor)))
	})
}

// actorFromBearer verifies token and maps it to an actor, or returns the
// detail of the 401 problem to answer.
func (a *Authenticator) actorFromBearer(r *http.Request, token string) (*enforcement.Actor, string) {
	if token == "" {
		return nil, "The Authorization header holds no bearer token."
	}
	idToken, err := a.verifier.Verify(oidc.ClientContext(r.Context(), a.cfg.HTTPClient), token)
	if err != nil {
		a.cfg.Logger.Info("auth: bearer token refused", "err", err, "remote", r.RemoteAddr)
		if _, expired := errors.AsType[*oidc.TokenExpiredError](err); expired {
			return nil, "The bearer token has expired; get a new one from the identity provider."
		}
		return nil, "The bearer token is not an ID token that this service accepts (issuer, audience or signature)."
	}
	actor, err := a.actorFromToken(idToken)
	if err != nil {
		a.cfg.Logger.Info("auth: bearer token claims refused", "err", err, "subject", idToken.Subject)
		return nil, enforcement.ErrorMessage(err)
	}
	return actor, ""
}

func (a *Authenticator) resolveError(w http.ResponseWriter, r *http.Request, actor *enforcement.Actor, err error) {
	switch enforcement.ErrorCode(err) {
	case enforcement.EUNAUTHORIZED:
		writeProblem(w, http.StatusUnauthorized, enforcement.ErrorMessage(err))
	case enforcement.EFORBIDDEN:
		writeProblem(w, http.StatusForbidden, enforcement.ErrorMessage(err))
	default:
		a.cfg.Logger.Error("auth: resolve actor", "err", err, "issuer", actor.Issuer, "subject", actor.Subject, "path", r.URL.Path)
		writeProblem(w, http.StatusInternalServerError, "Internal error.")
	}
}

// bearerToken returns the token of an "Authorization: Bearer" header; ok is
// false when there is no such header.
func bearerToken(r *http.Request) (token string, ok bool) {
	scheme, rest, _ := strings.Cut(r.Header.Get("Authorization"), " ")
	if !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	return strings.TrimSpace(rest), true
}

// RequireSignIn guards HTML pages: a request with no actor in its context
// is redirected to /login?next=<its path and query>, and comes back there
// after signing in. It runs after Middleware.
func RequireSignIn(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if enforcement.ActorFromContext(r.Context()) != nil {
			next.ServeHTTP(w, r)
			return
		}
		status := http.StatusFound
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			status = http.StatusSeeOther
		}
		http.Redirect(w, r, loginPath+"?next="+url.QueryEscape(r.URL.RequestURI()), status)
	})
}

// problem is an RFC 9457 problem details object.
type problem struct {
	Type   string `json:"type"`
	Title  string `json:"title"`
	Status int    `json:"status"`
	Detail string `json:"detail,omitempty"`
}

func writeProblem(w http.ResponseWriter, status int, detail string) {
	w.Header().Set("Content-Type", "application/problem+json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(problem{Type: "about:blank", Title: http.StatusText(status), Status: status, Detail: detail})
}
