package enforcement

import (
	"bufio"
	"bytes"
	"cmp"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode/utf8"
)

// The parts the CSV imports share (the enterprise register, the inspector
// roster): row errors, the all-or-nothing ImportError, and the reading of
// a file into rows with exact line numbers.

// maxImportErrorsInMessage bounds the rows quoted in ImportError's summary
// message; Rows and Error() still hold every row.
const maxImportErrorsInMessage = 10

// ImportRowError is one bad line of an imported file.
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

// ImportError lists every bad line of an imported file. An import is
// all-or-nothing: when it returns an ImportError, nothing was written.
// ErrorCode sees it as EINVALID through Unwrap.
type ImportError struct {
	// File names what was imported, e.g. "inspector roster". Defaults to
	// "enterprise register".
	File string           `json:"file,omitempty"`
	Rows []ImportRowError `json:"rows"`
}

func (e *ImportError) file() string { return cmp.Or(e.File, "enterprise register") }

// Error lists every bad line, one per line of text.
func (e *ImportError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %d bad line(s); nothing was imported", e.file(), len(e.Rows))
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
	fmt.Fprintf(&b, "The %s has %d bad line(s); nothing was imported.", e.file(), len(e.Rows))
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

// csvTable is a CSV file read for an import: the header and each row that
// is not empty, with the line it starts on.
type csvTable struct {
	Header  []string
	Records [][]string
	// Lines[i] is the 1-based line of the file that Records[i] starts on.
	Lines []int
	// HeaderErrs are layout errors of the header (a blank line before it);
	// Errs those between rows (blank lines, empty rows, a broken quote).
	HeaderErrs, Errs []ImportRowError
}

// readCSVTable reads a CSV file in UTF-8; a byte-order mark (Excel writes
// one) is skipped. Blank lines and rows of blank fields between rows are
// reported, so that each row keeps its line number in the messages; at the
// end of the file they are ignored. file and row name the file and what a
// row is for the messages ("inspector roster", "inspector"). It returns
// EINVALID when the file is empty, and an *ImportError when the header is
// not valid CSV.
func readCSVTable(r io.Reader, file, row string) (*csvTable, error) {
	br := bufio.NewReader(r)
	if bom, err := br.Peek(3); err == nil && bytes.Equal(bom, []byte("\xef\xbb\xbf")) {
		_, _ = br.Discard(3)
	}
	cr := csv.NewReader(br)
	cr.FieldsPerRecord = -1 // counted per row by the caller, to list every bad row
	cr.LazyQuotes = true    // a stray quote in a name is data, not a broken file
	cr.TrimLeadingSpace = true

	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, Errorf(EINVALID, "The %s is empty: it needs a header row and one row per %s.", file, row).
			ZH("%s为空：需要一行表头，并且每个%s一行。", importNameZH(file), importNameZH(row))
	} else if err != nil {
		return nil, &ImportError{File: file, Rows: []ImportRowError{csvRowError(err, 1)}}
	}
	t := &csvTable{Header: header}
	if hl, _ := cr.FieldPos(0); hl != 1 {
		t.HeaderErrs = append(t.HeaderErrs, ImportRowError{Line: 1, Reason: "blank line before the header: the header must be the first line"})
	}
	lastLine := 1       // the line the previous row ended on (the header's)
	var emptyRows []int // lines of rows with every field blank, not yet followed by a row
	for {
		record, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break // blank lines and empty rows at the end are ignored
		} else if err != nil {
			// The reader cannot resynchronise after a broken quote; list
			// what was found so far and this line.
			t.Errs = append(t.Errs, csvRowError(err, lastLine+1))
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
			t.Errs = append(t.Errs, ImportRowError{Line: lastLine + 1, Reason: "blank line between rows: delete it, so that each row keeps its line number"})
		}
		for _, l := range emptyRows {
			t.Errs = append(t.Errs, ImportRowError{Line: l, Reason: "empty row between rows: delete it, so that each row keeps its line number"})
		}
		emptyRows = emptyRows[:0]
		t.Records = append(t.Records, record)
		t.Lines = append(t.Lines, line)
		lastLine = end
	}
	return t, nil
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

// parseImportHeader maps each canonical column of a register's header to
// its index, by aliases (lower-case header → column), and reports on line 1
// the unknown, repeated and missing (required) columns; columns names the
// accepted columns for the message.
func parseImportHeader(header []string, aliases map[string]string, required []string, columns string) (map[string]int, []ImportRowError) {
	var rowErrs []ImportRowError
	found := map[string]int{}
	for i, h := range header {
		h = strings.TrimSpace(h)
		if !utf8.ValidString(h) {
			return nil, []ImportRowError{{Line: 1, Reason: "the file is not UTF-8 text: in Excel, save it as \"CSV UTF-8 (逗号分隔)\""}}
		}
		col, ok := aliases[strings.ToLower(h)]
		switch {
		case h == "" && i == len(header)-1:
			// A trailing comma after the last header is harmless.
		case !ok:
			rowErrs = append(rowErrs, ImportRowError{Line: 1, Reason: fmt.Sprintf("unknown column %q; %s", h, columns)})
		case hasColumn(found, col):
			rowErrs = append(rowErrs, ImportRowError{Line: 1, Field: col, Reason: fmt.Sprintf("column %q appears twice", h)})
		default:
			found[col] = i
		}
	}
	for _, col := range required {
		if !hasColumn(found, col) {
			rowErrs = append(rowErrs, ImportRowError{Line: 1, Field: col, Reason: "required column missing from the header"})
		}
	}
	return found, rowErrs
}

// importRecord is one data row of a register being parsed: its fields by
// column and the errors found in it, all on its line.
type importRecord struct {
	fields  []string
	columns map[string]int
	line    int
	errs    []ImportRowError
}

// newImportRecord wraps a CSV record of line and checks its number of
// fields against the header's (a trailing empty field is allowed).
func newImportRecord(fields []string, columns map[string]int, headerFields, line int) *importRecord {
	r := &importRecord{fields: fields, columns: columns, line: line}
	if n := len(fields); n != headerFields && !(n == headerFields+1 && fields[n-1] == "") {
		r.bad("", "%d fields, but the header has %d", n, headerFields)
	}
	return r
}

// bad records an error of the row, in field ("" for the whole row).
func (r *importRecord) bad(field, format string, args ...any) {
	r.errs = append(r.errs, ImportRowError{Line: r.line, Field: field, Reason: fmt.Sprintf(format, args...)})
}

// get returns the trimmed value of column col ("" when the header lacks it),
// recording text that is not UTF-8 or that holds a line break.
func (r *importRecord) get(col string) string {
	i, ok := r.columns[col]
	if !ok || i >= len(r.fields) {
		return ""
	}
	v := r.fields[i]
	if !utf8.ValidString(v) {
		// Kept as it is, so that no "required" error follows.
		r.bad(col, "not UTF-8 text: in Excel, save the file as \"CSV UTF-8 (逗号分隔)\"")
	} else if strings.ContainsAny(v, "\r\n") {
		r.bad(col, "holds a line break: put the value on one line")
	}
	return strings.TrimSpace(v)
}

// importNamesZH names the imports' files and rows in Chinese, for the
// messages of readCSVTable.
var importNamesZH = map[string]string{
	"enterprise register": "企业名录",
	"enterprise":          "企业",
	"inspector roster":    "执法人员名册",
	"inspector":           "执法人员",
}

// importNameZH returns the Chinese name of an import's file or row, or
// name itself when it has none.
func importNameZH(name string) string {
	if zh, ok := importNamesZH[name]; ok {
		return zh
	}
	return name
}
