package convreport

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestValidBucket(t *testing.T) {
	for _, b := range []Bucket{Hour, Day, Week, Month, Quarter, Year} {
		require.True(t, validBucket(b), b)
	}
	for _, b := range []Bucket{NoBucket, "minute", "Day", "days"} {
		require.False(t, validBucket(b), b)
	}
}

func TestFormatBucket(t *testing.T) {
	paris := mustZone(t, "Europe/Paris")
	at := rfc(t, "2025-03-30T14:00:00+02:00").In(paris)
	require.Equal(t, "2025-03-30T14:00+02:00", Hour.Key(at))
	for _, b := range []Bucket{Day, Week, Month, Quarter, Year} {
		require.Equal(t, "2025-03-30", b.Key(at))
	}
}
