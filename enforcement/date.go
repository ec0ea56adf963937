package enforcement

import (
	"encoding/json"
	"fmt"
	"time"
)

// Date is a calendar date with no time of day and no time zone, as written
// on a rectification order ("整改期限：2026年10月9日"). Deadlines are the end
// of a Date in the district's time zone; see EndOfDay.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// DateOf returns the date of t in t's location.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{y, m, d}
}

// ParseDate parses "2006-01-02". It returns EINVALID on any other shape.
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return Date{}, Errorf(EINVALID, "%q is not a date in the form YYYY-MM-DD.", s).
			ZH("“%s”不是 YYYY-MM-DD 格式的日期。", s)
	}
	return DateOf(t), nil
}

// MustParseDate is ParseDate for constants in tests and tables; it panics.
func MustParseDate(s string) Date {
	d, err := ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

// In returns midnight at the start of d in loc.
func (d Date) In(loc *time.Location) time.Time {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, loc)
}

// UTC returns midnight at the start of d in UTC, the form pgx uses for the
// date column type.
func (d Date) UTC() time.Time { return d.In(time.UTC) }

// AddDays returns d plus n calendar days (n may be negative).
func (d Date) AddDays(n int) Date { return DateOf(d.UTC().AddDate(0, 0, n)) }

// Weekday returns the day of the week.
func (d Date) Weekday() time.Weekday { return d.UTC().Weekday() }

// IsZero reports whether d is the zero Date.
func (d Date) IsZero() bool { return d == Date{} }

// Before reports whether d is before o.
func (d Date) Before(o Date) bool { return d.UTC().Before(o.UTC()) }

// After reports whether d is after o.
func (d Date) After(o Date) bool { return d.UTC().After(o.UTC()) }

// DaysUntil returns the number of calendar days from d to o.
func (d Date) DaysUntil(o Date) int { return int(o.UTC().Sub(d.UTC()).Hours() / 24) }

// String returns "2006-01-02".
func (d Date) String() string { return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day) }

// MarshalJSON writes "2006-01-02", or null for the zero Date.
func (d Date) MarshalJSON() ([]byte, error) {
	if d.IsZero() {
		return []byte("null"), nil
	}
	return json.Marshal(d.String())
}

// UnmarshalJSON reads "2006-01-02" or null.
func (d *Date) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*d = Date{}
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return Errorf(EINVALID, "A date must be a string in the form YYYY-MM-DD.").ZH("日期须为 YYYY-MM-DD 格式的字符串。")
	}
	v, err := ParseDate(s)
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// EndOfDay returns the deadline of date d in loc: the first instant of the
// next day. An order due on d is overdue at EndOfDay(d, loc) and after
// (DESIGN.md §3: "the deadline is the end of that day in the district's
// time zone").
func EndOfDay(d Date, loc *time.Location) time.Time {
	return d.AddDays(1).In(loc)
}
