package main

import (
	"strings"
	"testing"
)

func TestSMTPConfig(t *testing.T) {
	t.Parallel()
	env := map[string]string{}
	cfg, err := ConfigFromEnv(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	if cfg.SMTPFrom != "jointops@localhost" {
		t.Errorf("SMTP_FROM defaults to %q", cfg.SMTPFrom)
	}
	if got := emailStatus(cfg); !strings.HasPrefix(got, "off") {
		t.Errorf("dev banner without SMTP_URL says e-mail is %q", got)
	}
	app := &App{Config: cfg}
	dc, err := app.deliveryConfig()
	if err != nil || dc.Mailer != nil {
		t.Errorf("without SMTP_URL: mailer %v, err %v; want e-mail off", dc.Mailer, err)
	}

	cfg.SMTPURL, cfg.SMTPFrom = "smtp://u:secret@127.0.0.1:1025", "jointops <j@example.gov.cn>"
	if got := emailStatus(cfg); strings.Contains(got, "secret") || !strings.Contains(got, "smtp://127.0.0.1:1025") {
		t.Errorf("dev banner says e-mail is %q", got)
	}
	if dc, err := app.deliveryConfig(); err != nil || dc.Mailer == nil {
		t.Errorf("with SMTP_URL: mailer %v, err %v", dc.Mailer, err)
	}
	cfg.SMTPURL = "mail.example:25"
	if _, err := app.deliveryConfig(); err == nil || !strings.Contains(err.Error(), "SMTP_URL") {
		t.Errorf("a bad SMTP_URL starts: %v", err)
	}
}
