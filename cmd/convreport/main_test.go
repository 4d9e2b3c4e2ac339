package main_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // the zones of the tests, without relying on the machine's zone files

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/ingest"
	"github.com/convreport/convreport/render"
	"github.com/stretchr/testify/require"
)

var binary string

// TestMain builds the real binary once; every test runs it as a user would.
func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "convreport-cli")
	if err != nil {
		panic(err)
	}
	binary = filepath.Join(dir, "convreport")
	if runtime.GOOS == "windows" {
		binary += ".exe"
	}
	out, err := exec.Command("go", "build", "-tags", "timetzdata", "-o", binary, ".").CombinedOutput()
	if err != nil {
		panic("build: " + err.Error() + "\n" + string(out))
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

type outcome struct {
	stdout, stderr string
	code           int
}

func cli(t *testing.T, stdin string, args ...string) outcome {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Stdin = strings.NewReader(stdin)
	var so, se bytes.Buffer
	cmd.Stdout, cmd.Stderr = &so, &se
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	require.NotContains(t, se.String(), "goroutine", "no stack trace reaches the user")
	return outcome{so.String(), se.String(), code}
}

// generated writes a sample file once per test.
func generated(t *testing.T, n int) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "conversations.jsonl")
	o := cli(t, "", "generate", "--n", itoa(n), "--seed", "7", "--out", path)
	require.Equal(t, 0, o.code, o.stderr)
	return path
}

func itoa(n int) string { return strconv.Itoa(n) }

func TestRunJSONMatchesAPlainCount(t *testing.T) {
	path := generated(t, 3000)
	o := cli(t, "", "run", "--data", path, "--dashboard", "chat-overview", "--from", "2025-04-01", "--to", "2025-05-01", "--tz", "Europe/Paris", "--format", "json", "--top", "0")
	require.Equal(t, 0, o.code, o.stderr)
	got, err := render.ParseJSON(strings.NewReader(o.stdout))
	require.NoError(t, err)
	require.Equal(t, "Chat overview", got.Dashboard)
	require.Equal(t, "Europe/Paris", got.TimeZone)
	require.Len(t, got.Reports, 6)

	// Independent reference: read the file and count chats per assignee
	// created in April, Paris time.
	cs, err := ingest.ReadFile(t.Context(), path, ingest.Options{})
	require.NoError(t, err)
	paris, err := time.LoadLocation("Europe/Paris")
	require.NoError(t, err)
	from, to := time.Date(2025, 4, 1, 0, 0, 0, 0, paris), time.Date(2025, 5, 1, 0, 0, 0, 0, paris)
	want := map[string]int64{}
	for _, c := range cs {
		if c.Channel == convreport.Chat && !c.CreatedAt.Before(from) && c.CreatedAt.Before(to) {
			want[c.Assignee]++
		}
	}
	byRep := got.Reports[0]
	require.Equal(t, "count", byRep.Measure)
	require.Len(t, byRep.Points, len(want))
	for _, p := range byRep.Points {
		key, _, ok := p.Dimensions.Get("assignee") // "" for unassigned
		require.True(t, ok)
		require.Equal(t, want[key], p.Count, "assignee %q", key)
		require.Equal(t, strconv.FormatInt(want[key], 10), *p.Value)
	}
	// The series has every day of April.
	series := got.Reports[5]
	require.Len(t, series.Points, 30)
}

