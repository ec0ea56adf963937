package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

func TestServeRefusesWithoutOIDC(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name    string
		env     map[string]string
		missing string
	}{
		{"nothing set", map[string]string{}, "OIDC_CLIENT_ID, OIDC_ISSUER, PUBLIC_URL"},
		{"no client id", map[string]string{"OIDC_ISSUER": "https://idp.example", "PUBLIC_URL": "https://jointops.example"}, "OIDC_CLIENT_ID"},
		{"no public URL", map[string]string{"OIDC_ISSUER": "https://idp.example", "OIDC_CLIENT_ID": "jointops"}, "PUBLIC_URL"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := ConfigFromEnv(func(k string) string { return tt.env[k] })
			if err != nil {
				t.Fatal(err)
			}
			err = cfg.validateServe()
			if err == nil || !strings.Contains(err.Error(), "serve needs "+tt.missing+":") {
				t.Fatalf("err = %v, want it to name %s", err, tt.missing)
			}
		})
	}
}

func TestConfigRejectsUnknownTimeZone(t *testing.T) {
	t.Parallel()
	_, err := ConfigFromEnv(func(k string) string {
		if k == "TZ_DISTRICT" {
			return "Asia/Nowhere"
		}
		return ""
	})
	if err == nil || !strings.Contains(err.Error(), "TZ_DISTRICT") {
		t.Fatalf("err = %v", err)
	}
}

func TestUnknownCommand(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	err := run(context.Background(), []string{"frobnicate"}, &out)
	if err == nil || !strings.Contains(out.String(), "usage: jointops") {
		t.Fatalf("err = %v, out = %q", err, out.String())
	}
}
