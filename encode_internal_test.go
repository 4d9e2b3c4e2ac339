package convreport

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/convreport/convreport/internal/colstore"
)

// unixNano decides IsZero without a branch, by the zero Time's second
// and nanosecond: it must agree with IsZero at and around that instant,
// in any location, with a monotonic reading or without.
func TestUnixNanoIsZero(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	require.NoError(t, err)
	zero := time.Time{}
	for _, tm := range []time.Time{
		zero, zero.In(ny), zero.Add(time.Nanosecond), zero.Add(-time.Nanosecond),
		zero.Add(time.Second), zero.Add(-time.Second), time.Unix(0, 0), time.Unix(0, 0).UTC(),
		time.Now(), time.Now().Round(0), time.Date(2025, 3, 30, 1, 30, 0, 7, ny),
	} {
		want := int64(colstore.Null)
		if !tm.IsZero() {
			want = tm.UnixNano()
		}
		require.Equal(t, want, unixNano(tm), "%v", tm)
	}
}