func TestDrillListsThePointsConversations(t *testing.T) {
	path := generated(t, 2000)
	args := []string{"--data", path, "--dashboard", "email-overview", "--range", "last_30_days", "--now", "2025-06-01T12:00:00+02:00", "--tz", "Europe/Paris"}
	o := cli(t, "", append([]string{"run", "--format", "json"}, args...)...)
	require.Equal(t, 0, o.code, o.stderr)
	got, err := render.ParseJSON(strings.NewReader(o.stdout))
	require.NoError(t, err)
	p := got.Reports[0].Points[0]
	owner, known, _ := p.Dimensions.Get("assignee")
	var a any
	if known {
		a = owner
	}

	o = cli(t, "", append([]string{"drill", "--report", "Email volume by owner", "--point", "assignee=" + owner, "--format", "json", "--limit", "1000"}, args...)...)
	require.Equal(t, 0, o.code, o.stderr)
	var page struct {
		Total         int              `json:"total"`
		Conversations []map[string]any `json:"conversations"`
	}
	require.NoError(t, json.Unmarshal([]byte(o.stdout), &page))
	require.Equal(t, int(p.Count), page.Total)
	require.Len(t, page.Conversations, int(p.Count))
	var gotIDs []string
	for _, c := range page.Conversations {
		require.Equal(t, a, c["assignee"])
		gotIDs = append(gotIDs, c["id"].(string))
	}
	// Reference: the owner's emails created in May (Paris), from the file.
	cs, err := ingest.ReadFile(t.Context(), path, ingest.Options{})
	require.NoError(t, err)
	paris, err := time.LoadLocation("Europe/Paris")
	require.NoError(t, err)
	from, to := time.Date(2025, 5, 2, 0, 0, 0, 0, paris), time.Date(2025, 6, 1, 0, 0, 0, 0, paris)
	var wantIDs []string
	for _, c := range cs {
		if c.Channel == convreport.Email && c.Assignee == owner && !c.CreatedAt.Before(from) && c.CreatedAt.Before(to) {
			wantIDs = append(wantIDs, c.ID)
		}
	}
	require.ElementsMatch(t, wantIDs, gotIDs)

	o = cli(t, "", append([]string{"drill", "--report", "Email volume by owner", "--point", "assignee=nobody"}, args...)...)
	require.Equal(t, 2, o.code)
	require.Contains(t, o.stderr, `no point of "Email volume by owner" matches assignee=nobody; points are:`)
}

func TestBrokenInputsGiveClearErrors(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, []byte(body), 0o644))
		return p
	}
	good := `{"id":"a","channel":"chat","status":"open","created_at":"2025-03-01T10:00:00Z"}`
	cases := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"truncated line", []string{"run", "--data", write("t.jsonl", good+"\n"+`{"id":"b","chan`), "--dashboard", "chat-overview"}, 1,
			"convreport: t.jsonl: line 2: unexpected end of JSON"},
		{"wrong type", []string{"run", "--data", write("w.jsonl", `{"id":"a","channel":"chat","status":"open","created_at":"2025-03-01T10:00:00Z","incoming_messages":"three"}`), "--dashboard", "chat-overview"}, 1,
			`convreport: w.jsonl: line 1: incoming_messages: want a number, got string "three"`},
		{"unknown key", []string{"run", "--data", write("u.jsonl", `{"id":"a","channel":"chat","status":"open","created_at":"2025-03-01T10:00:00Z","asignee":"x"}`), "--dashboard", "chat-overview"}, 1,
			`convreport: u.jsonl: line 1: unknown key "asignee" (did you mean "assignee"?)`},
		{"bad zone", []string{"run", "--data", write("g.jsonl", good), "--dashboard", "chat-overview", "--tz", "Mars/Olympus"}, 2,
			`convreport: --tz "Mars/Olympus": not an IANA time zone (like Europe/Paris or UTC)`},
		{"from after to", []string{"run", "--data", write("g2.jsonl", good), "--dashboard", "chat-overview", "--from", "2025-03-10", "--to", "2025-03-01"}, 2,
			"convreport: --from 2025-03-10 is not before --to 2025-03-01"},
		{"unknown dashboard", []string{"run", "--data", write("g3.jsonl", good), "--dashboard", "sales"}, 2,
			`convreport: --dashboard "sales": no such template (have chat-overview, email-overview, chatflow-performance, sla) and not a .json file`},
		{"missing file", []string{"run", "--data", filepath.Join(dir, "nope.jsonl"), "--dashboard", "chat-overview"}, 1,
			"convreport: --data " + filepath.Join(dir, "nope.jsonl") + ": no such file or directory\n"},
		// Each missing file is named by its flag, as its other errors are.
		{"missing calendar", []string{"run", "--data", write("c.jsonl", good), "--dashboard", "chat-overview", "--calendar", filepath.Join(dir, "nope-cal.json")}, 1,
			"convreport: --calendar " + filepath.Join(dir, "nope-cal.json") + ": no such file or directory\n"},
		{"missing policies", []string{"run", "--data", write("s.jsonl", good), "--dashboard", "chat-overview", "--sla", filepath.Join(dir, "nope-sla.json")}, 1,
			"convreport: --sla " + filepath.Join(dir, "nope-sla.json") + ": no such file or directory\n"},
		{"missing schema", []string{"run", "--data", write("sc.jsonl", good), "--dashboard", "chat-overview", "--schema", filepath.Join(dir, "nope-schema.json")}, 1,
			"convreport: --schema " + filepath.Join(dir, "nope-schema.json") + ": no such file or directory\n"},
		{"missing dashboard", []string{"run", "--data", write("d.jsonl", good), "--dashboard", filepath.Join(dir, "nope-dash.json")}, 1,
			"convreport: --dashboard " + filepath.Join(dir, "nope-dash.json") + ": no such file or directory\n"},
		{"unknown command", []string{"frobnicate"}, 2, `convreport: unknown command "frobnicate"`},
		// Refused before a row is written: the readers would refuse each.
		{"generate before the supported times", []string{"generate", "--n", "10", "--from", "1600-01-01", "--to", "1600-02-01", "--out", filepath.Join(dir, "old.jsonl")}, 2,
			`convreport: --from: "1600-01-01" is outside the supported times, 1677-09-21T00:12:43.145224193Z to 2262-04-11T23:47:16.854775807Z`},
		{"generate past the supported times", []string{"generate", "--n", "10", "--from", "2262-04-01", "--to", "2262-05-01", "--out", filepath.Join(dir, "late.csv")}, 2,
			`convreport: --to: "2262-05-01" is outside the supported times`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			o := cli(t, "", tc.args...)
			require.Equal(t, tc.code, o.code, o.stderr)
			require.Contains(t, o.stderr, tc.want)
			require.Empty(t, o.stdout)
		})
	}
}

