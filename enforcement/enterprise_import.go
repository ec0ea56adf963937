package enforcement

import (
	"fmt"
	"io"
	"net/mail"
	"strconv"
	"strings"
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
	t, err := readCSVTable(r, "enterprise register", "enterprise")
	if err != nil {
		return nil, err
	}
	columns, rowErrs := parseEnterpriseHeader(t.Header)
	rowErrs = append(rowErrs, t.HeaderErrs...)
	if len(rowErrs) > 0 {
		return nil, &ImportError{Rows: rowErrs}
	}
	rowErrs = t.Errs
	enterprises := make([]*Enterprise, 0, len(t.Records))
	for i, record := range t.Records {
		e, errs := parseEnterpriseRecord(record, columns, len(t.Header), t.Lines[i])
		rowErrs = append(rowErrs, errs...)
		enterprises = append(enterprises, e)
	}
	if len(enterprises) == 0 && len(rowErrs) == 0 {
		return nil, Errorf(EINVALID, "The enterprise register has a header but no enterprise rows.").
			ZH("企业名录只有表头，没有企业数据行。")
	}
	rowErrs = append(rowErrs, checkEnterpriseRegister(enterprises, func(i int) int { return t.Lines[i] })...)
	if known != nil {
		rowErrs = append(rowErrs, checkKnownCodes(enterprises, t.Lines, known)...)
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
//   - a contact e-mail, when given, is a plain address;
//   - name, address and contact are within MaxEnterpriseNameRunes,
//     MaxAddressRunes, MaxPersonNameRunes, MaxPhoneRunes and MaxEmailRunes.
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

func hasColumn(columns map[string]int, col string) bool {
	_, ok := columns[col]
	return ok
}

// parseEnterpriseRecord turns one CSV record into an Enterprise and reports
// what is wrong with its layout and its values.
func parseEnterpriseRecord(record []string, columns map[string]int, headerFields, line int) (*Enterprise, []ImportRowError) {
	rec := newImportRecord(record, columns, headerFields, line)
	get := rec.get
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
	return e, rec.errs
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
		rowErrs = append(rowErrs, textRowErrors(line,
			textLimit{ColumnName, strings.TrimSpace(e.Name), MaxEnterpriseNameRunes},
			textLimit{ColumnAddress, strings.TrimSpace(e.Address), MaxAddressRunes},
			textLimit{ColumnContactName, strings.TrimSpace(e.ContactName), MaxPersonNameRunes},
			textLimit{ColumnContactPhone, strings.TrimSpace(e.ContactPhone), MaxPhoneRunes},
			textLimit{ColumnContactEmail, strings.TrimSpace(e.ContactEmail), MaxEmailRunes})...)
		if e.ContactEmail != "" {
			if a, err := mail.ParseAddress(e.ContactEmail); err != nil || a.Address != e.ContactEmail {
				bad(ColumnContactEmail, "%q is not an e-mail address such as anquan@example.com", e.ContactEmail)
			}
		}
	}
	return rowErrs
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

// parseEnterpriseHeader maps each canonical column to its index in the
// header, and reports unknown, repeated and missing columns on line 1.
func parseEnterpriseHeader(header []string) (map[string]int, []ImportRowError) {
	return parseImportHeader(header, enterpriseColumnAliases, requiredEnterpriseColumns,
		"the columns are credit_code, name, address, subdistrict_code, industry_code, risk_grade, contact_name, contact_phone, contact_email (or 统一社会信用代码, 名称, 地址, 街道代码, 行业代码, 风险等级, 联系人, 联系电话, 电子邮箱)")
}
