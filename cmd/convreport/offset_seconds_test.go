package main_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// Africa/Monrovia kept -0:44:30 until 1972: run --format json writes the
// period so that it parses back to its instants, which an offset cut to
// -00:44 would not.
func TestRunJSONPeriodInAZoneWhoseOffsetHasSeconds(t *testing.T) {
	data := write(t, "1960.jsonl", `{"id": "a", "channel": "chat", "created_at": "1960-06-01T12:00:00Z"}`+"\n")
	o := cli(t, "", "run", "--data", data, "--dashboard", "chat-overview", "--tz", "Africa/Monrovia",
		"--from", "1960-06-01", "--to", "1960-06-04", "--now", "1960-06-10", "--format", "json")
	require.Equal(t, 0, o.code, o.stderr)
	var got struct{ From, To string }
	require.NoError(t, json.Unmarshal([]byte(o.stdout), &got), o.stdout)
	// Local midnight is 00:44:30 UTC.
	for _, c := range []struct {
		written string
		want    time.Time
	}{
		{got.From, time.Date(1960, 6, 1, 0, 44, 30, 0, time.UTC)},
		{got.To, time.Date(1960, 6, 4, 0, 44, 30, 0, time.UTC)},
	} {
		at, err := time.Parse(time.RFC3339, c.written)
		require.NoError(t, err)
		require.True(t, at.Equal(c.want), "%s is not %s", c.written, c.want)
	}
}
