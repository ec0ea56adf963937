package auth_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"

	"github.com/go-chi/chi/v5"

	"github.com/jointops/jointops/auth"
	"github.com/jointops/jointops/auth/devidp"
	"github.com/jointops/jointops/enforcement"
)

// The wiring of `jointops dev`: one server holds the app and, under /idp,
// the development provider; the authenticator reaches the provider
// in-process, so it can start before the listener serves. An API client then
// gets a bearer token for a demo user.
func Example_dev() {
	ctx := context.Background()
	mux := http.NewServeMux()
	srv := httptest.NewServer(mux) // `jointops dev` listens on PUBLIC_URL
	defer srv.Close()
	publicURL, issuer := srv.URL, srv.URL+"/idp"

	idp, err := devidp.New(issuer, []devidp.Client{
		{ID: "jointops", Secret: "dev-secret", RedirectURIs: []string{publicURL + "/auth/callback"}},
	}, devidp.DemoUsers())
	if err != nil {
		panic(err)
	}
	a, err := auth.New(ctx, &auth.Config{
		Issuer:       issuer,
		ClientID:     "jointops",
		ClientSecret: "dev-secret",
		PublicURL:    publicURL,
		HTTPClient:   idp.HTTPClient(),
	})
	if err != nil {
		panic(err)
	}
	a.Resolve = func(ctx context.Context, actor *enforcement.Actor) error {
		actor.UserID = 1 // cmd upserts the user row here
		return nil
	}

	app := chi.NewRouter()
	app.Use(a.Middleware)
	a.Routes(app)
	app.Get("/api/v1/me", func(w http.ResponseWriter, r *http.Request) {
		actor, err := enforcement.RequireActor(r.Context())
		if err != nil {
			http.Error(w, enforcement.ErrorMessage(err), http.StatusUnauthorized)
			return
		}
		fmt.Fprintf(w, "%s %s %v user %d", actor.Name, actor.Department, actor.Roles, actor.UserID)
	})
	mux.Handle("/idp/", idp.Handler())
	mux.Handle("/", app)

	tok, err := devidp.Token(ctx, issuer, "jointops", "dev-secret", publicURL+"/auth/callback", "emb-inspector1")
	if err != nil {
		panic(err)
	}
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, publicURL+"/api/v1/me", nil)
	req.Header.Set("Authorization", "Bearer "+tok.Extra("id_token").(string))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		panic(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	fmt.Println(resp.Status, string(body))
	// Output: 200 OK 李娜 EMB [inspector] user 1
}
