package main

import (
	"github.com/jointops/jointops/workflow"
)

// deliveryConfig returns the delivery of notifications by e-mail and
// webhook: e-mail over SMTP_URL when it is set (a bad URL or SMTP_FROM
// stops the start), webhooks always, links under PUBLIC_URL.
func (app *App) deliveryConfig() (*workflow.DeliveryConfig, error) {
	dc := &workflow.DeliveryConfig{Dispatch: app.DB, PublicURL: app.Config.PublicURL}
	if app.Config.SMTPURL != "" {
		mailer, err := workflow.NewSMTPMailer(app.Config.SMTPURL, app.Config.SMTPFrom)
		if err != nil {
			return nil, err
		}
		dc.Mailer = mailer
	}
	return dc, nil
}

// emailStatus describes e-mail delivery for the dev banner.
func emailStatus(cfg *Config) string {
	if cfg.SMTPURL == "" {
		return "off (set SMTP_URL, e.g. smtp://127.0.0.1:1025, to send digests); webhooks on"
	}
	mailer, err := workflow.NewSMTPMailer(cfg.SMTPURL, cfg.SMTPFrom)
	if err != nil {
		return "misconfigured: " + err.Error()
	}
	return "digests via " + mailer.String() + " from " + mailer.From.String() + ", every 30 s"
}
