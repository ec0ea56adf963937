package postgres

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/jointops/jointops/enforcement"
	"github.com/jointops/jointops/migrations/dbtest"
)

type demoTestBundle struct {
	ctx  context.Context
	pool *pgxpool.Pool
}

func demoSetup(t *testing.T) *demoTestBundle {
	t.Helper()
	return &demoTestBundle{ctx: context.Background(), pool: dbtest.Pool(t)}
}

func (b *demoTestBundle) count(t *testing.T, sql string, args ...any) int {
	t.Helper()
	var n int
	if err := b.pool.QueryRow(b.ctx, sql, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	return n
}

func TestLoadDemoData(t *testing.T) {
	t.Parallel()
	b := demoSetup(t)

	got, err := LoadDemoData(b.ctx, b.pool)
	if err != nil {
		t.Fatal(err)
	}
	want := &DemoSummary{Departments: 6, Subdistricts: 10, Industries: 30, DepartmentRemits: 72, Enterprises: DemoEnterpriseCount, Inspectors: 64}
	if *got != *want {
		t.Errorf("first run = %+v, want %+v", *got, *want)
	}
	for table, n := range map[string]int{"departments": 6, "subdistricts": 10, "industries": 30, "department_remits": 72, "enterprises": DemoEnterpriseCount, "inspectors": 64} {
		if c := b.count(t, "SELECT count(*) FROM "+table); c != n {
			t.Errorf("%s has %d rows, want %d", table, c, n)
		}
	}

	t.Run("idempotent", func(t *testing.T) {
		again, err := LoadDemoData(b.ctx, b.pool)
		if err != nil {
			t.Fatal(err)
		}
		if *again != (DemoSummary{}) {
			t.Errorf("second run = %+v, want nothing inserted", *again)
		}
		if c := b.count(t, "SELECT count(*) FROM enterprises"); c != DemoEnterpriseCount {
			t.Errorf("enterprises after a second run: %d", c)
		}
	})

	t.Run("every credit code valid", func(t *testing.T) {
		rows, err := b.pool.Query(b.ctx, "SELECT credit_code, registry, registry_id FROM enterprises")
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		n := 0
		for rows.Next() {
			var code, registry, registryID string
			if err := rows.Scan(&code, &registry, &registryID); err != nil {
				t.Fatal(err)
			}
			n++
			if _, err := enforcement.ValidateCreditCode(code); err != nil {
				t.Errorf("credit code %s: %v", code, err)
			}
			// GB 32100-2015: 9 market supervision, 1 enterprise, 440303 罗湖区.
			if !strings.HasPrefix(code, "91440303") {
				t.Errorf("credit code %s is not a Luohu enterprise's", code)
			}
			if org := code[8:17]; demoOrgCodeCheckChar(org) != org[8] {
				t.Errorf("credit code %s: organisation code %s fails GB 11714", code, org)
			}
			if registry != enforcement.RegistryCreditCode || registryID != code {
				t.Errorf("credit code %s: registry %s/%s", code, registry, registryID)
			}
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		if n != DemoEnterpriseCount {
			t.Errorf("checked %d codes", n)
		}
	})

	t.Run("every enterprise covered by a department", func(t *testing.T) {
		if n := b.count(t, `SELECT count(*) FROM enterprises e WHERE NOT EXISTS
			(SELECT 1 FROM department_remits r WHERE r.industry_code = e.industry_code)`); n != 0 {
			t.Errorf("%d enterprises have no department", n)
		}
		// "One visit, many checks" needs most to be covered by several.
		twoOrThree := b.count(t, `SELECT count(*) FROM enterprises e WHERE
			(SELECT count(*) FROM department_remits r WHERE r.industry_code = e.industry_code) BETWEEN 2 AND 3`)
		if twoOrThree*100 < DemoEnterpriseCount*85 {
			t.Errorf("only %d of %d enterprises are covered by 2–3 departments", twoOrThree, DemoEnterpriseCount)
		}
		if n := b.count(t, `SELECT count(DISTINCT department_code) FROM department_remits`); n != 6 {
			t.Errorf("%d departments have a remit, want all 6", n)
		}
	})

	t.Run("spread", func(t *testing.T) {
		// About 10% grade 1, 30% grade 2, 60% grade 3.
		for grade, pct := range map[int]int{1: 10, 2: 30, 3: 60} {
			n := b.count(t, "SELECT count(*) FROM enterprises WHERE risk_grade = $1", grade)
			if got := n * 100 / DemoEnterpriseCount; got < pct-3 || got > pct+3 {
				t.Errorf("risk grade %d: %d%%, want about %d%%", grade, got, pct)
			}
		}
		inspected := b.count(t, "SELECT count(*) FROM enterprises WHERE last_inspected_on IS NOT NULL")
		if inspected == 0 || inspected*2 > DemoEnterpriseCount {
			t.Errorf("%d enterprises have a last inspection, want some but fewer than half", inspected)
		}
		if n := b.count(t, `SELECT count(*) FROM enterprises WHERE last_inspected_on NOT BETWEEN '2025-01-01' AND '2026-12-31'
			OR extract(isodow FROM last_inspected_on) > 5`); n != 0 {
			t.Errorf("%d last inspections outside the weekdays of 2025–2026", n)
		}
		if n := b.count(t, "SELECT count(DISTINCT industry_code) FROM enterprises"); n != 30 {
			t.Errorf("enterprises use %d industries, want all 30", n)
		}
		if n := b.count(t, "SELECT count(DISTINCT subdistrict_code) FROM enterprises"); n != 10 {
			t.Errorf("enterprises use %d subdistricts, want all 10", n)
		}
		if n := b.count(t, "SELECT count(DISTINCT name) FROM enterprises"); n != DemoEnterpriseCount {
			t.Errorf("%d distinct names, want %d", n, DemoEnterpriseCount)
		}
		if n := b.count(t, `SELECT count(*) FROM enterprises e JOIN subdistricts s ON s.code = e.subdistrict_code
			WHERE e.address NOT LIKE '深圳市罗湖区' || s.name || '%' OR e.name NOT LIKE '深圳市罗湖区%有限公司'
			OR e.contact_name = '' OR e.contact_phone !~ '^1[0-9]{10}$' OR e.contact_email NOT LIKE '%@example.com'`); n != 0 {
			t.Errorf("%d enterprises with a malformed name, address or contact", n)
		}
	})
}

func TestLoadDemoDataKeepsExistingReferenceRows(t *testing.T) {
	t.Parallel()
	b := demoSetup(t)

	if _, err := b.pool.Exec(b.ctx, `INSERT INTO departments VALUES ('EMB', '应急管理局', 'Emergency Management');
		INSERT INTO subdistricts VALUES ('440303001', '桂园街道')`); err != nil {
		t.Fatal(err)
	}
	got, err := LoadDemoData(b.ctx, b.pool)
	if err != nil {
		t.Fatal(err)
	}
	if got.Departments != 5 || got.Subdistricts != 9 || got.Enterprises != DemoEnterpriseCount {
		t.Errorf("summary = %+v", *got)
	}
	if n := b.count(t, "SELECT count(*) FROM departments WHERE name_en = 'Emergency Management'"); n != 1 {
		t.Errorf("an existing department was overwritten")
	}
}

func TestDemoEnterprisesDeterministic(t *testing.T) {
	t.Parallel()

	ref, err := demoReadReference()
	if err != nil {
		t.Fatal(err)
	}
	a, b := demoEnterprises(ref, 200), demoEnterprises(ref, 200)
	if !reflect.DeepEqual(a, b) {
		t.Fatal("two runs with the fixed seed differ")
	}
	industries := map[string]bool{}
	for _, in := range ref.Industries {
		industries[in.Code] = true
		// GB/T 4754-2017 small classes (小类) have four digits.
		if len(in.Code) != 4 || strings.Trim(in.Code, "0123456789") != "" || in.Name == "" {
			t.Errorf("industry %+v is not a GB/T 4754-2017 small class", in)
		}
		if len(demoIndustrySuffixes[in.Code]) == 0 {
			t.Errorf("industry %s has no name suffixes", in.Code)
		}
	}
	for _, sd := range ref.Subdistricts {
		if !strings.HasPrefix(sd.Code, "440303") || len(sd.Code) != 9 || len(demoRoads[sd.Code]) == 0 {
			t.Errorf("subdistrict %+v is not a Luohu subdistrict with roads", sd)
		}
	}
	for _, r := range ref.Remits {
		if !industries[r[1]] {
			t.Errorf("remit %v names an industry outside industries.csv", r)
		}
	}
}

func TestDemoOrgCodeCheckChar(t *testing.T) {
	t.Parallel()

	// Organisation codes inside real credit codes (enforcement/testdata/
	// uscc_real_codes_stdnum.csv), each ending in its GB 11714 check.
	for _, org := range []string{"600037341", "710926094", "064012553", "401359081", "MA5D1K2L2"} {
		if got := demoOrgCodeCheckChar(org[:8]); got != org[8] {
			t.Errorf("demoOrgCodeCheckChar(%s) = %c, want %c", org[:8], got, org[8])
		}
	}
}
