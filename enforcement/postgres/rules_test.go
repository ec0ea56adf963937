package postgres_test

import (
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jointops/jointops/enforcement"
)

// wantField fails unless err is EINVALID on field, and returns its message.
func wantField(t *testing.T, err error, field string) string {
	t.Helper()
	var e *enforcement.Error
	if !errors.As(err, &e) || e.Code != enforcement.EINVALID || e.Fields[field] == "" {
		t.Fatalf("err = %v; want EINVALID on the field %q", err, field)
	}
	return e.Message
}

// declinedMSATask plans and has MSA decline its first task; it returns the
// task.
func (b *testBundle) declinedMSATask(t *testing.T) *enforcement.Task {
	t.Helper()
	b.plannedOperation(t)
	tasks, err := b.db.FindTasks(b.as("msa-lead"), enforcement.TaskFilter{})
	if err != nil {
		t.Fatal(err)
	}
	task, err := b.db.DeclineTask(b.as("msa-lead"), tasks[0].ID, "人手不足")
	if err != nil {
		t.Fatal(err)
	}
	return task
}

func TestReassignRefusesTheDepartmentThatDeclined(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.addPerson(t, "fire-lead", "FIRE", enforcement.RoleDeptLead)
	declined := b.declinedMSATask(t)

	_, err := b.db.ReassignTask(b.as("coord"), declined.ID, "MSA")
	if msg := wantField(t, err, "department"); !strings.Contains(msg, "MSA declined this task") {
		t.Fatalf("message = %q", msg)
	}
	if n := count(t, b.pool, `SELECT count(*) FROM tasks WHERE visit_id = $1 AND department_code = 'MSA' AND status = 'pending'`, declined.VisitID); n != 0 {
		t.Fatalf("a new MSA task was made for the visit MSA declined")
	}

	// Handed on to FIRE, who declines too: neither FIRE nor MSA (who
	// declined the task it came from) gets it back.
	fire, err := b.db.ReassignTask(b.as("coord"), declined.ID, "FIRE")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.db.DeclineTask(b.as("fire-lead"), fire.ID, "不在职责范围"); err != nil {
		t.Fatal(err)
	}
	for _, dept := range []string{"FIRE", "MSA"} {
		_, err := b.db.ReassignTask(b.as("coord"), fire.ID, dept)
		if msg := wantField(t, err, "department"); !strings.Contains(msg, dept+" declined this task") {
			t.Fatalf("%s: message = %q", dept, msg)
		}
	}
}

func TestReassignNeedsAVisitAfterToday(t *testing.T) {
	t.Parallel()
	b := setup(t) // Monday 2026-03-02, 10:00 in Shanghai
	b.addPerson(t, "fire-lead", "FIRE", enforcement.RoleDeptLead)
	declined := b.declinedMSATask(t)
	setVisit := func(date string) {
		mustExec(t, b.pool, `UPDATE visits SET scheduled_on = $2 WHERE id = $1`, declined.VisitID, date)
	}

	for _, date := range []string{"2026-02-27", "2026-03-02"} { // last Friday, today
		setVisit(date)
		_, err := b.db.ReassignTask(b.as("coord"), declined.ID, "FIRE")
		wantCode(t, err, enforcement.ECONFLICT)
		if msg := enforcement.ErrorMessage(err); !strings.Contains(msg, "visit date has passed") || !strings.Contains(msg, date) {
			t.Fatalf("visit on %s: message = %q", date, msg)
		}
	}
	if n := count(t, b.pool, `SELECT count(*) FROM tasks WHERE department_code = 'FIRE'`); n != 0 {
		t.Fatalf("%d FIRE tasks made for a visit that has passed", n)
	}

	// A visit on Wednesday: two working days would be Wednesday itself,
	// so the task is due on Tuesday, the working day before the visit.
	setVisit("2026-03-04")
	task, err := b.db.ReassignTask(b.as("coord"), declined.ID, "FIRE")
	if err != nil {
		t.Fatal(err)
	}
	loc := b.db.Location
	if task.AcceptanceDueOn.String() != "2026-03-03" || !task.AcceptanceDueAt.Equal(time.Date(2026, 3, 4, 0, 0, 0, 0, loc)) {
		t.Fatalf("due %s (%s), want 2026-03-03 (end of day)", task.AcceptanceDueOn, task.AcceptanceDueAt)
	}
	if n := count(t, b.pool, `SELECT count(*) FROM escalations WHERE subject_kind = 'task' AND subject_id = $1 AND due_on = '2026-03-03'`, task.ID); n != 1 {
		t.Fatalf("the acceptance escalation is not on the capped due date")
	}
}

