package enforcement

import (
	"fmt"
	"io"
	"net/mail"
	"strings"
)

// The columns of an inspector roster file (执法人员名录), by their canonical
// (English) names; ColumnName is shared with the enterprise register.
// ImportRowError.Field holds one of these.
const (
	ColumnDepartment    = "department"
	ColumnCertificateNo = "certificate_no"
	ColumnActive        = "active"
	ColumnEmail         = "email"
	ColumnSubject       = "subject"
)

// rosterFile names a roster file in ImportError's messages.
const rosterFile = "inspector roster"

// rosterColumnAliases maps each accepted header, lower-cased, to its
// canonical column: the English names and the Chinese headers of a roster
// kept in Excel.
var rosterColumnAliases = map[string]string{
	"department": ColumnDepartment, "department_code": ColumnDepartment, "部门": ColumnDepartment, "部门代码": ColumnDepartment,
	"name": ColumnName, "姓名": ColumnName,
	"certificate_no": ColumnCertificateNo, "执法证号": ColumnCertificateNo, "执法证编号": ColumnCertificateNo,
	"active": ColumnActive, "在岗": ColumnActive,
	"email": ColumnEmail, "电子邮箱": ColumnEmail, "邮箱": ColumnEmail, "电子邮件": ColumnEmail,
	"subject": ColumnSubject, "登录标识": ColumnSubject,
}

// requiredRosterColumns must be in the header; active (default: active),
// email and subject may be left out.
var requiredRosterColumns = []string{ColumnDepartment, ColumnName, ColumnCertificateNo}

// activeValues are the accepted values of the active column, lower-cased.
var activeValues = map[string]bool{
	"true": true, "yes": true, "y": true, "1": true, "是": true, "在岗": true,
	"false": false, "no": false, "n": false, "0": false, "否": false, "离岗": false,
}

// ParseInspectorCSV reads an inspector roster in CSV: a header row, then
// one roster entry a line. The columns are department, name,
// certificate_no, active, email and subject, in any order, or their
// Chinese headers 部门, 姓名, 执法证号, 在岗, 电子邮箱 and 登录标识. Active
// (true/false, 是/否, 在岗/离岗; empty means active), email and subject may
// be left out. The file is UTF-8; a byte-order mark is skipped.
//
// Each row is checked as ValidateInspectorRoster says, and for layout as
// ParseEnterpriseCSV does, so the entries come back in file order and
// entries[i] is on line i+2, which is how ImportInspectors of the postgres
// adapter names lines. It returns an *ImportError (code EINVALID) listing
// every bad line, or EINVALID when the file has no header or no rows.
func ParseInspectorCSV(r io.Reader) ([]*InspectorCreate, error) {
	return ParseInspectorCSVKnown(r, nil)
}

// ParseInspectorCSVKnown is ParseInspectorCSV that also reports every row
// whose department is not in departments (nil: no such check), so that one
// run lists every bad line of a file.
func ParseInspectorCSVKnown(r io.Reader, departments map[string]bool) ([]*InspectorCreate, error) {
	t, err := readCSVTable(r, rosterFile, "inspector")
	if err != nil {
		return nil, err
	}
	columns, rowErrs := parseRosterHeader(t.Header)
	rowErrs = append(rowErrs, t.HeaderErrs...)
	if len(rowErrs) > 0 {
		return nil, &ImportError{File: rosterFile, Rows: rowErrs}
	}
	rowErrs = t.Errs
	entries := make([]*InspectorCreate, 0, len(t.Records))
	for i, record := range t.Records {
		c, errs := parseRosterRecord(record, columns, len(t.Header), t.Lines[i])
		rowErrs = append(rowErrs, errs...)
		entries = append(entries, c)
	}
	if len(entries) == 0 && len(rowErrs) == 0 {
		return nil, Errorf(EINVALID, "The inspector roster has a header but no inspector rows.").
			ZH("执法人员名册只有表头，没有人员数据行。")
	}
	rowErrs = append(rowErrs, checkInspectorRoster(entries, func(i int) int { return t.Lines[i] })...)
	if departments != nil {
		for i, c := range entries {
			if c.Department != "" && !departments[c.Department] {
				rowErrs = append(rowErrs, UnknownDepartmentRow(t.Lines[i], c.Department))
			}
		}
	}
	if len(rowErrs) > 0 {
		sortImportRowErrors(rowErrs)
		return nil, &ImportError{File: rosterFile, Rows: rowErrs}
	}
	return entries, nil
}

