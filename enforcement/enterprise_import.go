package enforcement

import (
	"bufio"
	"bytes"
	"cmp"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"net/mail"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// The columns of an enterprise register file (企业名录), by their canonical
// (English) names. ImportRowError.Field holds one of these.
const (
	ColumnCreditCode      = "credit_code"
	ColumnName            = "name"
	ColumnAddress         = "address"
	ColumnSubdistrictCode = "subdistrict_code"
	ColumnIndustryCode    = "industry_code"
	ColumnRiskGrade       = "risk_grade"
	ColumnContactName     = "contact_name"
	ColumnContactPhone    = "contact_phone"
	ColumnContactEmail    = "contact_email"
)

// enterpriseColumnAliases maps each accepted header, lower-cased, to its
// canonical column: the English names and the Chinese names that registers
// exported from the market-supervision system and Excel sheets use.
var enterpriseColumnAliases = map[string]string{
	"credit_code": ColumnCreditCode, "统一社会信用代码": ColumnCreditCode, "信用代码": ColumnCreditCode,
	"name": ColumnName, "名称": ColumnName, "企业名称": ColumnName, "单位名称": ColumnName,
	"address": ColumnAddress, "地址": ColumnAddress, "经营地址": ColumnAddress,
	"subdistrict_code": ColumnSubdistrictCode, "街道代码": ColumnSubdistrictCode,
	"industry_code": ColumnIndustryCode, "行业代码": ColumnIndustryCode,
	"risk_grade": ColumnRiskGrade, "风险等级": ColumnRiskGrade,
	"contact_name": ColumnContactName, "联系人": ColumnContactName,
	"contact_phone": ColumnContactPhone, "联系电话": ColumnContactPhone,
	"contact_email": ColumnContactEmail, "电子邮箱": ColumnContactEmail, "邮箱": ColumnContactEmail, "电子邮件": ColumnContactEmail,
}

// requiredEnterpriseColumns must be in the header; the others (address and
// contact) may be left out, and are then empty.
var requiredEnterpriseColumns = []string{ColumnCreditCode, ColumnName, ColumnSubdistrictCode, ColumnIndustryCode, ColumnRiskGrade}

// maxImportErrorsInMessage bounds the rows quoted in ImportError's summary
// message; Rows and Error() still hold every row.
const maxImportErrorsInMessage = 10

// ImportRowError is one bad line of an enterprise register file.
type ImportRowError struct {
	// Line is the 1-based line of the file; the header is line 1.
	Line int `json:"line"`
	// Field is the canonical column at fault (ColumnCreditCode, …), or ""
	// when the whole line is at fault.
	Field string `json:"field,omitempty"`
	// Reason says what is wrong, for people.
	Reason string `json:"reason"`
}

// String returns "line 3: credit_code: reason".
func (e ImportRowError) String() string {
	if e.Field == "" {
		return fmt.Sprintf("line %d: %s", e.Line, e.Reason)
	}
	return fmt.Sprintf("line %d: %s: %s", e.Line, e.Field, e.Reason)
}

// ImportError lists every bad line of an enterprise register. An import is
// all-or-nothing: when it returns an ImportError, nothing was written.
// ErrorCode sees it as EINVALID through Unwrap.
type ImportError struct {
	Rows []ImportRowError `json:"rows"`
}

// Error lists every bad line, one per line of text.
func (e *ImportError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "enterprise register: %d bad line(s); nothing was imported", len(e.Rows))
	for _, r := range e.Rows {
		b.WriteString("\n  ")
		b.WriteString(r.String())
	}
	return b.String()
}

// Unwrap returns an EINVALID *Error whose message sums up the bad lines
// (the first ten of them), so that ErrorCode and ErrorMessage work on an
// ImportError like on any domain error.
func (e *ImportError) Unwrap() error {
	var b strings.Builder
	fmt.Fprintf(&b, "The enterprise register has %d bad line(s); nothing was imported.", len(e.Rows))
	for i, r := range e.Rows {
		if i == maxImportErrorsInMessage {
			fmt.Fprintf(&b, " … and %d more.", len(e.Rows)-i)
			break
		}
		b.WriteString(" ")
		b.WriteString(strings.ToUpper(r.String()[:1]) + r.String()[1:])
		if !strings.HasSuffix(r.Reason, ".") {
			b.WriteString(".")
		}
	}
	return &Error{Code: EINVALID, Message: b.String()}
}

