package enforcement

import (
	"context"
	"strings"
	"time"
)

// SubjectCalendarDay is a day of the working-day calendar an admin
// overrode; the subject id of its audit events is the date as the number
// YYYYMMDD (20271001), since audit subjects are numbered.
const SubjectCalendarDay SubjectKind = "calendar_day"

// CalendarDayID returns the audit subject id of date d: YYYYMMDD.
func CalendarDayID(d Date) int64 { return int64(d.Year*10000 + int(d.Month)*100 + d.Day) }

// The sources of a CalendarDay.
const (
	// CalendarSourceOfficial is the State Council's notice of the year, as
	// carried by the calendar's holiday data (lunar-go).
	CalendarSourceOfficial = "official"
	// CalendarSourceOverride is an admin override stored in the database.
	CalendarSourceOverride = "override"
)

// CalendarDay is a date that is not a plain weekday or weekend: an official
// public holiday (off), an adjusted working day (调休, a weekend made a
// working day), or an admin override, which wins over the official data.
type CalendarDay struct {
	Date    Date `json:"date"`
	Working bool `json:"working"`
	// Source is CalendarSourceOfficial or CalendarSourceOverride.
	Source string `json:"source"`
	Note   string `json:"note,omitempty"`
	// OfficialWorking is what the day would be without the override: the
	// official data's answer, or a plain weekday's. Only set on overrides.
	OfficialWorking *bool `json:"official_working,omitempty"`
	// UpdatedAt is when the override was last set. Only set on overrides.
	UpdatedAt *time.Time `json:"updated_at,omitempty"`
}

// CalendarYear is the calendar of one year as an admin edits it: the days
// that differ from plain weekdays, in date order.
type CalendarYear struct {
	Year int `json:"year"`
	// HasOfficialData is false for a year the holiday data does not cover
	// yet (usually next year, before the State Council publishes it):
	// admins should enter its holidays as overrides.
	HasOfficialData bool          `json:"has_official_data"`
	Days            []CalendarDay `json:"days"`
}

// OfficialDayLister is a Calendar that can list its official data: the
// public holidays (false) and adjusted working days (true) of a year,
// without admin overrides. enforcement/calendar's Calendar is one.
type OfficialDayLister interface {
	OfficialDays(year int) map[Date]bool
}

// CalendarOverride is the input of an admin override of one day.
type CalendarOverride struct {
	// Working is required: true makes the day a working day, false a day
	// off.
	Working *bool  `json:"working"`
	Note    string `json:"note"`
}

// Validate trims the note and checks the input: the note at most
// MaxCalendarNoteRunes. EINVALID with the field at fault.
func (c *CalendarOverride) Validate() error {
	c.Note = strings.TrimSpace(c.Note)
	if c.Working == nil {
		return FieldError("working", "Say whether the day is a working day (true) or a day off (false).").
			ZH("请选择该日是工作日还是休息日。")
	}
	return validateText("note", c.Note, MaxCalendarNoteRunes)
}

// Years an override may name: the calendar is for deadlines that are set
// now, so a date far in the past or future is a typing mistake.
const (
	minCalendarYear = 2000
	maxCalendarYear = 2100
)

// ValidCalendarYear returns EINVALID for a year outside 2000–2100.
func ValidCalendarYear(field string, year int) error {
	if year < minCalendarYear || year > maxCalendarYear {
		return FieldError(field, "The year must be from %d to %d; got %d.", minCalendarYear, maxCalendarYear, year).
			ZH("年份须在 %d 至 %d 之间；实际为 %d。", minCalendarYear, maxCalendarYear, year)
	}
	return nil
}

// CalendarService lets admins keep the working-day calendar. Deadlines in
// working days (the due date of an order given as N working days, the
// ladder's offsets, a task's acceptance due date) are counted on it; the
// verification clock counts calendar days and does not use it. A change
// applies to deadlines computed after it, at once and on every instance;
// due dates already set are stored dates and stay as they are.
type CalendarService interface {
	// FindCalendarYear returns the days of year that differ from plain
	// weekdays, marked by source. Every signed-in actor reads it; EINVALID
	// for a year outside 2000–2100.
	FindCalendarYear(ctx context.Context, year int) (*CalendarYear, error)
	// SetCalendarOverride makes d a working day or a day off, with a note,
	// and returns the stored day. Admins only (EFORBIDDEN); EINVALID per
	// CalendarOverride.Validate.
	SetCalendarOverride(ctx context.Context, d Date, c *CalendarOverride) (*CalendarDay, error)
	// DeleteCalendarOverride removes the override of d, so that the
	// official data decides again. Admins only; ENOTFOUND when d has none.
	DeleteCalendarOverride(ctx context.Context, d Date) error
}
