package calendar_test

import (
	"testing"
	"time"

	"github.com/jointops/jointops/enforcement"
	"github.com/jointops/jointops/enforcement/calendar"
)

// OfficialDays, with plain weekdays for the days it does not list, agrees
// with the State Council's notices on every day, and leaves the overrides
// out: the admin calendar shows both, each by its source. (lunar-go also
// lists some weekend days inside a holiday that the notices leave out; they
// are off either way.)
func TestOfficialDaysMatchTheNotices(t *testing.T) {
	t.Parallel()
	b := setup(t)
	nationalDay := enforcement.MustParseDate("2026-10-01")
	cal := calendar.New(map[enforcement.Date]bool{nationalDay: true})
	for _, year := range officialYears {
		official := cal.OfficialDays(year)
		for d := (enforcement.Date{Year: year, Month: time.January, Day: 1}); d.Year == year; d = d.AddDays(1) {
			got, listed := official[d]
			if !listed {
				got = enforcement.WeekdayCalendar{}.IsWorkingDay(d)
			}
			if want := b.officialIsWorkingDay(d); got != want {
				t.Errorf("%s: official data says working %v (listed %v), the notice %v", d, got, listed, want)
			}
		}
	}
	if working, listed := cal.OfficialDays(2026)[nationalDay]; !listed || working {
		t.Errorf("2026-10-01 in the official data: working %v, listed %v; want a listed holiday despite the override", working, listed)
	}
	if len(cal.OfficialDays(2099)) != 0 {
		t.Error("a year with no notice has official days")
	}
}
