package workflow

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/base64"
	"errors"
	"fmt"
	"maps"
	"mime"
	"net"
	"net/mail"
	"net/smtp"
	"net/url"
	"slices"
	"strings"
	"time"
)

// Mail is one e-mail: a plain-text message in UTF-8.
type Mail struct {
	To      mail.Address
	Subject string
	Body    string
	Date    time.Time
	// ID is the unique part of the Message-ID. A resend carries the same
	// Message-ID, so a mail client shows a duplicate once.
	ID string
	// Headers are extra headers, e.g. X-Jointops-Delivery.
	Headers map[string]string
}

// Mailer sends e-mail.
type Mailer interface {
	// Send sends m. An error means the server did not take the message;
	// the caller retries.
	Send(ctx context.Context, m *Mail) error
}

// SMTPMailer sends e-mail to one SMTP server with the standard library's
// net/smtp. On smtp:// it uses STARTTLS when the server offers it (except
// on a loopback address, where there is nothing to protect), and on
// smtps:// TLS from the first byte. net/smtp refuses to send a password
// over a connection that is neither encrypted nor to localhost.
type SMTPMailer struct {
	// Addr is the server's host:port.
	Addr string
	// ImplicitTLS is true for smtps://.
	ImplicitTLS bool
	// Username and Password, when Username is set, sign in with AUTH PLAIN.
	Username, Password string
	// From is the sender of every message.
	From mail.Address
	// Timeout bounds one message from dial to QUIT. Defaults to 30 s.
	Timeout time.Duration
	// TLSConfig is used for STARTTLS and smtps. Defaults to verifying the
	// server's certificate for its host name.
	TLSConfig *tls.Config
}

// NewSMTPMailer returns a mailer for SMTP_URL rawURL, e.g.
// smtp://user:pass@mail.example:587 or smtps://mail.example, sending from
// from (SMTP_FROM: an address, optionally with a name, "jointops
// <jointops@example.gov.cn>"). smtp:// defaults to port 25 and smtps:// to
// 465. It returns an error naming the variable at fault.
func NewSMTPMailer(rawURL, from string) (*SMTPMailer, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, fmt.Errorf("SMTP_URL: %w", err)
	}
	m := &SMTPMailer{}
	port := ""
	switch u.Scheme {
	case "smtp":
		port = "25"
	case "smtps":
		port, m.ImplicitTLS = "465", true
	default:
		return nil, fmt.Errorf("SMTP_URL %q: the scheme must be smtp:// or smtps://", u.Redacted())
	}
	if u.Hostname() == "" {
		return nil, fmt.Errorf("SMTP_URL %q names no host", u.Redacted())
	}
	if u.Port() != "" {
		port = u.Port()
	}
	m.Addr = net.JoinHostPort(u.Hostname(), port)
	if u.User != nil {
		m.Username = u.User.Username()
		m.Password, _ = u.User.Password()
	}
	addr, err := mail.ParseAddress(from)
	if err != nil {
		return nil, fmt.Errorf("SMTP_FROM %q is not an e-mail address: %w", from, err)
	}
	m.From = *addr
	return m, nil
}

// String names the server without the password, for logs and banners.
func (m *SMTPMailer) String() string {
	scheme := "smtp"
	if m.ImplicitTLS {
		scheme = "smtps"
	}
	return scheme + "://" + m.Addr
}

// Send sends msg in one SMTP session.
func (m *SMTPMailer) Send(ctx context.Context, msg *Mail) error {
	timeout := m.Timeout
	if timeout <= 0 {
		timeout = 30 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	host, _, err := net.SplitHostPort(m.Addr)
	if err != nil {
		return err
	}
	tlsConfig := m.TLSConfig
	if tlsConfig == nil {
		tlsConfig = &tls.Config{ServerName: host, MinVersion: tls.VersionTLS12}
	}
	dialer := &net.Dialer{}
	var conn net.Conn
	if m.ImplicitTLS {
		conn, err = (&tls.Dialer{NetDialer: dialer, Config: tlsConfig}).DialContext(ctx, "tcp", m.Addr)
	} else {
		conn, err = dialer.DialContext(ctx, "tcp", m.Addr)
	}
	if err != nil {
		return fmt.Errorf("connect to %s: %w", m, err)
	}
	// net/smtp takes no context: the deadline, and closing the connection
	// when ctx ends, bound every command.
	deadline, _ := ctx.Deadline()
	_ = conn.SetDeadline(deadline)
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()

	c, err := smtp.NewClient(conn, host)
	if err != nil {
		conn.Close()
		return fmt.Errorf("%s: %w", m, err)
	}
	defer c.Close()
	if err := m.session(c, host, tlsConfig, msg); err != nil {
		return fmt.Errorf("%s: %w", m, err)
	}
	return nil
}

// session runs the commands of one message on c.
func (m *SMTPMailer) session(c *smtp.Client, host string, tlsConfig *tls.Config, msg *Mail) error {
	if err := c.Hello("localhost"); err != nil {
		return err
	}
	if ok, _ := c.Extension("STARTTLS"); ok && !m.ImplicitTLS && !isLoopback(host) {
		if err := c.StartTLS(tlsConfig); err != nil {
			return fmt.Errorf("STARTTLS: %w", err)
		}
	}
	if m.Username != "" {
		if ok, _ := c.Extension("AUTH"); !ok {
			return errors.New("the server offers no AUTH, but SMTP_URL names a user")
		}
		if err := c.Auth(smtp.PlainAuth("", m.Username, m.Password, host)); err != nil {
			return fmt.Errorf("AUTH: %w", err)
		}
	}
	if err := c.Mail(m.From.Address); err != nil {
		return fmt.Errorf("MAIL FROM: %w", err)
	}
	if err := c.Rcpt(msg.To.Address); err != nil {
		return fmt.Errorf("RCPT TO: %w", err)
	}
	w, err := c.Data()
	if err != nil {
		return fmt.Errorf("DATA: %w", err)
	}
	if _, err := w.Write(m.format(msg)); err != nil {
		return fmt.Errorf("DATA: %w", err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("DATA: %w", err)
	}
	// The server has taken the message: a failed QUIT changes nothing.
	_ = c.Quit()
	return nil
}

// isLoopback reports whether host is localhost or a loopback address.
func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// format writes msg as an RFC 5322 message: UTF-8 text in base64, the
// subject and names as RFC 2047 encoded words.
func (m *SMTPMailer) format(msg *Mail) []byte {
	var b bytes.Buffer
	header := func(k, v string) { fmt.Fprintf(&b, "%s: %s\r\n", k, v) }
	header("From", m.From.String())
	header("To", msg.To.String())
	header("Subject", mime.BEncoding.Encode("utf-8", msg.Subject))
	header("Date", msg.Date.Format(time.RFC1123Z))
	domain := m.From.Address[strings.LastIndex(m.From.Address, "@")+1:]
	header("Message-ID", "<"+msg.ID+"@"+domain+">")
	for _, k := range slices.Sorted(maps.Keys(msg.Headers)) {
		header(k, msg.Headers[k])
	}
	header("MIME-Version", "1.0")
	header("Content-Type", "text/plain; charset=utf-8")
	header("Content-Transfer-Encoding", "base64")
	b.WriteString("\r\n")
	enc := base64.StdEncoding.EncodeToString([]byte(msg.Body))
	for len(enc) > 76 {
		b.WriteString(enc[:76] + "\r\n")
		enc = enc[76:]
	}
	b.WriteString(enc + "\r\n")
	return b.Bytes()
}