// ParseEnterpriseCSV reads an enterprise register (企业名录) in CSV: a
// header row, then one enterprise a line. The columns are credit_code,
// name, address, subdistrict_code, industry_code, risk_grade, contact_name,
// contact_phone and contact_email, in any order, or their Chinese headers
// 统一社会信用代码, 名称, 地址, 街道代码, 行业代码, 风险等级, 联系人, 联系电话
// and 电子邮箱. Address and contact columns may be left out. The file is
// UTF-8; a byte-order mark (Excel writes one) is skipped.
//
// Each row is checked as ValidateEnterpriseRegister says, and also for
// layout: the right number of fields, UTF-8 text, no line break inside a
// field and no blank line between rows. So the enterprises come back in
// file order, and enterprises[i] is on line i+2 of the file, which is how
// ImportEnterprises of the postgres adapter names lines.
//
// It returns an *ImportError (code EINVALID) that lists every bad line at
// once, or EINVALID when the file has no header or no rows.
func ParseEnterpriseCSV(r io.Reader) ([]*Enterprise, error) {
	return ParseEnterpriseCSVKnown(r, nil)
}

// KnownCodes are the subdistrict and industry codes the district has, so
// that a parse can report unknown codes on the same pass as every other
// bad line.
type KnownCodes struct {
	Subdistricts map[string]bool
	Industries   map[string]bool
}

// ParseEnterpriseCSVKnown is ParseEnterpriseCSV that also reports every
// row whose subdistrict or industry code is not in known (nil: no such
// check), so that one run lists every bad line of a file.
func ParseEnterpriseCSVKnown(r io.Reader, known *KnownCodes) ([]*Enterprise, error) {
	br := bufio.NewReader(r)
	if bom, err := br.Peek(3); err == nil && bytes.Equal(bom, []byte("\xef\xbb\xbf")) {
		_, _ = br.Discard(3)
	}
	cr := csv.NewReader(br)
	cr.FieldsPerRecord = -1 // counted per row below, to list every bad row
	cr.LazyQuotes = true    // a stray quote in a name is data, not a broken file
	cr.TrimLeadingSpace = true

	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, Errorf(EINVALID, "The enterprise register is empty: it needs a header row and one row per enterprise.")
	} else if err != nil {
		return nil, &ImportError{Rows: []ImportRowError{csvRowError(err, 1)}}
	}
	columns, rowErrs := parseEnterpriseHeader(header)
	if hl, _ := cr.FieldPos(0); hl != 1 {
		rowErrs = append(rowErrs, ImportRowError{Line: 1, Reason: "blank line before the header: the header must be the first line"})
	}
	if len(rowErrs) > 0 {
		return nil, &ImportError{Rows: rowErrs}
	}

	var enterprises []*Enterprise
	var lines []int     // the file line of each enterprise, for the messages
	lastLine := 1       // the line the previous row ended on (the header's)
	var emptyRows []int // lines of rows with every field blank, not yet followed by a row
	for {
		record, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break // blank lines and empty rows at the end are ignored
		} else if err != nil {
			// The reader cannot resynchronise after a broken quote; list
			// what was found so far and this line.
			rowErrs = append(rowErrs, csvRowError(err, lastLine+1))
			break
		}
		line, _ := cr.FieldPos(0)
		end, _ := cr.FieldPos(len(record) - 1)
		end += strings.Count(record[len(record)-1], "\n")
		if isEmptyRecord(record) {
			// Excel writes ",,,,,,,," for rows that once held a value.
			emptyRows = append(emptyRows, line)
			lastLine = end
			continue
		}
		if line > lastLine+1 {
			rowErrs = append(rowErrs, ImportRowError{Line: lastLine + 1, Reason: "blank line between rows: delete it, so that each row keeps its line number"})
		}
		for _, l := range emptyRows {
			rowErrs = append(rowErrs, ImportRowError{Line: l, Reason: "empty row between rows: delete it, so that each row keeps its line number"})
		}
		emptyRows = emptyRows[:0]
		e, errs := parseEnterpriseRecord(record, columns, len(header), line)
		rowErrs = append(rowErrs, errs...)
		enterprises = append(enterprises, e)
		lines = append(lines, line)
		lastLine = end
	}
	if len(enterprises) == 0 && len(rowErrs) == 0 {
		return nil, Errorf(EINVALID, "The enterprise register has a header but no enterprise rows.")
	}
	rowErrs = append(rowErrs, checkEnterpriseRegister(enterprises, func(i int) int { return lines[i] })...)
	if known != nil {
		rowErrs = append(rowErrs, checkKnownCodes(enterprises, lines, known)...)
	}
	if len(rowErrs) > 0 {
		sortImportRowErrors(rowErrs)
		return nil, &ImportError{Rows: rowErrs}
	}
	return enterprises, nil
}

