package main_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/ingest"
	"github.com/convreport/convreport/render"
	"github.com/stretchr/testify/require"
)

// --where filters every report and its drill-down; --compare gives each
// point the previous period's count, which --list previous drills into;
// --list excluded lists what a duration point leaves out.
func TestWhereAndCompare(t *testing.T) {
	path := generated(t, 3000)
	args := []string{"--data", path, "--dashboard", "chat-overview", "--range", "last_month", "--now", "2025-05-15T12:00:00+02:00", "--tz", "Europe/Paris",
		"--where", "Team is_none_of Sales", "--compare", "previous"}
	o := cli(t, "", append([]string{"run", "--format", "json"}, args...)...)
	require.Equal(t, 0, o.code, o.stderr)
	got, err := render.ParseJSON(strings.NewReader(o.stdout))
	require.NoError(t, err)

	cs, err := ingest.ReadFile(t.Context(), path, ingest.Options{})
	require.NoError(t, err)
	paris, err := time.LoadLocation("Europe/Paris")
	require.NoError(t, err)
	// April, compared with March, whatever their lengths.
	count := func(from, to time.Time) map[string]int64 {
		out := map[string]int64{}
		for _, c := range cs {
			if c.Channel == convreport.Chat && c.Team != "Sales" && !c.CreatedAt.Before(from) && c.CreatedAt.Before(to) {
				out[c.Assignee]++
			}
		}
		return out
	}
	april := count(time.Date(2025, 4, 1, 0, 0, 0, 0, paris), time.Date(2025, 5, 1, 0, 0, 0, 0, paris))
	march := count(time.Date(2025, 3, 1, 0, 0, 0, 0, paris), time.Date(2025, 4, 1, 0, 0, 0, 0, paris))
	byRep := got.Reports[0]
	require.Equal(t, convreport.ComparePrevious, byRep.Compare)
	require.True(t, byRep.PreviousFrom.Equal(time.Date(2025, 3, 1, 0, 0, 0, 0, paris)))
	require.Len(t, byRep.Points, len(april))
	var busiest string
	for _, p := range byRep.Points {
		key, _, _ := p.Dimensions.Get("assignee")
		require.Equal(t, april[key], p.Count, key)
		require.NotNil(t, p.PreviousCount, key)
		require.Equal(t, march[key], *p.PreviousCount, key)
		if key != "" && (busiest == "" || march[key] > march[busiest]) {
			busiest = key
		}
	}
	require.Positive(t, march[busiest])

	var page struct {
		Total int `json:"total"`
	}
	o = cli(t, "", append([]string{"drill", "--report", "conversations-by-rep", "--point", "assignee=" + busiest, "--list", "previous", "--format", "json", "--limit", "1"}, args...)...)
	require.Equal(t, 0, o.code, o.stderr)
	require.NoError(t, json.Unmarshal([]byte(o.stdout), &page))
	require.Equal(t, int(march[busiest]), page.Total)

	var unanswered int
	for _, c := range cs {
		if c.Channel == convreport.Chat && c.Team != "Sales" && c.Assignee == busiest && c.FirstResponseAt.IsZero() &&
			!c.CreatedAt.Before(time.Date(2025, 4, 1, 0, 0, 0, 0, paris)) && c.CreatedAt.Before(time.Date(2025, 5, 1, 0, 0, 0, 0, paris)) {
			unanswered++
		}
	}
	o = cli(t, "", append([]string{"drill", "--report", "average-chat-first-response-time-by-rep", "--point", "assignee=" + busiest, "--list", "excluded", "--format", "json", "--limit", "1"}, args...)...)
	require.Equal(t, 0, o.code, o.stderr)
	require.NoError(t, json.Unmarshal([]byte(o.stdout), &page))
	require.Equal(t, unanswered, page.Total)

	// Bad input: one line naming the flag.
	for _, bad := range []struct {
		args []string
		msg  string
	}{
		{[]string{"run", "--where", "Nope is_known"}, `--where #1: Nope is_known: unknown property "Nope"`},
		{[]string{"run", "--where", "Inbox"}, `--where #1 "Inbox": want "Property operator values"`},
		{[]string{"run", "--where", "Inbox is_bigger x"}, `--where #1: unknown operator "is_bigger"`},
		{[]string{"run", "--compare", "lastweek"}, `--compare "lastweek": want previous or year`},
		{[]string{"drill", "--report", "conversations-by-rep", "--point", "assignee=x", "--list", "previous"}, "--list previous needs --compare"},
	} {
		o := cli(t, "", append(bad.args, "--data", path, "--dashboard", "chat-overview")...)
		require.Equal(t, 2, o.code, o.stderr)
		require.Contains(t, o.stderr, bad.msg)
		require.Equal(t, 1, strings.Count(strings.TrimSpace(o.stderr), "\n")+1, o.stderr)
	}
}

