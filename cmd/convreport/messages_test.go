package main_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestHelpDescribesArguments(t *testing.T) {
	o := cli(t, "", "templates", "-h")
	require.Equal(t, 0, o.code)
	require.Contains(t, o.stderr, "Usage: convreport templates [QUERY]")
	require.Contains(t, o.stderr, "QUERY")

	o = cli(t, "", "check-filter", "-h")
	require.Equal(t, 0, o.code)
	require.Contains(t, o.stderr, "Usage: convreport check-filter EXPR")

	o = cli(t, "", "run", "-h")
	require.Equal(t, 0, o.code)
	require.Contains(t, o.stderr, ".db")
	require.Contains(t, o.stderr, "postgres://")
}

func TestRangeErrorSaysItsPrefixOnceAndListsPresets(t *testing.T) {
	o := cli(t, "", "run", "--data", "x.jsonl", "--dashboard", "chat-overview", "--range", "fortnight")
	require.Equal(t, 2, o.code)
	require.Equal(t, 1, strings.Count(o.stderr, "convreport:"), o.stderr)
	require.Contains(t, o.stderr, "convreport: --range: unknown date range \"fortnight\" (want today, yesterday,")
	require.Contains(t, o.stderr, "last_N_days")
}

func TestCSVOnStandardInputSaysDataFormat(t *testing.T) {
	csvData := "id,channel,status,created_at\nc1,chat,open,2025-03-03T09:00:00Z\n"
	o := cli(t, csvData, "run", "--data", "-", "--dashboard", "chat-overview", "--from", "2025-03-01", "--to", "2025-04-01")
	require.Equal(t, 2, o.code)
	require.Contains(t, o.stderr, "give --data-format csv")
	o = cli(t, csvData, "run", "--data", "-", "--data-format", "csv", "--dashboard", "chat-overview", "--from", "2025-03-01", "--to", "2025-04-01")
	require.Equal(t, 0, o.code, o.stderr)
}

func TestDrillPointMessagesAndNoValue(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "d.jsonl")
	require.NoError(t, os.WriteFile(path, []byte(
		`{"id":"c1","channel":"chat","status":"open","assignee":"ana","created_at":"2025-03-03T09:00:00Z"}`+"\n"+
			`{"id":"c2","channel":"chat","status":"open","created_at":"2025-03-03T10:00:00Z"}`+"\n"), 0o644))
	args := []string{"drill", "--data", path, "--dashboard", "chat-overview", "--report", "Conversations by rep", "--from", "2025-03-01", "--to", "2025-03-08"}

	o := cli(t, "", args...)
	require.Equal(t, 2, o.code)
	require.Equal(t, "convreport: --point is required: name the data point by each of the report's dimensions (assignee=…), or other=true for Other; points are: assignee=ana; assignee=(no value)\n", o.stderr)

	for _, spelling := range []string{"assignee=(no value)", "assignee="} {
		o = cli(t, "", append(args, "--point", spelling)...)
		require.Equal(t, 0, o.code, o.stderr)
		require.True(t, strings.HasPrefix(o.stdout, "Conversations by rep — assignee=(no value): 1 conversation (value 1)\n"), o.stdout)
		require.Contains(t, o.stdout, "c2")
		require.NotContains(t, o.stdout, "c1 ")
	}

	// A report with one point needs no --point.
	o = cli(t, "", "drill", "--data", path, "--dashboard", "email-overview", "--report", "Open emails", "--from", "2025-03-01", "--to", "2025-03-08")
	require.NotContains(t, o.stderr, "--point is required")
}

