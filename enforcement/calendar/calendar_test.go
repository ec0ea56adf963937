package calendar_test

import (
	"encoding/json"
	"fmt"
	"os"
	"testing"

	"github.com/6tail/lunar-go/HolidayUtil"

	"github.com/jointops/jointops/enforcement"
	"github.com/jointops/jointops/enforcement/calendar"
)

// officialYears are the years whose State Council notices are copied into
// testdata from NateScarlet/holiday-cn (see /work/shared/data/SOURCES.md).
var officialYears = []int{2019, 2020, 2021, 2022, 2023, 2024, 2025, 2026}

type testBundle struct {
	// official maps each date listed by a notice to whether it is a
	// working day: false for a day off, true for an adjusted working day.
	official map[enforcement.Date]bool
}

func setup(t *testing.T) *testBundle {
	t.Helper()
	official := map[enforcement.Date]bool{}
	for _, year := range officialYears {
		b, err := os.ReadFile(fmt.Sprintf("testdata/holiday-cn_%d.json", year))
		if err != nil {
			t.Fatal(err)
		}
		var file struct {
			Year int `json:"year"`
			Days []struct {
				Name     string `json:"name"`
				Date     string `json:"date"`
				IsOffDay bool   `json:"isOffDay"`
			} `json:"days"`
		}
		if err := json.Unmarshal(b, &file); err != nil {
			t.Fatalf("holiday-cn_%d.json: %v", year, err)
		}
		if len(file.Days) == 0 {
			t.Fatalf("holiday-cn_%d.json lists no days", year)
		}
		for _, d := range file.Days {
			// A file may list a date of the year before (2019.json holds
			// 2018-12-29), so the files are merged by date, not by year.
			official[enforcement.MustParseDate(d.Date)] = !d.IsOffDay
		}
	}
	return &testBundle{official: official}
}

// officialIsWorkingDay is the rule of the official files: a listed date is
// what the file says, any other date works iff it is Monday to Friday.
func (b *testBundle) officialIsWorkingDay(d enforcement.Date) bool {
	if working, ok := b.official[d]; ok {
		return working
	}
	return enforcement.WeekdayCalendar{}.IsWorkingDay(d)
}

func TestCalendarAgreesWithOfficialFiles(t *testing.T) {
	t.Parallel()
	bundle := setup(t)
	cal := calendar.New(nil)

	first, last := enforcement.MustParseDate("2019-01-01"), enforcement.MustParseDate("2026-12-31")
	days, offWeekdays, workingWeekends := 0, 0, 0
	for d := first; !d.After(last); d = d.AddDays(1) {
		days++
		want := bundle.officialIsWorkingDay(d)
		if got := cal.IsWorkingDay(d); got != want {
			t.Errorf("%s (%s): IsWorkingDay = %v, official = %v", d, d.Weekday(), got, want)
		}
		weekday := enforcement.WeekdayCalendar{}.IsWorkingDay(d)
		if weekday && !want {
			offWeekdays++
		}
		if !weekday && want {
			workingWeekends++
		}
	}
	if days != 2922 {
		t.Errorf("checked %d days, want 2922 (2019–2026)", days)
	}
	// Guard against a vacuous pass: the notices of 2019–2026 move many
	// days each year.
	if offWeekdays < 100 || workingWeekends < 30 {
		t.Errorf("only %d holidays on weekdays and %d adjusted working days: is the data loaded?", offWeekdays, workingWeekends)
	}
}

func TestCalendarMatchesLunarGoDayByDay(t *testing.T) {
	t.Parallel()
	cal := calendar.New(nil)

	// The calendar reads lunar-go's table once by year; check it against
	// lunar-go's own per-day lookup over every year it covers.
	first, last := calendar.BuiltinYears()
	for d := enforcement.MustParseDate(fmt.Sprintf("%d-12-01", first-1)); d.Year <= last; d = d.AddDays(1) {
		want := enforcement.WeekdayCalendar{}.IsWorkingDay(d)
		if h := HolidayUtil.GetHoliday(d.String()); h != nil {
			want = h.IsWork()
		}
		if got := cal.IsWorkingDay(d); got != want {
			t.Errorf("%s: IsWorkingDay = %v, lunar-go = %v", d, got, want)
		}
	}
}

func TestBuiltinYears(t *testing.T) {
	t.Parallel()

	first, last := calendar.BuiltinYears()
	if first != 2002 || last < 2026 {
		t.Errorf("BuiltinYears() = %d, %d; want 2002 and at least 2026", first, last)
	}
	cal := calendar.New(nil)
	for y := first; y <= last; y++ {
		if !cal.HasHolidayData(y) {
			t.Errorf("HasHolidayData(%d) = false inside the built-in years", y)
		}
	}
	if cal.HasHolidayData(last + 1) {
		t.Errorf("HasHolidayData(%d) = true with no data and no overrides", last+1)
	}
	withOverride := calendar.New(map[enforcement.Date]bool{{Year: last + 1, Month: 1, Day: 1}: false})
	if !withOverride.HasHolidayData(last + 1) {
		t.Errorf("HasHolidayData(%d) = false with an override in that year", last+1)
	}
}

func TestCalendarBeyondBuiltinYearsIsWeekdays(t *testing.T) {
	t.Parallel()
	_, last := calendar.BuiltinYears()
	cal := calendar.New(nil)

	// With no notice and no overrides, every day of the next year follows
	// Monday to Friday, including the dates that will become holidays.
	for d := enforcement.MustParseDate(fmt.Sprintf("%d-01-01", last+1)); d.Year == last+1; d = d.AddDays(1) {
		want := enforcement.WeekdayCalendar{}.IsWorkingDay(d)
		if got := cal.IsWorkingDay(d); got != want {
			t.Errorf("%s (%s): IsWorkingDay = %v, want %v", d, d.Weekday(), got, want)
		}
	}
}

func TestNewCopiesOverrides(t *testing.T) {
	t.Parallel()

	day := enforcement.MustParseDate("2026-03-02") // a Monday
	overrides := map[enforcement.Date]bool{day: false}
	cal := calendar.New(overrides)
	overrides[day] = true
	if cal.IsWorkingDay(day) {
		t.Errorf("changing the caller's map after New changed the calendar")
	}
}