// --where reads a value that holds a comma when it is quoted, as the web
// UI's lists do; unquoted, the comma separates values, and the refusal
// lists the enum's values quoted, so that "Enterprise, EU" reads as one.
func TestWhereQuotedValues(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "plans.jsonl")
	require.NoError(t, os.WriteFile(data, []byte(
		`{"id":"c1","channel":"chat","status":"open","created_at":"2025-03-03T09:00:00Z","properties":{"plan":"Enterprise, EU"}}`+"\n"+
			`{"id":"c2","channel":"chat","status":"open","created_at":"2025-03-03T10:00:00Z","properties":{"plan":"pro"}}`+"\n"+
			`{"id":"c3","channel":"chat","status":"open","created_at":"2025-03-03T11:00:00Z","properties":{"plan":"free"}}`+"\n"), 0o644))
	schema := filepath.Join(dir, "schema.json")
	require.NoError(t, os.WriteFile(schema, []byte(`{"properties": [{"name": "plan", "kind": "enum", "values": ["free", "pro", "Enterprise, EU"]}]}`), 0o644))
	drill := func(where string) outcome {
		return cli(t, "", "drill", "--data", data, "--schema", schema, "--dashboard", "chat-overview", "--report", "Conversations by rep",
			"--point", "assignee=", "--range", "this_year", "--now", "2025-06-01", "--columns", "ID,plan", "--format", "csv", "--where", where)
	}
	o := drill(`plan is_any_of "Enterprise, EU",pro`)
	require.Equal(t, 0, o.code, o.stderr)
	require.Equal(t, "id,plan\nc1,\"Enterprise, EU\"\nc2,pro\n", o.stdout)
	o = drill(`plan is_none_of "Enterprise, EU"`)
	require.Equal(t, 0, o.code, o.stderr)
	require.Equal(t, "id,plan\nc2,pro\nc3,free\n", o.stdout)

	o = drill(`plan is_any_of Enterprise, EU`)
	require.Equal(t, 2, o.code, o.stderr)
	require.Contains(t, o.stderr, `--where #1: plan is_any_of "Enterprise": not a value of plan (want one of "free", "pro", "Enterprise, EU")`)
	o = drill(`plan is_any_of "Enterprise, EU`)
	require.Equal(t, 2, o.code, o.stderr)
	require.Contains(t, o.stderr, `--where #1 "plan is_any_of \"Enterprise, EU": the value quoted at character 16 has no closing quote: end it with "`)
}

