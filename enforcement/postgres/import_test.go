package postgres

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/jointops/jointops/enforcement"
	"github.com/jointops/jointops/migrations/dbtest"
)

type importTestBundle struct {
	ctx  context.Context
	pool *pgxpool.Pool
}

// importSetup gives a fresh database with the demo's reference data
// (departments, Luohu subdistricts, industries) and no enterprises.
func importSetup(t *testing.T) *importTestBundle {
	t.Helper()
	ctx := context.Background()
	pool := dbtest.Pool(t)
	ref, err := demoReadReference()
	if err != nil {
		t.Fatal(err)
	}
	tx, err := pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = tx.Rollback(ctx) }()
	if err := demoInsertReference(ctx, tx, ref, &DemoSummary{}); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	return &importTestBundle{ctx: ctx, pool: pool}
}

// importFile parses a register from testdata and imports it.
func (b *importTestBundle) importFile(t *testing.T, name string) (*ImportResult, error) {
	t.Helper()
	f, err := os.Open("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	enterprises, err := enforcement.ParseEnterpriseCSV(f)
	if err != nil {
		t.Fatalf("parse %s: %v", name, err)
	}
	return ImportEnterprises(b.ctx, b.pool, enterprises)
}

func (b *importTestBundle) enterpriseCount(t *testing.T) int {
	t.Helper()
	var n int
	if err := b.pool.QueryRow(b.ctx, "SELECT count(*) FROM enterprises").Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func importRowErrorsOf(t *testing.T, err error) []enforcement.ImportRowError {
	t.Helper()
	var ie *enforcement.ImportError
	if !errors.As(err, &ie) {
		t.Fatalf("err = %v, want an *enforcement.ImportError", err)
	}
	if code := enforcement.ErrorCode(err); code != enforcement.EINVALID {
		t.Errorf("ErrorCode = %q, want %q", code, enforcement.EINVALID)
	}
	return ie.Rows
}

func TestImportEnterprisesAndReimport(t *testing.T) {
	t.Parallel()
	b := importSetup(t)

	res, err := b.importFile(t, "import_enterprises_good.csv")
	if err != nil {
		t.Fatal(err)
	}
	if *res != (ImportResult{Inserted: 4}) {
		t.Errorf("first import = %+v, want 4 inserted", *res)
	}
	var (
		name, subdistrict, industry, contact, registryID string
		grade                                            int
	)
	if err := b.pool.QueryRow(b.ctx, `SELECT name, subdistrict_code, industry_code, risk_grade, contact_name, registry_id
		FROM enterprises WHERE credit_code = '91440303MA5D1K2L2L'`).Scan(&name, &subdistrict, &industry, &grade, &contact, &registryID); err != nil {
		t.Fatal(err)
	}
	if name != "深圳市罗湖区鸿盛餐饮管理有限公司" || subdistrict != "440303003" || industry != "6210" || grade != 2 || contact != "陈伟" || registryID != "91440303MA5D1K2L2L" {
		t.Errorf("imported row = %s %s %s %d %s %s", name, subdistrict, industry, grade, contact, registryID)
	}
	// The lower-case code of the file is stored in canonical form.
	var n int
	if err := b.pool.QueryRow(b.ctx, "SELECT count(*) FROM enterprises WHERE credit_code = '91440303MA5H8K9M7D'").Scan(&n); err != nil || n != 1 {
		t.Errorf("canonical credit code: %d rows, %v", n, err)
	}
	// An inspection recorded since then survives a re-import.
	if _, err := b.pool.Exec(b.ctx, "UPDATE enterprises SET last_inspected_on = '2026-05-12' WHERE credit_code = '91440303MA5D1K2L2L'"); err != nil {
		t.Fatal(err)
	}

	// The updated register changes one enterprise's grade and contact and
	// adds one; the other three are the same.
	res, err = b.importFile(t, "import_enterprises_updated.csv")
	if err != nil {
		t.Fatal(err)
	}
	if *res != (ImportResult{Inserted: 1, Updated: 1, Unchanged: 3}) {
		t.Errorf("re-import = %+v, want 1 inserted, 1 updated, 3 unchanged", *res)
	}
	// Each created or changed enterprise left one audit event: 4 + 1 created, 1 updated.
	var created, updated int
	if err := b.pool.QueryRow(b.ctx, `SELECT count(*) FILTER (WHERE action = 'enterprise.created'), count(*) FILTER (WHERE action = 'enterprise.updated')
		FROM audit_events WHERE subject_kind = 'enterprise'`).Scan(&created, &updated); err != nil || created != 5 || updated != 1 {
		t.Errorf("audit events: %d created, %d updated (%v); want 5 and 1", created, updated, err)
	}
	var last string
	if err := b.pool.QueryRow(b.ctx, `SELECT risk_grade, contact_name, last_inspected_on::text
		FROM enterprises WHERE credit_code = '91440303MA5D1K2L2L'`).Scan(&grade, &contact, &last); err != nil {
		t.Fatal(err)
	}
	if grade != 1 || contact != "黄敏" || last != "2026-05-12" {
		t.Errorf("updated row: grade %d, contact %s, last inspected %s", grade, contact, last)
	}
	if got := b.enterpriseCount(t); got != 5 {
		t.Errorf("%d enterprises, want 5", got)
	}

	// The same register again changes nothing.
	res, err = b.importFile(t, "import_enterprises_updated.csv")
	if err != nil {
		t.Fatal(err)
	}
	if *res != (ImportResult{Unchanged: 5}) {
		t.Errorf("third import = %+v, want 5 unchanged", *res)
	}
}

func TestImportEnterprisesUnknownSubdistrictImportsNothing(t *testing.T) {
	t.Parallel()
	b := importSetup(t)

	_, err := b.importFile(t, "import_enterprises_unknown_subdistrict.csv")
	rows := importRowErrorsOf(t, err)
	if len(rows) != 1 || rows[0].Line != 3 || rows[0].Field != enforcement.ColumnSubdistrictCode || !strings.Contains(rows[0].Reason, "440303099") {
		t.Errorf("rows = %v, want line 3 subdistrict_code 440303099", rows)
	}
	if got := b.enterpriseCount(t); got != 0 {
		t.Errorf("%d enterprises imported, want none", got)
	}
}

func TestImportEnterprisesListsEveryUnknownCode(t *testing.T) {
	t.Parallel()
	b := importSetup(t)

	in := "credit_code,name,subdistrict_code,industry_code,risk_grade\n" +
		"91440303MA5D1K2L2L,鸿盛,440303003,6210,2\n" +
		"91440303MA5F3N4P93,金泰,440303999,9999,1\n" +
		"91440303MA5G6H7JXJ,华信,440303006,0111,3\n"
	enterprises, err := enforcement.ParseEnterpriseCSV(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	_, err = ImportEnterprises(b.ctx, b.pool, enterprises)
	rows := importRowErrorsOf(t, err)
	want := []enforcement.ImportRowError{
		{Line: 3, Field: enforcement.ColumnSubdistrictCode},
		{Line: 3, Field: enforcement.ColumnIndustryCode},
		{Line: 4, Field: enforcement.ColumnIndustryCode},
	}
	if len(rows) != len(want) {
		t.Fatalf("rows = %v, want %d", rows, len(want))
	}
	for i, w := range want {
		if rows[i].Line != w.Line || rows[i].Field != w.Field {
			t.Errorf("row %d = %v, want line %d %s", i, rows[i], w.Line, w.Field)
		}
	}
	if got := b.enterpriseCount(t); got != 0 {
		t.Errorf("%d enterprises imported, want none", got)
	}
}

func TestImportEnterprisesBOMAndChineseHeaders(t *testing.T) {
	t.Parallel()
	b := importSetup(t)

	res, err := b.importFile(t, "import_enterprises_bom_zh.csv")
	if err != nil {
		t.Fatal(err)
	}
	if *res != (ImportResult{Inserted: 2}) {
		t.Errorf("import = %+v, want 2 inserted", *res)
	}
	var name, industry string
	if err := b.pool.QueryRow(b.ctx, "SELECT name, industry_code FROM enterprises WHERE credit_code = '91440303MA5KDE2F9D'").Scan(&name, &industry); err != nil {
		t.Fatal(err)
	}
	if name != "深圳市罗湖区恒丰燃气有限公司" || industry != "4512" {
		t.Errorf("imported %s %s", name, industry)
	}
}

func TestImportEnterprisesValidatesItsInput(t *testing.T) {
	t.Parallel()
	b := importSetup(t)

	// Enterprises that did not come from ParseEnterpriseCSV are checked
	// the same way before the database is touched.
	enterprises := []*enforcement.Enterprise{
		{CreditCode: "91440303MA5D1K2L2L", Name: "鸿盛", Subdistrict: "440303003", Industry: "6210", RiskGrade: 2},
		{CreditCode: "91440303MA5D1K2L2X", Name: "鸿盛", Subdistrict: "440303003", Industry: "6210", RiskGrade: 2},
	}
	_, err := ImportEnterprises(b.ctx, b.pool, enterprises)
	rows := importRowErrorsOf(t, err)
	if len(rows) != 1 || rows[0].Line != 3 || rows[0].Field != enforcement.ColumnCreditCode {
		t.Errorf("rows = %v", rows)
	}
	if res, err := ImportEnterprises(b.ctx, b.pool, nil); err != nil || *res != (ImportResult{}) {
		t.Errorf("empty import = %+v, %v", res, err)
	}
	if got := b.enterpriseCount(t); got != 0 {
		t.Errorf("%d enterprises imported, want none", got)
	}
}

func TestImportEnterprisesOverDemoData(t *testing.T) {
	t.Parallel()
	b := importSetup(t)

	if _, err := LoadDemoData(b.ctx, b.pool); err != nil {
		t.Fatal(err)
	}
	res, err := b.importFile(t, "import_enterprises_good.csv")
	if err != nil {
		t.Fatal(err)
	}
	if res.Inserted != 4 {
		t.Errorf("import over the demo data = %+v", *res)
	}
	if got := b.enterpriseCount(t); got != DemoEnterpriseCount+4 {
		t.Errorf("%d enterprises, want %d", got, DemoEnterpriseCount+4)
	}
}
