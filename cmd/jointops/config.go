package main

import (
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"time"
)

// Config is the service's configuration, read from the environment. Each
// field names its variable and default.
type Config struct {
	// DatabaseURL is DATABASE_URL. Defaults to
	// postgres://root@127.0.0.1:5432/jointops?sslmode=disable (what
	// `make run` finds or starts).
	DatabaseURL string
	// Addr is ADDR, where HTTP listens. Defaults to ":8080".
	Addr string
	// PublicURL is PUBLIC_URL, how browsers reach the service. Required for
	// serve; dev defaults it to http://localhost:8080.
	PublicURL string
	// OIDCIssuer, OIDCClientID and OIDCClientSecret are OIDC_ISSUER,
	// OIDC_CLIENT_ID and OIDC_CLIENT_SECRET. Issuer and client id are
	// required for serve; dev runs its own provider under /idp.
	OIDCIssuer       string
	OIDCClientID     string
	OIDCClientSecret string
	// OIDCGroupsClaim is OIDC_GROUPS_CLAIM, the claim holding entries such
	// as "dept:EMB:dept_lead". Defaults to "groups".
	OIDCGroupsClaim string
	// SessionKey is SESSION_KEY (32+ bytes). Defaults to a random key:
	// sessions then end at a restart, and instances cannot share them.
	SessionKey string
	// District is the time zone of deadlines, TZ_DISTRICT. Defaults to
	// Asia/Shanghai.
	District *time.Location
	// SMTPURL is SMTP_URL, e.g. smtp://user:pass@mail.example:587 or
	// smtps://mail.example. E-mail is not sent when empty.
	SMTPURL string
	// SMTPFrom is SMTP_FROM, the sender of e-mail, e.g. "jointops
	// <jointops@example.gov.cn>". Defaults to jointops@localhost.
	SMTPFrom string
}

// ConfigFromEnv reads the configuration from the environment with getenv.
func ConfigFromEnv(getenv func(string) string) (*Config, error) {
	c := &Config{
		DatabaseURL:      getenv("DATABASE_URL"),
		Addr:             getenv("ADDR"),
		PublicURL:        strings.TrimRight(getenv("PUBLIC_URL"), "/"),
		OIDCIssuer:       getenv("OIDC_ISSUER"),
		OIDCClientID:     getenv("OIDC_CLIENT_ID"),
		OIDCClientSecret: getenv("OIDC_CLIENT_SECRET"),
		OIDCGroupsClaim:  getenv("OIDC_GROUPS_CLAIM"),
		SessionKey:       getenv("SESSION_KEY"),
		SMTPURL:          getenv("SMTP_URL"),
		SMTPFrom:         getenv("SMTP_FROM"),
	}
	if c.SMTPFrom == "" {
		c.SMTPFrom = "jointops@localhost"
	}
	if c.DatabaseURL == "" {
		c.DatabaseURL = "postgres://root@127.0.0.1:5432/jointops?sslmode=disable"
	}
	if c.Addr == "" {
		c.Addr = ":8080"
	}
	tz := getenv("TZ_DISTRICT")
	if tz == "" {
		tz = "Asia/Shanghai"
	}
	loc, err := time.LoadLocation(tz)
	if err != nil {
		return nil, fmt.Errorf("TZ_DISTRICT=%q is not an IANA time zone: %w", tz, err)
	}
	c.District = loc
	return c, nil
}

// validateServe checks what `serve` needs: production never starts without
// an identity provider.
func (c *Config) validateServe() error {
	var missing []string
	for name, v := range map[string]string{"OIDC_ISSUER": c.OIDCIssuer, "OIDC_CLIENT_ID": c.OIDCClientID, "PUBLIC_URL": c.PublicURL} {
		if v == "" {
			missing = append(missing, name)
		}
	}
	if len(missing) > 0 {
		slices.Sort(missing)
		return errors.New("serve needs " + strings.Join(missing, ", ") +
			": set them to your OpenID provider's issuer URL, jointops' client id there, and the URL browsers use (or run `jointops dev` for a local provider)")
	}
	return nil
}

func getenvOS(k string) string { return os.Getenv(k) }