// An operator that takes one value reads a quoted value as the list
// operators do: the quotes are not part of it, a doubled quote inside is
// one quote, and a comma inside is the value's own. Unquoted, the rest of
// the condition is the value as written, but for a comma
// (TestWhereOneValueComma). A quote left open, or more after the closing
// quote, is refused, naming the condition and the character.
func TestWhereQuotedOneValue(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "notes.jsonl")
	require.NoError(t, os.WriteFile(data, []byte(
		`{"id":"c1","channel":"chat","status":"open","assignee":"Bob","created_at":"2025-03-03T09:00:00Z","properties":{"note":"say \"hi\""}}`+"\n"+
			`{"id":"c2","channel":"chat","status":"open","assignee":"Bobby","created_at":"2025-03-03T10:00:00Z","properties":{"note":"a, b"}}`+"\n"+
			`{"id":"c3","channel":"chat","status":"open","assignee":"Al","created_at":"2025-03-03T11:00:00Z","properties":{"note":"x"}}`+"\n"), 0o644))
	schema := filepath.Join(dir, "schema.json")
	require.NoError(t, os.WriteFile(schema, []byte(`{"properties": [{"name": "note", "kind": "string"}]}`), 0o644))
	dashboard := filepath.Join(dir, "count.json")
	require.NoError(t, os.WriteFile(dashboard, []byte(`{"name":"Count","owner":"ana","reports":[{"id":"count","name":"Count"}]}`), 0o644))
	drill := func(where string) outcome {
		return cli(t, "", "drill", "--data", data, "--schema", schema, "--dashboard", dashboard, "--report", "Count",
			"--from", "2025-03-01", "--to", "2025-03-08", "--columns", "ID", "--sort", "ID", "--format", "csv", "--where", where)
	}
	for where, want := range map[string]string{
		`Assignee equals "Bob"`:       "c1",
		`Assignee equals Bob`:         "c1",
		`Assignee not_equals "Bob"`:   "c2 c3",
		`Assignee contains "Bo"`:      "c1 c2",
		`Assignee starts_with "Bob"`:  "c1 c2",
		`note equals "say ""hi"""`:    "c1",
		`note equals say "hi"`:        "c1",
		`note is_any_of "say ""hi"""`: "c1",
		`note equals "a, b"`:          "c2",
		`note equals  "a, b" `:        "c2",
		`note not_equals "a, b"`:      "c1 c3",
	} {
		o := drill(where)
		require.Equal(t, 0, o.code, where+": "+o.stderr)
		require.Equal(t, "id\n"+strings.ReplaceAll(want, " ", "\n")+"\n", o.stdout, where)
	}
	for where, msg := range map[string]string{
		`Assignee equals "Bob`:         `--where #1 "Assignee equals \"Bob": the value quoted at character 17 has no closing quote: end it with "`,
		`Assignee equals "Bob", "Al"`:  `--where #1 "Assignee equals \"Bob\", \"Al\"": after the quoted value "Bob", more follows at character 22, but the operator takes one value`,
		`Assignee  equals "Bob" Smith`: `--where #1 "Assignee  equals \"Bob\" Smith": after the quoted value "Bob", more follows at character 24, but the operator takes one value`,
	} {
		o := drill(where)
		require.Equal(t, 2, o.code, where+": "+o.stderr)
		require.Contains(t, o.stderr, msg)
		require.Equal(t, 1, strings.Count(strings.TrimSpace(o.stderr), "\n")+1, o.stderr)
	}
}