func TestSkipInvalidKeepsValidRows(t *testing.T) {
	data := `{"id":"a","channel":"chat","status":"open","created_at":"2025-03-01T10:00:00Z","assignee":"x"}
{"id":"b","channel":"chat","status":"closed","created_at":"2025-03-01T10:00:00Z"}
{"id":"c","channel":"chat","status":"open","created_at":"2025-03-02T10:00:00Z","assignee":"x"}
`
	o := cli(t, data, "run", "--data", "-", "--skip-invalid", "--dashboard", "chat-overview", "--from", "2025-03-01", "--to", "2025-03-08", "--format", "csv")
	require.Equal(t, 0, o.code, o.stderr)
	require.Contains(t, o.stderr, `line 2: conversation "b": closed_at: is missing but the conversation is closed`)
	require.Contains(t, o.stdout, "Conversations by rep,count,conversations,x,,,2,2,\n")
}

func TestCheckFilterShowsTheCaret(t *testing.T) {
	o := cli(t, "", "check-filter", `Channel == "chat" && Inboxx == "Sales"`)
	require.Equal(t, 1, o.code)
	require.Equal(t, "convreport: filter: unknown property \"Inboxx\" (did you mean \"Inbox\"?) at line 1, column 22:\n"+
		" | Channel == \"chat\" && Inboxx == \"Sales\"\n"+
		" | .....................^\n", o.stderr)
	o = cli(t, "", "check-filter", `Channel == "chat"`)
	require.Equal(t, 0, o.code)
	require.Equal(t, "ok\n", o.stdout)
}

func TestTemplatesSearchInFrench(t *testing.T) {
	o := cli(t, "", "templates", "vue d'ensemble des e-mails")
	require.Equal(t, 0, o.code, o.stderr)
	require.True(t, strings.HasPrefix(o.stdout, "email-overview\tEmail overview"), o.stdout)
	require.NotContains(t, o.stdout, "chat-overview")
}

func TestDemoWritesTextAndPage(t *testing.T) {
	dir := t.TempDir()
	page := filepath.Join(dir, "demo.html")
	o := cli(t, "", "demo", "--n", "3000", "--out", page)
	require.Equal(t, 0, o.code, o.stderr)
	for _, title := range []string{"Chat overview", "Conversations by rep", "Email overview", "Open emails by inbox"} {
		require.Contains(t, o.stdout, title)
	}
	b, err := os.ReadFile(page)
	require.NoError(t, err)
	require.Contains(t, string(b), "Average chat first response time by rep")
}

