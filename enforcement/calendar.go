package enforcement

// Calendar says which dates are working days (工作日): not a weekend and not
// a public holiday, where an adjusted working day (调休, a weekend made a
// working day) counts as a working day. The district's calendar is China's
// official holidays (State Council notice for each year) plus admin
// overrides; see enforcement/calendar.
//
// Which clocks count working days and which calendar days:
//   - working days: a due date given as N working days (DueRule), the
//     offsets of the escalation ladder (EscalationStep: the reminder
//     before the due date, levels 2 and 3 after it) and a task's
//     acceptance due date (DefaultAcceptanceWorkingDays);
//   - calendar days: a due date given as a date, an extension's proposed
//     date (both must fall on a working day), and the verification clock
//     (VerificationDueDays), which may end on a holiday.
//
// Every deadline ends at the end of its day in the district's time zone
// (EndOfDay). An admin override applies to deadlines computed after it;
// dates already set are stored and stay.
type Calendar interface {
	IsWorkingDay(d Date) bool
}

// WeekdayCalendar is a Calendar with no holidays: Monday to Friday work.
// It is the calendar of a registry with no holiday data, such as the OSHA
// replay, and of tests that want plain weekday arithmetic.
type WeekdayCalendar struct{}

// IsWorkingDay reports whether d is Monday to Friday.
func (WeekdayCalendar) IsWorkingDay(d Date) bool {
	wd := d.Weekday()
	return wd != 0 && wd != 6
}

// maxCalendarScanDays bounds every scan for working days, so that a calendar
// with no working days (a bad override) fails instead of looping forever.
const maxCalendarScanDays = 3660

// AddWorkingDays returns the date n working days after from (n ≥ 0), in
// working days per cal. The start day itself is not counted: one working
// day after a Friday is the next Monday, and zero working days after a
// Saturday is that Saturday. This is how "N个工作日内" is counted in Chinese
// administrative practice: the day of issue does not count.
//
// It returns EINVALID when n is negative or when no working day is found
// within ten years.
func AddWorkingDays(cal Calendar, from Date, n int) (Date, error) {
	if n < 0 {
		return Date{}, Errorf(EINVALID, "A number of working days must not be negative; got %d.", n).
			ZH("工作日数不能为负数；实际为 %d。", n)
	}
	d := from
	for i := 0; n > 0; i++ {
		if i > maxCalendarScanDays {
			return Date{}, Errorf(EINVALID, "The calendar has no working day in the ten years after %s.", from).
				ZH("日历中 %s 之后十年内没有工作日。", from)
		}
		d = d.AddDays(1)
		if cal.IsWorkingDay(d) {
			n--
		}
	}
	return d, nil
}

// WorkingDaysBetween returns the number of working days in (from, to]: the
// days after from up to and including to. It is negative when to is before
// from. It answers "due in N working days" for a due date.
func WorkingDaysBetween(cal Calendar, from, to Date) int {
	sign := 1
	if to.Before(from) {
		from, to, sign = to, from, -1
	}
	n := 0
	for d := from.AddDays(1); !d.After(to); d = d.AddDays(1) {
		if cal.IsWorkingDay(d) {
			n++
		}
	}
	return sign * n
}

// WorkingDaysIn returns the working days from first to last inclusive, in
// order. Planning schedules visits on these days (DESIGN.md §4).
func WorkingDaysIn(cal Calendar, first, last Date) []Date {
	var days []Date
	for d := first; !d.After(last); d = d.AddDays(1) {
		if cal.IsWorkingDay(d) {
			days = append(days, d)
		}
	}
	return days
}
