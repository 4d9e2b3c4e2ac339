package civil

import (
	"testing"
	"time"
)

func TestFormatRFC3339KeepsTheInstant(t *testing.T) {
	load := func(name string) *time.Location {
		l, err := time.LoadLocation(name)
		if err != nil {
			t.Fatal(err)
		}
		return l
	}
	for _, c := range []struct {
		t    time.Time
		want string
	}{
		// -0:44:30: midnight is 00:44:30 UTC.
		{time.Date(1960, 6, 1, 0, 0, 0, 0, load("Africa/Monrovia")), "1960-06-01T00:44:30Z"},
		// +0:09:21: midnight is 23:50:39 UTC the day before.
		{time.Date(1900, 1, 1, 0, 0, 0, 0, load("Europe/Paris")), "1899-12-31T23:50:39Z"},
		// +1:19:32 in summer 1930.
		{time.Date(1930, 6, 1, 12, 0, 0, 5, load("Europe/Amsterdam")), "1930-06-01T10:40:28.000000005Z"},
		// Whole minutes keep their offset.
		{time.Date(1960, 6, 1, 0, 0, 0, 0, load("Europe/Paris")), "1960-06-01T00:00:00+01:00"},
		{time.Date(1972, 6, 1, 0, 0, 0, 0, load("Africa/Monrovia")), "1972-06-01T00:00:00Z"},
		{time.Date(2025, 3, 30, 14, 0, 0, 0, time.FixedZone("", 5*3600+45*60)), "2025-03-30T14:00:00+05:45"},
		{time.Date(2025, 3, 30, 14, 0, 0, 0, time.FixedZone("", -30)), "2025-03-30T14:00:30Z"},
		// A day or more, which RFC 3339 cannot write either.
		{time.Date(2025, 3, 30, 14, 0, 0, 0, time.FixedZone("", 25*3600)), "2025-03-29T13:00:00Z"},
	} {
		got := FormatRFC3339(c.t)
		if got != c.want {
			t.Errorf("%v: got %s, want %s", c.t, got, c.want)
		}
		back, err := time.Parse(time.RFC3339Nano, got)
		if err != nil || !back.Equal(c.t) {
			t.Errorf("%s parses back to %v (%v), want %v", got, back, err, c.t)
		}
		if w := Writable(c.t); !w.Equal(c.t) {
			t.Errorf("Writable(%v) = %v, another instant", c.t, w)
		}
	}
}
