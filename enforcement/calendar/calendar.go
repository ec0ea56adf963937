// Package calendar is the district's working-day calendar (工作日): China's
// official public holidays and adjusted working days (调休), as published
// each year by the General Office of the State Council (国务院办公厅关于
// 某年部分节假日安排的通知), plus admin overrides.
//
// The official data comes from github.com/6tail/lunar-go's HolidayUtil.
// Version v1.4.7 holds every notice from the 2002 New Year (its first entry
// is 2001-12-29) through the 2027 notice (its last entry is 2027-10-09).
// For a year it does not cover, the calendar falls back to plain weekdays,
// Monday to Friday, until an admin enters overrides for that year. That is
// how next year's holidays are entered when the State Council publishes
// them, usually in November or December, before a lunar-go release carries
// them (DESIGN.md §6, "Time").
//
// lunar-go was checked day by day against the official files of
// NateScarlet/holiday-cn for 2019 through 2026 (calendar_test.go), and
// agrees on every day.
package calendar

import (
	"sync"

	"github.com/6tail/lunar-go/HolidayUtil"

	"github.com/jointops/jointops/enforcement"
)

// Calendar is an enforcement.Calendar: admin overrides first, then
// lunar-go's official holidays and adjusted working days, then Monday to
// Friday. It is immutable and safe for concurrent use; to change the
// overrides, build a new one with New.
type Calendar struct {
	overrides map[enforcement.Date]bool
}

var _ enforcement.Calendar = (*Calendar)(nil)

// New returns a calendar with the given admin overrides on top of the
// official data: true makes a date a working day, false a day off. The map
// is copied, so the caller may change it afterwards. A nil map means no
// overrides.
func New(overrides map[enforcement.Date]bool) *Calendar {
	c := &Calendar{overrides: make(map[enforcement.Date]bool, len(overrides))}
	for d, working := range overrides {
		c.overrides[d] = working
	}
	return c
}

// IsWorkingDay reports whether d is a working day. An override decides
// first. Otherwise a date lunar-go lists as a holiday is off, a date it
// lists as an adjusted working day (调休, usually a weekend) is on, and any
// other date is a working day iff it is Monday to Friday.
func (c *Calendar) IsWorkingDay(d enforcement.Date) bool {
	if c != nil {
		if working, ok := c.overrides[d]; ok {
			return working
		}
	}
	if working, ok := builtin().days[d]; ok {
		return working
	}
	return enforcement.WeekdayCalendar{}.IsWorkingDay(d)
}

// HasHolidayData reports whether year has official holiday data in the
// calendar: from lunar-go, or at least one admin override dated in that
// year. A year without it is counted as plain weekdays, so an admin screen
// can warn that next year's holidays still need to be entered.
func (c *Calendar) HasHolidayData(year int) bool {
	if builtin().years[year] {
		return true
	}
	if c != nil {
		for d := range c.overrides {
			if d.Year == year {
				return true
			}
		}
	}
	return false
}

// OfficialDays returns the official public holidays (false) and adjusted
// working days (true) dated in year, without the admin overrides: the admin
// calendar lists them beside the overrides (enforcement.OfficialDayLister).
// A year the data does not cover has none.
func (c *Calendar) OfficialDays(year int) map[enforcement.Date]bool {
	out := map[enforcement.Date]bool{}
	for d, working := range builtin().days {
		if d.Year == year {
			out[d] = working
		}
	}
	return out
}

var _ enforcement.OfficialDayLister = (*Calendar)(nil)

// BuiltinYears returns the first and last year for which lunar-go holds
// official holiday data: 2002 and 2027 with lunar-go v1.4.7. A year in
// between with no holidays of its own would still count as covered.
func BuiltinYears() (first, last int) {
	b := builtin()
	return b.first, b.last
}

// builtinData is lunar-go's holiday table read into a map once: lunar-go
// looks a date up by scanning a 20 KB string, and planning asks about
// thousands of dates.
type builtinData struct {
	days        map[enforcement.Date]bool // true = adjusted working day, false = holiday
	years       map[int]bool
	first, last int
}

// lunarFirstYear and lunarLastYear bound the scan of lunar-go's table.
// lunar-go's data starts at 2001-12-29; the upper bound leaves room for
// many later releases.
const (
	lunarFirstYear = 2001
	lunarLastYear  = 2100
)

var builtin = sync.OnceValue(func() *builtinData {
	b := &builtinData{days: map[enforcement.Date]bool{}, years: map[int]bool{}}
	for y := lunarFirstYear; y <= lunarLastYear; y++ {
		l := HolidayUtil.GetHolidaysByYear(y)
		for e := l.Front(); e != nil; e = e.Next() {
			h := e.Value.(*HolidayUtil.Holiday)
			d, err := enforcement.ParseDate(h.GetDay())
			if err != nil {
				continue // lunar-go writes YYYY-MM-DD; skip anything else
			}
			b.days[d] = h.IsWork()
			// A notice's year is the year of its target holiday: the
			// 2001-12-29 adjusted working day belongs to the 2002 notice.
			if t, err := enforcement.ParseDate(h.GetTarget()); err == nil {
				b.years[t.Year] = true
				if b.first == 0 || t.Year < b.first {
					b.first = t.Year
				}
				if t.Year > b.last {
					b.last = t.Year
				}
			}
		}
	}
	return b
})