func TestSQLiteDataGivesTheSameJSON(t *testing.T) {
	path := generated(t, 3000)
	db := filepath.Join(t.TempDir(), "helpdesk.db")
	o := cli(t, "", "import", "--data", path, "--out", db)
	require.Equal(t, 0, o.code, o.stderr)
	require.Contains(t, o.stderr, "wrote 3000 conversations to "+db)
	for _, dash := range []string{"chat-overview", "email-overview"} {
		args := []string{"run", "--dashboard", dash, "--range", "last_30_days", "--now", "2025-06-01", "--tz", "Europe/Paris", "--format", "json"}
		fromFile := cli(t, "", append(args, "--data", path)...)
		fromDB := cli(t, "", append(args, "--data", db)...)
		require.Equal(t, 0, fromFile.code, fromFile.stderr)
		require.Equal(t, 0, fromDB.code, fromDB.stderr)
		require.Equal(t, fromFile.stdout, fromDB.stdout, "the database answers exactly as the file does")
	}
	// Run again, it finds every conversation there and writes none.
	o = cli(t, "", "import", "--data", path, "--out", db)
	require.Equal(t, 0, o.code, o.stderr)
	require.Contains(t, o.stderr, "wrote 0 conversations to "+db+" (3000 already there)")
}

// TestNoteWhenNothingMatchesNamesTheDataRange runs a dashboard over a
// range that holds no conversation: the note must name the first and
// last days the data was created on, read from the file independently,
// whether the command holds the rows (JSON Lines) or a source loaded
// column by column (Parquet).
func TestNoteWhenNothingMatchesNamesTheDataRange(t *testing.T) {
	dir := t.TempDir()
	jsonl := filepath.Join(dir, "c.jsonl")
	o := cli(t, "", "generate", "--n", "2000", "--seed", "3", "--from", "2025-02-10", "--to", "2025-04-20", "--out", jsonl)
	require.Equal(t, 0, o.code, o.stderr)
	pq := filepath.Join(dir, "c.parquet")
	o = cli(t, "", "import", "--data", jsonl, "--out", pq)
	require.Equal(t, 0, o.code, o.stderr)

	cs, err := ingest.ReadFile(t.Context(), jsonl, ingest.Options{})
	require.NoError(t, err)
	tokyo, err := time.LoadLocation("Asia/Tokyo")
	require.NoError(t, err)
	lo, hi := cs[len(cs)/2].CreatedAt, cs[len(cs)/2].CreatedAt
	for _, c := range cs {
		if c.CreatedAt.Before(lo) {
			lo = c.CreatedAt
		}
		if c.CreatedAt.After(hi) {
			hi = c.CreatedAt
		}
	}
	want := "the data was created " + lo.In(tokyo).Format(time.DateOnly) + " – " + hi.In(tokyo).Format(time.DateOnly)
	for _, path := range []string{jsonl, pq} {
		o := cli(t, "", "run", "--data", path, "--dashboard", "chat-overview", "--now", "2026-01-15T12:00:00Z", "--tz", "Asia/Tokyo")
		require.Equal(t, 0, o.code, o.stderr)
		require.Contains(t, o.stderr, "convreport: note: no conversations in ", path)
		require.Contains(t, o.stderr, want, path)
	}

	// Conversations in the range that the filters all leave out: the
	// note counts those created in it (its last day is the one before
	// --to, as the dashboard's heading says), and says what emptied it.
	from, to := time.Date(2025, 3, 1, 0, 0, 0, 0, tokyo), time.Date(2025, 4, 1, 0, 0, 0, 0, tokyo)
	in := 0
	for _, c := range cs {
		if !c.CreatedAt.Before(from) && c.CreatedAt.Before(to) {
			in++
		}
	}
	require.Greater(t, in, 1)
	for _, path := range []string{jsonl, pq} {
		o := cli(t, "", "run", "--data", path, "--dashboard", "chat-overview", "--from", "2025-03-01", "--to", "2025-04-01", "--tz", "Asia/Tokyo",
			"--where", "Inbox is_any_of Nowhere")
		require.Equal(t, 0, o.code, o.stderr)
		require.Contains(t, o.stderr, "convreport: note: "+render.FormatCount(int64(in))+" conversations were created in 2025-03-01 – 2025-03-31, but the filters (--where, the reports' own) kept none of them", path)
		require.NotContains(t, o.stderr, "no conversations in", path)
	}
}

