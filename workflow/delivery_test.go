package workflow_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"net/http/httptest"
	"net/mail"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	gosmtp "github.com/emersion/go-smtp"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/jointops/jointops/enforcement"
	"github.com/jointops/jointops/enforcement/postgres"
	"github.com/jointops/jointops/migrations/dbtest"
	"github.com/jointops/jointops/workflow"
)

const publicURL = "https://jointops.example"

// testBundle is a fresh database with two departments and their people, a
// real SMTP server on 127.0.0.1:0 and the store.
type testBundle struct {
	ctx   context.Context
	pool  *pgxpool.Pool
	db    *postgres.DB
	clock *enforcement.OffsetClock
	smtp  *smtpServer
	// people, keyed by a short name: admin, coord (no e-mail), emb-lead,
	// msa-lead (English).
	people map[string]*enforcement.Actor
}

// setup starts the clock on Friday 2026-03-06 10:00 in Shanghai.
func setup(t *testing.T) *testBundle {
	t.Helper()
	ctx := t.Context()
	pool := dbtest.Pool(t)
	db, err := postgres.New(pool, enforcement.WeekdayCalendar{})
	if err != nil {
		t.Fatal(err)
	}
	clock := enforcement.NewOffsetClock(time.Date(2026, 3, 6, 10, 0, 0, 0, db.Location))
	db.Clock = clock
	mustExec(t, pool, `INSERT INTO departments VALUES ('EMB', '应急管理局', 'Emergency Management'), ('MSA', '市场监督管理局', 'Market Supervision')`)
	b := &testBundle{ctx: ctx, pool: pool, db: db, clock: clock, smtp: startSMTP(t), people: map[string]*enforcement.Actor{}}
	for _, p := range []struct {
		key, name, email, dept string
		role                   enforcement.Role
	}{
		{"admin", "陈管理", "admin@example.gov.cn", "", enforcement.RoleAdmin},
		{"coord", "周协调", "", "", enforcement.RoleCoordinator},
		{"emb-lead", "王建国", "wang@example.gov.cn", "EMB", enforcement.RoleDeptLead},
		{"msa-lead", "Zhang Shijian", "zhang@example.gov.cn", "MSA", enforcement.RoleDeptLead},
	} {
		a := &enforcement.Actor{Issuer: "test", Subject: p.key, Name: p.name, Email: p.email, Department: p.dept, Roles: []enforcement.Role{p.role}}
		if err := db.UpsertUser(ctx, a); err != nil {
			t.Fatal(err)
		}
		b.people[p.key] = a
	}
	en := "en"
	if err := db.SetNotificationPreferences(b.as("msa-lead"), enforcement.NotificationPreferences{Language: &en}); err != nil {
		t.Fatal(err)
	}
	return b
}

func (b *testBundle) as(key string) context.Context {
	return enforcement.NewContextWithActor(b.ctx, b.people[key])
}

