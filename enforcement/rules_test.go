package enforcement_test

import (
	"bytes"
	"errors"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"strings"
	"testing"

	"github.com/jointops/jointops/enforcement"
)

// fieldOf returns the field of an EINVALID error with one field, or "".
func fieldOf(err error) string {
	var e *enforcement.Error
	if !errors.As(err, &e) || e.Code != enforcement.EINVALID {
		return ""
	}
	for f := range e.Fields {
		return f
	}
	return ""
}

func TestReassignedAcceptanceDue(t *testing.T) {
	t.Parallel()
	cal := enforcement.WeekdayCalendar{}
	d := enforcement.MustParseDate
	for _, c := range []struct {
		name, today, visit, want string
	}{
		{"far visit: the default", "2026-03-02", "2026-03-13", "2026-03-04"},
		{"visit the day after the default", "2026-03-02", "2026-03-05", "2026-03-04"},
		{"visit on the default day: the working day before", "2026-03-02", "2026-03-04", "2026-03-03"},
		{"visit tomorrow: today", "2026-03-02", "2026-03-03", "2026-03-02"},
		{"visit Monday, reassigned Friday: today", "2026-03-06", "2026-03-09", "2026-03-06"},
		{"visit Tuesday, reassigned Friday: Monday", "2026-03-06", "2026-03-10", "2026-03-09"},
		{"reassigned Saturday, visit Monday: never before today", "2026-03-07", "2026-03-09", "2026-03-07"},
	} {
		got, err := enforcement.ReassignedAcceptanceDue(cal, d(c.today), d(c.visit), enforcement.DefaultAcceptanceWorkingDays)
		if err != nil || got.String() != c.want {
			t.Errorf("%s: got %s, %v; want %s", c.name, got, err, c.want)
		}
	}
	for _, visit := range []string{"2026-03-02", "2026-02-27"} {
		_, err := enforcement.ReassignedAcceptanceDue(cal, d("2026-03-02"), d(visit), 2)
		if enforcement.ErrorCode(err) != enforcement.ECONFLICT || !strings.Contains(enforcement.ErrorMessage(err), "visit date has passed") {
			t.Errorf("visit on %s: err = %v; want ECONFLICT, the visit date has passed", visit, err)
		}
	}
}

