package workflow_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"time"

	"github.com/jointops/jointops/workflow"
)

// A receiver checks each post against the secret it shares with jointops:
// the signature over the exact bytes of the body, and a timestamp close to
// its own clock. The signature is hex(HMAC-SHA256(secret, timestamp + "."
// + body)); this is the test vector of docs/notifications.md.
func ExampleVerifyWebhook() {
	secret := "s3cr3t"
	body := []byte(`{"msgtype":"text","text":{"content":"【jointops】1 条督办提醒"}}`)
	sentAt := time.Unix(1772762400, 0) // 2026-03-06 10:00 in Shanghai
	fmt.Println(workflow.SignWebhook(secret, sentAt.Unix(), body))

	receiver := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		// A real receiver passes time.Now().
		if err := workflow.VerifyWebhook(secret, r.Header, b, sentAt.Add(3*time.Second), 5*time.Minute); err != nil {
			http.Error(w, err.Error(), http.StatusUnauthorized)
			return
		}
		fmt.Fprint(w, `{"errcode":0,"errmsg":"ok"}`)
	})
	for _, sig := range []string{workflow.SignWebhook(secret, sentAt.Unix(), body), workflow.SignWebhook("guess", sentAt.Unix(), body)} {
		r := httptest.NewRequest(http.MethodPost, "/hook", strings.NewReader(string(body)))
		r.Header.Set(workflow.HeaderTimestamp, strconv.FormatInt(sentAt.Unix(), 10))
		r.Header.Set(workflow.HeaderSignature, sig)
		w := httptest.NewRecorder()
		receiver.ServeHTTP(w, r)
		fmt.Println(w.Code, strings.TrimSpace(w.Body.String()))
	}
	// Output:
	// 575844c0f57f59cb83b3efc3e5e4d570ec0f3bc47dd26b5798b74ced9356f0ad
	// 200 {"errcode":0,"errmsg":"ok"}
	// 401 the signature does not match
}
