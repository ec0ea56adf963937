package enforcement

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"
	"time"
)

// RegistryOSHA is the registry of the establishments in US OSHA enforcement
// records (DOL "OSHA Enforcement Inspection and Accident Investigation
// Data"). They have no credit code: an establishment is keyed by its name
// and site address, see OSHAViolation.RegistryID.
const RegistryOSHA = "osha"

// OSHATimeZone is the IANA zone of the replayed OSHA records: the
// California facilities of ../shared/data/osha_ca_carceral_inspection_violation.csv.
// The records' dates carry no zone; they are read as local dates here, and
// deadlines are the end of the due date in this zone. A zone other than the
// district's counts working days Monday to Friday (WeekdayCalendar), which
// only matters for escalation levels 2 and 3: the due date itself is a plain
// date, with no working-day arithmetic.
const OSHATimeZone = "America/Los_Angeles"

// The local hours (in OSHATimeZone) at which a replay places the events of
// an OSHA violation, whose records hold dates only: the order is issued at
// 09:00 on issuance_date, and an order abated on time is closed at 17:00 on
// abate_date, before its deadline (the end of that day).
const (
	OSHAIssueHour = 9
	OSHACloseHour = 17
)

// The reasons ParseOSHAViolations refuses a row for, in ImportRowError.Reason.
// They are short and stable so that reports can count them. A row is refused
// for the first reason that applies, in this order.
const (
	// OSHARefusedBadCSV: encoding/csv could not read the record.
	OSHARefusedBadCSV = "not valid CSV"
	// OSHARefusedFieldCount: the record has more or fewer fields than the header.
	OSHARefusedFieldCount = "wrong number of fields"
	// OSHARefusedNoViolation: an inspection joined to no violation (the
	// source is a left join of inspections and violations, so citation_id
	// and every violation column are NA).
	OSHARefusedNoViolation = "no violation"
	// OSHARefusedDeleted: delete_flag is "X" (as in the file) or "D" (as
	// in the DOL data dictionary).
	OSHARefusedDeleted = "deleted"
	// OSHARefusedMissingIssuance: issuance_date is empty or NA.
	OSHARefusedMissingIssuance = "missing issuance_date"
	// OSHARefusedBadIssuance: issuance_date is not a YYYY-MM-DD or YYYYMMDD date.
	OSHARefusedBadIssuance = "invalid issuance_date"
	// OSHARefusedMissingAbate: abate_date, the due date, is empty or NA.
	OSHARefusedMissingAbate = "missing abate_date"
	// OSHARefusedBadAbate: abate_date is not a YYYY-MM-DD or YYYYMMDD date.
	OSHARefusedBadAbate = "invalid abate_date"
	// OSHARefusedDueBeforeIssue: abate_date is before issuance_date.
	OSHARefusedDueBeforeIssue = "due before issue"
	// OSHARefusedMissingActivity: activity_nr, the inspection number, is empty.
	OSHARefusedMissingActivity = "missing activity_nr"
	// OSHARefusedMissingEstablishment: estab_name is empty, so the row names
	// no enterprise.
	OSHARefusedMissingEstablishment = "missing estab_name"
	// OSHARefusedDuplicate: an earlier valid row has the same activity_nr
	// and citation_id.
	OSHARefusedDuplicate = "duplicate citation"
)

// The columns of an OSHA violation file, by their DOL names. ImportRowError.Field
// holds one of these. The file may hold any other columns, which are ignored.
const (
	OSHAColumnActivityNr      = "activity_nr"
	OSHAColumnEstabName       = "estab_name"
	OSHAColumnSiteAddress     = "site_address"
	OSHAColumnSiteCity        = "site_city"
	OSHAColumnSiteState       = "site_state"
	OSHAColumnSiteZip         = "site_zip"
	OSHAColumnCitationID      = "citation_id"
	OSHAColumnDeleteFlag      = "delete_flag"
	OSHAColumnStandard        = "standard"
	OSHAColumnViolType        = "viol_type"
	OSHAColumnGravity         = "gravity"
	OSHAColumnIssuanceDate    = "issuance_date"
	OSHAColumnAbateDate       = "abate_date"
	OSHAColumnAbateComplete   = "abate_complete"
	OSHAColumnFTAIssuanceDate = "fta_issuance_date"
)

// requiredOSHAColumns must be in the header: a file without one of them
// cannot be replayed at all.
var requiredOSHAColumns = []string{
	OSHAColumnActivityNr, OSHAColumnEstabName, OSHAColumnSiteAddress, OSHAColumnSiteCity,
	OSHAColumnCitationID, OSHAColumnDeleteFlag, OSHAColumnViolType, OSHAColumnIssuanceDate,
	OSHAColumnAbateDate, OSHAColumnAbateComplete, OSHAColumnFTAIssuanceDate,
}

