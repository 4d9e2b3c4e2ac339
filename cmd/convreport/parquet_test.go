package main_test

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"
	"github.com/stretchr/testify/require"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/ingest"
	"github.com/convreport/convreport/parquetio"
	"github.com/convreport/convreport/sample"
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
	sameRows(t, want, got)

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

// "import --out x.parquet" from JSON Lines or CSV writes the rows as it
// reads them, each line checked as a load checks it: a bad line stops
// the import and leaves no file, or with --skip-invalid is reported and
// left out, the file then holding what a reader skipping the same lines
// keeps. Standard input streams the same way.
func TestImportToParquetChecksEachLine(t *testing.T) {
	dir := t.TempDir()
	lines := []string{
		`{"id":"c1","channel":"chat","created_at":"2025-03-03T09:00:00Z","assignee":"ana"}`,
		`{"id":"c2","channel":"email","created_at":"2025-03-03T10:00:00Z"}`,
		`{"id":"c3","channel":"chat","status":"pending","created_at":"2025-03-03T11:00:00Z"}`,
		`{"id":"c1","channel":"chat","created_at":"2025-03-03T12:00:00Z"}`,
		`{"id":"c4","channel":"chat","status":"closed","created_at":"2025-03-03T13:00:00Z","closed_at":"2025-03-03T14:00:00Z"}`,
	}
	data := filepath.Join(dir, "mixed.jsonl")
	require.NoError(t, os.WriteFile(data, []byte(strings.Join(lines, "\n")+"\n"), 0o644))
	pq := filepath.Join(dir, "out.parquet")

	o := cli(t, "", "import", "--data", data, "--out", pq)
	require.Equal(t, 1, o.code, o.stderr)
	require.Contains(t, o.stderr, "mixed.jsonl: line 3")
	_, err := os.Stat(pq)
	require.True(t, os.IsNotExist(err), "a failed import leaves no file: %v", err)

	o = cli(t, "", "import", "--data", data, "--out", pq, "--skip-invalid")
	require.Equal(t, 0, o.code, o.stderr)
	require.Contains(t, o.stderr, "skipped invalid lines:\nmixed.jsonl: line 3")
	require.Contains(t, o.stderr, "mixed.jsonl: line 4")
	require.Contains(t, o.stderr, "wrote 3 conversations to "+pq)
	want, werr := ingest.ReadFile(context.Background(), data, ingest.Options{SkipInvalid: true})
	require.Error(t, werr)
	require.Len(t, want, 3)
	got, err := parquetio.ReadFile(context.Background(), pq, ingest.Options{})
	require.NoError(t, err)
	sameRows(t, want, got)

	// CSV on standard input.
	var csv bytes.Buffer
	require.NoError(t, ingest.WriteCSV(&csv, nil, slices.Values(want)))
	fromStdin := filepath.Join(dir, "stdin.parquet")
	o = cli(t, csv.String(), "import", "--data", "-", "--data-format", "csv", "--out", fromStdin)
	require.Equal(t, 0, o.code, o.stderr)
	got, err = parquetio.ReadFile(context.Background(), fromStdin, ingest.Options{})
	require.NoError(t, err)
	sameRows(t, want, got)
}

// sameRows requires got to hold want's conversations in order, times as
// the same instants.
func sameRows(t *testing.T, want, got []convreport.Conversation) {
	t.Helper()
	require.Len(t, got, len(want))
	for i := range want {
		a, b := want[i], got[i]
		for _, p := range [][2]*time.Time{{&a.CreatedAt, &b.CreatedAt}, {&a.FirstAssignedAt, &b.FirstAssignedAt}, {&a.FirstResponseAt, &b.FirstResponseAt}, {&a.ClosedAt, &b.ClosedAt}} {
			require.True(t, p[0].Equal(*p[1]), "row %d: %s read back as %s", i, p[0], p[1])
			*p[0], *p[1] = time.Time{}, time.Time{}
		}
		require.Equal(t, a, b, "row %d", i)
	}
}