func TestReassignForAVisitTomorrowIsDueToday(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.addPerson(t, "fire-lead", "FIRE", enforcement.RoleDeptLead)
	declined := b.declinedMSATask(t)
	mustExec(t, b.pool, `UPDATE visits SET scheduled_on = '2026-03-03' WHERE id = $1`, declined.VisitID)
	task, err := b.db.ReassignTask(b.as("coord"), declined.ID, "FIRE")
	if err != nil {
		t.Fatal(err)
	}
	if task.AcceptanceDueOn.String() != "2026-03-02" {
		t.Fatalf("due %s, want today 2026-03-02", task.AcceptanceDueOn)
	}
}

func TestFreeTextIsBounded(t *testing.T) {
	t.Parallel()
	b := setup(t)
	visitID := b.acceptedVisit(t)
	o := b.issueOrder(t, visitID, 5) // due Mon 9 March
	long := func(n int) string { return strings.Repeat("隐", n) }
	msaTasks, _ := b.db.FindTasks(b.as("msa-lead"), enforcement.TaskFilter{})
	op, _ := b.db.FindOperationByID(b.as("coord"), msaTasks[0].OperationID)

	// The 1,000,000-character decline reason QA stored.
	_, err := b.db.DeclineTask(b.as("msa-lead"), msaTasks[0].ID, strings.Repeat("x", 1_000_000))
	if msg := wantField(t, err, "reason"); !strings.Contains(msg, "2000") {
		t.Fatalf("message = %q", msg)
	}
	for name, call := range map[string]struct {
		field string
		err   func() error
	}{
		"decline reason": {"reason", func() error {
			_, err := b.db.DeclineTask(b.as("msa-lead"), msaTasks[0].ID, long(enforcement.MaxDeclineReasonRunes+1))
			return err
		}},
		"operation cancel reason": {"reason", func() error {
			_, err := b.db.CancelOperation(b.as("coord"), op.ID, long(enforcement.MaxOperationCancelReasonRunes+1))
			return err
		}},
		"hazard description": {"description", func() error {
			_, err := b.db.RecordHazard(b.as("emb-i1"), &enforcement.HazardCreate{VisitID: visitID, Severity: enforcement.SeverityGeneral,
				Description: long(enforcement.MaxHazardDescriptionRunes + 1)})
			return err
		}},
		"evidence text": {"text", func() error {
			_, err := b.db.SubmitEvidence(b.as("emb-i1"), o.ID, &enforcement.EvidenceCreate{Text: long(enforcement.MaxEvidenceTextRunes + 1)})
			return err
		}},
		"extension reason": {"reason", func() error {
			_, err := b.db.RequestExtension(b.as("emb-i1"), o.ID, &enforcement.ExtensionCreate{
				Reason: long(enforcement.MaxExtensionReasonRunes + 1), ProposedDueDate: enforcement.MustParseDate("2026-03-16")})
			return err
		}},
		"order cancel reason": {"reason", func() error {
			_, err := b.db.CancelOrder(b.as("emb-lead"), o.ID, long(enforcement.MaxOrderCancelReasonRunes+1))
			return err
		}},
		"recusal reason": {"reason", func() error {
			return b.db.CreateRecusal(b.as("admin"), &enforcement.Recusal{InspectorID: b.roster["emb-i1"], EnterpriseID: 1,
				Reason: long(enforcement.MaxRecusalReasonRunes + 1)})
		}},
	} {
		if err := call.err(); err == nil {
			t.Errorf("%s: a too long text was taken", name)
		} else {
			var e *enforcement.Error
			if !errors.As(err, &e) || e.Code != enforcement.EINVALID || e.Fields[call.field] == "" {
				t.Errorf("%s: err = %v; want EINVALID on %q", name, err, call.field)
			}
		}
	}
	// Nothing of it was stored.
	for _, sql := range []string{
		`SELECT count(*) FROM tasks WHERE status = 'declined'`,
		`SELECT count(*) FROM operations WHERE status = 'cancelled'`,
		`SELECT count(*) FROM hazards WHERE length(description) > 4000`,
		`SELECT count(*) FROM rectification_orders WHERE status <> 'open'`,
		`SELECT count(*) FROM extensions`,
		`SELECT count(*) FROM recusals`,
	} {
		if n := count(t, b.pool, sql); n != 0 {
			t.Errorf("%s = %d, want 0", sql, n)
		}
	}

	// At the limit, after trimming, the text is taken.
	if _, err := b.db.DeclineTask(b.as("msa-lead"), msaTasks[0].ID, "  "+long(enforcement.MaxDeclineReasonRunes)+"\n"); err != nil {
		t.Fatal(err)
	}

	// The verification note and the extension's note, on an order that
	// has evidence and one with a pending request.
	if _, err := b.db.SubmitEvidence(b.as("emb-i1"), o.ID, &enforcement.EvidenceCreate{Text: "已更换"}); err != nil {
		t.Fatal(err)
	}
	_, err = b.db.VerifyOrder(b.as("emb-i1"), o.ID, &enforcement.VerificationCreate{Passed: ptr(true), Note: long(enforcement.MaxVerificationNoteRunes + 1)})
	wantField(t, err, "note")
	o2 := b.issueOrder(t, visitID, 5)
	ext, err := b.db.RequestExtension(b.as("emb-i1"), o2.ID, &enforcement.ExtensionCreate{Reason: "设备到货延迟", ProposedDueDate: enforcement.MustParseDate("2026-03-16")})
	if err != nil {
		t.Fatal(err)
	}
	_, err = b.db.RefuseExtension(b.as("emb-lead"), ext.ID, &enforcement.ExtensionDecision{Note: long(enforcement.MaxExtensionNoteRunes + 1)})
	wantField(t, err, "note")
	_, err = b.db.ApproveExtension(b.as("emb-lead"), ext.ID, &enforcement.ExtensionDecision{Note: long(enforcement.MaxExtensionNoteRunes + 1)})
	wantField(t, err, "note")
	if n := count(t, b.pool, `SELECT count(*) FROM verifications`) + count(t, b.pool, `SELECT count(*) FROM extensions WHERE status <> 'pending'`); n != 0 {
		t.Fatalf("%d verifications or answers stored with a too long note", n)
	}
}

