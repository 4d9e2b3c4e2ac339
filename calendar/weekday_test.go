package calendar

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// Weekday is the one way the API names a day: it prints and parses the
// English names and converts to the standard library's numbering.
func TestWeekdayNamesAndStd(t *testing.T) {
	want := []struct {
		w    Weekday
		name string
		std  time.Weekday
	}{
		{Monday, "Monday", time.Monday}, {Tuesday, "Tuesday", time.Tuesday},
		{Wednesday, "Wednesday", time.Wednesday}, {Thursday, "Thursday", time.Thursday},
		{Friday, "Friday", time.Friday}, {Saturday, "Saturday", time.Saturday},
		{Sunday, "Sunday", time.Sunday},
	}
	for _, c := range want {
		require.Equal(t, c.name, c.w.String())
		require.Equal(t, c.std, c.w.Std())
		require.Equal(t, c.w, WeekdayOf(c.std))
		for _, s := range []string{c.name, "  " + c.name, "x"} {
			got, err := ParseWeekday(s)
			if s == c.name {
				require.NoError(t, err)
				require.Equal(t, c.w, got)
			} else {
				require.ErrorContains(t, err, "is not a day")
			}
		}
		got, err := ParseWeekday(strings.ToLower(c.name))
		require.NoError(t, err)
		require.Equal(t, c.w, got)
	}
	got, err := ParseWeekday("sUnDaY")
	require.NoError(t, err)
	require.Equal(t, Sunday, got)
	require.Equal(t, "Weekday(7)", Weekday(7).String())
	for d := Monday; d <= Sunday; d++ {
		require.True(t, d.Valid(), d.String())
	}
	require.False(t, Weekday(-1).Valid())
	require.False(t, Weekday(7).Valid())
}

// A calendar's week is named by Weekday too: its zero value is closed every
// day, each day is set and read by its Weekday, and a value that is not a
// day is neither.
func TestWeeklyHoursByWeekday(t *testing.T) {
	var w WeeklyHours
	for d := Monday; d <= Sunday; d++ {
		require.Nil(t, w.Day(d), d.String())
	}
	nine := []Hours{{At(9, 0), At(17, 0)}}
	w.SetDay(Wednesday, nine)
	require.Equal(t, nine, w.Wednesday)
	require.Equal(t, nine, w.Day(Wednesday))
	require.Nil(t, w.Day(Thursday))
	w.SetDay(Weekday(7), nine)
	w.SetDay(Weekday(-1), nine)
	require.Nil(t, w.Day(Weekday(7)))
	require.Equal(t, WeeklyHours{Wednesday: nine}, w)
	// 2025-01-01 was a Wednesday, whatever the zone's offset.
	cal := OfficeHours(time.UTC, At(9, 0), At(17, 0), Wednesday)
	day := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	require.Equal(t, 8*time.Hour, cal.Between(day, day.AddDate(0, 0, 7)))
	require.Equal(t, 8*time.Hour, cal.Between(day, day.AddDate(0, 0, 1)))
}
