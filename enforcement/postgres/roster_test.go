package postgres_test

import (
	"context"
	"strings"
	"testing"

	"github.com/jointops/jointops/enforcement"
)

func (b *testBundle) createInspector(t *testing.T, who string, c *enforcement.InspectorCreate) *enforcement.Inspector {
	t.Helper()
	in, err := b.db.CreateInspector(b.as(who), c)
	if err != nil {
		t.Fatal(err)
	}
	return in
}

func TestRosterIsolation(t *testing.T) {
	t.Parallel()
	b := setup(t)
	emb := b.createInspector(t, "admin", &enforcement.InspectorCreate{Department: "emb", Name: " 陈志伟 ", CertificateNo: "44030320240103"})
	if emb.Department != "EMB" || emb.Name != "陈志伟" || !emb.Active || emb.UserID != nil {
		t.Fatalf("entry = %+v", emb)
	}

	// A lead of MSA sees MSA's roster whatever the parameter, gets 404 for
	// EMB's entry, and cannot add to EMB's roster.
	roster, err := b.db.FindInspectorRoster(b.as("msa-lead"), "EMB")
	if err != nil {
		t.Fatal(err)
	}
	if len(roster) != 2 || roster[0].Department != "MSA" || roster[1].Department != "MSA" {
		t.Fatalf("MSA lead sees %+v", roster)
	}
	_, err = b.db.SetInspectorActive(b.as("msa-lead"), emb.ID, false)
	wantCode(t, err, enforcement.ENOTFOUND)
	_, err = b.db.SetInspectorActive(b.as("msa-i1"), emb.ID, false)
	wantCode(t, err, enforcement.ENOTFOUND)
	_, err = b.db.CreateInspector(b.as("msa-lead"), &enforcement.InspectorCreate{Department: "EMB", Name: "x", CertificateNo: "1"})
	wantCode(t, err, enforcement.EFORBIDDEN)
	// Others read and change nothing.
	_, err = b.db.CreateInspector(b.as("msa-i1"), &enforcement.InspectorCreate{Department: "MSA", Name: "x", CertificateNo: "1"})
	wantCode(t, err, enforcement.EFORBIDDEN)
	_, err = b.db.SetInspectorActive(b.as("coord"), emb.ID, false)
	wantCode(t, err, enforcement.EFORBIDDEN)
	if all, _ := b.db.FindInspectorRoster(b.as("coord"), ""); len(all) != 5 {
		t.Fatalf("the coordinator sees %d entries, want 5", len(all))
	}

	// A lead adds to their own roster without naming the department.
	msa := b.createInspector(t, "msa-lead", &enforcement.InspectorCreate{Name: "许家豪", CertificateNo: "44030320210203"})
	if msa.Department != "MSA" {
		t.Fatalf("entry = %+v", msa)
	}

	// The EMB lead deactivates their entry: it leaves the acceptance picker.
	got, err := b.db.SetInspectorActive(b.as("emb-lead"), emb.ID, false)
	if err != nil {
		t.Fatal(err)
	}
	if got.Active {
		t.Fatal("still active")
	}
	if again, err := b.db.SetInspectorActive(b.as("emb-lead"), emb.ID, false); err != nil || again.Active {
		t.Fatalf("deactivating twice: %+v, %v", again, err)
	}
	picker, err := b.db.FindInspectors(b.as("emb-lead"), "")
	if err != nil {
		t.Fatal(err)
	}
	if len(picker) != 2 || picker[0].ID != b.roster["emb-i1"] || picker[1].ID != b.roster["emb-i2"] {
		t.Fatalf("picker = %+v", picker)
	}
	for action, want := range map[string]int{"inspector.created": 6, "inspector.deactivated": 1} {
		if n := count(t, b.pool, `SELECT count(*) FROM audit_events WHERE action = $1 AND subject_kind = 'inspector'`, action); n != want {
			t.Errorf("%d audit events %s, want %d", n, action, want)
		}
	}
}

func TestRosterInputAndCertificateConflict(t *testing.T) {
	t.Parallel()
	b := setup(t)
	_, err := b.db.CreateInspector(b.as("emb-lead"), &enforcement.InspectorCreate{Name: "孙强", CertificateNo: "44030320230001"})
	wantCode(t, err, enforcement.ECONFLICT) // emb-i1's number
	if e := err.(*enforcement.Error); e.Fields["certificate_no"] == "" {
		t.Fatalf("error %+v does not name certificate_no", e)
	}
	for _, c := range []enforcement.InspectorCreate{
		{Name: "", CertificateNo: "9"},
		{Name: "x", CertificateNo: " "},
		{Name: "x", CertificateNo: "9", Email: "not-an-address"},
	} {
		_, err := b.db.CreateInspector(b.as("emb-lead"), &c)
		wantCode(t, err, enforcement.EINVALID)
	}
	_, err = b.db.CreateInspector(b.as("admin"), &enforcement.InspectorCreate{Department: "NOPE", Name: "x", CertificateNo: "9"})
	wantCode(t, err, enforcement.EINVALID)
	if n := count(t, b.pool, `SELECT count(*) FROM inspectors`); n != 4 {
		t.Fatalf("%d entries after refused input", n)
	}
}

