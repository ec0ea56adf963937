package web

import (
	"testing"

	"github.com/jointops/jointops/enforcement"
)

// holidayCalendar is Monday to Friday but for the listed days off.
type holidayCalendar map[enforcement.Date]bool

func (h holidayCalendar) IsWorkingDay(d enforcement.Date) bool {
	return !h[d] && enforcement.WeekdayCalendar{}.IsWorkingDay(d)
}

func TestBuildCalendar(t *testing.T) {
	t.Parallel()
	d := enforcement.MustParseDate
	// 清明节 2026: Saturday 4 to Monday 6 April off.
	cal := holidayCalendar{d("2026-04-06"): true}
	days := []enforcement.VisitDay{{Date: d("2026-03-31"), Count: 4}}
	months := buildCalendar(cal, d("2026-03-30"), d("2026-04-07"), days)
	if len(months) != 2 || months[0].First != d("2026-03-01") || months[1].First != d("2026-04-01") {
		t.Fatalf("months = %+v, want March and April", months)
	}
	// March keeps only the week of the 30th, Monday first; its April days
	// are padding.
	if w := months[0].Weeks; len(w) != 1 || w[0][0].Date != d("2026-03-30") || !w[0][2].Outside || w[0][1].Visits == nil || w[0][1].Visits.Count != 4 {
		t.Fatalf("March weeks = %+v", w)
	}
	// April: the week of the 1st (padding for 30 and 31 March) and the week
	// of the 6th, a holiday Monday, inside the window but no working day.
	w := months[1].Weeks
	if len(w) != 2 || !w[0][0].Outside || w[1][0].Date != d("2026-04-06") {
		t.Fatalf("April weeks = %+v", w)
	}
	if mon := w[1][0]; !mon.InWindow || mon.Working {
		t.Errorf("6 April = %+v, want in the window and a day off", mon)
	}
	if tue := w[1][1]; !tue.InWindow || !tue.Working {
		t.Errorf("7 April = %+v, want a working day of the window", tue)
	}
	if wed := w[1][2]; wed.InWindow {
		t.Errorf("8 April = %+v, want outside the window", wed)
	}
	if buildCalendar(cal, d("2026-04-07"), d("2026-04-06"), nil) != nil {
		t.Error("a window ending before it starts has a calendar")
	}
}