// A value with a space left unquoted ends a command's flags at its second
// word: every flag after it would go unread, so each command that takes
// flags only refuses the stray word, and does nothing.
func TestStrayArgumentIsAUsageError(t *testing.T) {
	data := generated(t, 50)
	dir := t.TempDir()
	out := filepath.Join(dir, "out")
	cases := [][]string{
		{"run", "--data", data, "--dashboard", "chat-overview", "--report", "Conversations", "by", "rep", "--format", "json"},
		{"drill", "--data", data, "--dashboard", "chat-overview", "--report", "conversations-by-rep", "--point", "assignee=Chloe", "Moreau", "--from", "2025-03-01"},
		{"generate", "--n", "5", "--out", out + ".jsonl", "stray", "--n", "7"},
		{"import", "--data", data, "--out", out + ".db", "stray", "--batch", "-5"},
		{"demo", "--n", "100", "--out", out + ".html", "stray"},
		{"serve", "--data", data, "stray", "--addr", "127.0.0.1:0"},
	}
	for _, args := range cases {
		t.Run(args[0], func(t *testing.T) {
			o := cli(t, "", args...)
			require.Equal(t, 2, o.code, o.stderr)
			require.Contains(t, o.stderr, "unexpected argument")
			require.Contains(t, o.stderr, "flags after it are not read")
			require.Empty(t, o.stdout)
			for _, ext := range []string{".jsonl", ".db", ".html"} {
				require.NoFileExists(t, out+ext)
			}
		})
	}
}

// Two reports of a dashboard may share a name (one added twice, then
// changed): run and drill refuse that name alike, naming the IDs, and take
// either ID, so a point run prints is drilled in the report it came from.
func TestReportNameSharedByTwoReports(t *testing.T) {
	data := generated(t, 300)
	dash := filepath.Join(t.TempDir(), "twice.json")
	require.NoError(t, os.WriteFile(dash, []byte(`{"id":"t","name":"Twice","owner":"me","reports":[
{"id":"by-url","name":"Closed","measure":{"agg":"count"},"dimensions":["OriginURL"]},
{"id":"by-rep","name":"closed","measure":{"agg":"count"},"dimensions":["Assignee"]}]}`), 0o644))
	q := []string{"--data", data, "--dashboard", dash, "--from", "2025-03-01", "--to", "2025-06-01"}
	for _, cmd := range []string{"run", "drill"} {
		o := cli(t, "", append([]string{cmd, "--report", "Closed"}, q...)...)
		require.Equal(t, 2, o.code, o.stderr)
		require.Contains(t, o.stderr, `--report "Closed": Twice has 2 reports of that name; give the ID of one (by-url, by-rep)`)
	}
	o := cli(t, "", append([]string{"run", "--report", "by-rep", "--format", "json"}, q...)...)
	require.Equal(t, 0, o.code, o.stderr)
	got, err := render.ParseJSON(strings.NewReader(o.stdout))
	require.NoError(t, err)
	require.Len(t, got.Reports, 1)
	p := got.Reports[0].Points[0]
	rep, ok, _ := p.Dimensions.Get("assignee")
	require.True(t, ok, "the report by rep: %+v", p.Dimensions)
	o = cli(t, "", append([]string{"drill", "--report", "by-rep", "--point", "assignee=" + rep, "--format", "json", "--limit", "1"}, q...)...)
	require.Equal(t, 0, o.code, o.stderr)
	require.Contains(t, o.stdout, fmt.Sprintf(`"total": %d,`, p.Count))
}