func TestFreeTextLimits(t *testing.T) {
	t.Parallel()
	// Characters are runes, counted after trimming.
	text := func(n int) string { return " \n" + strings.Repeat("整", n) + "\t " }
	for _, c := range []struct {
		name, field string
		max         int
		check       func(s string) error
	}{
		{"decline reason", "reason", enforcement.MaxDeclineReasonRunes, func(s string) error { _, err := enforcement.ValidateDeclineReason(s); return err }},
		{"operation cancel reason", "reason", enforcement.MaxOperationCancelReasonRunes, func(s string) error { _, err := enforcement.ValidateOperationCancelReason(s); return err }},
		{"order cancel reason", "reason", enforcement.MaxOrderCancelReasonRunes, func(s string) error { _, err := enforcement.ValidateOrderCancelReason(s); return err }},
		{"operation title", "title", enforcement.MaxTitleRunes, func(s string) error {
			c := &enforcement.OperationCreate{Title: s, LeadDepartment: "EMB", WindowStart: enforcement.MustParseDate("2026-03-09"), WindowEnd: enforcement.MustParseDate("2026-03-13")}
			return c.Validate()
		}},
		{"hazard description", "description", enforcement.MaxHazardDescriptionRunes, func(s string) error {
			return (&enforcement.HazardCreate{VisitID: 1, Severity: enforcement.SeverityGeneral, Description: s}).Validate(1 << 20)
		}},
		{"evidence text", "text", enforcement.MaxEvidenceTextRunes, func(s string) error { return (&enforcement.EvidenceCreate{Text: s}).Validate() }},
		{"verification note", "note", enforcement.MaxVerificationNoteRunes, func(s string) error {
			passed := true
			return (&enforcement.VerificationCreate{Passed: &passed, Note: s}).Validate()
		}},
		{"extension reason", "reason", enforcement.MaxExtensionReasonRunes, func(s string) error {
			return (&enforcement.ExtensionCreate{Reason: s, ProposedDueDate: enforcement.MustParseDate("2026-03-16")}).Validate(enforcement.MustParseDate("2026-03-09"))
		}},
		{"extension note (refusal)", "note", enforcement.MaxExtensionNoteRunes, func(s string) error {
			return (&enforcement.ExtensionDecision{Note: s}).Validate(enforcement.ExtensionRefused)
		}},
		{"extension note (approval)", "note", enforcement.MaxExtensionNoteRunes, func(s string) error {
			return (&enforcement.ExtensionDecision{Note: s}).Validate(enforcement.ExtensionApproved)
		}},
		{"calendar override note", "note", enforcement.MaxCalendarNoteRunes, func(s string) error {
			working := false
			return (&enforcement.CalendarOverride{Working: &working, Note: s}).Validate()
		}},
		{"recusal reason", "reason", enforcement.MaxRecusalReasonRunes, func(s string) error {
			return (&enforcement.Recusal{InspectorID: 1, EnterpriseID: 1, Reason: s}).Validate()
		}},
		{"inspector name", "name", enforcement.MaxPersonNameRunes, func(s string) error {
			return (&enforcement.InspectorCreate{Department: "EMB", Name: s, CertificateNo: "44030320230001"}).Validate()
		}},
		{"certificate number", "certificate_no", enforcement.MaxCertificateNoRunes, func(s string) error {
			return (&enforcement.InspectorCreate{Department: "EMB", Name: "李娜", CertificateNo: s}).Validate()
		}},
		{"webhook secret", "secret", enforcement.MaxWebhookSecretRunes, func(s string) error {
			c := &enforcement.WebhookCreate{URL: "https://example.com/hook", Secret: s}
			c.Normalize()
			return c.Validate()
		}},
	} {
		if err := c.check(text(c.max)); err != nil {
			t.Errorf("%s: %d characters refused: %v", c.name, c.max, err)
		}
		err := c.check(text(c.max + 1))
		if got := fieldOf(err); got != c.field {
			t.Errorf("%s: %d characters: err = %v; want EINVALID on %q", c.name, c.max+1, err, c.field)
		} else if msg := enforcement.ErrorMessage(err); !strings.Contains(msg, "at most") {
			t.Errorf("%s: the message does not say the limit: %q", c.name, msg)
		}
		if got := fieldOf(c.check("ab\x00c")); got != c.field {
			t.Errorf("%s: a NUL byte is not refused on %q", c.name, c.field)
		}
	}
	// The trimmed text is what is kept.
	if r, err := enforcement.ValidateDeclineReason("  人手不足 \n"); err != nil || r != "人手不足" {
		t.Fatalf("reason = %q, %v", r, err)
	}
	if _, err := enforcement.ValidateDeclineReason(" \t"); fieldOf(err) != "reason" {
		t.Fatalf("an empty reason: %v", err)
	}
}

func TestEnterpriseAndRosterRowsAreBounded(t *testing.T) {
	t.Parallel()
	e := &enforcement.Enterprise{CreditCode: "91350100M000100Y43", Name: strings.Repeat("甲", enforcement.MaxEnterpriseNameRunes+1),
		Address: strings.Repeat("路", enforcement.MaxAddressRunes+1), Subdistrict: "440303001", Industry: "3311", RiskGrade: 1}
	err := enforcement.ValidateEnterpriseRegister([]*enforcement.Enterprise{e})
	var ie *enforcement.ImportError
	if !errors.As(err, &ie) {
		t.Fatalf("err = %v; want an *ImportError", err)
	}
	fields := map[string]bool{}
	for _, r := range ie.Rows {
		fields[r.Field] = true
	}
	if !fields[enforcement.ColumnName] || !fields[enforcement.ColumnAddress] {
		t.Fatalf("rows = %+v; want the name and the address", ie.Rows)
	}
	err = enforcement.ValidateInspectorRoster([]*enforcement.InspectorCreate{{Department: "EMB", Name: strings.Repeat("李", enforcement.MaxPersonNameRunes+1), CertificateNo: "1"}})
	if !errors.As(err, &ie) || len(ie.Rows) != 1 || ie.Rows[0].Field != enforcement.ColumnName {
		t.Fatalf("roster: err = %v", err)
	}
}

