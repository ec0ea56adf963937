package enforcement

import (
	"errors"
	"os"
	"slices"
	"strings"
	"testing"
)

// parseImportFile parses a register from testdata.
func parseImportFile(t *testing.T, name string) ([]*Enterprise, error) {
	t.Helper()
	f, err := os.Open("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	return ParseEnterpriseCSV(f)
}

// importRowErrors returns the rows of the *ImportError in err, failing the
// test if there is none.
func importRowErrors(t *testing.T, err error) []ImportRowError {
	t.Helper()
	var ie *ImportError
	if !errors.As(err, &ie) {
		t.Fatalf("err = %v, want an *ImportError", err)
	}
	if ErrorCode(err) != EINVALID {
		t.Errorf("ErrorCode = %q, want %q", ErrorCode(err), EINVALID)
	}
	return ie.Rows
}

func TestParseEnterpriseCSVGood(t *testing.T) {
	t.Parallel()

	got, err := parseImportFile(t, "enterprises_good.csv")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 4 {
		t.Fatalf("parsed %d enterprises, want 4", len(got))
	}
	first := got[0]
	want := Enterprise{
		Registry: RegistryCreditCode, RegistryID: "91440303MA5D1K2L2L", CreditCode: "91440303MA5D1K2L2L",
		Name: "深圳市罗湖区鸿盛餐饮管理有限公司", Address: "深圳市罗湖区东门街道东门中路12号",
		Subdistrict: "440303003", Industry: "6210", RiskGrade: RiskMedium,
		ContactName: "陈伟", ContactPhone: "13800138000", ContactEmail: "anquan0001@example.com",
	}
	if *first != want {
		t.Errorf("row 1 = %+v\nwant %+v", *first, want)
	}
	if got[2].Name != `深圳市罗湖区华信"便民"超市有限公司` {
		t.Errorf("quoted name = %q", got[2].Name)
	}
	// A lower-case code is accepted and stored in canonical form.
	if got[3].CreditCode != "91440303MA5H8K9M7D" || got[3].RegistryID != got[3].CreditCode {
		t.Errorf("row 4 credit code = %q, registry id %q", got[3].CreditCode, got[3].RegistryID)
	}
}

func TestParseEnterpriseCSVListsEveryBadLine(t *testing.T) {
	t.Parallel()

	_, err := parseImportFile(t, "enterprises_bad3.csv")
	rows := importRowErrors(t, err)
	want := []struct {
		line   int
		field  string
		reason string
	}{
		{3, ColumnCreditCode, "gives 3"},
		{5, ColumnRiskGrade, "must be 1 (high), 2 (medium) or 3 (low)"},
		{6, ColumnCreditCode, "also on line 2"},
	}
	if len(rows) != len(want) {
		t.Fatalf("got %d row errors, want %d: %v", len(rows), len(want), rows)
	}
	for i, w := range want {
		if rows[i].Line != w.line || rows[i].Field != w.field || !strings.Contains(rows[i].Reason, w.reason) {
			t.Errorf("row error %d = %v, want line %d, field %s, reason containing %q", i, rows[i], w.line, w.field, w.reason)
		}
	}
	for _, line := range []string{"line 3:", "line 5:", "line 6:"} {
		if !strings.Contains(err.Error(), line) {
			t.Errorf("Error() does not list %q:\n%s", line, err)
		}
		if !strings.Contains(ErrorMessage(err), "L"+line[1:]) {
			t.Errorf("ErrorMessage does not list %q: %s", line, ErrorMessage(err))
		}
	}
}

func TestParseEnterpriseCSVBOMAndChineseHeaders(t *testing.T) {
	t.Parallel()

	got, err := parseImportFile(t, "enterprises_bom_zh.csv")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 {
		t.Fatalf("parsed %d enterprises, want 2", len(got))
	}
	e := got[1]
	if e.CreditCode != "91440303MA5KDE2F9D" || e.Name != "深圳市罗湖区恒丰燃气有限公司" || e.Subdistrict != "440303008" ||
		e.Industry != "4512" || e.RiskGrade != RiskHigh || e.Address != "深圳市罗湖区莲塘街道国威路66号" ||
		e.ContactName != "刘洋" || e.ContactPhone != "13700137000" || e.ContactEmail != "anquan0006@example.com" {
		t.Errorf("row 2 = %+v", *e)
	}
}

func TestParseEnterpriseCSVErrors(t *testing.T) {
	t.Parallel()
	const header = "credit_code,name,subdistrict_code,industry_code,risk_grade\n"
	const good = "91440303MA5D1K2L2L,鸿盛,440303003,6210,2\n"

	tests := []struct {
		name string
		in   string
		want []ImportRowError // Reason is matched as a substring
	}{
		{
			name: "unknown and missing columns",
			in:   "credit_code,名称,risk grade,industry_code\n" + good,
			want: []ImportRowError{
				{Line: 1, Reason: `unknown column "risk grade"`},
				{Line: 1, Field: ColumnSubdistrictCode, Reason: "required column"},
				{Line: 1, Field: ColumnRiskGrade, Reason: "required column"},
			},
		},
		{
			name: "repeated column",
			in:   "credit_code,name,名称,subdistrict_code,industry_code,risk_grade\n",
			want: []ImportRowError{{Line: 1, Field: ColumnName, Reason: "appears twice"}},
		},
		{
			name: "bad length and bad alphabet",
			in: header + good +
				"91440303MA5F3N4P9,金泰,440303004,2438,1\n" +
				"91440303MA5F3N4PO3,金泰,440303004,2438,1\n",
			want: []ImportRowError{
				{Line: 3, Field: ColumnCreditCode, Reason: "18 characters"},
				{Line: 4, Field: ColumnCreditCode, Reason: "'O'"},
			},
		},
		{
			name: "empty row between rows",
			in:   header + ",,,,\n" + good,
			want: []ImportRowError{
				{Line: 2, Reason: "empty row between rows"},
			},
		},
		{
			name: "each missing value",
			in:   header + " ,  ,,,x\n",
			want: []ImportRowError{
				{Line: 2, Field: ColumnCreditCode, Reason: "required"},
				{Line: 2, Field: ColumnName, Reason: "required"},
				{Line: 2, Field: ColumnSubdistrictCode, Reason: "required"},
				{Line: 2, Field: ColumnIndustryCode, Reason: "required"},
				{Line: 2, Field: ColumnRiskGrade, Reason: "must be 1"},
			},
		},
		{
			name: "field count",
			in:   header + good + "91440303MA5F3N4P93,金泰,440303004,2438\n",
			want: []ImportRowError{
				{Line: 3, Reason: "4 fields, but the header has 5"},
				{Line: 3, Field: ColumnRiskGrade, Reason: "must be 1"},
			},
		},
		{
			name: "blank line between rows shifts nothing silently",
			in:   header + good + "\n" + "91440303MA5F3N4P93,金泰,440303004,2438,1\n",
			want: []ImportRowError{{Line: 3, Reason: "blank line"}},
		},
		{
			name: "line break inside a field, and the next line keeps its number",
			in:   header + "91440303MA5D1K2L2L,\"鸿盛\n餐饮\",440303003,6210,2\n" + "91440303MA5F3N4P94,金泰,440303004,2438,1\n",
			want: []ImportRowError{
				{Line: 2, Field: ColumnName, Reason: "line break"},
				{Line: 4, Field: ColumnCreditCode, Reason: "gives 3"},
			},
		},
		{
			name: "not UTF-8",
			in:   header + "91440303MA5D1K2L2L,\xba\xe8\xca\xa2,440303003,6210,2\n",
			want: []ImportRowError{{Line: 2, Field: ColumnName, Reason: "UTF-8"}},
		},
		{
			name: "bad e-mail",
			in:   "credit_code,name,subdistrict_code,industry_code,risk_grade,contact_email\n" + "91440303MA5D1K2L2L,鸿盛,440303003,6210,2,陈伟 <chen@example.com>\n",
			want: []ImportRowError{{Line: 2, Field: ColumnContactEmail, Reason: "not an e-mail address"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := ParseEnterpriseCSV(strings.NewReader(tt.in))
			rows := importRowErrors(t, err)
			if len(rows) != len(tt.want) {
				t.Fatalf("got %d row errors, want %d:\n%s", len(rows), len(tt.want), err)
			}
			for i, w := range tt.want {
				if rows[i].Line != w.Line || rows[i].Field != w.Field || !strings.Contains(rows[i].Reason, w.Reason) {
					t.Errorf("row error %d = %v, want %v", i, rows[i], w)
				}
			}
		})
	}
}

func TestParseEnterpriseCSVTrailingEmptyRowsAndCRLF(t *testing.T) {
	t.Parallel()

	in := "credit_code,name,subdistrict_code,industry_code,risk_grade\r\n" +
		"91440303MA5D1K2L2L,鸿盛,440303003,6210,2\r\n" +
		",,,,\r\n\r\n"
	got, err := ParseEnterpriseCSV(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Name != "鸿盛" {
		t.Errorf("got %d enterprises", len(got))
	}
}

func TestParseEnterpriseCSVEmpty(t *testing.T) {
	t.Parallel()

	for _, in := range []string{"", "\xef\xbb\xbf", "credit_code,name,subdistrict_code,industry_code,risk_grade\n"} {
		_, err := ParseEnterpriseCSV(strings.NewReader(in))
		if ErrorCode(err) != EINVALID {
			t.Errorf("ParseEnterpriseCSV(%q): code %q, want %q", in, ErrorCode(err), EINVALID)
		}
	}
}

func TestValidateEnterpriseRegister(t *testing.T) {
	t.Parallel()

	ents := []*Enterprise{
		{CreditCode: "91440303ma5d1k2l2l", Name: "鸿盛", Subdistrict: "440303003", Industry: "6210", RiskGrade: RiskLow},
		{CreditCode: "91440303MA5D1K2L2L", Name: "鸿盛二号", Subdistrict: "440303003", Industry: "6210", RiskGrade: 4},
	}
	rows := importRowErrors(t, ValidateEnterpriseRegister(ents))
	if len(rows) != 2 || rows[0].Line != 3 || !strings.Contains(rows[0].Reason, "also on line 2") || rows[1].Field != ColumnRiskGrade {
		t.Errorf("rows = %v", rows)
	}
	if ents[0].CreditCode != "91440303MA5D1K2L2L" || ents[0].Registry != RegistryCreditCode || ents[0].RegistryID != ents[0].CreditCode {
		t.Errorf("credit code not made canonical: %+v", *ents[0])
	}
	if err := ValidateEnterpriseRegister(ents[:1]); err != nil {
		t.Errorf("one good enterprise: %v", err)
	}
}

func TestParseEnterpriseCSVKnownListsUnknownCodesWithEveryOtherError(t *testing.T) {
	t.Parallel()
	known := &KnownCodes{
		Subdistricts: map[string]bool{"440303001": true},
		Industries:   map[string]bool{"3311": true},
	}
	body := knownCodesHeader +
		"91440303MA5F00001X,甲,,440303001,3311,1\n" + // bad check character
		"91440303MA5D1K2L2L,乙,,440303999,3311,2\n" + // unknown subdistrict
		"91440303MA5D1K2L2L,丙,,440303001,9999,2\n" // duplicate code, unknown industry
	_, err := ParseEnterpriseCSVKnown(strings.NewReader(body), known)
	var ie *ImportError
	if !errors.As(err, &ie) {
		t.Fatalf("err = %v", err)
	}
	lines := map[int][]string{}
	for _, r := range ie.Rows {
		lines[r.Line] = append(lines[r.Line], r.Field)
	}
	if len(lines[2]) == 0 || !slices.Contains(lines[3], ColumnSubdistrictCode) || !slices.Contains(lines[4], ColumnIndustryCode) {
		t.Fatalf("errors by line = %v", lines)
	}
}

const knownCodesHeader = "credit_code,name,address,subdistrict_code,industry_code,risk_grade\n"