func TestDueDateAsADateIsAtMostAYearAway(t *testing.T) {
	t.Parallel()
	b := setup(t) // issued on Monday 2026-03-02
	visitID := b.acceptedVisit(t)
	h, err := b.db.RecordHazard(b.as("emb-i1"), &enforcement.HazardCreate{VisitID: visitID, Severity: enforcement.SeverityGeneral, Description: "疏散通道堵塞"})
	if err != nil {
		t.Fatal(err)
	}
	issue := func(date string) (*enforcement.RectificationOrder, error) {
		d := enforcement.MustParseDate(date)
		return b.db.IssueOrder(b.as("emb-i1"), &enforcement.OrderCreate{HazardIDs: []int64{h.ID}, DueRule: enforcement.DueRule{Date: &d}})
	}
	for _, date := range []string{"2099-01-01", "2027-03-04"} { // 2026-03-02 + 366 days is 2027-03-03
		_, err := issue(date)
		if msg := wantField(t, err, "due_date"); !strings.Contains(msg, "no later than 2027-03-03") {
			t.Fatalf("%s: message = %q", date, msg)
		}
	}
	o, err := issue("2027-03-03") // a Wednesday, the last day allowed
	if err != nil {
		t.Fatal(err)
	}

	// A failed verification's new due date: at most a year after the
	// day of the verification.
	if _, err := b.db.SubmitEvidence(b.as("emb-i1"), o.ID, &enforcement.EvidenceCreate{Text: "已清理"}); err != nil {
		t.Fatal(err)
	}
	b.clock.Advance(24 * time.Hour) // Tuesday 2026-03-03
	far := enforcement.MustParseDate("2099-01-01")
	_, err = b.db.VerifyOrder(b.as("emb-i1"), o.ID, &enforcement.VerificationCreate{Passed: ptr(false), Note: "仍堵塞", NewDue: enforcement.DueRule{Date: &far}})
	if msg := wantField(t, err, "new_due.due_date"); !strings.Contains(msg, "no later than 2027-03-04") {
		t.Fatalf("message = %q", msg)
	}
	if n := count(t, b.pool, `SELECT count(*) FROM verifications`); n != 0 {
		t.Fatalf("%d verifications stored", n)
	}
}

