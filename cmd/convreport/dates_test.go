package main_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
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

// Pacific/Apia skipped 2011-12-30: by the rule of every date, that date
// starts when 2011-12-31 does, so --from 2011-12-30 --to 2011-12-31 is an
// empty range. The refusal says why, for --from and --to alike, and for
// generate's range too; a range backwards for no such reason is said as
// before, and one that ends on the skipped date is not empty.
func TestRangeEmptiedByASkippedDay(t *testing.T) {
	path := filepath.Join(t.TempDir(), "apia.jsonl")
	data := `{"id":"c1","channel":"chat","status":"open","created_at":"2011-12-29T12:00:00-10:00"}` + "\n"
	require.NoError(t, os.WriteFile(path, []byte(data), 0o644))
	why := "Pacific/Apia skipped the day 2011-12-30 (its clocks went from 2011-12-29 to 2011-12-31), so "
	for _, tc := range []struct {
		args []string
		msg  string
	}{
		{[]string{"run", "--data", path, "--dashboard", "chat-overview", "--from", "2011-12-30", "--to", "2011-12-31"},
			"--from 2011-12-30 is not before --to 2011-12-31: " + why +
				"--from 2011-12-30 starts when 2011-12-31 does, at 2011-12-31T00:00:00+14:00, and the range is empty; give an earlier --from or a later --to"},
		{[]string{"run", "--data", path, "--dashboard", "chat-overview", "--from", "2011-12-30T10:00:00Z", "--to", "2011-12-30"},
			"--from 2011-12-30T10:00:00Z is not before --to 2011-12-30: " + why +
				"--to 2011-12-30 starts when 2011-12-31 does, at 2011-12-31T00:00:00+14:00, and the range is empty; give a later --to or an earlier --from"},
		{[]string{"generate", "--n", "1", "--out", filepath.Join(t.TempDir(), "g.jsonl"), "--from", "2011-12-30", "--to", "2011-12-31"},
			"--from 2011-12-30 is not before --to 2011-12-31: " + why},
		{[]string{"run", "--data", path, "--dashboard", "chat-overview", "--from", "2012-01-02", "--to", "2012-01-01"},
			"--from 2012-01-02 is not before --to 2012-01-01\n"},
	} {
		o := cli(t, "", append(tc.args, "--tz", "Pacific/Apia")...)
		require.Equal(t, 2, o.code, o.stderr)
		require.Contains(t, o.stderr, "convreport: "+tc.msg)
		require.Equal(t, 1, strings.Count(strings.TrimSpace(o.stderr), "\n")+1, o.stderr)
	}
	o := cli(t, "", "run", "--data", path, "--dashboard", "chat-overview", "--from", "2011-12-29", "--to", "2011-12-30", "--tz", "Pacific/Apia", "--format", "json")
	require.Equal(t, 0, o.code, o.stderr)
	got, err := render.ParseJSON(strings.NewReader(o.stdout))
	require.NoError(t, err)
	require.Equal(t, "Conversations by rep", got.Reports[0].Name)
	require.Len(t, got.Reports[0].Points, 1)
	require.EqualValues(t, 1, got.Reports[0].Points[0].Count, "the chat of 2011-12-29")
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

// An hour point is drilled by the label run gives it, the hour with its
// offset, which tells apart the two 02:00 hours of the night Paris's
// clocks go back; the wall clock alone names both, and is refused as
// such, and a date alone names no hour.
func TestDrillAnHourByItsLabel(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "night.jsonl")
	require.NoError(t, os.WriteFile(data, []byte(`{"id":"summer","channel":"chat","status":"open","created_at":"2025-10-26T02:30:00+02:00"}
{"id":"winter-1","channel":"chat","status":"open","created_at":"2025-10-26T02:10:00+01:00"}
{"id":"winter-2","channel":"chat","status":"open","created_at":"2025-10-26T02:50:00+01:00"}
{"id":"morning","channel":"chat","status":"open","created_at":"2025-10-26T10:15:00+01:00"}
`), 0o644))
	dash := filepath.Join(dir, "hours.json")
	require.NoError(t, os.WriteFile(dash, []byte(`{"id":"h","name":"Hours","owner":"me","reports":[{"id":"hour","name":"By hour","measure":{"agg":"count"},"bucket":"hour"}]}`), 0o644))
	q := []string{"--data", data, "--dashboard", dash, "--from", "2025-10-26", "--to", "2025-10-27", "--tz", "Europe/Paris"}
	want := map[string]int{"2025-10-26T02:00+02:00": 1, "2025-10-26T02:00+01:00": 2, "2025-10-26T10:00+01:00": 1}

	o := cli(t, "", append([]string{"run", "--format", "json"}, q...)...)
	require.Equal(t, 0, o.code, o.stderr)
	for bucket, n := range want {
		require.Contains(t, o.stdout, `"bucket": "`+bucket+`"`)
		d := cli(t, "", append([]string{"drill", "--report", "hour", "--point", "bucket=" + bucket, "--format", "json"}, q...)...)
		require.Equal(t, 0, d.code, d.stderr)
		require.Contains(t, d.stdout, `"bucket": "`+bucket+`"`)
		require.Contains(t, d.stdout, `"total": `+strconv.Itoa(n)+`,`)
		d = cli(t, "", append([]string{"drill", "--report", "hour", "--point", "bucket=" + bucket}, q...)...)
		require.Equal(t, 0, d.code, d.stderr)
		require.Contains(t, d.stdout, "By hour — bucket="+bucket+": "+strconv.Itoa(n)+" conversation")
	}

	o = cli(t, "", append([]string{"drill", "--report", "hour", "--point", "bucket=2025-10-26T02:00"}, q...)...)
	require.Equal(t, 2, o.code)
	require.Contains(t, o.stderr, `bucket=2025-10-26T02:00 names 2 points of "By hour": bucket=2025-10-26T02:00+02:00; bucket=2025-10-26T02:00+01:00`)
	o = cli(t, "", append([]string{"drill", "--report", "hour", "--point", "bucket=2025-10-26"}, q...)...)
	require.Equal(t, 2, o.code)
	require.Contains(t, o.stderr, `no point of "By hour" matches bucket=2025-10-26; points are: bucket=2025-10-26T00:00+02:00; bucket=2025-10-26T01:00+02:00; bucket=2025-10-26T02:00+02:00; bucket=2025-10-26T02:00+01:00;`)
	// No hour at all: the form is said, by the first bucket's label.
	o = cli(t, "", append([]string{"drill", "--report", "hour", "--point", "bucket=2025-10-26T25:00+01:00"}, q...)...)
	require.Equal(t, 2, o.code)
	require.Equal(t, `convreport: --point bucket=2025-10-26T25:00+01:00: not an hour written YYYY-MM-DDTHH:MM with its offset; name a bucket of report "By hour" as run labels it, like bucket=2025-10-26T00:00+02:00 (or by the RFC 3339 instant it starts)`+"\n", o.stderr)
}