// A text width no terminal has is a wrong flag, said as such, not a
// crash of the runtime nor a silent default.
func TestWidthOutsideATerminalsIsAFlagError(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "c.jsonl")
	require.NoError(t, os.WriteFile(data, []byte(`{"id":"a","channel":"chat","assignee":"Al","created_at":"2025-03-01T10:00:00Z","first_response_at":"2025-03-01T10:00:05Z"}`+"\n"), 0o644))
	run := []string{"run", "--data", data, "--dashboard", "chat-overview", "--from", "2025-03-01", "--to", "2025-03-02", "--width"}
	for _, width := range []string{"100000000000", "1001", "0", "-5", "39"} {
		o := cli(t, "", append(run, width)...)
		require.NotContains(t, o.stderr, "fatal error")
		require.Equal(t, 2, o.code, "--width %s: %s", width, o.stderr)
		require.Equal(t, "convreport: --width "+width+": want 40 to 1000 columns\n", o.stderr)
	}
	o := cli(t, "", "demo", "--n", "10", "--out", filepath.Join(dir, "demo.html"), "--width", "5000")
	require.Equal(t, 2, o.code, o.stderr)
	require.Equal(t, "convreport: --width 5000: want 40 to 1000 columns\n", o.stderr)
	for _, width := range []string{"40", "1000"} {
		o := cli(t, "", append(run, width)...)
		require.Equal(t, 0, o.code, "--width %s: %s", width, o.stderr)
		for _, l := range strings.Split(o.stdout, "\n") {
			require.LessOrEqual(t, len([]rune(l)), atoi(t, width), l)
		}
	}
}

func atoi(t *testing.T, s string) int {
	t.Helper()
	n, err := strconv.Atoi(s)
	require.NoError(t, err)
	return n
}

// A rep whose name is the text "(no value)" is a group of its own, shown
// quoted by run; drill lists it quoted, apart from the group with no
// assignee, and selects it by that quoted name (“…” as the text output
// writes it, or "…"), while (no value) and an empty value keep naming the
// group with no assignee.
func TestDrillTellsARepNamedNoValueFromNoAssignee(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "c.jsonl")
	require.NoError(t, os.WriteFile(data, []byte(
		`{"id":"lit","assignee":"(no value)","created_at":"2025-03-01T10:00:00Z"}`+"\n"+
			`{"id":"none","created_at":"2025-03-01T11:00:00Z"}`+"\n"), 0o644))
	dash := filepath.Join(dir, "d.json")
	require.NoError(t, os.WriteFile(dash, []byte(
		`{"name":"T","owner":"me","reports":[{"id":"r","name":"by rep","dimensions":["Assignee"]}]}`), 0o644))
	common := []string{"--data", data, "--dashboard", dash, "--from", "2025-03-01", "--to", "2025-03-02", "--now", "2025-03-05"}

	run := cli(t, "", append([]string{"run", "--format", "text"}, common...)...)
	require.Equal(t, 0, run.code, run.stderr)
	require.Contains(t, run.stdout, "“(no value)”", "run shows the rep's name quoted")

	list := cli(t, "", append([]string{"drill", "--report", "r"}, common...)...)
	require.Equal(t, 2, list.code)
	_, points, ok := strings.Cut(list.stderr, "points are: ")
	require.True(t, ok, list.stderr)
	require.Equal(t, "assignee=“(no value)”; assignee=(no value)\n", points)

	ids := func(point string) []string {
		t.Helper()
		d := cli(t, "", append([]string{"drill", "--report", "r", "--format", "csv", "--point", point}, common...)...)
		require.Equal(t, 0, d.code, "--point %q: %s", point, d.stderr)
		var out []string
		for _, l := range strings.Split(strings.TrimSpace(d.stdout), "\n")[1:] {
			out = append(out, strings.SplitN(l, ",", 2)[0])
		}
		return out
	}
	for _, point := range []string{"assignee=“(no value)”", `assignee="(no value)"`} {
		require.Equal(t, []string{"lit"}, ids(point), point)
	}
	for _, point := range []string{"assignee=(no value)", "assignee="} {
		require.Equal(t, []string{"none"}, ids(point), point)
	}

	d := cli(t, "", append([]string{"drill", "--report", "r", "--point", "assignee=“(no value)”"}, common...)...)
	require.Equal(t, 0, d.code, d.stderr)
	require.True(t, strings.HasPrefix(d.stdout, "by rep — assignee=“(no value)”: 1 conversation"), d.stdout)
	d = cli(t, "", append([]string{"drill", "--report", "r", "--format", "json", "--point", `assignee="(no value)"`}, common...)...)
	require.Equal(t, 0, d.code, d.stderr)
	require.Contains(t, d.stdout, `"point": {`+"\n"+`    "assignee": "(no value)"`+"\n"+`  }`)
}

