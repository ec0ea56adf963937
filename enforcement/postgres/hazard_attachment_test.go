package postgres_test

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"strings"
	"testing"

	"github.com/jointops/jointops/enforcement"
)

// hazardPhotoPNG is a small real PNG: a photo must decode to be stored.
var hazardPhotoPNG = encodePhoto("png", 8, 6)

// encodePhoto returns a real image of w×h pixels, encoded as "png" or "jpeg".
func encodePhoto(format string, w, h int) []byte {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for x := range w {
		for y := range h {
			img.Set(x, y, color.RGBA{R: uint8(30 * x), G: 120, B: uint8(40 * y), A: 255})
		}
	}
	var buf bytes.Buffer
	var err error
	if format == "jpeg" {
		err = jpeg.Encode(&buf, img, nil)
	} else {
		err = png.Encode(&buf, img)
	}
	if err != nil {
		panic(err)
	}
	return buf.Bytes()
}

// addPerson signs up one more person, e.g. of a department on no visit.
func (b *testBundle) addPerson(t *testing.T, key, dept string, role enforcement.Role) {
	t.Helper()
	a := &enforcement.Actor{Issuer: "test", Subject: key, Name: key, Department: dept, Roles: []enforcement.Role{role}}
	if err := b.db.UpsertUser(b.ctx, a); err != nil {
		t.Fatal(err)
	}
	b.people[key] = a
}

func TestHazardPhotoWithoutAnOrder(t *testing.T) {
	t.Parallel()
	b := setup(t)
	visitID := b.acceptedVisit(t)
	b.addPerson(t, "fire-lead", "FIRE", enforcement.RoleDeptLead)
	b.addPerson(t, "fire-i1", "FIRE", enforcement.RoleInspector)
	h, err := b.db.RecordHazard(b.as("emb-i1"), &enforcement.HazardCreate{VisitID: visitID, Severity: enforcement.SeverityMajor, Description: "临边防护缺失"})
	if err != nil {
		t.Fatal(err)
	}

	att, err := b.db.AddHazardAttachment(b.as("emb-i1"), h.ID, &enforcement.AttachmentCreate{Filename: `C:\相机\现场.png`, Data: hazardPhotoPNG})
	if err != nil {
		t.Fatal(err)
	}
	if att.HazardID != h.ID || att.RectificationOrderID != 0 || att.ContentType != "image/png" || att.Filename != "现场.png" ||
		att.SizeBytes != int64(len(hazardPhotoPNG)) || att.UploadedBy != b.people["emb-i1"].UserID {
		t.Fatalf("attachment = %+v", att)
	}
	// The insert and its audit event are one transaction.
	if n := count(t, b.pool, `SELECT count(*) FROM audit_events WHERE action = 'hazard.attachment_added' AND subject_kind = 'hazard'
		AND subject_id = $1 AND (details->>'attachment_id')::bigint = $2`, h.ID, att.ID); n != 1 {
		t.Fatalf("%d audit events of the photo, want 1", n)
	}
	if n := count(t, b.pool, `SELECT count(*) FROM rectification_orders`); n != 0 {
		t.Fatalf("%d orders; the photo needs none", n)
	}

	// The visit lists the hazard's photos, without their bytes.
	v, err := b.db.FindVisitByID(b.as("emb-i2"), visitID)
	if err != nil {
		t.Fatal(err)
	}
	// It also tells what the enterprise is (the setup's 3311 or 6210 ones).
	if v.IndustryName != map[string]string{"3311": "金属结构制造", "6210": "正餐服务"}[v.IndustryCode] ||
		v.SubdistrictName == "" || !v.RiskGrade.Valid() || v.EnterpriseCreditCode != "" {
		t.Errorf("enterprise facts of the visit = %+v", v.EnterpriseFacts)
	}
	if len(v.Hazards) != 1 || v.Hazards[0].ID != h.ID {
		t.Fatalf("hazards of the visit = %+v", v.Hazards)
	}
	if got := v.Hazards[0].Attachments; len(got) != 1 || got[0].ID != att.ID || got[0].Filename != "现场.png" || got[0].SizeBytes != att.SizeBytes {
		t.Fatalf("photos of hazard %d = %+v", h.ID, got)
	}

	// Whoever sees the visit reads the photo; another department's lead
	// does not find it.
	for _, who := range []string{"emb-lead", "emb-i2", "coord", "admin"} {
		got, data, err := b.db.FindAttachment(b.as(who), att.ID)
		if err != nil {
			t.Fatalf("%s: %v", who, err)
		}
		if got.HazardID != h.ID || !bytes.Equal(data, hazardPhotoPNG) {
			t.Fatalf("%s read %+v, %d bytes", who, got, len(data))
		}
	}
	_, _, err = b.db.FindAttachment(b.as("fire-lead"), att.ID)
	wantCode(t, err, enforcement.ENOTFOUND)
	// MSA reads it exactly when it sees the visit.
	_, visitErr := b.db.FindVisitByID(b.as("msa-lead"), visitID)
	_, _, err = b.db.FindAttachment(b.as("msa-lead"), att.ID)
	if enforcement.ErrorCode(err) != enforcement.ErrorCode(visitErr) {
		t.Fatalf("MSA lead: visit %v, photo %v", visitErr, err)
	}

	// Adding: not found for a department not on the visit, whatever the
	// file; forbidden for a coordinator; refused when not a photo or scan.
	_, err = b.db.AddHazardAttachment(b.as("fire-i1"), h.ID, &enforcement.AttachmentCreate{Data: []byte("x")})
	wantCode(t, err, enforcement.ENOTFOUND)
	_, err = b.db.AddHazardAttachment(b.as("coord"), h.ID, &enforcement.AttachmentCreate{Data: hazardPhotoPNG})
	wantCode(t, err, enforcement.EFORBIDDEN)
	_, err = b.db.AddHazardAttachment(b.as("emb-i1"), h.ID, &enforcement.AttachmentCreate{Data: []byte("not a photo")})
	wantCode(t, err, enforcement.EINVALID)
	_, err = b.db.AddHazardAttachment(b.as("emb-i1"), h.ID, &enforcement.AttachmentCreate{Data: append(hazardPhotoPNG, make([]byte, enforcement.DefaultMaxAttachmentBytes)...)})
	wantCode(t, err, enforcement.EINVALID)
	_, err = b.db.AddHazardAttachment(b.as("emb-i1"), h.ID+1000, &enforcement.AttachmentCreate{Data: hazardPhotoPNG})
	wantCode(t, err, enforcement.ENOTFOUND)
	if n := count(t, b.pool, `SELECT count(*) FROM attachments`); n != 1 {
		t.Fatalf("%d attachments stored, want 1", n)
	}
}

