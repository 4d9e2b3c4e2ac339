package render

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// A range of whole days reads as dates even where a day began after
// midnight: America/Sao_Paulo's 2018-11-04 began at 01:00, and the range
// from=2018-11-04 to=2018-11-06 used to read as instants to the minute.
func TestFormatRangeOfDaysThatSkippedMidnight(t *testing.T) {
	sp, err := time.LoadLocation("America/Sao_Paulo")
	require.NoError(t, err)
	from := time.Date(2018, 11, 4, 1, 0, 0, 0, sp) // the day's first instant
	require.Equal(t, "2018-11-04 – 2018-11-05", FormatRange(from, time.Date(2018, 11, 6, 0, 0, 0, 0, sp), sp))
	require.Equal(t, "2018-11-04", FormatRange(from, time.Date(2018, 11, 5, 0, 0, 0, 0, sp), sp))
	require.Equal(t, "2018-11-03", FormatRange(time.Date(2018, 11, 3, 0, 0, 0, 0, sp), from, sp), "the day before ends where the 4th begins")
	// An hour that is not a day's start reads as an instant.
	require.Equal(t, "2018-11-04 02:00 – 2018-11-05 00:00", FormatRange(from.Add(time.Hour), time.Date(2018, 11, 5, 0, 0, 0, 0, sp), sp))
}
