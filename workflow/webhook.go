package workflow

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/jointops/jointops/enforcement"
)

// Webhook headers. A receiver checks the signature over the exact body it
// read, and refuses a timestamp far from its own clock (a replay).
const (
	// HeaderTimestamp holds the time of signing in Unix seconds.
	HeaderTimestamp = "X-Jointops-Timestamp"
	// HeaderSignature holds hex(HMAC-SHA256(secret, timestamp + "." + body)).
	HeaderSignature = "X-Jointops-Signature"
	// HeaderDelivery holds the delivery's idempotency key: the same on
	// every attempt, so a receiver can drop a duplicate.
	HeaderDelivery = "X-Jointops-Delivery"
)

// SignWebhook returns the signature of body sent at timestamp (Unix
// seconds) under secret: hex(HMAC-SHA256(secret, "<timestamp>.<body>")).
func SignWebhook(secret string, timestamp int64, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(strconv.FormatInt(timestamp, 10)))
	mac.Write([]byte("."))
	mac.Write(body)
	return hex.EncodeToString(mac.Sum(nil))
}

// VerifyWebhook checks the signature headers of a webhook request against
// body: the signature must match in constant time, and the timestamp must
// be within tolerance of now. Receivers written in Go may use it as is.
func VerifyWebhook(secret string, h http.Header, body []byte, now time.Time, tolerance time.Duration) error {
	ts, err := strconv.ParseInt(h.Get(HeaderTimestamp), 10, 64)
	if err != nil {
		return fmt.Errorf("%s is not Unix seconds", HeaderTimestamp)
	}
	if d := now.Sub(time.Unix(ts, 0)); d > tolerance || d < -tolerance {
		return fmt.Errorf("%s is %s away from now", HeaderTimestamp, d.Round(time.Second))
	}
	got, err := hex.DecodeString(h.Get(HeaderSignature))
	if err != nil {
		return fmt.Errorf("%s is not hex", HeaderSignature)
	}
	want, _ := hex.DecodeString(SignWebhook(secret, ts, body))
	if !hmac.Equal(got, want) {
		return errors.New("the signature does not match")
	}
	return nil
}

// webhookBody is the body of every post: the text-robot message that
// DingTalk and WeCom group robots accept, plus, for generic receivers, the
// items as data.
type webhookBody struct {
	MsgType  string        `json:"msgtype"`
	Text     webhookText   `json:"text"`
	Jointops *webhookItems `json:"jointops,omitempty"`
}

type webhookText struct {
	Content string `json:"content"`
}

// webhookItems are the items of a generic post.
type webhookItems struct {
	Delivery string        `json:"delivery"`
	Total    int           `json:"total"`
	Items    []webhookItem `json:"items"`
}

type webhookItem struct {
	ID          int64                        `json:"id"`
	Kind        string                       `json:"kind"`
	SubjectKind enforcement.SubjectKind      `json:"subject_kind"`
	SubjectID   int64                        `json:"subject_id"`
	Level       *enforcement.EscalationLevel `json:"level,omitempty"`
	TitleZH     string                       `json:"title_zh"`
	TitleEN     string                       `json:"title_en"`
	Link        string                       `json:"link"`
	CreatedAt   time.Time                    `json:"created_at"`
}

// webhookPayload returns the JSON body of a webhook delivery.
func webhookPayload(m *enforcement.DeliveryMessage, publicURL string) ([]byte, error) {
	maxBytes := 0
	if m.Webhook.Kind == enforcement.WebhookWeCom {
		maxBytes = wecomMaxBytes
	}
	body := webhookBody{MsgType: "text", Text: webhookText{Content: renderWebhookText(m, publicURL, maxBytes)}}
	if m.Webhook.Kind == enforcement.WebhookGeneric {
		items := &webhookItems{Delivery: m.Delivery.IdempotencyKey, Total: m.Total, Items: make([]webhookItem, len(m.Notifications))}
		for i, n := range m.Notifications {
			items.Items[i] = webhookItem{ID: n.ID, Kind: n.Kind, SubjectKind: n.SubjectKind, SubjectID: n.SubjectID, Level: n.Level,
				TitleZH: n.TitleZH, TitleEN: n.TitleEN, Link: subjectLink(publicURL, n), CreatedAt: n.CreatedAt}
		}
		body.Jointops = items
	}
	return json.Marshal(body)
}

// postWebhook posts a webhook delivery, signed at now. A DingTalk robot
// with 加签 (a secret starting with "SEC") also gets DingTalk's own
// timestamp and sign query parameters. A status other than 2xx is an
// error; so is a DingTalk or WeCom answer with a non-zero errcode (they
// answer 200 when they refuse a message).
func postWebhook(ctx context.Context, client *http.Client, m *enforcement.DeliveryMessage, publicURL string, now time.Time) error {
	body, err := webhookPayload(m, publicURL)
	if err != nil {
		return err
	}
	target := m.Webhook.URL
	if m.Webhook.Kind == enforcement.WebhookDingTalk && strings.HasPrefix(m.Webhook.Secret, "SEC") {
		if target, err = dingTalkSigned(target, m.Webhook.Secret, now); err != nil {
			return err
		}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, bytes.NewReader(body))
	if err != nil {
		return err
	}
	ts := now.Unix()
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	req.Header.Set("User-Agent", "jointops-webhook/1")
	req.Header.Set(HeaderTimestamp, strconv.FormatInt(ts, 10))
	req.Header.Set(HeaderSignature, SignWebhook(m.Webhook.Secret, ts, body))
	req.Header.Set(HeaderDelivery, m.Delivery.IdempotencyKey)
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("webhook %d: %w", m.Webhook.ID, redactURLError(err))
	}
	defer resp.Body.Close()
	answer, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("webhook %d answered %s: %.200s", m.Webhook.ID, resp.Status, answer)
	}
	if m.Webhook.Kind == enforcement.WebhookDingTalk || m.Webhook.Kind == enforcement.WebhookWeCom {
		var robot struct {
			ErrCode *int   `json:"errcode"`
			ErrMsg  string `json:"errmsg"`
		}
		if json.Unmarshal(answer, &robot) == nil && robot.ErrCode != nil && *robot.ErrCode != 0 {
			return fmt.Errorf("webhook %d: the robot refused the message: errcode %d: %s", m.Webhook.ID, *robot.ErrCode, robot.ErrMsg)
		}
	}
	return nil
}

// dingTalkSigned adds DingTalk's 加签 to a robot URL: timestamp in
// milliseconds and sign = base64(HMAC-SHA256(secret, timestamp + "\n" +
// secret)).
func dingTalkSigned(raw, secret string, now time.Time) (string, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return "", err
	}
	ts := strconv.FormatInt(now.UnixMilli(), 10)
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(ts + "\n" + secret))
	q := u.Query()
	q.Set("timestamp", ts)
	q.Set("sign", base64.StdEncoding.EncodeToString(mac.Sum(nil)))
	u.RawQuery = q.Encode()
	return u.String(), nil
}

// redactURLError drops the URL from an HTTP client error: a robot's URL
// carries its access token, and the error is stored for admins and logged.
func redactURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return fmt.Errorf("%s: %w", ue.Op, ue.Err)
	}
	return err
}