// ValidateInspectorRoster checks entries as rows of a roster file,
// entries[i] being line i+2, and returns an *ImportError listing every bad
// row, or nil. Each entry passes InspectorCreate.Validate (which trims it
// and makes an omitted Active true), its e-mail is a plain address, and no
// two rows have the same certificate number.
func ValidateInspectorRoster(entries []*InspectorCreate) error {
	if rowErrs := checkInspectorRoster(entries, func(i int) int { return i + 2 }); len(rowErrs) > 0 {
		return &ImportError{File: rosterFile, Rows: rowErrs}
	}
	return nil
}

// UnknownDepartmentRow is the row error of a department code the district
// does not have.
func UnknownDepartmentRow(line int, dept string) ImportRowError {
	return ImportRowError{Line: line, Field: ColumnDepartment,
		Reason: fmt.Sprintf("unknown department %q: it is not one of the district's department codes (EMB, MSA, …)", dept)}
}

// parseRosterRecord turns one CSV record into an InspectorCreate and
// reports what is wrong with its layout and its active flag.
func parseRosterRecord(record []string, columns map[string]int, headerFields, line int) (*InspectorCreate, []ImportRowError) {
	rec := newImportRecord(record, columns, headerFields, line)
	bad, get := rec.bad, rec.get
	c := &InspectorCreate{
		Department:    get(ColumnDepartment),
		Name:          get(ColumnName),
		CertificateNo: get(ColumnCertificateNo),
		Email:         get(ColumnEmail),
		Subject:       get(ColumnSubject),
	}
	if v := get(ColumnActive); v != "" {
		active, ok := activeValues[strings.ToLower(v)]
		if !ok {
			bad(ColumnActive, "%q is not true or false (是 or 否, 在岗 or 离岗); leave it empty for an active inspector", v)
		}
		c.Active = &active
	}
	return c, rec.errs
}

// checkInspectorRoster applies the rules of ValidateInspectorRoster;
// lineOf gives the file line of entries[i].
func checkInspectorRoster(entries []*InspectorCreate, lineOf func(i int) int) []ImportRowError {
	var rowErrs []ImportRowError
	firstLine := map[string]int{}
	for i, c := range entries {
		line := lineOf(i)
		if c == nil {
			rowErrs = append(rowErrs, ImportRowError{Line: line, Reason: "no inspector"})
			continue
		}
		// Validate trims and normalises the entry (upper-case department,
		// Active defaulting to true) but stops at the first fault; a roster
		// lists each.
		_ = c.Validate()
		for _, f := range []struct{ field, value, reason string }{
			{ColumnDepartment, c.Department, "required: the department code, e.g. EMB"},
			{ColumnName, c.Name, "required: the inspector's name"},
			{ColumnCertificateNo, c.CertificateNo, "required: the enforcement certificate number (执法证号)"},
		} {
			if f.value == "" {
				rowErrs = append(rowErrs, ImportRowError{Line: line, Field: f.field, Reason: f.reason})
			}
		}
		rowErrs = append(rowErrs, textRowErrors(line, c.textLimits()...)...)
		if c.Email != "" {
			if a, err := mail.ParseAddress(c.Email); err != nil || a.Address != c.Email {
				rowErrs = append(rowErrs, ImportRowError{Line: line, Field: ColumnEmail,
					Reason: fmt.Sprintf("%q is not an e-mail address such as li.na@example.gov.cn", c.Email)})
			}
		}
		if c.CertificateNo != "" {
			if first, dup := firstLine[c.CertificateNo]; dup {
				rowErrs = append(rowErrs, ImportRowError{Line: line, Field: ColumnCertificateNo,
					Reason: fmt.Sprintf("certificate number %s is also on line %d", c.CertificateNo, first)})
			} else {
				firstLine[c.CertificateNo] = line
			}
		}
	}
	return rowErrs
}

// parseRosterHeader maps each canonical column to its index in the header,
// and reports unknown, repeated and missing columns on line 1.
func parseRosterHeader(header []string) (map[string]int, []ImportRowError) {
	return parseImportHeader(header, rosterColumnAliases, requiredRosterColumns,
		"the columns are department, name, certificate_no, active, email, subject (or 部门, 姓名, 执法证号, 在岗, 电子邮箱, 登录标识)")
}