// optionalOSHAColumns are read when present and empty otherwise.
var optionalOSHAColumns = []string{OSHAColumnSiteState, OSHAColumnSiteZip, OSHAColumnStandard, OSHAColumnGravity}

// OSHAViolation is one valid violation row of an OSHA enforcement file (the
// DOL osha_violation table joined to osha_inspection). Text fields are
// trimmed, and R's "NA" reads as empty.
type OSHAViolation struct {
	// Line is the physical line of the file the record starts on; the
	// header is line 1.
	Line int
	// ActivityNr is the inspection number; with CitationID it names the
	// violation.
	ActivityNr string
	// CitationID is the citation number, item number and item group, e.g.
	// "01005".
	CitationID string
	// EstabName, SiteAddress, SiteCity, SiteState and SiteZip describe the
	// establishment inspected.
	EstabName   string
	SiteAddress string
	SiteCity    string
	SiteState   string
	SiteZip     string
	// Standard is the standard cited, e.g. "5144 H02 A" (Cal/OSHA title 8
	// section) or "19100134 C01" (29 CFR 1910).
	Standard string
	// ViolType is S serious, W willful, R repeat or O other.
	ViolType string
	// Gravity is the gravity of a serious violation, "01" to "10", or empty.
	Gravity string
	// IssuanceDate is the date the citation was issued, a local date in
	// OSHATimeZone.
	IssuanceDate Date
	// AbateDate is the date by which the violation must be abated: the due
	// date, a local date in OSHATimeZone.
	AbateDate Date
	// AbateComplete is X abatement completed, I corrected during
	// inspection, Q quick fix, E/W/S/A not completed, Cal/OSHA codes 1/2/3,
	// or empty.
	AbateComplete string
	// FTAIssuanceDate is the issuance date of a failure-to-abate citation
	// as written in the file, or empty when there is none.
	FTAIssuanceDate string
}

// Key returns "activity_nr/citation_id", which names the violation.
func (v *OSHAViolation) Key() string { return v.ActivityNr + "/" + v.CitationID }

// Severity maps the violation type to a hazard severity: serious (S),
// willful (W) and repeat (R) violations are major hazards (重大隐患); other
// (O) and unknown types are general (一般隐患). Gravity is not used: it is
// only graded for serious violations, which are major already.
func (v *OSHAViolation) Severity() Severity {
	switch strings.ToUpper(v.ViolType) {
	case "S", "W", "R":
		return SeverityMajor
	}
	return SeverityGeneral
}

// RegistryID returns the establishment's identifier in RegistryOSHA:
// name, site address and city, each upper-cased with runs of spaces
// collapsed, joined by "|", e.g. "CALIF STATE PRISON|1 MAIN ST|CHINO".
func (v *OSHAViolation) RegistryID() string {
	return normalizeOSHAText(v.EstabName) + "|" + normalizeOSHAText(v.SiteAddress) + "|" + normalizeOSHAText(v.SiteCity)
}

// Address returns the site address on one line, e.g.
// "14901 SOUTH CENTRAL AVENUE, CHINO, CA 91708".
func (v *OSHAViolation) Address() string {
	parts := []string{v.SiteAddress, v.SiteCity, strings.TrimSpace(v.SiteState + " " + v.SiteZip)}
	var out []string
	for _, p := range parts {
		if p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, ", ")
}

// Description returns the text of the hazard a replay records for the
// violation, e.g. "OSHA inspection 119948990 citation 01005: standard
// 5144 H02 A, violation type O".
func (v *OSHAViolation) Description() string {
	var b strings.Builder
	fmt.Fprintf(&b, "OSHA inspection %s citation %s", v.ActivityNr, v.CitationID)
	var details []string
	if v.Standard != "" {
		details = append(details, "standard "+v.Standard)
	}
	if v.ViolType != "" {
		details = append(details, "violation type "+v.ViolType)
	}
	if v.Gravity != "" {
		details = append(details, "gravity "+v.Gravity)
	}
	if len(details) > 0 {
		b.WriteString(": " + strings.Join(details, ", "))
	}
	return b.String()
}

// OSHAOutcome is how a replayed OSHA order ends.
type OSHAOutcome string