// ValidateEnterpriseRegister checks enterprises as rows of a register file,
// enterprises[i] being line i+2 (after the header), and returns an
// *ImportError listing every bad row, or nil. The rules:
//   - the credit code is valid (GB 32100-2015, ValidateCreditCode), and no
//     two rows have the same one;
//   - the name is not empty;
//   - subdistrict and industry codes are given (whether they exist is for
//     the store to check against its tables; industries are GB/T 4754-2017
//     classes);
//   - the risk grade is 1, 2 or 3;
//   - a contact e-mail, when given, is a plain address.
//
// It canonicalises each credit code (upper case, no spaces) in place and
// sets Registry and RegistryID from it.
func ValidateEnterpriseRegister(enterprises []*Enterprise) error {
	rowErrs := checkEnterpriseRegister(enterprises, func(i int) int { return i + 2 })
	if len(rowErrs) > 0 {
		return &ImportError{Rows: rowErrs}
	}
	return nil
}

// parseEnterpriseHeader maps each canonical column to its index in the
// header, and reports unknown, repeated and missing columns on line 1.
func parseEnterpriseHeader(header []string) (map[string]int, []ImportRowError) {
	var rowErrs []ImportRowError
	columns := map[string]int{}
	for i, h := range header {
		h = strings.TrimSpace(h)
		if !utf8.ValidString(h) {
			return nil, []ImportRowError{{Line: 1, Reason: "the file is not UTF-8 text: in Excel, save it as \"CSV UTF-8 (逗号分隔)\""}}
		}
		col, ok := enterpriseColumnAliases[strings.ToLower(h)]
		switch {
		case h == "" && i == len(header)-1:
			// A trailing comma after the last header is harmless.
		case !ok:
			rowErrs = append(rowErrs, ImportRowError{Line: 1, Reason: fmt.Sprintf("unknown column %q; the columns are credit_code, name, address, subdistrict_code, industry_code, risk_grade, contact_name, contact_phone, contact_email (or 统一社会信用代码, 名称, 地址, 街道代码, 行业代码, 风险等级, 联系人, 联系电话, 电子邮箱)", h)})
		case hasColumn(columns, col):
			rowErrs = append(rowErrs, ImportRowError{Line: 1, Field: col, Reason: fmt.Sprintf("column %q appears twice", h)})
		default:
			columns[col] = i
		}
	}
	for _, col := range requiredEnterpriseColumns {
		if !hasColumn(columns, col) {
			rowErrs = append(rowErrs, ImportRowError{Line: 1, Field: col, Reason: "required column missing from the header"})
		}
	}
	return columns, rowErrs
}

func hasColumn(columns map[string]int, col string) bool {
	_, ok := columns[col]
	return ok
}

// parseEnterpriseRecord turns one CSV record into an Enterprise and reports
// what is wrong with its layout and its values.
func parseEnterpriseRecord(record []string, columns map[string]int, headerFields, line int) (*Enterprise, []ImportRowError) {
	var rowErrs []ImportRowError
	bad := func(field, format string, args ...any) {
		rowErrs = append(rowErrs, ImportRowError{Line: line, Field: field, Reason: fmt.Sprintf(format, args...)})
	}
	if n := len(record); n != headerFields && !(n == headerFields+1 && record[n-1] == "") {
		bad("", "%d fields, but the header has %d", n, headerFields)
	}
	get := func(col string) string {
		i, ok := columns[col]
		if !ok || i >= len(record) {
			return ""
		}
		v := record[i]
		if !utf8.ValidString(v) {
			// Kept as it is, so that no "required" error follows.
			bad(col, "not UTF-8 text: in Excel, save the file as \"CSV UTF-8 (逗号分隔)\"")
		} else if strings.ContainsAny(v, "\r\n") {
			bad(col, "holds a line break: put the value on one line")
		}
		return strings.TrimSpace(v)
	}
	e := &Enterprise{
		Registry:     RegistryCreditCode,
		CreditCode:   get(ColumnCreditCode),
		Name:         get(ColumnName),
		Address:      get(ColumnAddress),
		Subdistrict:  get(ColumnSubdistrictCode),
		Industry:     get(ColumnIndustryCode),
		ContactName:  get(ColumnContactName),
		ContactPhone: get(ColumnContactPhone),
		ContactEmail: get(ColumnContactEmail),
	}
	if g := get(ColumnRiskGrade); g != "" {
		n, err := strconv.Atoi(g)
		if err != nil {
			n = -1 // reported by checkEnterpriseRegister as not 1–3
		}
		e.RiskGrade = RiskGrade(n)
	}
	return e, rowErrs
}

