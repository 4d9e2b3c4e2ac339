package convreport_test

import (
	"testing"

	"github.com/convreport/convreport"
	"github.com/stretchr/testify/require"
)

// SetValue takes a message count up to 2^53, as the readers of files do,
// so that a database's count above 2^31 is read back; above 2^53 a
// float64 no longer holds every whole number.
func TestSetValueTakesCountsUpTo2To53(t *testing.T) {
	s := convreport.DefaultSchema()
	var c convreport.Conversation
	require.NoError(t, s.SetValue(&c, "IncomingMessages", float64(1<<31)))
	require.Equal(t, 2147483648, c.IncomingMessages)
	require.NoError(t, s.SetValue(&c, "OutgoingMessages", float64(1<<53)))
	require.Equal(t, 9007199254740992, c.OutgoingMessages)
	require.EqualError(t, s.SetValue(&c, "IncomingMessages", float64(1<<53+2)), "convreport: IncomingMessages: 9.007199254740994e+15 is not a message count")
}