// The outcomes of a replayed OSHA order.
const (
	// OSHAClosedAtIssue: abate_complete I (corrected during inspection) or
	// Q (quick fix); the order closes when it is issued.
	OSHAClosedAtIssue OSHAOutcome = "closed_at_issue"
	// OSHAClosedOnDueDate: abate_complete X (abatement completed) and no
	// failure-to-abate citation; the order closes on its due date, at
	// OSHACloseHour, before the deadline.
	OSHAClosedOnDueDate OSHAOutcome = "closed_on_due_date"
	// OSHAStaysOpen: every other valid order, including X with a
	// failure-to-abate citation, the not-completed codes and the Cal/OSHA
	// codes 1/2/3 whose meaning the DOL dictionary does not give. It runs
	// up the escalation ladder.
	OSHAStaysOpen OSHAOutcome = "open"
)

// Outcome says how the order of the violation ends; see OSHAOutcome.
func (v *OSHAViolation) Outcome() OSHAOutcome {
	switch strings.ToUpper(v.AbateComplete) {
	case "I", "Q":
		return OSHAClosedAtIssue
	case "X":
		if v.FTAIssuanceDate == "" {
			return OSHAClosedOnDueDate
		}
	}
	return OSHAStaysOpen
}

// IssuedAt returns the instant the order is issued: OSHAIssueHour on
// IssuanceDate in loc (normally OSHATimeZone).
func (v *OSHAViolation) IssuedAt(loc *time.Location) time.Time {
	return v.IssuanceDate.In(loc).Add(OSHAIssueHour * time.Hour)
}

// ClosedAt returns the instant the order closes and true, or false when it
// stays open: IssuedAt for OSHAClosedAtIssue, OSHACloseHour on AbateDate in
// loc for OSHAClosedOnDueDate.
func (v *OSHAViolation) ClosedAt(loc *time.Location) (time.Time, bool) {
	switch v.Outcome() {
	case OSHAClosedAtIssue:
		return v.IssuedAt(loc), true
	case OSHAClosedOnDueDate:
		return v.AbateDate.In(loc).Add(OSHACloseHour * time.Hour), true
	}
	return time.Time{}, false
}

var oshaSpaces = regexp.MustCompile(`\s+`)

// normalizeOSHAText upper-cases s, trims it and collapses runs of white space.
func normalizeOSHAText(s string) string {
	return strings.ToUpper(oshaSpaces.ReplaceAllString(strings.TrimSpace(s), " "))
}

// oshaValue trims a field and reads R's "NA" as empty.
func oshaValue(s string) string {
	s = strings.TrimSpace(s)
	if s == "NA" {
		return ""
	}
	return s
}

// parseOSHADate reads "2006-01-02" or the DOL's "20060102".
func parseOSHADate(s string) (Date, bool) {
	for _, layout := range []string{time.DateOnly, "20060102"} {
		if t, err := time.Parse(layout, s); err == nil {
			return DateOf(t), true
		}
	}
	return Date{}, false
}