// A dashboard file's mistake is named by its key's path and what it
// wants, and where the key is, once prefixed, not by Go's struct and
// type names.
func TestDashboardFileErrorsNameTheKey(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "c.jsonl")
	require.NoError(t, os.WriteFile(data, []byte(`{"id":"a","channel":"chat","created_at":"2025-03-01T10:00:00Z"}`+"\n"), 0o644))
	report := `{"id":"ok","name":"Count"},{"id":"r","name":"x","measure":%s}`
	for _, c := range []struct{ measure, want string }{
		{`{"agg":"percentile","metric":"first_response_time","p":"90"}`,
			"line 1, column 146: reports[1].measure.p: want a number, got a JSON string"},
		{`{"agg":"share_within","metric":"first_response_time","threshold":"5 minutes"}`,
			`line 1, column 148: reports[1].measure.threshold: bad duration "5 minutes": want a number and a unit, like 90s, 5m or 1h30m`},
		{`{"agg":"percentile","metric":"first_response_time","pp":90}`,
			"line 1, column 146: reports[1].measure.pp: unknown key (want agg, metric, p, threshold, sla, target)"},
	} {
		dash := filepath.Join(dir, "d.json")
		require.NoError(t, os.WriteFile(dash, []byte(`{"name":"T","owner":"me","reports":[`+fmt.Sprintf(report, c.measure)+`]}`), 0o644))
		o := cli(t, "", "run", "--data", data, "--dashboard", dash, "--from", "2025-03-01", "--to", "2025-03-02")
		require.Equal(t, 1, o.code, o.stderr)
		require.Equal(t, "convreport: "+dash+": "+c.want+"\n", o.stderr)
	}

	dash := filepath.Join(dir, "bad.json")
	require.NoError(t, os.WriteFile(dash, []byte("{\"name\":\"T\",\n \"reports\":[}\n"), 0o644))
	o := cli(t, "", "run", "--data", data, "--dashboard", dash)
	require.Equal(t, 1, o.code, o.stderr)
	require.Equal(t, "convreport: "+dash+": line 2, column 13: invalid character '}' looking for beginning of value\n", o.stderr)

	require.NoError(t, os.WriteFile(dash, []byte(`{"id":"team","name":"Team v2.0","owner":"ana","reports":[]}`), 0o644))
	o = cli(t, "", "run", "--data", data, "--dashboard", dash)
	require.Equal(t, 1, o.code, o.stderr)
	require.Equal(t, "convreport: "+dash+`: dashboard "team": name: "Team v2.0" holds a period; dashboard names hold no period`+"\n", o.stderr)
}

// drill's flags that name properties or a page say which flag is wrong
// and what it wants, once prefixed, with the exit status of a wrong flag.
func TestDrillFlagErrorsNameTheFlag(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "c.jsonl")
	require.NoError(t, os.WriteFile(data, []byte(`{"id":"a","channel":"chat","assignee":"ana","created_at":"2025-03-03T09:00:00Z"}`+"\n"), 0o644))
	args := []string{"drill", "--data", data, "--dashboard", "chat-overview", "--report", "Conversations by rep", "--point", "assignee=ana", "--from", "2025-03-01", "--to", "2025-03-08"}
	props := "ID, Channel, Inbox, Assignee, Team, Status, CreatedAt, FirstAssignedAt, FirstResponseAt, ClosedAt, ClosedBy, OriginURL, Chatflow, Source, ContactID, Subject, IncomingMessages, OutgoingMessages, FirstResponseTime, WaitTime, TimeToClose"
	for _, c := range []struct {
		flags []string
		want  string
	}{
		{[]string{"--sort", "Nope"}, `--sort: unknown property "Nope" (want one of ` + props + `)`},
		{[]string{"--sort", "Created"}, `--sort: unknown property "Created" (did you mean "CreatedAt"?)`},
		{[]string{"--columns", "ID,Nope"}, `--columns: unknown property "Nope" (want one of ` + props + `)`},
		{[]string{"--limit", "5000"}, "--limit 5000: want 0 to 1000 conversations"},
		{[]string{"--limit", "-1"}, "--limit -1: want 0 to 1000 conversations"},
		{[]string{"--offset", "-1"}, "--offset -1: want 0 or more"},
	} {
		o := cli(t, "", append(args, c.flags...)...)
		require.Equal(t, 2, o.code, "%v: %s", c.flags, o.stderr)
		require.Equal(t, "convreport: "+c.want+"\n", o.stderr, c.flags)
	}
}

