package main

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/jointops/jointops/enforcement"
)

// visitPhotoPNG writes a small real PNG (8×6 pixels, so that the browser
// decodes it and the thumbnail has a size) into a temporary directory and
// returns its path.
func visitPhotoPNG(t *testing.T) string {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 8, 6))
	for x := range 8 {
		for y := range 6 {
			img.Set(x, y, color.RGBA{R: uint8(30 * x), G: 120, B: uint8(40 * y), A: 255})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "现场照片.png")
	if err := os.WriteFile(p, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestBrowserVisitHazardAndOrder is journey 4: after the lead accepted the
// task with them, an inspector opens the visit from the inbox, reads what
// the enterprise is, records a hazard with a photo (no order needed for
// it), and issues a rectification order due in 5 working days; the page
// shows the photo and the computed due date.
func TestBrowserVisitHazardAndOrder(t *testing.T) {
	t.Parallel()
	b := setupE2E(t)
	b.demoOperation("春季安全生产联合执法")
	task := b.pendingTaskOf("emb-lead")
	b.must(200, "emb-lead", "POST", fmt.Sprintf("/api/v1/tasks/%d/accept", task.ID),
		map[string]any{"inspector_ids": []int64{b.inspectorID("u-emb-inspector1"), b.inspectorID("u-emb-inspector2")}}, nil)

	chromium := newChromium(t)
	inspector := b.signIn(chromium, "emb-inspector1", "/")
	inspector.wantText("main", "我的检查任务", task.EnterpriseName)
	inspector.do(chromedp.Click(fmt.Sprintf(`a[href="/visits/%d"]`, task.VisitID)), chromedp.WaitVisible(`#hazard-form`))
	inspector.wantText("main", task.EnterpriseName, "检查清单", "应急管理局", "尚未记录隐患")
	// The demo operation draws grade-1 enterprises of the demo data.
	inspector.wantText("dl.facts", "统一社会信用代码", task.EnterpriseCreditCode, task.EnterpriseAddress,
		task.IndustryCode+" "+task.IndustryName, task.SubdistrictName, "一级（高风险）")

	desc := "二层钢平台临边防护栏杆缺失，存在高处坠落风险"
	inspector.do(
		chromedp.SetValue(`#severity`, "major"),
		chromedp.SetValue(`#description`, desc),
		chromedp.SetUploadFiles(`#photo`, []string{visitPhotoPNG(t)}),
		chromedp.Click(`#record-hazard`),
		chromedp.WaitVisible(`#order-form`),
		chromedp.WaitVisible(`#hazards img.thumb`),
	)
	inspector.wantText("p.flash", "隐患已记录")
	inspector.wantText("#hazards", desc, "重大隐患", "未下达")
	// The thumbnail is the photo itself, served to the signed-in inspector.
	width, err := chromedp.Run(inspector.ctx, chromedp.Poll[int](
		`document.querySelector('#hazards img.thumb').complete && document.querySelector('#hazards img.thumb').naturalWidth`,
		chromedp.WithPollingTimeout(10*time.Second)))
	if err != nil || width != 8 {
		t.Errorf("thumbnail is %d px wide (%v), want the 8 px photo", width, err)
	}

	// The working-days field shows; the date field is hidden until chosen.
	inspector.do(
		chromedp.WaitVisible(`#due_working_days`),
		chromedp.WaitNotVisible(`#due_date`),
		chromedp.Click(`#order-form input[name="hazard_ids"]`),
		chromedp.SendKeys(`#due_working_days`, "5"),
	)
	// Before issuing, the page says what 5 working days come to (htmx asks
	// the server's working-day calendar as the number is typed).
	preview, err := chromedp.Run(inspector.ctx, chromedp.Poll[string](
		`(function(){ var t = document.querySelector('#due_working_days-preview').textContent; return t.indexOf('→') >= 0 ? t : null; })()`,
		chromedp.WithPollingTimeout(10*time.Second)))
	if err != nil || !strings.Contains(preview, "→ 2026年3月9日（周一）") {
		t.Errorf("due preview = %q (%v), want → 2026年3月9日（周一）", preview, err)
	}
	inspector.do(
		chromedp.Click(`#issue-order`),
		chromedp.WaitVisible(`li.order`),
	)
	inspector.wantText("p.flash", "整改通知已下达")
	// Five working days from Monday 2 March: Monday 9 March.
	inspector.wantText("li.order", "2026年3月9日（周一）", "下达后 5 个工作日", "重大隐患", "整改中")

	// A second hazard, without a photo, for the screenshot to show the
	// order form as well.
	inspector.do(
		chromedp.SetValue(`#description`, "配电箱未上锁，无警示标识"),
		chromedp.Click(`#record-hazard`),
		chromedp.WaitVisible(`#order-form`),
	)
	inspector.wantText("li.order", "2026年3月9日（周一）")
	inspector.shot("visit")

	var v enforcement.Visit
	b.must(200, "emb-inspector1", "GET", fmt.Sprintf("/api/v1/visits/%d", task.VisitID), nil, &v)
	var orders struct {
		Orders []*enforcement.RectificationOrder `json:"rectification_orders"`
	}
	b.must(200, "emb-inspector1", "GET", "/api/v1/rectification-orders", nil, &orders)
	if len(v.Hazards) != 2 || len(orders.Orders) != 1 {
		t.Fatalf("visit has %d hazards, %d orders; want 2 and 1", len(v.Hazards), len(orders.Orders))
	}
	photos := v.Hazards[0].Attachments
	if len(photos) != 1 || photos[0].ContentType != "image/png" || photos[0].Filename != "现场照片.png" || len(v.Hazards[1].Attachments) != 0 {
		t.Fatalf("photos of the hazards = %+v, %+v; want the first hazard's PNG", photos, v.Hazards[1].Attachments)
	}
	var o enforcement.RectificationOrder
	b.must(200, "emb-inspector1", "GET", fmt.Sprintf("/api/v1/rectification-orders/%d", orders.Orders[0].ID), nil, &o)
	if o.DueOn.String() != "2026-03-09" || o.DueRule != "working_days:5" || len(o.Attachments) != 0 {
		t.Errorf("order due %s by %q with %d files; want 2026-03-09 by working_days:5, the photo on the hazard", o.DueOn, o.DueRule, len(o.Attachments))
	}
	// The photo is the team's: a lead of a department not on the visit
	// does not find it.
	photo := fmt.Sprintf("/api/v1/attachments/%d", photos[0].ID)
	b.must(200, "emb-lead", "GET", photo, nil, nil)
	b.must(200, "coordinator", "GET", photo, nil, nil)
	if code := b.call("hcb-lead", "GET", photo, nil, nil); code != 404 {
		t.Errorf("HCB lead reading the photo: %d, want 404", code)
	}
}
