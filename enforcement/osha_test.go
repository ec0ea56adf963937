package enforcement

import (
	"maps"
	"os"
	"slices"
	"strings"
	"testing"
	"time"
)

// parseOSHAFile parses an OSHA violation file.
func parseOSHAFile(t *testing.T, path string) ([]OSHAViolation, []ImportRowError) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	violations, refusals, err := ParseOSHAViolations(f)
	if err != nil {
		t.Fatal(err)
	}
	return violations, refusals
}

func TestParseOSHAViolationsRefusals(t *testing.T) {
	t.Parallel()
	violations, refusals := parseOSHAFile(t, "testdata/osha_refusals.csv")

	// One refusal of each reason, on the physical line of its record: the
	// record of line 3 runs on to line 4 (a quoted line break), so the
	// lines after it are not record number + 1.
	want := []ImportRowError{
		{5, OSHAColumnCitationID, OSHARefusedNoViolation},
		{6, OSHAColumnDeleteFlag, OSHARefusedDeleted},
		{7, OSHAColumnIssuanceDate, OSHARefusedMissingIssuance},
		{8, OSHAColumnIssuanceDate, OSHARefusedBadIssuance},
		{9, OSHAColumnAbateDate, OSHARefusedMissingAbate},
		{10, OSHAColumnAbateDate, OSHARefusedBadAbate},
		{11, OSHAColumnAbateDate, OSHARefusedDueBeforeIssue},
		{12, OSHAColumnActivityNr, OSHARefusedMissingActivity},
		{13, OSHAColumnEstabName, OSHARefusedMissingEstablishment},
		{14, OSHAColumnCitationID, OSHARefusedDuplicate},
		{15, "", OSHARefusedFieldCount},
		{16, "", OSHARefusedBadCSV},
		{19, OSHAColumnDeleteFlag, OSHARefusedDeleted}, // "D", as in the DOL dictionary
	}
	if len(refusals) != len(want) {
		t.Fatalf("got %d refusals, want %d:\n%v", len(refusals), len(want), refusals)
	}
	for i := range want {
		if refusals[i] != want[i] {
			t.Errorf("refusal %d = %+v, want %+v", i, refusals[i], want[i])
		}
	}

	var lines []int
	for _, v := range violations {
		lines = append(lines, v.Line)
	}
	if !slices.Equal(lines, []int{2, 3, 17, 18}) {
		t.Fatalf("valid lines = %v, want [2 3 17 18]", lines)
	}

	first := violations[0]
	if first.ActivityNr != "100000001" || first.CitationID != "01001" || first.Key() != "100000001/01001" ||
		first.IssuanceDate != MustParseDate("2012-03-01") || first.AbateDate != MustParseDate("2012-03-20") ||
		first.Gravity != "" || first.Severity() != SeverityGeneral || first.Outcome() != OSHAClosedOnDueDate {
		t.Errorf("line 2 = %+v", first)
	}
	multi := violations[1]
	if multi.EstabName != "COUNTY JAIL, WEST WING" || multi.SiteAddress != "2 MAIN ST\nBLDG 2" ||
		multi.RegistryID() != "COUNTY JAIL, WEST WING|2 MAIN ST BLDG 2|CHINO" ||
		multi.Address() != "2 MAIN ST\nBLDG 2, CHINO, CA 91708" ||
		multi.Standard != "5144 H02" || multi.Outcome() != OSHAStaysOpen {
		t.Errorf("line 3 = %+v (registry id %q)", multi, multi.RegistryID())
	}
	quick := violations[2]
	if quick.IssuanceDate != MustParseDate("2014-06-02") || quick.AbateDate != quick.IssuanceDate ||
		quick.Severity() != SeverityMajor || quick.Outcome() != OSHAClosedAtIssue {
		t.Errorf("line 17 = %+v", quick)
	}
	fta := violations[3]
	if fta.Severity() != SeverityMajor || fta.FTAIssuanceDate != "2014-09-03" || fta.Outcome() != OSHAStaysOpen {
		t.Errorf("line 18 = %+v", fta)
	}
	if got := first.Description(); got != "OSHA inspection 100000001 citation 01001: standard 3203 A, violation type O" {
		t.Errorf("description = %q", got)
	}
}