// The text of a drill-down says how many conversations it lists, and
// which, in words that hold for one, for none (--limit 0), and for an
// offset past the last.
func TestDrillTextSaysWhatItShows(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "c.jsonl")
	require.NoError(t, os.WriteFile(data, []byte(
		`{"id":"a1","channel":"chat","assignee":"ana","created_at":"2025-03-03T09:00:00Z"}`+"\n"+
			`{"id":"a2","channel":"chat","assignee":"ana","created_at":"2025-03-03T10:00:00Z"}`+"\n"+
			`{"id":"a3","channel":"chat","assignee":"ana","created_at":"2025-03-03T11:00:00Z"}`+"\n"+
			`{"id":"b1","channel":"chat","assignee":"bob","created_at":"2025-03-03T12:00:00Z"}`+"\n"), 0o644))
	args := []string{"drill", "--data", data, "--dashboard", "chat-overview", "--report", "Conversations by rep", "--from", "2025-03-01", "--to", "2025-03-08"}
	for _, c := range []struct {
		flags []string
		head  string // the first two lines
	}{
		{[]string{"--point", "assignee=bob"}, "Conversations by rep — assignee=bob: 1 conversation (value 1)\nConversation ID"},
		{[]string{"--point", "assignee=ana"}, "Conversations by rep — assignee=ana: 3 conversations (value 3)\nConversation ID"},
		{[]string{"--point", "assignee=ana", "--limit", "2"}, "Conversations by rep — assignee=ana: 3 conversations (value 3)\nshowing 1–2 of 3\n"},
		{[]string{"--point", "assignee=ana", "--limit", "2", "--offset", "2"}, "Conversations by rep — assignee=ana: 3 conversations (value 3)\nshowing the 3rd of 3\n"},
		{[]string{"--point", "assignee=ana", "--limit", "0"}, "Conversations by rep — assignee=ana: 3 conversations (value 3)\nshowing none (--limit 0)\n"},
		{[]string{"--point", "assignee=bob", "--offset", "100000000000"}, "Conversations by rep — assignee=bob: 1 conversation (value 1)\nshowing none: --offset 100000000000 is past the last\n"},
	} {
		o := cli(t, "", append(args, c.flags...)...)
		require.Equal(t, 0, o.code, o.stderr)
		require.True(t, strings.HasPrefix(o.stdout, c.head), "%v:\n%s", c.flags, o.stdout)
	}
}