// A Parquet file's custom properties are those it declares (the files
// "import --out" writes), or --schema's: a file another tool wrote, with
// its own types (times in microseconds, 32-bit counts) and no
// declaration, has them typed by their columns; one no kind reads is
// named.
func TestParquetCustomProperties(t *testing.T) {
	dir := t.TempDir()
	schema := filepath.Join(dir, "schema.json")
	require.NoError(t, os.WriteFile(schema, []byte(`{"properties": [{"name": "seats", "kind": "number"}]}`), 0o644))
	jsonl := filepath.Join(dir, "custom.jsonl")
	require.NoError(t, os.WriteFile(jsonl, []byte(
		`{"id":"c1","channel":"chat","status":"open","created_at":"2025-03-03T09:00:00Z","incoming_messages":2,"properties":{"seats":3}}`+"\n"+
			`{"id":"c2","channel":"chat","status":"open","created_at":"2025-03-03T10:00:00Z","incoming_messages":4,"properties":{"seats":5}}`+"\n"), 0o644))
	drill := []string{"drill", "--dashboard", "chat-overview", "--report", "Conversations by rep", "--point", "assignee=",
		"--range", "this_year", "--now", "2025-06-01", "--columns", "ID,seats", "--format", "csv", "--where", "seats greater_than 4"}
	want := "id,seats\nc2,5\n"
	o := cli(t, "", append(drill, "--data", jsonl, "--schema", schema)...)
	require.Equal(t, 0, o.code, o.stderr)
	require.Equal(t, want, o.stdout)

	ours := filepath.Join(dir, "ours.parquet")
	o = cli(t, "", "import", "--data", jsonl, "--schema", schema, "--out", ours)
	require.Equal(t, 0, o.code, o.stderr)
	o = cli(t, "", append(drill, "--data", ours)...)
	require.Equal(t, 0, o.code, o.stderr)
	require.Equal(t, want, o.stdout)

	type seats struct {
		Seats *float64 `parquet:"seats"`
	}
	type row struct {
		ID       string `parquet:"id"`
		Channel  string `parquet:"channel"`
		Status   string `parquet:"status"`
		Created  int64  `parquet:"created_at,timestamp(microsecond)"`
		Incoming int32  `parquet:"incoming_messages"`
		Props    seats  `parquet:"properties"`
	}
	three, five := 3.0, 5.0
	created := time.Date(2025, 3, 3, 9, 0, 0, 0, time.UTC)
	other := filepath.Join(dir, "other.parquet")
	f, err := os.Create(other)
	require.NoError(t, err)
	w := parquet.NewGenericWriter[row](f)
	_, err = w.Write([]row{{"c1", "chat", "open", created.UnixMicro(), 2, seats{&three}}, {"c2", "chat", "open", created.Add(time.Hour).UnixMicro(), 4, seats{&five}}})
	require.NoError(t, err)
	require.NoError(t, w.Close())
	require.NoError(t, f.Close())
	// Typed by its columns, or by --schema.
	o = cli(t, "", append(drill, "--data", other)...)
	require.Equal(t, 0, o.code, o.stderr)
	require.Equal(t, want, o.stdout)
	o = cli(t, "", append(drill, "--data", other, "--schema", schema)...)
	require.Equal(t, 0, o.code, o.stderr)
	require.Equal(t, want, o.stdout)
	// A property no kind reads (a list): the file names it.
	type tags struct {
		Tags []string `parquet:"tags,list"`
	}
	type listRow struct {
		ID      string `parquet:"id"`
		Channel string `parquet:"channel"`
		Status  string `parquet:"status"`
		Created int64  `parquet:"created_at,timestamp(microsecond)"`
		Props   tags   `parquet:"properties"`
	}
	listed := filepath.Join(dir, "listed.parquet")
	f, err = os.Create(listed)
	require.NoError(t, err)
	lw := parquet.NewGenericWriter[listRow](f)
	_, err = lw.Write([]listRow{{"c1", "chat", "open", created.UnixMicro(), tags{[]string{"a"}}}})
	require.NoError(t, err)
	require.NoError(t, lw.Close())
	require.NoError(t, f.Close())
	o = cli(t, "", append(drill, "--data", listed)...)
	require.Equal(t, 1, o.code)
	require.Contains(t, o.stderr, `column "properties.tags.list.element": is repeated; conversations have one value a field`+"\n")

	// The whole dashboard gives what the JSON Lines file gives.
	run := []string{"run", "--dashboard", "chat-overview", "--range", "this_year", "--now", "2025-06-01", "--format", "json", "--schema", schema}
	fromJSONL := cli(t, "", append(run, "--data", jsonl)...)
	require.Equal(t, 0, fromJSONL.code, fromJSONL.stderr)
	fromOther := cli(t, "", append(run, "--data", other)...)
	require.Equal(t, 0, fromOther.code, fromOther.stderr)
	require.Equal(t, fromJSONL.stdout, fromOther.stdout)
}