func TestOrderOfForeignHazardsNamesOnlyThem(t *testing.T) {
	t.Parallel()
	b := setup(t)
	visitID := b.acceptedVisit(t) // the metal works: EMB only
	// MSA's task on a restaurant, accepted so that MSA records a hazard.
	msaTasks, _ := b.db.FindTasks(b.as("msa-lead"), enforcement.TaskFilter{})
	if _, err := b.db.AcceptTask(b.as("msa-lead"), msaTasks[0].ID, b.rosterIDs("msa-i1", "msa-i2")); err != nil {
		t.Fatal(err)
	}
	foreign, err := b.db.RecordHazard(b.as("msa-i1"), &enforcement.HazardCreate{VisitID: msaTasks[0].VisitID, Severity: enforcement.SeverityGeneral, Description: "食品过期"})
	if err != nil {
		t.Fatal(err)
	}
	own, err := b.db.RecordHazard(b.as("emb-i1"), &enforcement.HazardCreate{VisitID: visitID, Severity: enforcement.SeverityGeneral, Description: "灭火器过期"})
	if err != nil {
		t.Fatal(err)
	}
	days := 5
	_, err = b.db.IssueOrder(b.as("emb-i1"), &enforcement.OrderCreate{HazardIDs: []int64{own.ID, foreign.ID}, DueRule: enforcement.DueRule{WorkingDays: &days}})
	msg := wantField(t, err, "hazard_ids")
	if want := "Hazard " + itoa(foreign.ID) + " is not your department's"; !strings.Contains(msg, want) {
		t.Fatalf("message = %q; want it to say %q", msg, want)
	}
	if strings.Contains(msg, itoa(own.ID)) {
		t.Fatalf("message = %q names the department's own hazard %d", msg, own.ID)
	}

	// Likewise a hazard already ordered is named alone.
	if _, err := b.db.IssueOrder(b.as("emb-i1"), &enforcement.OrderCreate{HazardIDs: []int64{own.ID}, DueRule: enforcement.DueRule{WorkingDays: &days}}); err != nil {
		t.Fatal(err)
	}
	other, err := b.db.RecordHazard(b.as("emb-i1"), &enforcement.HazardCreate{VisitID: visitID, Severity: enforcement.SeverityGeneral, Description: "配电箱未上锁"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = b.db.IssueOrder(b.as("emb-i1"), &enforcement.OrderCreate{HazardIDs: []int64{own.ID, other.ID}, DueRule: enforcement.DueRule{WorkingDays: &days}})
	wantCode(t, err, enforcement.ECONFLICT)
	if msg := enforcement.ErrorMessage(err); !strings.Contains(msg, "Hazard "+itoa(own.ID)+" is already") || strings.Contains(msg, itoa(other.ID)) {
		t.Fatalf("message = %q", msg)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func TestUploadsAreCheckedAndNamedByTheirType(t *testing.T) {
	t.Parallel()
	b := setup(t)
	o := b.issueOrder(t, b.acceptedVisit(t), 5)
	add := func(name string, data []byte) (*enforcement.Attachment, error) {
		return b.db.AddAttachment(b.as("emb-i1"), o.ID, &enforcement.AttachmentCreate{Filename: name, Data: data})
	}
	junkPNG := append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), make([]byte, 64)...)
	photo := encodePhoto("jpeg", 16, 12)
	for name, data := range map[string][]byte{
		"empty.png":     {},
		"junk.png":      junkPNG,
		"truncated.jpg": photo[:len(photo)/2],
		"junk.jpg":      append([]byte("\xff\xd8\xff\xe0"), make([]byte, 200)...),
	} {
		_, err := add(name, data)
		wantField(t, err, "file")
	}
	if n := count(t, b.pool, `SELECT count(*) FROM attachments`); n != 0 {
		t.Fatalf("%d bad files stored", n)
	}

	// A PNG named evil.exe is stored as evil.png; a JPEG keeps .JPG.
	att, err := add("evil.exe", hazardPhotoPNG)
	if err != nil {
		t.Fatal(err)
	}
	if att.Filename != "evil.png" || att.ContentType != "image/png" {
		t.Fatalf("stored as %q (%s), want evil.png", att.Filename, att.ContentType)
	}
	if _, data, err := b.db.FindAttachment(b.as("emb-lead"), att.ID); err != nil || string(data) != string(hazardPhotoPNG) {
		t.Fatalf("find: %v", err)
	}
	att, err = add("整改后.JPG", photo)
	if err != nil {
		t.Fatal(err)
	}
	if att.Filename != "整改后.JPG" || att.ContentType != "image/jpeg" {
		t.Fatalf("stored as %q (%s)", att.Filename, att.ContentType)
	}
	if n := count(t, b.pool, `SELECT count(*) FROM audit_events WHERE action = 'rectification_order.attachment_added' AND details->>'filename' = 'evil.png'`); n != 1 {
		t.Fatalf("the audit trail does not name the stored file name")
	}

	// A hazard's photo is checked alike, and nothing is recorded.
	visitID := o.VisitID
	_, err = b.db.RecordHazard(b.as("emb-i1"), &enforcement.HazardCreate{VisitID: visitID, Severity: enforcement.SeverityGeneral,
		Description: "配电箱未上锁", Photo: &enforcement.AttachmentCreate{Filename: "现场.png", Data: junkPNG}})
	wantField(t, err, "photo")
	_, err = b.db.RecordHazard(b.as("emb-i1"), &enforcement.HazardCreate{VisitID: visitID, Severity: enforcement.SeverityGeneral,
		Description: "配电箱未上锁", Photo: &enforcement.AttachmentCreate{Filename: "现场.png", Data: []byte{}}})
	wantField(t, err, "photo")
	h, err := b.db.RecordHazard(b.as("emb-i1"), &enforcement.HazardCreate{VisitID: visitID, Severity: enforcement.SeverityGeneral,
		Description: "配电箱未上锁", Photo: &enforcement.AttachmentCreate{Filename: "setup.exe", Data: photo}})
	if err != nil {
		t.Fatal(err)
	}
	if h.Attachments[0].Filename != "setup.jpg" {
		t.Fatalf("hazard photo stored as %q, want setup.jpg", h.Attachments[0].Filename)
	}
}

func TestCancelledOperationSaysWhoWhenAndWhy(t *testing.T) {
	t.Parallel()
	b := setup(t)
	op := b.plannedOperation(t)
	if op.CancelReason != "" || op.CancelledAt != nil || op.CancelledBy != nil {
		t.Fatalf("a planned operation has cancel facts: %+v", op)
	}
	b.clock.Advance(time.Hour)
	before := b.clock.Now()
	got, err := b.db.CancelOperation(b.as("coord"), op.ID, "  台风预警，行动取消  ")
	if err != nil {
		t.Fatal(err)
	}
	after := b.clock.Now()
	for _, o := range []*enforcement.Operation{got, mustFindOperation(t, b, op.ID)} {
		if o.CancelReason != "台风预警，行动取消" || o.CancelledAt == nil ||
			o.CancelledAt.Before(before.Truncate(time.Microsecond)) || o.CancelledAt.After(after) ||
			o.CancelledBy == nil || o.CancelledBy.ID != b.people["coord"].UserID || o.CancelledBy.Name != "coord" {
			t.Fatalf("operation = reason %q at %v by %+v", o.CancelReason, o.CancelledAt, o.CancelledBy)
		}
	}
	ops, err := b.db.FindOperations(b.as("emb-lead"), enforcement.OperationFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(ops) != 1 || ops[0].CancelReason != "台风预警，行动取消" {
		t.Fatalf("the list does not carry the reason: %+v", ops)
	}
}

func mustFindOperation(t *testing.T, b *testBundle, id int64) *enforcement.Operation {
	t.Helper()
	op, err := b.db.FindOperationByID(b.as("emb-lead"), id)
	if err != nil {
		t.Fatal(err)
	}
	return op
}