func TestHazardRecordedWithItsPhoto(t *testing.T) {
	t.Parallel()
	b := setup(t)
	visitID := b.acceptedVisit(t)
	h, err := b.db.RecordHazard(b.as("emb-i1"), &enforcement.HazardCreate{VisitID: visitID, Severity: enforcement.SeverityGeneral,
		Description: "配电箱未上锁", Photo: &enforcement.AttachmentCreate{Filename: "现场.png", Data: hazardPhotoPNG}})
	if err != nil {
		t.Fatal(err)
	}
	if len(h.Attachments) != 1 || h.Attachments[0].HazardID != h.ID || h.Attachments[0].ContentType != "image/png" || h.Attachments[0].Filename != "现场.png" {
		t.Fatalf("photos of the new hazard = %+v", h.Attachments)
	}
	// One audit event each: the hazard, and its photo.
	for action, n := range map[string]int{"hazard.recorded": 1, "hazard.attachment_added": 1} {
		if got := count(t, b.pool, `SELECT count(*) FROM audit_events WHERE action = $1 AND subject_kind = 'hazard' AND subject_id = $2`, action, h.ID); got != n {
			t.Errorf("%d audit events %s, want %d", got, action, n)
		}
	}
	if n := count(t, b.pool, `SELECT count(*) FROM audit_events WHERE action = 'hazard.attachment_added' AND (details->>'attachment_id')::bigint = $1
		AND (details->>'visit_id')::bigint = $2`, h.Attachments[0].ID, visitID); n != 1 {
		t.Errorf("the photo's audit event does not name the photo and the visit")
	}
	v, err := b.db.FindVisitByID(b.as("emb-i2"), visitID)
	if err != nil {
		t.Fatal(err)
	}
	if len(v.Hazards) != 1 || len(v.Hazards[0].Attachments) != 1 || v.Hazards[0].Attachments[0].ID != h.Attachments[0].ID {
		t.Fatalf("hazards of the visit = %+v", v.Hazards)
	}
}

