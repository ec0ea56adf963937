package calendar_test

import (
	"testing"

	"github.com/jointops/jointops/enforcement"
	"github.com/jointops/jointops/enforcement/calendar"
)

// The working-day arithmetic of enforcement, run on the real calendar
// across Spring Festival 2026 (off 02-15..02-23, adjusted working days
// Sat 02-14 and Sat 02-28), National Day 2025 (off 10-01..10-08, working
// Sun 09-28 and Sat 10-11) and Mid-Autumn plus National Day 2026 (off
// 09-25..09-27 and 10-01..10-07, working Sun 09-20 and Sat 10-10).

func TestAddWorkingDays(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name      string
		overrides map[enforcement.Date]bool
		from      string
		n         int
		want      string
	}{
		{name: "zero days stays on a holiday", from: "2026-02-15", n: 0, want: "2026-02-15"},
		{name: "Spring Festival 2026: Friday to adjusted Saturday", from: "2026-02-13", n: 1, want: "2026-02-14"},
		{name: "Spring Festival 2026: over the nine days off", from: "2026-02-14", n: 1, want: "2026-02-24"},
		{name: "Spring Festival 2026: five days from Thursday", from: "2026-02-12", n: 5, want: "2026-02-26"},
		{name: "Spring Festival 2026: onto the adjusted Saturday after", from: "2026-02-26", n: 2, want: "2026-02-28"},
		{name: "Spring Festival 2026: issued on a holiday", from: "2026-02-18", n: 3, want: "2026-02-26"},
		{name: "National Day 2025: Friday to adjusted Sunday", from: "2025-09-26", n: 1, want: "2025-09-28"},
		{name: "National Day 2025: over the eight days off", from: "2025-09-30", n: 1, want: "2025-10-09"},
		{name: "National Day 2025: onto the adjusted Saturday", from: "2025-09-30", n: 3, want: "2025-10-11"},
		{name: "National Day 2025: ten working days", from: "2025-09-30", n: 10, want: "2025-10-21"},
		{name: "National Day 2026: Friday to adjusted Sunday", from: "2026-09-18", n: 1, want: "2026-09-20"},
		{name: "Mid-Autumn 2026: over Friday to Sunday", from: "2026-09-24", n: 1, want: "2026-09-28"},
		{name: "National Day 2026: task acceptance, 2 working days", from: "2026-09-29", n: 2, want: "2026-10-08"},
		{name: "National Day 2026: onto the adjusted Saturday", from: "2026-09-30", n: 3, want: "2026-10-10"},
		{
			name:      "override: a local day off after National Day 2026",
			overrides: map[enforcement.Date]bool{enforcement.MustParseDate("2026-10-08"): false},
			from:      "2026-09-30", n: 1, want: "2026-10-09",
		},
		{
			name:      "override: a working day inside National Day 2026",
			overrides: map[enforcement.Date]bool{enforcement.MustParseDate("2026-10-05"): true},
			from:      "2026-09-30", n: 1, want: "2026-10-05",
		},
		{
			name:      "override: an official adjusted working day made a day off",
			overrides: map[enforcement.Date]bool{enforcement.MustParseDate("2026-02-14"): false},
			from:      "2026-02-13", n: 1, want: "2026-02-24",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cal := calendar.New(tt.overrides)
			got, err := enforcement.AddWorkingDays(cal, enforcement.MustParseDate(tt.from), tt.n)
			if err != nil {
				t.Fatal(err)
			}
			if got.String() != tt.want {
				t.Errorf("AddWorkingDays(%s, %d) = %s, want %s", tt.from, tt.n, got, tt.want)
			}
		})
	}
}

func TestWorkingDaysBetween(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name      string
		overrides map[enforcement.Date]bool
		from, to  string
		want      int
	}{
		{name: "same day", from: "2026-02-16", to: "2026-02-16", want: 0},
		{name: "Spring Festival 2026: across the break", from: "2026-02-13", to: "2026-02-24", want: 2},
		{name: "Spring Festival 2026: all of February", from: "2026-02-01", to: "2026-02-28", want: 16},
		{name: "Spring Festival 2026: inside the break", from: "2026-02-15", to: "2026-02-23", want: 0},
		{name: "National Day 2025", from: "2025-09-25", to: "2025-10-12", want: 7},
		{name: "National Day 2025 backwards", from: "2025-10-12", to: "2025-09-25", want: -7},
		{name: "Mid-Autumn and National Day 2026", from: "2026-09-18", to: "2026-10-12", want: 12},
		{
			name: "override: National Day 2026 with a local day off",
			overrides: map[enforcement.Date]bool{
				enforcement.MustParseDate("2026-10-09"): false,
			},
			from: "2026-09-18", to: "2026-10-12", want: 11,
		},
		{
			name: "override: the adjusted Sunday made a day off",
			overrides: map[enforcement.Date]bool{
				enforcement.MustParseDate("2026-09-20"): false,
			},
			from: "2026-09-18", to: "2026-10-12", want: 11,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cal := calendar.New(tt.overrides)
			if got := enforcement.WorkingDaysBetween(cal, enforcement.MustParseDate(tt.from), enforcement.MustParseDate(tt.to)); got != tt.want {
				t.Errorf("WorkingDaysBetween(%s, %s) = %d, want %d", tt.from, tt.to, got, tt.want)
			}
		})
	}
}

func TestOverridesEnterNextYearsNotice(t *testing.T) {
	t.Parallel()
	_, last := calendar.BuiltinYears()
	year := last + 1

	// Before the notice is entered, the year is plain weekdays. An admin
	// then enters a week off and a working Sunday, as a notice would.
	first := mondayInOctober(year)
	overrides := map[enforcement.Date]bool{first.AddDays(-1): true} // the Sunday before works
	for i := 0; i < 5; i++ {
		overrides[first.AddDays(i)] = false
	}
	before, after := calendar.New(nil), calendar.New(overrides)

	if !before.IsWorkingDay(first) || before.IsWorkingDay(first.AddDays(-1)) {
		t.Fatalf("%d without overrides should be plain weekdays", year)
	}
	got, err := enforcement.AddWorkingDays(after, first.AddDays(-2), 1)
	if err != nil {
		t.Fatal(err)
	}
	if want := first.AddDays(-1); got != want {
		t.Errorf("one working day after Saturday %s = %s, want the adjusted Sunday %s", first.AddDays(-2), got, want)
	}
	got, err = enforcement.AddWorkingDays(after, first.AddDays(-1), 1)
	if err != nil {
		t.Fatal(err)
	}
	if want := first.AddDays(7); got != want {
		t.Errorf("one working day after the adjusted Sunday = %s, want %s", got, want)
	}
}

// mondayInOctober returns the first Monday of October of year.
func mondayInOctober(year int) enforcement.Date {
	d := enforcement.Date{Year: year, Month: 10, Day: 1}
	for d.Weekday() != 1 {
		d = d.AddDays(1)
	}
	return d
}