// overdue writes n open orders of dept due yesterday with their level-1
// escalation due, to recipients, and sweeps: the sweep writes the inbox
// items as in production. It returns the order ids.
func (b *testBundle) overdue(t *testing.T, dept string, n int, recipients string) []int64 {
	t.Helper()
	now := b.clock.Now()
	rows, err := b.pool.Query(b.ctx, `
		WITH e AS (
			INSERT INTO enterprises (registry_id, name)
			SELECT $1 || '-' || g, '深圳市罗湖区' || $1 || '测试企业' || g || '有限公司' FROM generate_series(1, $2) g
			RETURNING id
		), o AS (
			INSERT INTO rectification_orders (enterprise_id, department_code, severity, issued_at, due_on, due_rule, due_at, time_zone, created_at, updated_at)
			SELECT id, $1, 'general', $3::timestamptz - interval '10 days', date '2026-03-05', 'date', $3::timestamptz - interval '10 hours', 'Asia/Shanghai', $3, $3
			FROM e
			RETURNING id, due_on
		), esc AS (
			INSERT INTO escalations (subject_kind, subject_id, department_code, level, due_on, fire_at, recipients)
			SELECT 'rectification_order', id, $1, 1, due_on, $3::timestamptz - interval '10 hours', $4::text[] FROM o
		)
		SELECT id FROM o ORDER BY id`, dept, n, now, "{"+recipients+"}")
	if err != nil {
		t.Fatal(err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		t.Fatal(err)
	}
	res, err := b.db.SweepEscalations(b.ctx, now)
	if err != nil {
		t.Fatal(err)
	}
	if res.Fired != n {
		t.Fatalf("fired %d escalations, want %d", res.Fired, n)
	}
	return ids
}

// client starts a River client with delivery on, e-mail to the test's SMTP
// server, and immediate retries. Its digest window is long: tests insert
// the dispatch job themselves.
func (b *testBundle) client(t *testing.T, maxAttempts int, httpClient *http.Client) *river.Client[pgx.Tx] {
	t.Helper()
	mailer, err := workflow.NewSMTPMailer("smtp://"+b.smtp.addr, "jointops <jointops@example.gov.cn>")
	if err != nil {
		t.Fatal(err)
	}
	client, err := workflow.NewClient(b.pool, workflow.Config{
		Plan: b.db, Escalations: b.db, Clock: b.clock, TestOnly: true,
		SweepInterval: time.Hour,
		RetryPolicy:   immediateRetry{},
		Delivery: &workflow.DeliveryConfig{
			Dispatch: b.db, DigestWindow: time.Hour, Mailer: mailer, HTTPClient: httpClient,
			PublicURL: publicURL, MaxAttempts: maxAttempts,
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := client.Start(b.ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = client.Stop(ctx)
	})
	return client
}

// dispatch inserts a dispatch job and waits until it has run and every
// delivery is sent or failed.
func (b *testBundle) dispatch(t *testing.T, client *river.Client[pgx.Tx]) {
	t.Helper()
	if _, err := client.Insert(b.ctx, enforcement.DispatchNotificationsJob{}, nil); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "every notification dispatched and every delivery settled", func() bool {
		return count(t, b.pool, `SELECT count(*) FROM notifications WHERE dispatched_at IS NULL`) == 0 &&
			count(t, b.pool, `SELECT count(*) FROM deliveries WHERE status = 'pending'`) == 0
	})
}

// immediateRetry retries a failed job at once, so a test of the last
// attempt waits for no backoff.
type immediateRetry struct{}

func (immediateRetry) NextRetry(*rivertype.JobRow) time.Time { return time.Now() }

// waitFor polls cond until it holds, for at most 30 s: River works jobs
// on its own goroutines.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(60 * time.Second); !cond(); {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestDigestOneEmailListsEveryItem(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ids := b.overdue(t, "EMB", 300, "dept_lead")
	b.dispatch(t, b.client(t, 8, nil))

	msgs := b.smtp.received()
	if len(msgs) != 1 {
		t.Fatalf("the SMTP server received %d messages, want 1 digest", len(msgs))
	}
	m := msgs[0]
	if m.to != "wang@example.gov.cn" || m.from != "jointops@example.gov.cn" {
		t.Errorf("envelope from %s to %s", m.from, m.to)
	}
	if want := "【jointops】300 条督办提醒"; m.subject != want {
		t.Errorf("subject %q, want %q", m.subject, want)
	}
	for i, id := range ids {
		item := fmt.Sprintf("%d. 整改通知 #%d（深圳市罗湖区EMB测试企业%d有限公司，整改期限 2026-03-05）已逾期（一级督办）\n   %s/api/v1/rectification-orders/%d\n",
			i+1, id, i+1, publicURL, id)
		if !strings.Contains(m.body, item) {
			t.Fatalf("the digest does not list order %d as\n%s\nbody:\n%.600s", id, item, m.body)
		}
	}
	if !strings.HasPrefix(m.messageID, "<jointops.delivery.") {
		t.Errorf("Message-ID %q", m.messageID)
	}

	// The inbox still has each item, unread.
	notes, err := b.db.FindNotifications(b.as("emb-lead"), enforcement.NotificationFilter{Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	unread, err := b.db.CountUnreadNotifications(b.as("emb-lead"))
	if err != nil {
		t.Fatal(err)
	}
	if len(notes) != 300 || unread != 300 {
		t.Errorf("inbox has %d items, %d unread; want 300, 300", len(notes), unread)
	}
	var key string
	var sent int
	if err := b.pool.QueryRow(b.ctx, `SELECT idempotency_key, count(*) OVER () FROM deliveries WHERE status = 'sent'`).Scan(&key, &sent); err != nil {
		t.Fatal(err)
	}
	if want := fmt.Sprintf("email:%d:%d-%d", b.people["emb-lead"].UserID, notes[299].ID, notes[0].ID); key != want || sent != 1 {
		t.Errorf("%d sent deliveries, key %q; want 1, %q", sent, key, want)
	}
}

func TestWebhookIsSigned(t *testing.T) {
	t.Parallel()
	b := setup(t)
	var mu sync.Mutex
	var posts []webhookPost
	receiver := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		defer mu.Unlock()
		posts = append(posts, webhookPost{path: r.URL.Path, query: r.URL.Query(), header: r.Header.Clone(), body: body, at: time.Now()})
		fmt.Fprint(w, `{"errcode":0,"errmsg":"ok"}`)
	}))
	t.Cleanup(receiver.Close)

	// A district-wide generic receiver, a DingTalk robot with 加签 for EMB
	// and a WeCom robot for MSA, which hears nothing of EMB.
	generic, err := b.db.CreateWebhook(b.as("admin"), &enforcement.WebhookCreate{URL: receiver.URL + "/generic"})
	if err != nil {
		t.Fatal(err)
	}
	secret := generic.Secret
	if len(secret) != 64 {
		t.Fatalf("generated secret %q, want 32 bytes in hex", secret)
	}
	dingTalkSecret := "SEC" + strings.Repeat("d", 61)
	if _, err := b.db.CreateWebhook(b.as("admin"), &enforcement.WebhookCreate{
		Department: "emb", URL: receiver.URL + "/robot/send?access_token=t0k3n", Kind: enforcement.WebhookDingTalk, Secret: dingTalkSecret,
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.db.CreateWebhook(b.as("admin"), &enforcement.WebhookCreate{
		Department: "MSA", URL: receiver.URL + "/wecom", Kind: enforcement.WebhookWeCom, Secret: "wecom-secret",
	}); err != nil {
		t.Fatal(err)
	}
	// Each escalation goes to the lead and to the coordinator, two inbox
	// items: the groups list it once.
	ids := b.overdue(t, "EMB", 3, "dept_lead,coordinator")
	b.dispatch(t, b.client(t, 8, receiver.Client()))

	mu.Lock()
	defer mu.Unlock()
	if len(posts) != 2 {
		t.Fatalf("the receiver got %d posts, want 2 (generic and DingTalk)", len(posts))
	}
	for _, p := range posts {
		key := secret
		if p.path == "/robot/send" {
			key = dingTalkSecret
		}
		if err := workflow.VerifyWebhook(key, p.header, p.body, p.at, time.Minute); err != nil {
			t.Errorf("%s: the signature does not verify: %v", p.path, err)
		}
		var body struct {
			MsgType string `json:"msgtype"`
			Text    struct {
				Content string `json:"content"`
			} `json:"text"`
			Jointops *struct {
				Delivery string `json:"delivery"`
				Total    int    `json:"total"`
			} `json:"jointops"`
		}
		if err := json.Unmarshal(p.body, &body); err != nil {
			t.Fatal(err)
		}
		if body.MsgType != "text" || !strings.HasPrefix(body.Text.Content, "【jointops】3 条督办提醒\n") {
			t.Errorf("%s: body %s", p.path, p.body)
		}
		for _, id := range ids {
			if strings.Count(body.Text.Content, fmt.Sprintf("整改通知 #%d（", id)) != 1 {
				t.Errorf("%s does not list order %d once:\n%s", p.path, id, body.Text.Content)
			}
		}
		if !strings.HasPrefix(p.header.Get(workflow.HeaderDelivery), "webhook:") {
			t.Errorf("%s: %s = %q", p.path, workflow.HeaderDelivery, p.header.Get(workflow.HeaderDelivery))
		}
		switch p.path {
		case "/generic":
			if body.Jointops == nil || body.Jointops.Total != 3 || body.Jointops.Delivery != p.header.Get(workflow.HeaderDelivery) {
				t.Errorf("generic post without its items: %s", p.body)
			}
			// The signature covers the exact body: one byte more fails.
			if err := workflow.VerifyWebhook(secret, p.header, append(p.body, ' '), p.at, time.Minute); err == nil {
				t.Error("a changed body verifies")
			}
		case "/robot/send":
			if body.Jointops != nil {
				t.Errorf("DingTalk post carries extra fields: %s", p.body)
			}
			// DingTalk's own 加签: sign = base64(HMAC-SHA256(secret, timestamp + "\n" + secret)).
			mac := hmac.New(sha256.New, []byte(dingTalkSecret))
			mac.Write([]byte(p.query.Get("timestamp") + "\n" + dingTalkSecret))
			if want := base64.StdEncoding.EncodeToString(mac.Sum(nil)); p.query.Get("sign") != want || p.query.Get("access_token") != "t0k3n" {
				t.Errorf("DingTalk query %v, want sign %s", p.query, want)
			}
		default:
			t.Errorf("unexpected post to %s", p.path)
		}
	}
}

type webhookPost struct {
	path   string
	query  url.Values
	header http.Header
	body   []byte
	at     time.Time
}

func TestRetryAfterSuccessSendsNothingTwice(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.overdue(t, "EMB", 2, "dept_lead")
	res, err := b.db.DispatchNotifications(b.ctx, enforcement.DispatchOptions{Now: b.clock.Now(), Email: true})
	if err != nil {
		t.Fatal(err)
	}
	if res.Notifications != 2 || res.Deliveries != 1 {
		t.Fatalf("dispatch %+v, want 2 notifications in 1 delivery", res)
	}
	// The same dispatch again finds nothing left.
	if res, err := b.db.DispatchNotifications(b.ctx, enforcement.DispatchOptions{Now: b.clock.Now(), Email: true}); err != nil || res.Deliveries != 0 {
		t.Fatalf("second dispatch %+v, %v", res, err)
	}
	var id int64
	if err := b.pool.QueryRow(b.ctx, `SELECT id FROM deliveries`).Scan(&id); err != nil {
		t.Fatal(err)
	}
	mailer, err := workflow.NewSMTPMailer("smtp://"+b.smtp.addr, "jointops@localhost")
	if err != nil {
		t.Fatal(err)
	}
	w := &workflow.DeliverWorker{Dispatch: b.db, Mailer: mailer, PublicURL: publicURL, Clock: b.clock}
	before := b.clock.Now()
	// The second run is River's retry of a job whose first run sent the
	// mail (say its completion was lost with the process).
	for attempt := 1; attempt <= 2; attempt++ {
		job := &river.Job[enforcement.DeliverJob]{
			JobRow: &rivertype.JobRow{Attempt: attempt, MaxAttempts: 8},
			Args:   enforcement.DeliverJob{DeliveryID: id},
		}
		if err := w.Work(b.ctx, job); err != nil {
			t.Fatalf("attempt %d: %v", attempt, err)
		}
	}
	if n := len(b.smtp.received()); n != 1 {
		t.Fatalf("the SMTP server received %d messages, want 1", n)
	}
	var status string
	var attempts int
	if err := b.pool.QueryRow(b.ctx, `SELECT status, attempts FROM deliveries WHERE id = $1 AND sent_at BETWEEN $2 AND $3`, id, before, b.clock.Now()).
		Scan(&status, &attempts); err != nil {
		t.Fatal(err)
	}
	if status != "sent" || attempts != 1 {
		t.Errorf("delivery %s after %d attempts, want sent after 1", status, attempts)
	}
}

func TestDeliveryFailsForGood(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.smtp.reject.Store(true)
	b.overdue(t, "EMB", 1, "dept_lead")
	b.dispatch(t, b.client(t, 2, nil))

	failed := enforcement.DeliveryFailed
	list, err := b.db.FindDeliveries(b.as("admin"), enforcement.DeliveryFilter{Status: &failed})
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 {
		t.Fatalf("admins see %d failed deliveries, want 1", len(list))
	}
	d := list[0]
	if d.Attempts != 2 || d.Channel != enforcement.ChannelEmail || !strings.Contains(d.LastError, "550") || d.SentAt != nil {
		t.Errorf("failed delivery %+v, want 2 attempts and the server's 550", d)
	}
	if got := b.smtp.attempts.Load(); got != 2 {
		t.Errorf("the server saw %d attempts, want 2", got)
	}
	_, err = b.db.FindDeliveries(b.as("emb-lead"), enforcement.DeliveryFilter{Status: &failed})
	if enforcement.ErrorCode(err) != enforcement.EFORBIDDEN {
		t.Errorf("a lead listing deliveries: %v, want forbidden", err)
	}
}

func TestEnglishRecipient(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ids := b.overdue(t, "MSA", 1, "dept_lead")
	b.dispatch(t, b.client(t, 8, nil))

	msgs := b.smtp.received()
	if len(msgs) != 1 {
		t.Fatalf("received %d messages, want 1", len(msgs))
	}
	m := msgs[0]
	if m.subject != "[jointops] 1 escalation notice" {
		t.Errorf("subject %q", m.subject)
	}
	want := fmt.Sprintf("Dear Zhang Shijian,\n\njointops has 1 new escalation notice for you:\n\n"+
		"1. Rectification order #%d (深圳市罗湖区MSA测试企业1有限公司, due 2026-03-05) is overdue (level 1)\n   %s/api/v1/rectification-orders/%d\n",
		ids[0], publicURL, ids[0])
	if !strings.HasPrefix(m.body, want) {
		t.Errorf("body:\n%s\nwant it to start with:\n%s", m.body, want)
	}
	if strings.Contains(m.body, "整改通知") || strings.Contains(m.body, "收件箱") {
		t.Errorf("the English body carries Chinese text:\n%s", m.body)
	}
}

func TestNoSMTPNoEmail(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.overdue(t, "EMB", 5, "dept_lead")
	res, err := b.db.DispatchNotifications(b.ctx, enforcement.DispatchOptions{Now: b.clock.Now()})
	if err != nil {
		t.Fatal(err)
	}
	if res.Notifications != 5 || res.Deliveries != 0 {
		t.Errorf("dispatch without e-mail %+v, want 5 notifications and no delivery", res)
	}
	if n := count(t, b.pool, `SELECT count(*) FROM notifications WHERE dispatched_at IS NULL`); n != 0 {
		t.Errorf("%d notifications left undispatched", n)
	}
}

func TestEmailOffForUser(t *testing.T) {
	t.Parallel()
	b := setup(t)
	off := false
	if err := b.db.SetNotificationPreferences(b.as("emb-lead"), enforcement.NotificationPreferences{EmailEnabled: &off}); err != nil {
		t.Fatal(err)
	}
	b.overdue(t, "EMB", 2, "dept_lead")
	res, err := b.db.DispatchNotifications(b.ctx, enforcement.DispatchOptions{Now: b.clock.Now(), Email: true})
	if err != nil {
		t.Fatal(err)
	}
	if res.Deliveries != 0 {
		t.Errorf("%d deliveries to a person with e-mail off", res.Deliveries)
	}
}

// TestDispatchUsesIndex: the dispatch runs every digest window, and reads
// the undispatched notifications through their partial index.
func TestDispatchUsesIndex(t *testing.T) {
	t.Parallel()
	b := setup(t)
	conn, err := b.pool.Acquire(b.ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Release()
	if _, err := conn.Exec(b.ctx, `SET enable_seqscan = off`); err != nil {
		t.Fatal(err)
	}
	for sql, index := range map[string]string{
		`SELECT id FROM notifications WHERE dispatched_at IS NULL ORDER BY id LIMIT 20000 FOR UPDATE SKIP LOCKED`: "notifications_undispatched_idx",
		`SELECT count(*) FROM notifications WHERE user_id = 1 AND read_at IS NULL`:                                "notifications_user_unread_idx",
	} {
		var plan strings.Builder
		rows, err := conn.Query(b.ctx, "EXPLAIN "+sql)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var line string
			if err := rows.Scan(&line); err != nil {
				t.Fatal(err)
			}
			plan.WriteString(line + "\n")
		}
		if !strings.Contains(plan.String(), index) {
			t.Errorf("%s does not use %s:\n%s", sql, index, plan.String())
		}
	}
}

func TestNewSMTPMailer(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ url, from, addr, user, err string }{
		{"smtp://127.0.0.1:1025", "jointops@localhost", "127.0.0.1:1025", "", ""},
		{"smtp://u%40x:p@mail.example", "jointops <j@example.gov.cn>", "mail.example:25", "u@x", ""},
		{"smtps://mail.example", "j@example.gov.cn", "mail.example:465", "", ""},
		{"http://mail.example", "j@example.gov.cn", "", "", "scheme must be smtp"},
		{"smtp://", "j@example.gov.cn", "", "", "names no host"},
		{"smtp://mail.example", "not an address", "", "", "SMTP_FROM"},
	} {
		m, err := workflow.NewSMTPMailer(tc.url, tc.from)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%s: err %v, want %q", tc.url, err, tc.err)
			}
			continue
		}
		if err != nil || m.Addr != tc.addr || m.Username != tc.user {
			t.Errorf("%s: %+v, %v", tc.url, m, err)
		}
	}
}

