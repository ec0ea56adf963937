package web

import (
	"net/url"
	"testing"
)

func TestReadDueRule(t *testing.T) {
	t.Parallel()
	c := mustLoadCatalogue(t)
	var missing []string
	l := c.localizer("en", func(id string) { missing = append(missing, id) })
	for _, tc := range []struct {
		name            string
		values          url.Values
		dateField, days string
		wantDate        string
		wantDays        int
		wantErrs        map[string]string
	}{
		{name: "date", values: url.Values{"d": {" 2026-03-09 "}}, dateField: "d", days: "n", wantDate: "2026-03-09"},
		{name: "days", values: url.Values{"n": {"5"}}, dateField: "d", days: "n", wantDays: 5},
		{name: "neither", values: url.Values{}, dateField: "d", days: "n",
			wantErrs: map[string]string{"d": "Give a due date or a number of working days."}},
		{name: "both", values: url.Values{"d": {"2026-03-09"}, "n": {"5"}}, dateField: "d", days: "n",
			wantErrs: map[string]string{"d": "Give the due date either as a date or as a number of working days, not both."}},
		{name: "bad date", values: url.Values{"d": {"9 March"}}, dateField: "d", days: "n",
			wantErrs: map[string]string{"d": "Give the due date as year-month-day."}},
		{name: "too many days", values: url.Values{"n": {"251"}}, dateField: "d", days: "n",
			wantErrs: map[string]string{"n": "Give a number of working days from 1 to 250."}},
		{name: "no days", values: url.Values{"n": {"0"}}, dateField: "d", days: "n",
			wantErrs: map[string]string{"n": "Give a number of working days from 1 to 250."}},
		// A form that offers one way at a time reads that way only.
		{name: "days only, date typed", values: url.Values{"d": {"2026-03-09"}, "n": {"5"}}, days: "n", wantDays: 5},
		{name: "date only, left blank", values: url.Values{"n": {"5"}}, dateField: "d",
			wantErrs: map[string]string{"d": "Give the due date as year-month-day."}},
		{name: "days only, left blank", values: url.Values{}, days: "n",
			wantErrs: map[string]string{"n": "Give a number of working days from 1 to 250."}},
	} {
		f := &form{Values: tc.values, Errors: map[string]string{}}
		r, ok := readDueRule(f, l, tc.dateField, tc.days)
		if ok != (len(tc.wantErrs) == 0) || len(f.Errors) != len(tc.wantErrs) {
			t.Errorf("%s: ok = %v, errors %v; want %v", tc.name, ok, f.Errors, tc.wantErrs)
			continue
		}
		for field, msg := range tc.wantErrs {
			if f.Errors[field] != msg {
				t.Errorf("%s: %s = %q, want %q", tc.name, field, f.Errors[field], msg)
			}
		}
		if !ok {
			continue
		}
		if got := r.Date; (got == nil) != (tc.wantDate == "") || (got != nil && got.String() != tc.wantDate) {
			t.Errorf("%s: date = %v, want %q", tc.name, got, tc.wantDate)
		}
		if got := r.WorkingDays; (got == nil) != (tc.wantDays == 0) || (got != nil && *got != tc.wantDays) {
			t.Errorf("%s: working days = %v, want %d", tc.name, got, tc.wantDays)
		}
	}
	if len(missing) > 0 {
		t.Errorf("missing messages: %v", missing)
	}
}