func TestOSHAInstants(t *testing.T) {
	t.Parallel()
	loc, err := time.LoadLocation(OSHATimeZone)
	if err != nil {
		t.Fatal(err)
	}
	v := OSHAViolation{IssuanceDate: MustParseDate("2012-03-09"), AbateDate: MustParseDate("2012-03-12"), AbateComplete: "X"}
	// 2012-03-11 is the start of daylight saving time in California.
	if got := v.IssuedAt(loc); !got.Equal(time.Date(2012, 3, 9, 17, 0, 0, 0, time.UTC)) {
		t.Errorf("issued at %v, want 09:00 PST", got)
	}
	at, ok := v.ClosedAt(loc)
	if !ok || !at.Equal(time.Date(2012, 3, 13, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("closed at %v %v, want 17:00 PDT", at, ok)
	}
	if !at.Before(EndOfDay(v.AbateDate, loc)) {
		t.Errorf("closed at %v, not before the deadline %v", at, EndOfDay(v.AbateDate, loc))
	}
	for _, c := range []struct {
		complete, fta string
		want          OSHAOutcome
	}{
		{"I", "", OSHAClosedAtIssue}, {"Q", "", OSHAClosedAtIssue}, {"X", "", OSHAClosedOnDueDate},
		{"X", "2009-09-03", OSHAStaysOpen}, {"A", "", OSHAStaysOpen}, {"2", "", OSHAStaysOpen}, {"", "", OSHAStaysOpen},
	} {
		v := OSHAViolation{AbateComplete: c.complete, FTAIssuanceDate: c.fta}
		if got := v.Outcome(); got != c.want {
			t.Errorf("abate_complete %q fta %q: outcome %s, want %s", c.complete, c.fta, got, c.want)
		}
	}
	for vt, want := range map[string]Severity{"S": SeverityMajor, "W": SeverityMajor, "R": SeverityMajor, "O": SeverityGeneral, "": SeverityGeneral} {
		v := OSHAViolation{ViolType: vt}
		if got := v.Severity(); got != want {
			t.Errorf("viol_type %q: severity %s, want %s", vt, got, want)
		}
	}
}

func TestParseOSHAViolationsHeader(t *testing.T) {
	t.Parallel()
	_, _, err := ParseOSHAViolations(strings.NewReader(""))
	if ErrorCode(err) != EINVALID {
		t.Errorf("empty file: %v", err)
	}
	_, _, err = ParseOSHAViolations(strings.NewReader("activity_nr,estab_name\n1,x\n"))
	if ErrorCode(err) != EINVALID || !strings.Contains(ErrorMessage(err), "abate_date") {
		t.Errorf("missing columns: %v", err)
	}
}

// TestParseOSHAViolationsRealFile reads the real Cal/OSHA file of
// ../shared/data (copied to postgres/testdata, where the replay test reads
// it too).
//
// The expected counts come from an independent one-off pass in Python over
// the file (csv.reader, one reason per row, in the parser's order: citation_id
// empty or NA → no violation; delete_flag X or D → deleted; issuance_date
// empty/NA; abate_date empty/NA; abate_date < issuance_date as strings;
// then duplicates of activity_nr+citation_id, of which there are none):
//
//	Counter({'no violation': 296, 'missing abate_date': 100, 'deleted': 64,
//	         'due before issue': 5}) 628 valid, reader.line_num 1094
//
// 296 + 100 + 64 + 5 + 628 = 1093 rows, as SOURCES.md says.
func TestParseOSHAViolationsRealFile(t *testing.T) {
	t.Parallel()
	violations, refusals := parseOSHAFile(t, "postgres/testdata/osha_ca_carceral_inspection_violation.csv")
	want := map[string]int{
		OSHARefusedNoViolation:    296,
		OSHARefusedMissingAbate:   100,
		OSHARefusedDeleted:        64,
		OSHARefusedDueBeforeIssue: 5,
	}
	if got := CountOSHARefusals(refusals); !maps.Equal(got, want) {
		t.Errorf("refusals by reason = %v, want %v", got, want)
	}
	if len(violations) != 628 {
		t.Errorf("%d valid violations, want 628", len(violations))
	}
	// The five rows due before issue, by line.
	var dueBefore []int
	for _, r := range refusals {
		if r.Reason == OSHARefusedDueBeforeIssue {
			dueBefore = append(dueBefore, r.Line)
		}
	}
	// Python: [r.line_num for the rows above with abate_date < issuance_date]
	// (csv.reader.line_num is the physical line a record ends on; the file
	// has no line break inside a field, so it is also where it starts).
	if !slices.Equal(dueBefore, []int{312, 313, 396, 397, 498}) {
		t.Errorf("due-before-issue lines %v, want [312 313 396 397 498]", dueBefore)
	}
	outcomes := map[OSHAOutcome]int{}
	major := 0
	for i, v := range violations {
		outcomes[v.Outcome()]++
		if v.Severity() == SeverityMajor {
			major++
		}
		if i > 0 && v.Line <= violations[i-1].Line {
			t.Fatalf("line %d after line %d", v.Line, violations[i-1].Line)
		}
	}
	// I/Q: 59 (all I); X without FTA: 316; the rest: 253 (same Python pass).
	if outcomes[OSHAClosedAtIssue] != 59 || outcomes[OSHAClosedOnDueDate] != 316 || outcomes[OSHAStaysOpen] != 253 {
		t.Errorf("outcomes = %v", outcomes)
	}
	// viol_type S 131 + R 5 (no W among the valid rows).
	if major != 136 {
		t.Errorf("%d major, want 136", major)
	}
}
