package main_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/ingest"
	"github.com/convreport/convreport/parquetio"
)

// "import --out x.parquet" writes the conversations of a file, and
// "--data x.parquet" gives run, drill and import what the file gives.
func TestParquetDataGivesTheSameResults(t *testing.T) {
	path := generated(t, 3000)
	pq := filepath.Join(t.TempDir(), "conversations.parquet")
	o := cli(t, "", "import", "--data", path, "--out", pq)
	require.Equal(t, 0, o.code, o.stderr)
	require.Contains(t, o.stderr, "wrote 3000 conversations to "+pq)

	// The file holds what the JSON Lines file holds, read by each format's
	// own reader.
	want, err := ingest.ReadFile(context.Background(), path, ingest.Options{})
	require.NoError(t, err)
	got, err := parquetio.ReadFile(context.Background(), pq, ingest.Options{})
	require.NoError(t, err)
	require.Len(t, got, len(want))
	for i := range want {
		a, b := want[i], got[i]
		for _, p := range [][2]*time.Time{{&a.CreatedAt, &b.CreatedAt}, {&a.FirstAssignedAt, &b.FirstAssignedAt}, {&a.FirstResponseAt, &b.FirstResponseAt}, {&a.ClosedAt, &b.ClosedAt}} {
			require.True(t, p[0].Equal(*p[1]), "row %d: %s read back as %s", i, p[0], p[1])
			*p[0], *p[1] = time.Time{}, time.Time{}
		}
		require.Equal(t, a, b, "row %d", i)
	}

	args := []string{"--range", "last_30_days", "--now", "2025-06-01", "--tz", "Europe/Paris"}
	for _, dash := range []string{"chat-overview", "email-overview"} {
		run := append([]string{"run", "--dashboard", dash, "--format", "json"}, args...)
		fromJSONL := cli(t, "", append(run, "--data", path)...)
		fromParquet := cli(t, "", append(run, "--data", pq)...)
		require.Equal(t, 0, fromParquet.code, fromParquet.stderr)
		require.Equal(t, fromJSONL.stdout, fromParquet.stdout)
	}
	drill := append([]string{"drill", "--dashboard", "chat-overview", "--report", "Conversations by rep", "--point", "assignee=" + want[0].Assignee, "--format", "json"}, args...)
	fromJSONL := cli(t, "", append(drill, "--data", path)...)
	fromParquet := cli(t, "", append(drill, "--data", pq)...)
	require.Equal(t, 0, fromParquet.code, fromParquet.stderr)
	require.Equal(t, fromJSONL.stdout, fromParquet.stdout)

	// Standard input, with --data-format.
	b, err := os.ReadFile(pq)
	require.NoError(t, err)
	run := append([]string{"run", "--dashboard", "chat-overview", "--format", "json"}, args...)
	fromStdin := cli(t, string(b), append(run, "--data", "-", "--data-format", "parquet")...)
	require.Equal(t, 0, fromStdin.code, fromStdin.stderr)
	require.Equal(t, cli(t, "", append(run, "--data", path)...).stdout, fromStdin.stdout)

	o = cli(t, "", "import", "--data", path, "--out", pq)
	require.Equal(t, 2, o.code)
	require.Contains(t, o.stderr, "exists; import creates a new file")
}

// A bad row stops the run with its row number, or with --skip-invalid is
// reported and skipped.
func TestParquetBadRows(t *testing.T) {
	day := time.Date(2025, 3, 3, 9, 0, 0, 0, time.UTC)
	cs := []convreport.Conversation{
		{ID: "c1", Channel: convreport.Chat, Status: convreport.Open, CreatedAt: day, Assignee: "ana"},
		{ID: "c1", Channel: convreport.Chat, Status: convreport.Open, CreatedAt: day},
	}
	pq := filepath.Join(t.TempDir(), "dup.parquet")
	require.NoError(t, parquetio.WriteFile(pq, nil, cs))
	o := cli(t, "", "run", "--data", pq, "--dashboard", "chat-overview")
	require.Equal(t, 1, o.code)
	require.Equal(t, "convreport: dup.parquet: row 2: conversation \"c1\": id: duplicates the conversation on row 1\n", o.stderr)
	o = cli(t, "", "run", "--data", pq, "--dashboard", "chat-overview", "--skip-invalid", "--from", "2025-03-01", "--to", "2025-03-08", "--format", "json")
	require.Equal(t, 0, o.code, o.stderr)
	require.Contains(t, o.stderr, "skipped invalid rows:\ndup.parquet: row 2:")
	require.Contains(t, o.stdout, `"ana"`, "the valid row is counted")
}