// A --point key that names nothing the report's points have (a bucket
// of a report with no time buckets, a dimension it does not group by) is
// refused as such, naming the keys the report's points do have and the
// points, not left to "no point matches", which blames the value. A key
// the report has, in any case, still drills.
func TestDrillPointKeyTheReportLacks(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "d.jsonl")
	require.NoError(t, os.WriteFile(path, []byte(
		`{"id":"c1","channel":"chat","status":"open","assignee":"ana","created_at":"2025-03-03T09:00:00Z","properties":{"plan":"pro"}}`+"\n"+
			`{"id":"c2","channel":"chat","status":"open","created_at":"2025-03-04T10:00:00Z","properties":{"plan":"free"}}`+"\n"), 0o644))
	schema := filepath.Join(dir, "schema.json")
	require.NoError(t, os.WriteFile(schema, []byte(`{"properties": [{"name": "plan", "kind": "string"}]}`), 0o644))
	dashboard := filepath.Join(dir, "d.json")
	require.NoError(t, os.WriteFile(dashboard, []byte(`{"name":"D","owner":"ana","reports":[`+
		`{"id":"count","name":"Count"},`+
		`{"id":"by-plan-day","name":"By plan and day","dimensions":["plan"],"bucket":"day"}]}`), 0o644))
	drill := func(dash, report string, points ...string) outcome {
		args := []string{"drill", "--data", path, "--schema", schema, "--dashboard", dash, "--report", report, "--from", "2025-03-01", "--to", "2025-03-08", "--columns", "ID", "--format", "csv"}
		for _, p := range points {
			args = append(args, "--point", p)
		}
		return cli(t, "", args...)
	}
	for _, tc := range []struct {
		dash, report string
		points       []string
		msg          string
	}{
		{"chat-overview", "Conversations by rep", []string{"bucket=2024-01-01"},
			`--point bucket=2024-01-01: report "Conversations by rep" has no time buckets; name its points by assignee=… (points are: assignee=ana; assignee=(no value))`},
		// Refused whatever the other keys.
		{"chat-overview", "Conversations by rep", []string{"assignee=ana", "bucket=2025-03-03"},
			`--point bucket=2025-03-03: report "Conversations by rep" has no time buckets; name its points by assignee=… (points are: assignee=ana; assignee=(no value))`},
		{"chat-overview", "Conversations by rep", []string{"page=https://x"},
			`--point page=https://x: report "Conversations by rep" has no dimension page; name its points by assignee=… (points are: assignee=ana; assignee=(no value))`},
		// A time series has a point for every day of the range, empty
		// ones too.
		{"chat-overview", "Chat conversations over time", []string{"Assignee=ana"},
			`--point Assignee=ana: report "Chat conversations over time" has no dimension Assignee; name its points by bucket=… (points are: bucket=2025-03-01; bucket=2025-03-02; bucket=2025-03-03; bucket=2025-03-04; bucket=2025-03-05; bucket=2025-03-06; bucket=2025-03-07)`},
		{"chat-overview", "Chat conversations over time", []string{"bucket=2025-03-03", "inbox=Support"},
			`--point inbox=Support: report "Chat conversations over time" has no dimension inbox; name its points by bucket=… (points are: bucket=2025-03-01; bucket=2025-03-02; bucket=2025-03-03; bucket=2025-03-04; bucket=2025-03-05; bucket=2025-03-06; bucket=2025-03-07)`},
		{dashboard, "By plan and day", []string{"bucket=2025-03-03", "assignee=ana"},
			`--point assignee=ana: report "By plan and day" has no dimension assignee; name its points by plan=… bucket=… (points are: plan=free bucket=2025-03-01; plan=pro bucket=2025-03-01; plan=free bucket=2025-03-02; plan=pro bucket=2025-03-02; plan=free bucket=2025-03-03; plan=pro bucket=2025-03-03; plan=free bucket=2025-03-04; plan=pro bucket=2025-03-04; plan=free bucket=2025-03-05; plan=pro bucket=2025-03-05; plan=free bucket=2025-03-06; plan=pro bucket=2025-03-06; …)`},
		{dashboard, "Count", []string{"bucket=2025-03-03"},
			`--point bucket=2025-03-03: report "Count" has no dimensions and no time buckets: its one point is drilled without --point`},
	} {
		o := drill(tc.dash, tc.report, tc.points...)
		require.Equal(t, 2, o.code, o.stderr)
		require.Equal(t, "convreport: "+tc.msg+"\n", o.stderr, tc.points)
	}
	// The keys a report has, by name or key in any case, find their point.
	for _, tc := range []struct {
		dash, report string
		points       []string
		want         string
	}{
		{"chat-overview", "Conversations by rep", []string{"Assignee=ana"}, "c1"},
		{"chat-overview", "Chat conversations over time", []string{"bucket=2025-03-04"}, "c2"},
		{dashboard, "By plan and day", []string{"Plan=free", "bucket=2025-03-04"}, "c2"},
		{dashboard, "Count", nil, "c1\nc2"},
	} {
		o := drill(tc.dash, tc.report, tc.points...)
		require.Equal(t, 0, o.code, o.stderr)
		require.Equal(t, "id\n"+tc.want+"\n", o.stdout, tc.points)
	}
	// A value the report has no point of is still "no point matches".
	o := drill("chat-overview", "Chat conversations over time", "bucket=2025-03-09")
	require.Equal(t, 2, o.code, o.stderr)
	require.Equal(t, `convreport: no point of "Chat conversations over time" matches bucket=2025-03-09; points are: `+"bucket=2025-03-01; bucket=2025-03-02; bucket=2025-03-03; bucket=2025-03-04; bucket=2025-03-05; bucket=2025-03-06; bucket=2025-03-07\n", o.stderr)
}
