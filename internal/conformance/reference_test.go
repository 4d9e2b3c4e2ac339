package conformance

import (
	"github.com/convreport/convreport/calendar"
	"testing"
	"time"
)

// The reference's own business time, on spans worked out by hand.
func TestBusinessTimeByHand(t *testing.T) {
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	cal := calendar.OfficeHours(paris, calendar.At(9, 0), calendar.At(17, 0),
		calendar.Monday, calendar.Tuesday, calendar.Wednesday, calendar.Thursday, calendar.Friday)
	cal.Holidays = []calendar.Date{{Year: 2025, Month: time.April, Day: 1}}
	at := func(s string) time.Time {
		v, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	for _, c := range []struct {
		a, b string
		want time.Duration
	}{
		// Monday 08:00 to Tuesday 10:00: all of Monday, one hour of Tuesday.
		{"2025-03-24T08:00:00+01:00", "2025-03-25T10:00:00+01:00", 9 * time.Hour},
		// Saturday to the Monday after the spring change, 11:30 CEST.
		{"2025-03-29T10:00:00+01:00", "2025-03-31T11:30:00+02:00", 2*time.Hour + 30*time.Minute},
		// Monday 16:00 to Wednesday 09:30 over the Tuesday holiday.
		{"2025-03-31T16:00:00+02:00", "2025-04-02T09:30:00+02:00", 90 * time.Minute},
		// Wholly outside opening hours: zero, not excluded.
		{"2025-03-29T10:00:00+01:00", "2025-03-30T20:00:00+02:00", 0},
	} {
		if got := businessTime(cal, at(c.a), at(c.b)); got != c.want {
			t.Errorf("%s to %s: %s, want %s", c.a, c.b, got, c.want)
		}
	}
}