func TestHazardWithABadPhotoIsNotRecorded(t *testing.T) {
	t.Parallel()
	b := setup(t)
	visitID := b.acceptedVisit(t)
	for name, data := range map[string][]byte{
		"empty":     {},
		"not typed": []byte("not a photo"),
		"too large": append(hazardPhotoPNG, make([]byte, enforcement.DefaultMaxAttachmentBytes)...),
	} {
		_, err := b.db.RecordHazard(b.as("emb-i1"), &enforcement.HazardCreate{VisitID: visitID, Severity: enforcement.SeverityGeneral,
			Description: "配电箱未上锁", Photo: &enforcement.AttachmentCreate{Filename: "x.png", Data: data}})
		var e *enforcement.Error
		if !errors.As(err, &e) || e.Code != enforcement.EINVALID || e.Fields["photo"] == "" {
			t.Errorf("%s photo: %v; want EINVALID on the field photo", name, err)
		}
	}
	// A photo that passes the checks but fails to store takes the hazard
	// with it: the hazard and its photo are one transaction.
	mustExec(t, b.pool, `
		CREATE FUNCTION refuse_attachment() RETURNS trigger LANGUAGE plpgsql AS $$
		BEGIN RAISE EXCEPTION 'attachments are refused by the test'; END $$;
		CREATE TRIGGER refuse_attachment BEFORE INSERT ON attachments FOR EACH ROW EXECUTE FUNCTION refuse_attachment();`)
	if _, err := b.db.RecordHazard(b.as("emb-i1"), &enforcement.HazardCreate{VisitID: visitID, Severity: enforcement.SeverityGeneral,
		Description: "配电箱未上锁", Photo: &enforcement.AttachmentCreate{Filename: "x.png", Data: hazardPhotoPNG}}); err == nil {
		t.Fatal("a hazard was recorded while its photo could not be stored")
	}
	for _, sql := range []string{
		`SELECT count(*) FROM hazards`,
		`SELECT count(*) FROM attachments`,
		`SELECT count(*) FROM audit_events WHERE subject_kind = 'hazard'`,
		`SELECT count(*) FROM tasks WHERE status = 'in_progress'`,
	} {
		if n := count(t, b.pool, sql); n != 0 {
			t.Errorf("%s = %d, want 0: nothing is recorded with a bad photo", sql, n)
		}
	}
}

func TestHazardPhotoOfAnotherDepartmentOnTheVisit(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.plannedOperation(t)
	// A visit both EMB and MSA are on: a restaurant (6210 is in both remits).
	var visitID int64
	tasks, err := b.db.FindTasks(b.as("msa-lead"), enforcement.TaskFilter{})
	if err != nil || len(tasks) == 0 {
		t.Fatalf("MSA tasks: %v, %v", tasks, err)
	}
	for _, task := range tasks {
		if len(task.OtherDepartments) > 0 {
			visitID = task.VisitID
		}
	}
	if visitID == 0 {
		t.Fatal("no visit has both departments; every enterprise is drawn (ratio 1)")
	}
	accept := func(lead string, inspectors ...string) {
		t.Helper()
		ts, _ := b.db.FindTasks(b.as(lead), enforcement.TaskFilter{VisitID: &visitID})
		if _, err := b.db.AcceptTask(b.as(lead), ts[0].ID, b.rosterIDs(inspectors...)); err != nil {
			t.Fatal(err)
		}
	}
	accept("emb-lead", "emb-i1", "emb-i2")
	h, err := b.db.RecordHazard(b.as("emb-i1"), &enforcement.HazardCreate{VisitID: visitID, Severity: enforcement.SeverityGeneral, Description: "灭火器过期"})
	if err != nil {
		t.Fatal(err)
	}
	// MSA's task is pending: it sees the visit and EMB's hazard, but does
	// not add photos to another department's hazard.
	_, err = b.db.AddHazardAttachment(b.as("msa-i1"), h.ID, &enforcement.AttachmentCreate{Data: hazardPhotoPNG})
	wantCode(t, err, enforcement.EFORBIDDEN)
	att, err := b.db.AddHazardAttachment(b.as("emb-lead"), h.ID, &enforcement.AttachmentCreate{Filename: "a.png", Data: hazardPhotoPNG})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := b.db.FindAttachment(b.as("msa-lead"), att.ID); err != nil {
		t.Fatalf("MSA, on the visit, reads the photo: %v", err)
	}
}

func TestAttachmentBelongsToExactlyOneSubject(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	_, err := b.pool.Exec(ctx, `
		INSERT INTO attachments (filename, content_type, size_bytes, data, uploaded_by, created_at)
		VALUES ('a.png', 'image/png', 1, '\x89', $1, now())`, b.people["emb-i1"].UserID)
	if err == nil {
		t.Fatal("an attachment of neither an order nor a hazard was stored")
	}
}

// The visit page lists the photos of a visit's hazards through
// attachments_hazard_idx.
func TestHazardPhotosOfAVisitUseTheIndex(t *testing.T) {
	t.Parallel()
	b := setup(t)
	tx, err := b.pool.Begin(b.ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = tx.Rollback(b.ctx) }()
	// The tables are nearly empty: forbid the sequential scan a real
	// district's attachments table would not allow anyway.
	if _, err := tx.Exec(b.ctx, `SET LOCAL enable_seqscan = off`); err != nil {
		t.Fatal(err)
	}
	var plan strings.Builder
	rows, err := tx.Query(b.ctx, `EXPLAIN SELECT t.id FROM hazards h JOIN attachments t ON t.hazard_id = h.id WHERE h.visit_id = $1 ORDER BY t.id`, int64(1))
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
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(plan.String(), "attachments_hazard_idx") {
		t.Errorf("the plan does not use attachments_hazard_idx:\n%s", plan.String())
	}
}
