package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/jointops/jointops/auth/devidp"
)

// runToken prints an ID token for a demo user of a running `jointops dev`,
// obtained through the provider's real authorization-code flow, for use as
// `Authorization: Bearer`.
func runToken(ctx context.Context, cfg *Config, args []string, stdout io.Writer) error {
	if len(args) != 1 {
		return errors.New("usage: jointops token USER   (e.g. coordinator, emb-lead, emb-inspector1)")
	}
	public := cfg.PublicURL
	if public == "" {
		public = "http://localhost:8080"
	}
	tok, err := devidp.Token(ctx, public+"/idp", devClientID, devClientSecret, public+"/auth/callback", args[0])
	if err != nil {
		return fmt.Errorf("is `make run` running? %w", err)
	}
	idToken, _ := tok.Extra("id_token").(string)
	if idToken == "" {
		return errors.New("the provider returned no id_token")
	}
	fmt.Fprintln(stdout, idToken)
	return nil
}