// "generate --out x.parquet" streams the sample into a Parquet file that
// holds what the JSON Lines one does, row for row, and what
// sample.Generate returns for the same settings.
func TestGenerateParquet(t *testing.T) {
	dir := t.TempDir()
	const n = 40_000 // several of the blocks the generator hands over
	pq, jl := filepath.Join(dir, "s.parquet"), filepath.Join(dir, "s.jsonl")
	for _, out := range []string{pq, jl} {
		o := cli(t, "", "generate", "--n", itoa(n), "--seed", "5", "--from", "2025-01-01", "--to", "2025-02-01", "--tz", "America/New_York", "--out", out)
		require.Equal(t, 0, o.code, o.stderr)
		require.Contains(t, o.stderr, "wrote 40000 conversations to "+out)
	}
	fromJSONL, err := ingest.ReadFile(context.Background(), jl, ingest.Options{})
	require.NoError(t, err)
	fromParquet, err := parquetio.ReadFile(context.Background(), pq, ingest.Options{})
	require.NoError(t, err)
	sameRows(t, fromJSONL, fromParquet)

	ny, err := time.LoadLocation("America/New_York")
	require.NoError(t, err)
	want := sample.Generate(sample.Config{Seed: 5, N: n, From: time.Date(2025, 1, 1, 0, 0, 0, 0, ny), To: time.Date(2025, 2, 1, 0, 0, 0, 0, ny), Zone: ny})
	sameRows(t, want, fromParquet)

	o := cli(t, "", "generate", "--n", "10", "--out", filepath.Join(dir, "s.txt"))
	require.Equal(t, 2, o.code)
	require.Contains(t, o.stderr, "s.txt: cannot tell the format from the extension (want .jsonl, .ndjson, .json, .csv or .parquet")
}

// Ctrl-C, or SIGTERM, stops a long generation: the command fails,
// saying why, and leaves no file that looks whole.
func TestGenerateStopsOnInterrupt(t *testing.T) {
	for _, tc := range []struct {
		name string
		sig  os.Signal
	}{{"big.parquet", os.Interrupt}, {"big.jsonl", os.Interrupt}, {"big.parquet", syscall.SIGTERM}} {
		name := tc.name
		out := filepath.Join(t.TempDir(), name)
		cmd := exec.Command(binary, "generate", "--n", "100000000", "--out", out)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		require.NoError(t, cmd.Start())
		// Interrupted once it is under way: the file is there.
		for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(20 * time.Millisecond) {
			if _, err := os.Stat(out); err == nil {
				break
			}
			require.True(t, time.Now().Before(deadline), "generate wrote no file") // a hang guard
		}
		time.Sleep(300 * time.Millisecond)
		require.NoError(t, cmd.Process.Signal(tc.sig))
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case err := <-done:
			var ee *exec.ExitError
			require.ErrorAs(t, err, &ee, stderr.String())
			require.Equal(t, 1, ee.ExitCode())
		case <-time.After(60 * time.Second): // a hang guard, not a bound on how fast it stops
			_ = cmd.Process.Kill()
			t.Fatalf("%s: generate did not stop on %v", name, tc.sig)
		}
		require.Contains(t, stderr.String(), "context canceled")
		_, err := os.Stat(out)
		require.True(t, os.IsNotExist(err), "%s left behind: %v", name, err)
	}
}