// checkEnterpriseRegister applies the rules of ValidateEnterpriseRegister;
// lineOf gives the file line of enterprises[i].
func checkEnterpriseRegister(enterprises []*Enterprise, lineOf func(i int) int) []ImportRowError {
	var rowErrs []ImportRowError
	firstLine := map[string]int{}
	for i, e := range enterprises {
		line := lineOf(i)
		bad := func(field, format string, args ...any) {
			rowErrs = append(rowErrs, ImportRowError{Line: line, Field: field, Reason: fmt.Sprintf(format, args...)})
		}
		if e == nil {
			bad("", "no enterprise")
			continue
		}
		if strings.TrimSpace(e.CreditCode) == "" {
			bad(ColumnCreditCode, "required: the 18-character unified social credit code (统一社会信用代码)")
		} else if code, err := ValidateCreditCode(e.CreditCode); err != nil {
			bad(ColumnCreditCode, "%s", ErrorMessage(err))
		} else {
			e.CreditCode, e.Registry, e.RegistryID = code, RegistryCreditCode, code
			if first, dup := firstLine[code]; dup {
				bad(ColumnCreditCode, "credit code %s is also on line %d", code, first)
			} else {
				firstLine[code] = line
			}
		}
		if strings.TrimSpace(e.Name) == "" {
			bad(ColumnName, "required: the enterprise's registered name")
		}
		if strings.TrimSpace(e.Subdistrict) == "" {
			bad(ColumnSubdistrictCode, "required: the nine-digit code of the subdistrict (街道), e.g. 440303001")
		}
		if strings.TrimSpace(e.Industry) == "" {
			bad(ColumnIndustryCode, "required: the GB/T 4754-2017 industry class, e.g. 6210")
		}
		if !e.RiskGrade.Valid() {
			bad(ColumnRiskGrade, "must be 1 (high), 2 (medium) or 3 (low)")
		}
		if e.ContactEmail != "" {
			if a, err := mail.ParseAddress(e.ContactEmail); err != nil || a.Address != e.ContactEmail {
				bad(ColumnContactEmail, "%q is not an e-mail address such as anquan@example.com", e.ContactEmail)
			}
		}
	}
	return rowErrs
}

// sortImportRowErrors orders errors by line, keeping the order of errors
// on the same line (layout first, then the columns as checked).
func sortImportRowErrors(rowErrs []ImportRowError) {
	slices.SortStableFunc(rowErrs, func(a, b ImportRowError) int { return cmp.Compare(a.Line, b.Line) })
}

// isEmptyRecord reports whether every field of record is blank.
func isEmptyRecord(record []string) bool {
	for _, f := range record {
		if strings.TrimSpace(f) != "" {
			return false
		}
	}
	return true
}

// csvRowError turns an encoding/csv error into a row error on its line.
func csvRowError(err error, line int) ImportRowError {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return ImportRowError{Line: pe.Line, Reason: fmt.Sprintf("not valid CSV: %v", pe.Err)}
	}
	return ImportRowError{Line: line, Reason: fmt.Sprintf("cannot read the file: %v", err)}
}

// checkKnownCodes reports the rows whose subdistrict or industry code the
// district does not have.
func checkKnownCodes(enterprises []*Enterprise, lines []int, known *KnownCodes) []ImportRowError {
	var errs []ImportRowError
	for i, e := range enterprises {
		if e == nil {
			continue
		}
		if e.Subdistrict != "" && !known.Subdistricts[e.Subdistrict] {
			errs = append(errs, ImportRowError{Line: lines[i], Field: ColumnSubdistrictCode,
				Reason: fmt.Sprintf("unknown subdistrict (街道) %q: it is not one of the district's subdistricts", e.Subdistrict)})
		}
		if e.Industry != "" && !known.Industries[e.Industry] {
			errs = append(errs, ImportRowError{Line: lines[i], Field: ColumnIndustryCode,
				Reason: fmt.Sprintf("unknown industry %q: it is not a GB/T 4754-2017 class that the district supervises", e.Industry)})
		}
	}
	return errs
}
