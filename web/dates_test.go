package web_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// A date in the query means its first instant in the zone, as everywhere in
// convreport: America/Sao_Paulo's 2018-11-04 began at 01:00 (the clock
// skipped midnight), and from=2018-11-04 used to mean 2018-11-03 23:00,
// which put a 2018-11-03 bucket into the range.
func TestQueryDateIsItsFirstInstant(t *testing.T) {
	f := newFixture(t)
	sp, err := time.LoadLocation("America/Sao_Paulo")
	require.NoError(t, err)
	run := f.run("chat", "ana", "from=2018-11-04&to=2018-11-06&tz=America/Sao_Paulo")
	require.True(t, run.From.Equal(time.Date(2018, 11, 4, 1, 0, 0, 0, sp)), "from %s", run.From)
	require.True(t, run.To.Equal(time.Date(2018, 11, 6, 0, 0, 0, 0, sp)), "to %s", run.To)
	ts := run.Reports[run.report(t, "chat-conversations-over-time")]
	require.Len(t, ts.Points, 2, "one point per day")
	require.Equal(t, "2018-11-04", *ts.Points[0].Dimensions["bucket"])
}
