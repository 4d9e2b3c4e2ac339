package convreport_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/memory"
)

// Errors name times as instants that parse back: in a zone whose offset
// had seconds (Africa/Monrovia, -0:44:30 until 1972), in UTC, as RFC 3339
// cannot write the seconds and an offset cut to -00:44 names another
// instant.
func TestErrorsNameTimesInAZoneWhoseOffsetHasSeconds(t *testing.T) {
	monrovia, err := time.LoadLocation("Africa/Monrovia")
	require.NoError(t, err)
	at := time.Date(1960, 6, 1, 0, 0, 0, 0, monrovia) // 00:44:30 UTC

	src, err := memory.New(nil)
	require.NoError(t, err)
	_, err = convreport.NewEngine(src).Run(context.Background(), convreport.Query{From: at, To: at, Zone: monrovia}, convreport.Report{Name: "r"})
	require.ErrorContains(t, err, "From 1960-06-01T00:44:30Z is not before To 1960-06-01T00:44:30Z")

	c := convreport.Conversation{ID: "a", Channel: convreport.Chat, CreatedAt: at, FirstResponseAt: at.Add(-time.Second)}
	require.ErrorContains(t, c.Validate(), "1960-06-01T00:44:29Z is before created_at 1960-06-01T00:44:30Z")
}