// ParseOSHAViolations reads an OSHA violation file in CSV, such as
// ../shared/data/osha_ca_carceral_inspection_violation.csv (see SOURCES.md
// there): a header row with the DOL column names, in any order, then one
// row per inspection and violation. The columns activity_nr, estab_name,
// site_address, site_city, citation_id, delete_flag, viol_type,
// issuance_date, abate_date, abate_complete and fta_issuance_date are
// required; site_state, site_zip, standard and gravity are read when
// present; others are ignored. Quoted fields may hold commas, quotes and
// line breaks; a byte-order mark is skipped.
//
// Real data is messy, so a bad row does not stop the rest: it returns the
// valid violations in file order, and one refusal per bad row, in file
// order, with the row's physical line (where its record starts, per
// csv.Reader.FieldPos), the column at fault and one of the OSHARefused…
// reasons. It returns an EINVALID error, and nothing else, only when the
// file is empty or its header lacks a required column, and the read error
// when the reader fails.
func ParseOSHAViolations(r io.Reader) ([]OSHAViolation, []ImportRowError, error) {
	br := bufio.NewReader(r)
	if bom, err := br.Peek(3); err == nil && bytes.Equal(bom, []byte("\xef\xbb\xbf")) {
		_, _ = br.Discard(3)
	}
	cr := csv.NewReader(br)
	cr.FieldsPerRecord = -1 // counted per row below, so that a bad row is refused alone
	cr.ReuseRecord = true

	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, nil, Errorf(EINVALID, "The OSHA file is empty: it needs a header row with the DOL column names.").
			ZH("OSHA 文件为空：需要一行包含 DOL 列名的表头。")
	} else if err != nil {
		return nil, nil, Errorf(EINVALID, "The OSHA file's header is not valid CSV: %v.", err).
			ZH("OSHA 文件的表头不是有效的 CSV：%v。", err)
	}
	nFields := len(header)
	col := map[string]int{}
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(h))
		if _, dup := col[h]; !dup && h != "" {
			col[h] = i
		}
	}
	var missing []string
	for _, c := range requiredOSHAColumns {
		if _, ok := col[c]; !ok {
			missing = append(missing, c)
		}
	}
	if len(missing) > 0 {
		return nil, nil, Errorf(EINVALID, "The OSHA file's header lacks the column(s) %s.", strings.Join(missing, ", ")).
			ZH("OSHA 文件的表头缺少列：%s。", strings.Join(missing, "、"))
	}
	for _, c := range optionalOSHAColumns {
		if _, ok := col[c]; !ok {
			col[c] = -1
		}
	}

	var (
		violations []OSHAViolation
		refusals   []ImportRowError
		seen       = map[string]bool{}
	)
	for {
		record, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			// The reader goes on at the next line; a quote left open
			// swallows the rest of the file into this one refusal.
			refusals = append(refusals, ImportRowError{Line: pe.StartLine, Reason: OSHARefusedBadCSV})
			continue
		} else if err != nil {
			return nil, nil, fmt.Errorf("read OSHA file: %w", err)
		}
		line, _ := cr.FieldPos(0)
		if isEmptyRecord(record) {
			continue
		}
		refuse := func(field, reason string) {
			refusals = append(refusals, ImportRowError{Line: line, Field: field, Reason: reason})
		}
		if len(record) != nFields {
			refuse("", OSHARefusedFieldCount)
			continue
		}
		get := func(c string) string {
			if i := col[c]; i >= 0 {
				return oshaValue(record[i])
			}
			return ""
		}
		v := OSHAViolation{
			Line:            line,
			ActivityNr:      get(OSHAColumnActivityNr),
			CitationID:      get(OSHAColumnCitationID),
			EstabName:       get(OSHAColumnEstabName),
			SiteAddress:     get(OSHAColumnSiteAddress),
			SiteCity:        get(OSHAColumnSiteCity),
			SiteState:       get(OSHAColumnSiteState),
			SiteZip:         get(OSHAColumnSiteZip),
			Standard:        oshaSpaces.ReplaceAllString(get(OSHAColumnStandard), " "),
			ViolType:        get(OSHAColumnViolType),
			Gravity:         get(OSHAColumnGravity),
			AbateComplete:   get(OSHAColumnAbateComplete),
			FTAIssuanceDate: get(OSHAColumnFTAIssuanceDate),
		}
		issuance, abate := get(OSHAColumnIssuanceDate), get(OSHAColumnAbateDate)
		var ok bool
		switch flag := strings.ToUpper(get(OSHAColumnDeleteFlag)); {
		case v.CitationID == "":
			refuse(OSHAColumnCitationID, OSHARefusedNoViolation)
			continue
		case flag == "X" || flag == "D":
			refuse(OSHAColumnDeleteFlag, OSHARefusedDeleted)
			continue
		case issuance == "":
			refuse(OSHAColumnIssuanceDate, OSHARefusedMissingIssuance)
			continue
		}
		if v.IssuanceDate, ok = parseOSHADate(issuance); !ok {
			refuse(OSHAColumnIssuanceDate, OSHARefusedBadIssuance)
			continue
		}
		if abate == "" {
			refuse(OSHAColumnAbateDate, OSHARefusedMissingAbate)
			continue
		}
		if v.AbateDate, ok = parseOSHADate(abate); !ok {
			refuse(OSHAColumnAbateDate, OSHARefusedBadAbate)
			continue
		}
		switch {
		case v.AbateDate.Before(v.IssuanceDate):
			refuse(OSHAColumnAbateDate, OSHARefusedDueBeforeIssue)
		case v.ActivityNr == "":
			refuse(OSHAColumnActivityNr, OSHARefusedMissingActivity)
		case v.EstabName == "":
			refuse(OSHAColumnEstabName, OSHARefusedMissingEstablishment)
		case seen[v.Key()]:
			refuse(OSHAColumnCitationID, OSHARefusedDuplicate)
		default:
			seen[v.Key()] = true
			violations = append(violations, v)
		}
	}
	return violations, refusals, nil
}

// CountOSHARefusals counts refusals by reason.
func CountOSHARefusals(refusals []ImportRowError) map[string]int {
	n := map[string]int{}
	for _, r := range refusals {
		n[r.Reason]++
	}
	return n
}