// smtpServer is a real SMTP server (go-smtp) that keeps what it receives.
type smtpServer struct {
	addr string
	// reject makes every RCPT TO fail with 550.
	reject   atomic.Bool
	attempts atomic.Int32
	mu       sync.Mutex
	messages []receivedMail
}

type receivedMail struct {
	from, to           string
	subject, messageID string
	body               string
}

func startSMTP(t *testing.T) *smtpServer {
	t.Helper()
	s := &smtpServer{}
	srv := gosmtp.NewServer(gosmtp.BackendFunc(func(*gosmtp.Conn) (gosmtp.Session, error) { return &smtpSession{s: s}, nil }))
	srv.Domain = "localhost"
	srv.ReadTimeout, srv.WriteTimeout = 10*time.Second, 10*time.Second
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s.addr = ln.Addr().String()
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	return s
}

func (s *smtpServer) received() []receivedMail {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]receivedMail(nil), s.messages...)
}

type smtpSession struct {
	s        *smtpServer
	from, to string
}

func (ss *smtpSession) Reset()        {}
func (ss *smtpSession) Logout() error { return nil }

func (ss *smtpSession) Mail(from string, _ *gosmtp.MailOptions) error {
	ss.s.attempts.Add(1)
	ss.from = from
	return nil
}

