package enforcement

import (
	"strings"
	"testing"
)

func TestParseInspectorCSV(t *testing.T) {
	t.Parallel()
	file := "\xef\xbb\xbf部门,姓名,执法证号,在岗,电子邮箱,登录标识\n" +
		"emb,李娜,44030320180101,是,Li.Na@example.gov.cn,u-emb-inspector1\n" +
		"EMB, 孙强 ,44030320210102,离岗,,\n" +
		"MSA,吴磊,44030320210201,,,\n"
	entries, err := ParseInspectorCSV(strings.NewReader(file))
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 3 {
		t.Fatalf("%d entries", len(entries))
	}
	e := entries[0]
	if e.Department != "EMB" || e.Name != "李娜" || e.CertificateNo != "44030320180101" || !*e.Active ||
		e.Email != "Li.Na@example.gov.cn" || e.Subject != "u-emb-inspector1" {
		t.Errorf("entry 1 = %+v", e)
	}
	if e := entries[1]; e.Name != "孙强" || *e.Active {
		t.Errorf("entry 2 = %+v, want 孙强 off duty", e)
	}
	if e := entries[2]; !*e.Active {
		t.Errorf("entry 3 = %+v, want active by default", e)
	}
}

func TestParseInspectorCSVListsEveryBadLine(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		file  string
		known map[string]bool
		want  []ImportRowError // Reason is matched as a substring
	}{
		{
			name: "header",
			file: "department,name,badge\nEMB,x,1\n",
			want: []ImportRowError{{Line: 1, Reason: `unknown column "badge"`}, {Line: 1, Field: ColumnCertificateNo, Reason: "missing"}},
		},
		{
			name: "rows",
			file: "department,name,certificate_no,active,email\n" +
				"EMB,李娜,A1,yes,\n" +
				",,,maybe,li@\n" +
				"EMB,孙强,A1,,\n" +
				"EMB,x,A2\n",
			want: []ImportRowError{
				{Line: 3, Field: ColumnActive, Reason: `"maybe" is not true or false`},
				{Line: 3, Field: ColumnDepartment, Reason: "required"},
				{Line: 3, Field: ColumnName, Reason: "required"},
				{Line: 3, Field: ColumnCertificateNo, Reason: "required"},
				{Line: 3, Field: ColumnEmail, Reason: "not an e-mail address"},
				{Line: 4, Field: ColumnCertificateNo, Reason: "also on line 2"},
				{Line: 5, Reason: "3 fields, but the header has 5"},
			},
		},
		{
			name:  "unknown department",
			file:  "department,name,certificate_no\nEMB,李娜,A1\nXYZ,孙强,A2\n\nEMB,吴磊,A3\n",
			known: map[string]bool{"EMB": true},
			want: []ImportRowError{
				{Line: 3, Field: ColumnDepartment, Reason: `unknown department "XYZ"`},
				{Line: 4, Reason: "blank line"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := ParseInspectorCSVKnown(strings.NewReader(tt.file), tt.known)
			got := importRowErrors(t, err)
			if len(got) != len(tt.want) {
				t.Fatalf("errors = %v, want %d", got, len(tt.want))
			}
			for i, w := range tt.want {
				if got[i].Line != w.Line || got[i].Field != w.Field || !strings.Contains(got[i].Reason, w.Reason) {
					t.Errorf("error %d = %v, want %v", i, got[i], w)
				}
			}
			if !strings.Contains(err.Error(), "inspector roster") || !strings.Contains(ErrorMessage(err), "inspector roster") {
				t.Errorf("the messages do not name the roster: %v", err)
			}
		})
	}
}

func TestParseInspectorCSVEmpty(t *testing.T) {
	t.Parallel()
	for _, file := range []string{"", "department,name,certificate_no\n"} {
		_, err := ParseInspectorCSV(strings.NewReader(file))
		if ErrorCode(err) != EINVALID || !strings.Contains(ErrorMessage(err), "inspector roster") {
			t.Errorf("%q: err = %v", file, err)
		}
	}
}