func TestDueDateAsADateIsBounded(t *testing.T) {
	t.Parallel()
	cal := enforcement.WeekdayCalendar{}
	issued := enforcement.MustParseDate("2026-03-02")
	if got := enforcement.LatestDueDate(issued).String(); got != "2027-03-03" {
		t.Fatalf("latest = %s", got)
	}
	for _, s := range []string{"2099-01-01", "2027-03-04"} {
		d := enforcement.MustParseDate(s)
		_, _, err := enforcement.DueRule{Date: &d}.Resolve(cal, issued)
		if fieldOf(err) != "due_date" || !strings.Contains(enforcement.ErrorMessage(err), "no later than 2027-03-03") {
			t.Errorf("%s: err = %v", s, err)
		}
	}
	d := enforcement.MustParseDate("2027-03-03")
	if got, rule, err := (enforcement.DueRule{Date: &d}).Resolve(cal, issued); err != nil || got != d || rule != "date" {
		t.Fatalf("the last day allowed: %s %s %v", got, rule, err)
	}
}

// photo returns a real 8×6 image in format "png" or "jpeg".
func photo(t *testing.T, format string) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 8, 6))
	for x := range 8 {
		img.Set(x, x%6, color.RGBA{R: 200, A: 255})
	}
	var buf bytes.Buffer
	var err error
	if format == "jpeg" {
		err = jpeg.Encode(&buf, img, nil)
	} else {
		err = png.Encode(&buf, img)
	}
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestAttachmentValidation(t *testing.T) {
	t.Parallel()
	pngData, jpegData := photo(t, "png"), photo(t, "jpeg")
	pdf := []byte("%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n")
	for _, c := range []struct {
		name     string
		data     []byte
		wantType string
		wantName string
	}{
		{"现场.png", pngData, "image/png", "现场.png"},
		{"evil.exe", pngData, "image/png", "evil.png"},
		{"photo.JPEG", jpegData, "image/jpeg", "photo.JPEG"},
		{"photo.png", jpegData, "image/jpeg", "photo.jpg"},
		{"scan", pdf, "application/pdf", "scan.pdf"},
		{`C:\相机\invoice.pdf`, pdf, "application/pdf", "invoice.pdf"},
		{"", pngData, "image/png", "file.png"},
		{strings.Repeat("长", 300) + ".exe", pngData, "image/png", strings.Repeat("长", enforcement.MaxFilenameRunes-4) + ".png"},
	} {
		a := &enforcement.AttachmentCreate{Filename: c.name, Data: c.data}
		ct, err := a.Validate(1 << 20)
		if err != nil || ct != c.wantType || a.Filename != c.wantName {
			t.Errorf("%q: %s %q %v; want %s %q", c.name, ct, a.Filename, err, c.wantType, c.wantName)
		}
	}
	for name, data := range map[string][]byte{
		"empty":                 {},
		"PNG header, junk":      append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), make([]byte, 64)...),
		"PNG cut short":         pngData[:len(pngData)-20],
		"JPEG header, junk":     append([]byte("\xff\xd8\xff\xe0\x00\x10JFIF\x00"), bytes.Repeat([]byte{0x42}, 300)...),
		"JPEG cut short":        jpegData[:len(jpegData)/2],
		"not a photo":           []byte("MZ\x90\x00 an executable"),
		"larger than the limit": append(pngData, make([]byte, 1<<20)...),
	} {
		_, err := (&enforcement.AttachmentCreate{Filename: "x.png", Data: data}).Validate(1 << 20)
		if fieldOf(err) != "file" {
			t.Errorf("%s: err = %v; want EINVALID on file", name, err)
		}
	}
	// A hazard's photo has its errors on "photo".
	h := &enforcement.HazardCreate{VisitID: 1, Severity: enforcement.SeverityGeneral, Description: "x", Photo: &enforcement.AttachmentCreate{Filename: "x.png"}}
	if err := h.Validate(1 << 20); fieldOf(err) != "photo" || !strings.Contains(enforcement.ErrorMessage(err), "empty") {
		t.Fatalf("an empty photo: %v", err)
	}
}