// A bucket that is no date is refused as such, saying the form, not as a
// point the result lacks; a date that is one, but of no bucket, lists the
// points as before.
func TestDrillABucketThatIsNoDate(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "days.jsonl")
	require.NoError(t, os.WriteFile(data, []byte(`{"id":"c1","channel":"chat","status":"open","created_at":"2025-03-03T09:00:00Z"}
{"id":"c2","channel":"chat","status":"open","created_at":"2025-03-04T09:00:00Z"}
`), 0o644))
	dash := filepath.Join(dir, "days.json")
	require.NoError(t, os.WriteFile(dash, []byte(`{"id":"d","name":"Days","owner":"me","reports":[{"id":"day","name":"By day","measure":{"agg":"count"},"bucket":"day"}]}`), 0o644))
	q := []string{"drill", "--data", data, "--dashboard", dash, "--report", "day", "--from", "2025-03-03", "--to", "2025-03-05"}
	for _, bad := range []string{"2025-13-45", "2025-02-29", "march"} {
		o := cli(t, "", append(q, "--point", "bucket="+bad)...)
		require.Equal(t, 2, o.code, o.stderr)
		require.Equal(t, "convreport: --point bucket="+bad+`: not an existing date written YYYY-MM-DD; name a bucket of report "By day" as run labels it, like bucket=2025-03-03 (or by the RFC 3339 instant it starts)`+"\n", o.stderr)
	}
	o := cli(t, "", append(q, "--point", "bucket=2025-03-09")...)
	require.Equal(t, 2, o.code, o.stderr)
	require.Equal(t, `convreport: no point of "By day" matches bucket=2025-03-09; points are: bucket=2025-03-03; bucket=2025-03-04`+"\n", o.stderr)
	o = cli(t, "", append(q, "--point", "bucket=2025-03-04", "--format", "csv", "--columns", "ID")...)
	require.Equal(t, 0, o.code, o.stderr)
	require.Equal(t, "id\nc2\n", o.stdout)
}

