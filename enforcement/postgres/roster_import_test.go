package postgres_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/jointops/jointops/enforcement"
	"github.com/jointops/jointops/enforcement/postgres"
)

func (b *testBundle) importRoster(t *testing.T, file string) (*postgres.RosterImportResult, error) {
	t.Helper()
	entries, err := enforcement.ParseInspectorCSV(strings.NewReader(file))
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	return postgres.ImportInspectors(b.ctx, b.pool, entries)
}

func TestImportInspectorsAllOrNothing(t *testing.T) {
	t.Parallel()
	b := setup(t)
	before := count(t, b.pool, `SELECT count(*) FROM inspectors`)
	_, err := b.importRoster(t, "department,name,certificate_no\n"+
		"EMB,陈志伟,44030320240103\n"+
		"XYZ,刘晓燕,44030320200104\n"+
		"MSA,许家豪,44030320210203\n"+
		"ABC,蔡丽娟,44030320210204\n")
	var ie *enforcement.ImportError
	if !errors.As(err, &ie) || enforcement.ErrorCode(err) != enforcement.EINVALID {
		t.Fatalf("err = %v, want an *enforcement.ImportError", err)
	}
	if len(ie.Rows) != 2 || ie.Rows[0].Line != 3 || ie.Rows[1].Line != 5 || ie.Rows[0].Field != enforcement.ColumnDepartment ||
		!strings.Contains(ie.Rows[0].Reason, `"XYZ"`) {
		t.Fatalf("rows = %v, want lines 3 and 5", ie.Rows)
	}
	if n := count(t, b.pool, `SELECT count(*) FROM inspectors`); n != before {
		t.Fatalf("%d entries written by a refused import", n-before)
	}
}

func TestImportInspectorsUpdatesOnReimport(t *testing.T) {
	t.Parallel()
	b := setup(t)
	file := "部门,姓名,执法证号,在岗,电子邮箱,登录标识\n" +
		"EMB,陈志伟,44030320240103,是,,\n" +
		"MSA,许家豪,44030320210203,是,,msa-lead\n" +
		"EMB,emb-i1,44030320230001,是,,emb-i1\n" // the setup's entry, unchanged
	res, err := b.importRoster(t, file)
	if err != nil {
		t.Fatal(err)
	}
	if *res != (postgres.RosterImportResult{Inserted: 2, Unchanged: 1}) {
		t.Fatalf("first import = %+v", *res)
	}
	// The entry naming msa-lead's subject is linked to that user.
	if n := count(t, b.pool, `SELECT count(*) FROM inspectors WHERE certificate_no = '44030320210203' AND user_id = $1`, b.people["msa-lead"].UserID); n != 1 {
		t.Fatal("the imported entry is not linked to its user")
	}

	// 陈志伟 moves to FIRE and goes off duty; the rest is unchanged.
	res, err = b.importRoster(t, strings.Replace(file, "EMB,陈志伟,44030320240103,是", "FIRE,陈志伟,44030320240103,否", 1))
	if err != nil {
		t.Fatal(err)
	}
	if *res != (postgres.RosterImportResult{Updated: 1, Unchanged: 2}) {
		t.Fatalf("re-import = %+v", *res)
	}
	if n := count(t, b.pool, `SELECT count(*) FROM inspectors WHERE certificate_no = '44030320240103' AND department_code = 'FIRE' AND NOT active`); n != 1 {
		t.Fatal("the re-import did not update the entry")
	}
	if n := count(t, b.pool, `SELECT count(*) FROM audit_events WHERE actor_name = 'import' AND subject_kind = 'inspector'`); n != 3 {
		t.Fatalf("%d audit events, want 2 created and 1 updated", n)
	}
}

func TestImportInspectorsValidatesInput(t *testing.T) {
	t.Parallel()
	b := setup(t)
	// Entries made in code get the same rules as a file: line i+2.
	_, err := postgres.ImportInspectors(b.ctx, b.pool, []*enforcement.InspectorCreate{
		{Department: "EMB", Name: "a", CertificateNo: "C1"},
		{Department: "EMB", Name: "b", CertificateNo: "C1"},
	})
	var ie *enforcement.ImportError
	if !errors.As(err, &ie) || len(ie.Rows) != 1 || ie.Rows[0].Line != 3 {
		t.Fatalf("err = %v, want a duplicate on line 3", err)
	}
}