// A dashboard with no reports yet runs in every format, headed by the
// period the flags name (there is no result to take it from).
func TestRunADashboardWithNoReports(t *testing.T) {
	data := generated(t, 50)
	dash := filepath.Join(t.TempDir(), "empty.json")
	require.NoError(t, os.WriteFile(dash, []byte(`{"id":"e","name":"Empty","owner":"me","reports":[]}`), 0o644))
	q := []string{"--data", data, "--dashboard", dash, "--range", "last_7_days", "--now", "2025-05-20T12:00:00+02:00", "--tz", "Europe/Paris"}
	o := cli(t, "", append([]string{"run"}, q...)...)
	require.Equal(t, 0, o.code, o.stderr)
	require.Contains(t, o.stdout, "2025-05-13 – 2025-05-19 · Europe/Paris")
	o = cli(t, "", append([]string{"run", "--format", "json"}, q...)...)
	require.Equal(t, 0, o.code, o.stderr)
	require.Contains(t, o.stdout, `"from": "2025-05-13T00:00:00+02:00"`)
	for _, f := range []string{"svg", "png", "html", "vega"} {
		o = cli(t, "", append([]string{"run", "--format", f, "--out", filepath.Join(t.TempDir(), "e."+f)}, q...)...)
		require.Equal(t, 0, o.code, "%s: %s", f, o.stderr)
	}
}

// A dashboard file with several reports that cannot run names each, so
// that all are fixed in one go; with one, its error is as it was.
func TestRunNamesEveryReportThatCannotRun(t *testing.T) {
	data := generated(t, 50)
	dash := filepath.Join(t.TempDir(), "stale.json")
	require.NoError(t, os.WriteFile(dash, []byte(`{"id":"s","name":"Stale","owner":"me","reports":[
{"id":"by-plan","name":"By plan","dimensions":["plan"]},
{"id":"by-rep","name":"By rep","dimensions":["Assignee"]},
{"id":"chats","name":"Chats","filter":"Channel == "}]}`), 0o644))
	q := []string{"--data", data, "--dashboard", dash, "--from", "2025-03-01", "--to", "2025-06-01"}
	o := cli(t, "", append([]string{"run"}, q...)...)
	require.Equal(t, 1, o.code, o.stderr)
	require.Equal(t, `convreport: 2 reports of dashboard "Stale" cannot run:
  report "By plan": dimensions: unknown property "plan"
  report "Chats": filter: unexpected token EOF at line 1, column 11:
   | Channel == 
   | ..........^
`, o.stderr)
	require.Empty(t, o.stdout)

	o = cli(t, "", append([]string{"run", "--report", "by-plan"}, q...)...)
	require.Equal(t, 1, o.code, o.stderr)
	require.Equal(t, "convreport: report \"By plan\": dimensions: unknown property \"plan\"\n", o.stderr)
}

// drill over a database lists the page the database answers (a count and
// one paged query) exactly as over the file the rows came from: every
// point of a report, sorted either way, in every format, on any page.
func TestDrillFromADatabaseListsAsTheFileDoes(t *testing.T) {
	path := generated(t, 2000)
	db := filepath.Join(t.TempDir(), "helpdesk.db")
	o := cli(t, "", "import", "--data", path, "--out", db)
	require.Equal(t, 0, o.code, o.stderr)
	q := []string{"--dashboard", "chat-overview", "--range", "last_30_days", "--now", "2025-06-01", "--tz", "Europe/Paris"}
	o = cli(t, "", append(append([]string{"run", "--format", "json", "--report", "conversations-by-rep"}, q...), "--data", path)...)
	require.Equal(t, 0, o.code, o.stderr)
	got, err := render.ParseJSON(strings.NewReader(o.stdout))
	require.NoError(t, err)
	require.NotEmpty(t, got.Reports[0].Points)
	for _, p := range got.Reports[0].Points {
		rep, known, ok := p.Dimensions.Get("assignee")
		require.True(t, ok)
		point := "assignee=" + rep
		if !known {
			point = "assignee=(no value)"
		}
		for _, extra := range [][]string{
			{"--format", "json"},
			{"--format", "csv", "--sort", "Assignee", "--desc"},
			{"--sort", "FirstResponseTime", "--offset", "2", "--limit", "3"},
			{"--format", "json", "--sort", "Inbox", "--limit", "0"},
		} {
			args := append(append([]string{"drill", "--report", "conversations-by-rep", "--point", point}, q...), extra...)
			fromFile := cli(t, "", append(args, "--data", path)...)
			fromDB := cli(t, "", append(args, "--data", db)...)
			require.Equal(t, 0, fromFile.code, fromFile.stderr)
			require.Equal(t, 0, fromDB.code, fromDB.stderr)
			require.Equal(t, fromFile.stdout, fromDB.stdout, "%s %v", point, extra)
		}
	}
}