// An hour is also named by any RFC 3339 instant of its start, in any
// offset: 01:00Z is the second 02:00 of the night Paris's clocks go back
// (02:00+01:00), 00:00Z the first. An instant inside an hour is refused,
// naming the starts around it.
func TestDrillAnHourByAnyInstantOfItsStart(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "night.jsonl")
	require.NoError(t, os.WriteFile(data, []byte(`{"id":"summer","channel":"chat","status":"open","created_at":"2025-10-26T02:30:00+02:00"}
{"id":"winter-1","channel":"chat","status":"open","created_at":"2025-10-26T02:10:00+01:00"}
{"id":"winter-2","channel":"chat","status":"open","created_at":"2025-10-26T02:50:00+01:00"}
{"id":"morning","channel":"chat","status":"open","created_at":"2025-10-26T10:15:00+01:00"}
`), 0o644))
	dash := filepath.Join(dir, "hours.json")
	require.NoError(t, os.WriteFile(dash, []byte(`{"id":"h","name":"Hours","owner":"me","reports":[{"id":"hour","name":"By hour","measure":{"agg":"count"},"bucket":"hour"},{"id":"day","name":"By day","measure":{"agg":"count"},"bucket":"day"}]}`), 0o644))
	q := []string{"--data", data, "--dashboard", dash, "--from", "2025-10-26", "--to", "2025-10-28", "--tz", "Europe/Paris", "--format", "json"}
	for _, c := range []struct {
		report, instant, bucket string
		total                   int
	}{
		{"hour", "2025-10-26T01:00:00Z", "2025-10-26T02:00+01:00", 2},
		{"hour", "2025-10-26T00:00:00Z", "2025-10-26T02:00+02:00", 1},
		{"hour", "2025-10-26T04:00:00+03:00", "2025-10-26T02:00+01:00", 2},
		{"hour", "2025-10-26T09:00:00.000Z", "2025-10-26T10:00+01:00", 1},
		{"day", "2025-10-25T22:00:00Z", "2025-10-26", 4},
		{"day", "2025-10-27T00:00:00+01:00", "2025-10-27", 0},
	} {
		d := cli(t, "", append([]string{"drill", "--report", c.report, "--point", "bucket=" + c.instant}, q...)...)
		require.Equal(t, 0, d.code, "%s: %s", c.instant, d.stderr)
		require.Contains(t, d.stdout, `"bucket": "`+c.bucket+`"`, c.instant)
		require.Contains(t, d.stdout, `"total": `+strconv.Itoa(c.total)+`,`, c.instant)
	}
	for _, c := range []struct{ report, instant, want string }{
		{"hour", "2025-10-26T01:30:00Z", `bucket=2025-10-26T01:30:00Z is not the start of a bucket of "By hour"; the nearest are bucket=2025-10-26T02:00+01:00 and bucket=2025-10-26T03:00+01:00`},
		{"day", "2025-10-26T12:00:00+01:00", `bucket=2025-10-26T12:00:00+01:00 is not the start of a bucket of "By day"; the nearest are bucket=2025-10-26 and bucket=2025-10-27`},
		{"day", "2025-10-27T18:00:00Z", `bucket=2025-10-27T18:00:00Z is not the start of a bucket of "By day"; the nearest is bucket=2025-10-27`},
		{"day", "2025-10-20T00:00:00Z", `bucket=2025-10-20T00:00:00Z is not the start of a bucket of "By day"; the nearest is bucket=2025-10-26`},
	} {
		o := cli(t, "", append([]string{"drill", "--report", c.report, "--point", "bucket=" + c.instant}, q...)...)
		require.Equal(t, 2, o.code, o.stderr)
		require.Equal(t, "convreport: "+c.want+"\n", o.stderr)
	}
}
