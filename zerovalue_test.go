package convreport_test

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/ingest"
	"github.com/convreport/convreport/memory"
)

// A fixture needs only an ID and a creation time: an empty Status is open,
// or closed when ClosedAt is set, and an empty Channel is "other". It used
// to be refused ("" is not a status). The defaults hold everywhere a
// status or channel is read: validation, filters, groups, snapshots and
// the JSON Lines reader.
func TestZeroValuedFieldsHaveDefaults(t *testing.T) {
	created := at("2025-03-03T09:00:00Z")
	cs := []convreport.Conversation{
		{ID: "open", CreatedAt: created},
		{ID: "closed", CreatedAt: created, ClosedAt: created.Add(90 * 60e9)},
		{ID: "explicit", CreatedAt: created, Channel: convreport.Chat, Status: convreport.Open},
	}
	for _, c := range cs {
		require.NoError(t, c.Validate(), c.ID)
	}
	v, _ := convreport.DefaultSchema().Value(&cs[1], "Status")
	require.Equal(t, "closed", v)
	v, _ = convreport.DefaultSchema().Value(&cs[0], "Channel")
	require.Equal(t, "other", v)

	// Still refused: a status that contradicts ClosedAt, and the two
	// fields nothing can stand in for.
	require.Error(t, (&convreport.Conversation{ID: "x", CreatedAt: created, Status: convreport.Closed}).Validate())
	require.Error(t, (&convreport.Conversation{CreatedAt: created}).Validate())
	require.Error(t, (&convreport.Conversation{ID: "x"}).Validate())

	f, err := convreport.CompileFilter(nil, `Status == "closed" && Channel == "other"`)
	require.NoError(t, err)
	for i, want := range []bool{false, true, false} {
		got, err := f.Match(&cs[i], convreport.FilterEnv{})
		require.NoError(t, err)
		require.Equal(t, want, got, cs[i].ID)
	}

	// The same data read from JSON Lines without status or channel.
	jsonl := `{"id":"open","created_at":"2025-03-03T09:00:00Z"}
{"id":"closed","created_at":"2025-03-03T09:00:00Z","closed_at":"2025-03-03T10:30:00Z"}
{"id":"explicit","channel":"chat","status":"open","created_at":"2025-03-03T09:00:00Z"}
`
	read, err := ingest.ReadAll(context.Background(), strings.NewReader(jsonl), ingest.JSONL, ingest.Options{})
	require.NoError(t, err)
	for name, data := range map[string][]convreport.Conversation{"Go": cs, "JSONL": read} {
		src, err := memory.New(data)
		require.NoError(t, err, name)
		q := convreport.Query{From: at("2025-03-01T00:00:00Z"), To: at("2025-04-01T00:00:00Z"), Now: at("2025-03-04T00:00:00Z")}
		res, err := convreport.NewEngine(src).Run(context.Background(), q,
			convreport.Report{Name: "by status", Dimensions: []string{"Status"}, Sort: convreport.ByLabelAsc},
			convreport.Report{Name: "by channel", Dimensions: []string{"Channel"}, Sort: convreport.ByLabelAsc},
			convreport.Report{Name: "open now", Snapshot: true},
		)
		require.NoError(t, err, name)
		got := func(r convreport.Result) map[string]int64 {
			m := map[string]int64{}
			for _, p := range r.Points {
				m[p.Dimensions[0].Label()] = p.Count
			}
			return m
		}
		require.Equal(t, map[string]int64{"open": 2, "closed": 1}, got(res[0]), name)
		require.Equal(t, map[string]int64{"other": 2, "chat": 1}, got(res[1]), name)
		require.EqualValues(t, 2, res[2].Matched, name)
	}
}
