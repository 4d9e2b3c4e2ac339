package convreport

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
	_, _, err = Today.Resolve(time.Now(), nil, Weekday(-1))
	var qe *QueryError
	require.ErrorAs(t, err, &qe)
	require.Equal(t, "WeekStart", qe.Field)
}
