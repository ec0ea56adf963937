package web

import (
	"time"

	"github.com/jointops/jointops/enforcement"
)

// calendarVisitsPerDay is how many visits a calendar cell names; the rest
// are counted, and listed on the day's own view (?day=).
const calendarVisitsPerDay = 3

// calendarMonth is one month of an operation's calendar, as weeks of seven
// days from Monday to Sunday.
type calendarMonth struct {
	// First is the first day of the month.
	First enforcement.Date
	Weeks [][7]calendarDay
}

// calendarDay is one cell of the calendar.
type calendarDay struct {
	Date enforcement.Date
	// Outside is true for the padding cells of other months.
	Outside bool
	// InWindow is true for the days of the operation's window.
	InWindow bool
	// Working is true on a working day (工作日) of the district's calendar:
	// not a weekend or a public holiday, counting adjusted working days
	// (调休). Visits fall only on working days.
	Working bool
	// Visits are the day's visits (nil when there are none).
	Visits *enforcement.VisitDay
}

// buildCalendar lays out the months from first to last (the operation's
// window, in calendar days) with the days off of cal marked and each
// day's visits placed. Only the weeks that hold a day of the window are
// kept.
func buildCalendar(cal enforcement.Calendar, first, last enforcement.Date, days []enforcement.VisitDay) []calendarMonth {
	if first.IsZero() || last.Before(first) {
		return nil
	}
	byDate := make(map[enforcement.Date]*enforcement.VisitDay, len(days))
	for i := range days {
		byDate[days[i].Date] = &days[i]
	}
	var months []calendarMonth
	for m := (enforcement.Date{Year: first.Year, Month: first.Month, Day: 1}); !m.After(last); m = nextMonth(m) {
		cm := calendarMonth{First: m}
		// Monday-first: how many padding cells precede the 1st.
		lead := (int(m.Weekday()) + 6) % 7
		d := m.AddDays(-lead)
		for {
			var week [7]calendarDay
			for i := range week {
				week[i] = calendarDay{Date: d, Outside: d.Month != m.Month,
					InWindow: !d.Before(first) && !d.After(last), Working: cal.IsWorkingDay(d), Visits: byDate[d]}
				d = d.AddDays(1)
			}
			// A week with no day of the window is left out.
			if !week[0].Date.After(last) && !week[6].Date.Before(first) {
				cm.Weeks = append(cm.Weeks, week)
			}
			if d.Month != m.Month {
				break
			}
		}
		months = append(months, cm)
	}
	return months
}

// nextMonth returns the first day of the month after m's.
func nextMonth(m enforcement.Date) enforcement.Date {
	return enforcement.DateOf(time.Date(m.Year, m.Month+1, 1, 0, 0, 0, 0, time.UTC))
}
