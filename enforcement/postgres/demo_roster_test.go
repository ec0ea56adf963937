package postgres

import (
	"testing"

	"github.com/jointops/jointops/enforcement"
)

func TestDemoRoster(t *testing.T) {
	t.Parallel()
	b := demoSetup(t)
	// A demo user who signed in before the roster existed is linked when
	// the demo data loads; the others when they sign in.
	if _, err := b.pool.Exec(b.ctx, `INSERT INTO departments VALUES ('EMB', '应急管理局', 'Emergency Management');
		INSERT INTO users (issuer, subject, name, department_code, roles) VALUES ('idp', 'u-emb-inspector1', '李娜', 'EMB', '{inspector}')`); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadDemoData(b.ctx, b.pool); err != nil {
		t.Fatal(err)
	}
	for dept, want := range map[string]int{"EMB": 12, "MSA": 12, "FIRE": 12, "HCB": 12, "EEB": 8, "UMB": 8} {
		if n := b.count(t, `SELECT count(*) FROM inspectors WHERE department_code = $1 AND active AND certificate_no ~ '^440303(201[89]|202[0-9])[0-9]{4}$'`, dept); n != want {
			t.Errorf("%s has %d active inspectors with a certificate number, want %d", dept, n, want)
		}
	}
	if n := b.count(t, `SELECT count(*) FROM inspectors WHERE subject <> ''`); n != 8 {
		t.Errorf("%d roster entries of demo users, want 8", n)
	}
	if n := b.count(t, `SELECT count(*) FROM inspectors i JOIN users u ON u.id = i.user_id WHERE i.subject = 'u-emb-inspector1' AND i.name = '李娜'`); n != 1 {
		t.Error("李娜's entry is not linked to her user")
	}

	db, err := New(b.pool, enforcement.WeekdayCalendar{})
	if err != nil {
		t.Fatal(err)
	}
	a := &enforcement.Actor{Issuer: "idp", Subject: "u-hcb-inspector2", Name: "高静", Email: "hcb-inspector2@jointops.test", Department: "HCB",
		Roles: []enforcement.Role{enforcement.RoleInspector}}
	if err := db.UpsertUser(b.ctx, a); err != nil {
		t.Fatal(err)
	}
	if n := b.count(t, `SELECT count(*) FROM inspectors WHERE user_id = $1 AND department_code = 'HCB' AND name = '高静'`, a.UserID); n != 1 {
		t.Error("高静's entry is not linked at sign-in")
	}

	// A second load adds nothing.
	again, err := LoadDemoData(b.ctx, b.pool)
	if err != nil {
		t.Fatal(err)
	}
	if again.Inspectors != 0 || b.count(t, `SELECT count(*) FROM inspectors`) != 64 {
		t.Errorf("second load: %+v", *again)
	}
}
