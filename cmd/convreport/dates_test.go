package main_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/convreport/convreport/render"
	"github.com/stretchr/testify/require"
)

// A --from date means the first instant of the day in --tz, the rule of
// every date in convreport: America/Sao_Paulo's 2018-11-04 began at 01:00,
// and --from 2018-11-04 used to mean 2018-11-03 23:00, so the chat of 23:30
// that evening was counted in a 2018-11-03 bucket inside a range starting
// on the 4th.
func TestFromDateIsItsFirstInstant(t *testing.T) {
	path := filepath.Join(t.TempDir(), "skipped.jsonl")
	data := `{"id":"eve","channel":"chat","status":"open","created_at":"2018-11-03T23:30:00-03:00"}
{"id":"day","channel":"chat","status":"open","created_at":"2018-11-04T01:30:00-02:00"}
`
	require.NoError(t, os.WriteFile(path, []byte(data), 0o644))
	o := cli(t, "", "run", "--data", path, "--dashboard", "chat-overview", "--from", "2018-11-04", "--to", "2018-11-06",
		"--tz", "America/Sao_Paulo", "--format", "json")
	require.Equal(t, 0, o.code, o.stderr)
	got, err := render.ParseJSON(strings.NewReader(o.stdout))
	require.NoError(t, err)
	sp, err := time.LoadLocation("America/Sao_Paulo")
	require.NoError(t, err)
	require.True(t, got.From.Equal(time.Date(2018, 11, 4, 1, 0, 0, 0, sp)), "from %s", got.From)
	series := got.Reports[5]
	require.Equal(t, "Chat conversations over time", series.Name)
	require.Len(t, series.Points, 2)
	bucket, _, _ := series.Points[0].Dimensions.Get("bucket")
	require.Equal(t, "2018-11-04", bucket)
	require.EqualValues(t, 1, series.Points[0].Count, "only the chat of the 4th")
}

// "yesterday" resolved in the last days of 2040 in Europe/Paris hung: the
// standard library's zone periods stand still there. The command now
// answers; the deadline only keeps a regression from hanging the suite.
func TestYesterdayAtTheEndOf2040Answers(t *testing.T) {
	path := generated(t, 200)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, binary, "run", "--data", path, "--dashboard", "chat-overview", "--range", "yesterday",
		"--now", "2041-01-03T12:00:00+01:00", "--tz", "Europe/Paris", "--format", "json").Output()
	require.NoError(t, err, string(out))
	got, err := render.ParseJSON(strings.NewReader(string(out)))
	require.NoError(t, err)
	paris, err := time.LoadLocation("Europe/Paris")
	require.NoError(t, err)
	require.True(t, got.From.Equal(time.Date(2041, 1, 2, 0, 0, 0, 0, paris)), "from %s", got.From)
	require.True(t, got.To.Equal(time.Date(2041, 1, 3, 0, 0, 0, 0, paris)), "to %s", got.To)
}