// An unquoted value of an operator that takes one value may hold no
// comma: "Assignee equals Bob, Alice" is most likely a list, and read as
// one name it would match nobody, silently. It is refused, naming the
// comma's character in the condition and the ways out that fit the
// property: quotes for text (and an enum's value that holds a comma),
// is_any_of or is_none_of for several values. Quoted, the comma is the
// value's own and matches.
func TestWhereOneValueComma(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "names.jsonl")
	require.NoError(t, os.WriteFile(data, []byte(
		`{"id":"c1","channel":"chat","status":"open","assignee":"Bob","created_at":"2025-03-03T09:00:00Z","properties":{"plan":"Enterprise, EU","seats":1000}}`+"\n"+
			`{"id":"c2","channel":"chat","status":"open","assignee":"Alice","created_at":"2025-03-03T10:00:00Z","properties":{"plan":"pro","seats":5}}`+"\n"+
			`{"id":"c3","channel":"email","status":"open","assignee":"Bob, Alice","created_at":"2025-03-03T11:00:00Z","properties":{"plan":"free","seats":1}}`+"\n"), 0o644))
	schema := filepath.Join(dir, "schema.json")
	require.NoError(t, os.WriteFile(schema, []byte(`{"properties": [{"name": "plan", "kind": "enum", "values": ["free", "pro", "Enterprise, EU"]}, {"name": "seats", "kind": "number"}]}`), 0o644))
	dashboard := filepath.Join(dir, "count.json")
	require.NoError(t, os.WriteFile(dashboard, []byte(`{"name":"Count","owner":"ana","reports":[{"id":"count","name":"Count"}]}`), 0o644))
	drill := func(where string) outcome {
		return cli(t, "", "drill", "--data", data, "--schema", schema, "--dashboard", dashboard, "--report", "Count",
			"--from", "2025-03-01", "--to", "2025-03-08", "--columns", "ID", "--sort", "ID", "--format", "csv", "--where", where)
	}
	for where, want := range map[string]string{
		`Assignee equals "Bob, Alice"`:     "c3",
		`Assignee not_equals "Bob, Alice"`: "c1 c2",
		`Assignee is_any_of Bob, Alice`:    "c1 c2",
		`Assignee contains "b, A"`:         "c3",
		`plan equals "Enterprise, EU"`:     "c1",
		`seats greater_than 999`:           "c1",
	} {
		o := drill(where)
		require.Equal(t, 0, o.code, where+": "+o.stderr)
		require.Equal(t, "id\n"+strings.ReplaceAll(want, " ", "\n")+"\n", o.stdout, where)
	}
	for where, msg := range map[string]string{
		`Assignee equals Bob, Alice`: `--where #1 "Assignee equals Bob, Alice": equals takes one value, but a comma follows "Bob" at character 20: ` +
			`if the comma is part of the value, write it in double quotes: Assignee equals "Bob, Alice"; for any of several values, use is_any_of: Assignee is_any_of Bob, Alice`,
		`Assignee not_equals Bob,Alice`: `--where #1 "Assignee not_equals Bob,Alice": not_equals takes one value, but a comma follows "Bob" at character 24: ` +
			`if the comma is part of the value, write it in double quotes: Assignee not_equals "Bob,Alice"; for none of several values, use is_none_of: Assignee is_none_of Bob,Alice`,
		`Assignee  contains  b, A`: `--where #1 "Assignee  contains  b, A": contains takes one value, but a comma follows "b" at character 22: ` +
			`if the comma is part of the value, write it in double quotes: Assignee contains "b, A"`,
		// An enum: quotes only for a value of its own that holds a comma.
		`plan equals Enterprise, EU`: `--where #1 "plan equals Enterprise, EU": equals takes one value, but a comma follows "Enterprise" at character 23: ` +
			`if the comma is part of the value, write it in double quotes: plan equals "Enterprise, EU"; for any of several values, use is_any_of: plan is_any_of Enterprise, EU`,
		`Channel equals chat, email`: `--where #1 "Channel equals chat, email": equals takes one value, but a comma follows "chat" at character 20: ` +
			`for any of several values, use is_any_of: Channel is_any_of chat, email`,
		`seats greater_than 1,000`: `--where #1 "seats greater_than 1,000": greater_than takes one value, but a comma follows "1" at character 21: ` +
			`a number is written with no comma, like 1000 or 2.5`,
		`FirstResponseTime less_than 5m, 1h`: `--where #1 "FirstResponseTime less_than 5m, 1h": less_than takes one value, but a comma follows "5m" at character 31` + "\n",
		`Assignee starts_with ,B`: `--where #1 "Assignee starts_with ,B": starts_with takes one value, but the value starts with a comma at character 22: ` +
			`if the comma is part of the value, write it in double quotes: Assignee starts_with ",B"`,
		// An operator that takes no values counts them, commas or not.
		`Inbox is_known ,x`:      `--where #1: Inbox is_known: takes no values, got 1`,
		`Inbox is_known x`:       `--where #1: Inbox is_known: takes no values, got 1`,
		`Inbox is_known a, b`:    `--where #1: Inbox is_known: takes no values, got 2`,
		`Inbox is_unknown ,`:     `--where #1: Inbox is_unknown: takes no values, got 1`,
		`Inbox is_unknown a, "b`: `--where #1 "Inbox is_unknown a, \"b": `,
		// An unknown property is refused as such first.
		`Nope equals Bob, Alice`: `--where #1: Nope equals: unknown property "Nope"`,
	} {
		o := drill(where)
		require.Equal(t, 2, o.code, where+": "+o.stderr)
		require.Contains(t, o.stderr, "convreport: "+msg)
		require.Equal(t, 1, strings.Count(strings.TrimSpace(o.stderr), "\n")+1, o.stderr)
	}
}