func (ss *smtpSession) Rcpt(to string, _ *gosmtp.RcptOptions) error {
	if ss.s.reject.Load() {
		return &gosmtp.SMTPError{Code: 550, EnhancedCode: gosmtp.EnhancedCode{5, 1, 1}, Message: "mailbox unavailable"}
	}
	ss.to = to
	return nil
}

// Data parses the message: the subject's encoded words and the base64
// body.
func (ss *smtpSession) Data(r io.Reader) error {
	msg, err := mail.ReadMessage(r)
	if err != nil {
		return err
	}
	subject, err := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	if err != nil {
		return err
	}
	if msg.Header.Get("Content-Transfer-Encoding") != "base64" {
		return errors.New("want a base64 body")
	}
	body, err := io.ReadAll(base64.NewDecoder(base64.StdEncoding, msg.Body))
	if err != nil {
		return err
	}
	ss.s.mu.Lock()
	defer ss.s.mu.Unlock()
	ss.s.messages = append(ss.s.messages, receivedMail{from: ss.from, to: ss.to, subject: subject,
		messageID: msg.Header.Get("Message-ID"), body: string(body)})
	return nil
}

func mustExec(t *testing.T, pool *pgxpool.Pool, sql string, args ...any) {
	t.Helper()
	if _, err := pool.Exec(context.Background(), sql, args...); err != nil {
		t.Fatal(err)
	}
}

func count(t *testing.T, pool *pgxpool.Pool, sql string, args ...any) int {
	t.Helper()
	var n int
	if err := pool.QueryRow(context.Background(), sql, args...).Scan(&n); err != nil {
		t.Fatal(fmt.Errorf("%s: %w", sql, err))
	}
	return n
}