func TestRosterLinksUsers(t *testing.T) {
	t.Parallel()
	b := setup(t)
	// The setup's entries name their users' subjects: linked at once.
	if n := count(t, b.pool, `SELECT count(*) FROM inspectors i JOIN users u ON u.id = i.user_id AND u.subject = i.subject`); n != 4 {
		t.Fatalf("%d of 4 entries linked", n)
	}
	// An entry by e-mail links at the person's first sign-in, case blind.
	byMail := b.createInspector(t, "admin", &enforcement.InspectorCreate{Department: "FIRE", Name: "何勇", CertificateNo: "F1", Email: "He.Yong@example.gov.cn"})
	// An entry with a subject never links by e-mail.
	bySubject := b.createInspector(t, "admin", &enforcement.InspectorCreate{Department: "FIRE", Name: "马超", CertificateNo: "F2", Email: "he.yong@example.gov.cn", Subject: "fire-i2"})
	he := &enforcement.Actor{Issuer: "test", Subject: "fire-i1", Name: "何勇", Email: "he.yong@example.gov.cn", Department: "FIRE", Roles: []enforcement.Role{enforcement.RoleInspector}}
	for range 2 { // the second sign-in changes nothing
		if err := b.db.UpsertUser(b.ctx, he); err != nil {
			t.Fatal(err)
		}
	}
	roster, _ := b.db.FindInspectorRoster(b.as("admin"), "FIRE")
	for _, in := range roster {
		switch {
		case in.ID == byMail.ID && (in.UserID == nil || *in.UserID != he.UserID):
			t.Errorf("entry by e-mail = %+v, want user %d", in, he.UserID)
		case in.ID == bySubject.ID && in.UserID != nil:
			t.Errorf("entry with another subject linked by e-mail: %+v", in)
		}
	}
	if n := count(t, b.pool, `SELECT count(*) FROM audit_events WHERE action = 'inspector.linked' AND subject_id = $1`, byMail.ID); n != 1 {
		t.Fatalf("%d link audit events, want 1", n)
	}
}

// TestRosterLinkUsesIndexes: UpsertUser links roster entries on every
// request, so its lookups must read through the partial indexes.
func TestRosterLinkUsesIndexes(t *testing.T) {
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
		`SELECT id FROM inspectors WHERE subject <> '' AND subject = 'x' AND user_id IS DISTINCT FROM 1`:                   "inspectors_subject_idx",
		`SELECT id FROM inspectors WHERE email <> '' AND lower(email) = lower('X@y') AND subject = '' AND user_id IS NULL`: "inspectors_email_idx",
	} {
		var plan strings.Builder
		rows, err := conn.Query(b.ctx, "EXPLAIN "+sql)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var line string
			rows.Scan(&line)
			plan.WriteString(line + "\n")
		}
		if !strings.Contains(plan.String(), index) {
			t.Errorf("%s does not use %s:\n%s", sql, index, plan.String())
		}
	}
}

func TestRecusals(t *testing.T) {
	t.Parallel()
	b := setup(t)
	i1 := b.roster["emb-i1"]
	rec := &enforcement.Recusal{InspectorID: i1, EnterpriseID: 1, Reason: " 配偶在该企业任职 "}
	wantCode(t, b.db.CreateRecusal(b.as("msa-lead"), rec), enforcement.ENOTFOUND)
	wantCode(t, b.db.CreateRecusal(b.as("emb-i2"), rec), enforcement.EFORBIDDEN)
	wantCode(t, b.db.CreateRecusal(b.as("emb-lead"), &enforcement.Recusal{InspectorID: i1, EnterpriseID: 1}), enforcement.EINVALID)
	wantCode(t, b.db.CreateRecusal(b.as("emb-lead"), &enforcement.Recusal{InspectorID: i1, EnterpriseID: 999, Reason: "x"}), enforcement.EINVALID)
	if err := b.db.CreateRecusal(b.as("emb-lead"), rec); err != nil {
		t.Fatal(err)
	}
	if rec.Reason != "配偶在该企业任职" {
		t.Fatalf("reason %q not trimmed", rec.Reason)
	}
	wantCode(t, b.db.CreateRecusal(b.as("admin"), rec), enforcement.ECONFLICT)
	if n := count(t, b.pool, `SELECT count(*) FROM recusals WHERE created_by = $1`, b.people["emb-lead"].UserID); n != 1 {
		t.Fatalf("%d recusals by the lead", n)
	}

	wantCode(t, b.db.DeleteRecusal(b.as("msa-lead"), i1, 1), enforcement.ENOTFOUND)
	if err := b.db.DeleteRecusal(b.as("emb-lead"), i1, 1); err != nil {
		t.Fatal(err)
	}
	wantCode(t, b.db.DeleteRecusal(b.as("emb-lead"), i1, 1), enforcement.ENOTFOUND)
	for _, action := range []string{"recusal.created", "recusal.deleted"} {
		if n := count(t, b.pool, `SELECT count(*) FROM audit_events WHERE action = $1 AND subject_id = $2`, action, i1); n != 1 {
			t.Errorf("%d audit events %s", n, action)
		}
	}
}

