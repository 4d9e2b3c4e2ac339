package ingest

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/internal/civil"
)

// 0001-01-01T00:00:00Z is the zero time.Time, which means "unknown" inside
// the library: it was refused as "created_at: is missing" (and silently
// dropped as first_response_at), while year 0000 was accepted and then
// overflowed the engine's nanoseconds. Every time field in both formats now
// refuses every time outside [MinTime, MaxTime] with one message, and
// accepts the bounds themselves.
func TestTimesOutsideTheSupportedRange(t *testing.T) {
	outside := []string{"0001-01-01T00:00:00Z", "0000-01-01T00:00:00Z", "1677-09-21T00:12:43Z", "2262-04-11T23:47:17Z", "9999-12-31T23:59:59Z"}
	inside := []string{civil.MinTime.Format(time.RFC3339Nano), civil.MaxTime.Format(time.RFC3339Nano)}
	for _, field := range []string{"created_at", "first_assigned_at", "first_response_at", "closed_at"} {
		for _, v := range append(outside, inside...) {
			want := ""
			if !containsString(inside, v) {
				want = field + ": " + civil.RangeReason(v)
			}
			// Other times are put where they leave v's own check to decide:
			// the creation not after v, and less than the longest duration
			// (292 years) before it.
			vals := map[string]string{"created_at": civil.MinTime.Format(time.RFC3339Nano)}
			if v > "1970" {
				vals["created_at"] = "1970-01-01T00:00:00Z"
			}
			vals[field] = v
			status := "open"
			if field == "closed_at" {
				status = "closed"
			}
			keys := []string{"id", "channel", "status"}
			cells := []string{"c1", "chat", status}
			for _, k := range []string{"created_at", "first_assigned_at", "first_response_at", "closed_at"} {
				if s, ok := vals[k]; ok {
					keys, cells = append(keys, k), append(cells, s)
				}
			}
			var jl []string
			for i := range keys {
				jl = append(jl, `"`+keys[i]+`":"`+cells[i]+`"`)
			}
			inputs := map[Format]string{
				JSONL: "{" + strings.Join(jl, ",") + "}\n",
				CSV:   strings.Join(keys, ",") + "\n" + strings.Join(cells, ",") + "\n",
			}
			for format, in := range inputs {
				rows, err := read(t, format, in, Options{})
				if want == "" {
					require.NoError(t, err, "%s %s = %s", format, field, v)
					require.Len(t, rows, 1)
					continue
				}
				require.ErrorContains(t, err, "line ", "%s %s = %s", format, field, v)
				require.ErrorContains(t, err, want, "%s %s = %s", format, field, v)
			}
		}
	}
	// The same rule holds for a Conversation built in Go.
	c := convreport.Conversation{ID: "c", Channel: convreport.Chat, Status: convreport.Open, CreatedAt: time.Date(0, 1, 1, 0, 0, 0, 0, time.UTC)}
	require.EqualError(t, c.Validate(), `convreport: conversation "c": created_at: `+civil.RangeReason("0000-01-01T00:00:00Z"))
}

func containsString(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}
