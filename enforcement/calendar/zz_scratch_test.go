package calendar

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/6tail/lunar-go/HolidayUtil"
)

func TestScratchCompare(t *testing.T) {
	off := map[string]bool{}
	files, _ := filepath.Glob("testdata/holiday-cn_*.json")
	for _, f := range files {
		b, _ := os.ReadFile(f)
		var v struct{ Days []struct{ Name, Date string; IsOffDay bool } }
		json.Unmarshal(b, &v)
		for _, d := range v.Days {
			off[d.Date] = d.IsOffDay
		}
	}
	for d := time.Date(2018, 12, 1, 0, 0, 0, 0, time.UTC); d.Year() < 2028; d = d.AddDate(0, 0, 1) {
		s := d.Format("2006-01-02")
		wd := d.Weekday() != 0 && d.Weekday() != 6
		official := wd
		if o, ok := off[s]; ok {
			official = !o
		}
		lg := wd
		h := HolidayUtil.GetHoliday(s)
		if h != nil {
			lg = h.IsWork()
		}
		if lg != official {
			fmt.Println("DIFF", s, d.Weekday(), "official working:", official, "lunar-go:", h)
		}
	}
}