func TestFrequencyRules(t *testing.T) {
	t.Parallel()
	b := setup(t)
	rules, err := b.db.FindFrequencyRules(b.as("coord"))
	if err != nil {
		t.Fatal(err)
	}
	want := enforcement.DefaultFrequencyRules()
	if len(rules) != len(want) {
		t.Fatalf("rules = %+v", rules)
	}
	for i := range want {
		if rules[i] != want[i] {
			t.Fatalf("rules = %+v, want the defaults %+v", rules, want)
		}
	}
	wantCode(t, b.db.SetFrequencyRule(b.as("admin"), enforcement.FrequencyRule{Grade: 2, MinPerYear: 3, MaxPerYear: 2}), enforcement.EINVALID)
	wantCode(t, b.db.SetFrequencyRule(b.as("admin"), enforcement.FrequencyRule{Grade: 4, MinPerYear: 0, MaxPerYear: 2}), enforcement.EINVALID)
	wantCode(t, b.db.SetFrequencyRule(b.as("admin"), enforcement.FrequencyRule{Grade: 2, MinPerYear: -1, MaxPerYear: 2}), enforcement.EINVALID)
	wantCode(t, b.db.SetFrequencyRule(b.as("coord"), enforcement.FrequencyRule{Grade: 2, MinPerYear: 1, MaxPerYear: 3}), enforcement.EFORBIDDEN)
	if err := b.db.SetFrequencyRule(b.as("admin"), enforcement.FrequencyRule{Grade: 2, MinPerYear: 1, MaxPerYear: 3}); err != nil {
		t.Fatal(err)
	}
	rules, _ = b.db.FindFrequencyRules(b.as("coord"))
	if rules[1] != (enforcement.FrequencyRule{Grade: 2, MinPerYear: 1, MaxPerYear: 3}) {
		t.Fatalf("rules = %+v", rules)
	}
	if n := count(t, b.pool, `SELECT count(*) FROM audit_events WHERE action = 'frequency_rule.updated' AND subject_id = 2`); n != 1 {
		t.Fatalf("%d audit events", n)
	}
	// The table refuses a bad rule too, whoever writes it.
	if _, err := b.pool.Exec(context.Background(), `UPDATE frequency_rules SET max_per_year = 0 WHERE risk_grade = 1`); err == nil {
		t.Fatal("the table took a maximum below the minimum")
	}
}

func TestRemitAndVisitsPerTeam(t *testing.T) {
	t.Parallel()
	b := setup(t)
	wantCode(t, b.db.SetRemit(b.as("coord"), "MSA", "3311", true), enforcement.EFORBIDDEN)
	wantCode(t, b.db.SetRemit(b.as("admin"), "MSA", "9999", true), enforcement.EINVALID)
	wantCode(t, b.db.SetRemit(b.as("admin"), "NOPE", "3311", true), enforcement.EINVALID)
	if err := b.db.SetRemit(b.as("admin"), "msa", "3311", true); err != nil {
		t.Fatal(err)
	}
	if err := b.db.SetRemit(b.as("admin"), "EMB", "6210", false); err != nil {
		t.Fatal(err)
	}
	if err := b.db.SetRemit(b.as("admin"), "EMB", "6210", false); err != nil { // no change
		t.Fatal(err)
	}
	if n := count(t, b.pool, `SELECT count(*) FROM department_remits WHERE (department_code, industry_code) IN (('MSA', '3311'), ('EMB', '6210'))`); n != 1 {
		t.Fatalf("remits: %d of the two rows", n)
	}
	if n := count(t, b.pool, `SELECT count(*) FROM audit_events WHERE action = 'department.remit_set'`); n != 2 {
		t.Fatalf("%d remit audit events, want 2", n)
	}

	if n := count(t, b.pool, `SELECT visits_per_team_per_day FROM departments WHERE code = 'EMB'`); n != enforcement.DefaultVisitsPerTeamPerDay {
		t.Fatalf("default %d", n)
	}
	wantCode(t, b.db.SetVisitsPerTeamPerDay(b.as("admin"), "EMB", 0), enforcement.EINVALID)
	wantCode(t, b.db.SetVisitsPerTeamPerDay(b.as("admin"), "NOPE", 3), enforcement.ENOTFOUND)
	wantCode(t, b.db.SetVisitsPerTeamPerDay(b.as("emb-lead"), "EMB", 3), enforcement.EFORBIDDEN)
	if err := b.db.SetVisitsPerTeamPerDay(b.as("admin"), "emb", 3); err != nil {
		t.Fatal(err)
	}
	if n := count(t, b.pool, `SELECT visits_per_team_per_day FROM departments WHERE code = 'EMB'`); n != 3 {
		t.Fatalf("visits per team per day = %d", n)
	}
}
