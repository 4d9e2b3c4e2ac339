package main_test

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/render"
	"github.com/stretchr/testify/require"
)

func write(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	require.NoError(t, os.WriteFile(p, []byte(content), 0o644))
	return p
}

// The week of the issue: Sunday 00:00 to Saturday 23:59, Paris, closed at
// the end; and a Saturday conversation wholly outside the hours.
const weekData = `{"id": "week", "channel": "email", "inbox": "Support", "status": "closed", "created_at": "2025-06-01T00:00:00+02:00", "first_response_at": "2025-06-02T08:00:00+02:00", "closed_at": "2025-06-07T23:59:00+02:00"}
{"id": "saturday", "channel": "email", "inbox": "US", "status": "closed", "created_at": "2025-06-07T10:00:00+02:00", "first_response_at": "2025-06-07T11:00:00+02:00", "closed_at": "2025-06-07T12:00:00+02:00"}
`

const officeCalendar = `{"name": "office", "zone": "Europe/Paris", "week": {
	"monday": [{"start": "09:00", "end": "17:00"}], "tuesday": [{"start": "09:00", "end": "17:00"}],
	"wednesday": [{"start": "09:00", "end": "17:00"}], "thursday": [{"start": "09:00", "end": "17:00"}],
	"friday": [{"start": "09:00", "end": "17:00"}]}}`

const closeDashboard = `{"name": "Hours", "owner": "me", "reports": [
	{"id": "ttc", "name": "Time to close", "measure": {"agg": "max", "metric": "time_to_close"}, "dimensions": ["Inbox"], "sort": "label_asc"}]}`

func runValues(t *testing.T, o outcome) map[string]string {
	t.Helper()
	require.Equal(t, 0, o.code, o.stderr)
	got, err := render.ParseJSON(strings.NewReader(o.stdout))
	require.NoError(t, err)
	out := map[string]string{}
	for _, p := range got.Reports[0].Points {
		inbox, _, _ := p.Dimensions.Get("inbox")
		out[inbox] = *p.Value
	}
	return out
}

func TestRunWithACalendar(t *testing.T) {
	data := write(t, "week.jsonl", weekData)
	dash := write(t, "hours.json", closeDashboard)
	cal := write(t, "office.json", officeCalendar)
	args := []string{"run", "--data", data, "--dashboard", dash, "--from", "2025-06-01", "--to", "2025-06-08", "--tz", "Europe/Paris", "--format", "json"}

	require.Equal(t, map[string]string{"Support": "604740", "US": "7200"}, runValues(t, cli(t, "", args...)), "calendar time")
	// 5 days of 8 hours; the Saturday one is 0, not left out.
	require.Equal(t, map[string]string{"Support": "144000", "US": "0"}, runValues(t, cli(t, "", append(args, "--calendar", cal)...)))

	// A set: the US inbox keeps New York hours (Saturday 10:00-12:00 Paris
	// is 04:00-06:00 there, open 05:00-09:00): one hour.
	set := write(t, "set.json", `{"calendars": [`+officeCalendar+`,
		{"name": "us", "zone": "America/New_York", "week": {"saturday": [{"start": "05:00", "end": "09:00"}]}}],
		"default": "office", "inboxes": {"US": "us"}}`)
	require.Equal(t, map[string]string{"Support": "144000", "US": "3600"}, runValues(t, cli(t, "", append(args, "--calendar", set)...)))

	// A dashboard that names its calendar: only with --calendar holding it.
	named := write(t, "named.json", strings.Replace(closeDashboard, `"owner": "me",`, `"owner": "me", "calendar": "us",`, 1))
	o := cli(t, "", "run", "--data", data, "--dashboard", named, "--format", "json")
	require.Equal(t, 2, o.code)
	require.Equal(t, "convreport: dashboard \"Hours\" counts business hours with calendar \"us\": give --calendar FILE.json holding it\n", o.stderr)
	o = cli(t, "", "run", "--data", data, "--dashboard", named, "--calendar", cal, "--format", "json")
	require.Equal(t, 1, o.code)
	require.Equal(t, "convreport: --calendar "+cal+": dashboard \"Hours\": calendar: no calendar \"us\" (have office)\n", o.stderr)
	// The dashboard's calendar is the default: Saturday 05:00-09:00 in New
	// York is 11:00-15:00 in Paris, inside the week; US keeps its own.
	require.Equal(t, map[string]string{"Support": "14400", "US": "3600"}, runValues(t, cli(t, "", "run", "--data", data, "--dashboard", named, "--calendar", set,
		"--from", "2025-06-01", "--to", "2025-06-08", "--tz", "Europe/Paris", "--format", "json")))

	// The text output says what the number counts.
	o = cli(t, "", append(args[:len(args)-2], "--calendar", cal)...)
	require.Equal(t, 0, o.code, o.stderr)
	require.Contains(t, o.stdout, "business hours")

	// The drill-down lists business time.
	o = cli(t, "", "drill", "--data", data, "--dashboard", dash, "--report", "Time to close", "--point", "inbox=Support", "--calendar", cal,
		"--from", "2025-06-01", "--to", "2025-06-08", "--tz", "Europe/Paris", "--format", "json")
	require.Equal(t, 0, o.code, o.stderr)
	var page struct {
		Conversations []map[string]any `json:"conversations"`
	}
	require.NoError(t, json.Unmarshal([]byte(o.stdout), &page))
	require.Len(t, page.Conversations, 1)
	require.Equal(t, "144000", page.Conversations[0]["time_to_close"], "business seconds")
}

func TestBadCalendarsOnTheCommandLine(t *testing.T) {
	data := write(t, "week.jsonl", weekData)
	cases := []struct{ name, json, want string }{
		{"overlap", `{"week": {"monday": [{"start": "09:00", "end": "13:00"}, {"start": "12:00", "end": "17:00"}]}}`, "line 1, column 58: calendar: week.monday[1]: 12:00-17:00 overlaps 09:00-13:00"},
		{"zone", `{"zone": "Europe/Pariss"}`, `line 1, column 2: calendar: zone: unknown time zone "Europe/Pariss"`},
		{"holiday", `{"holidays": ["2025-13-01"]}`, `line 1, column 15: calendar: holidays[0]: bad date "2025-13-01"`},
		{"two problems in a set", `{"calendars": [{"name": "a"}, {"name": "a"}], "inboxes": {"US": "b"}}`, `line 1, column 32: calendar: calendars[1].name: "a" names two calendars; calendar: inboxes["US"]: no calendar "b" (have a, a)`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cal := write(t, "cal.json", c.json)
			for _, cmd := range [][]string{
				{"run", "--data", data, "--dashboard", "chat-overview", "--calendar", cal},
				{"drill", "--data", data, "--dashboard", "chat-overview", "--report", "Conversations by rep", "--calendar", cal},
				{"serve", "--addr", "127.0.0.1:0", "--calendar", cal},
			} {
				o := cli(t, "", cmd...)
				require.Equal(t, 1, o.code, "%s: %s", cmd[0], o.stderr)
				require.Equal(t, 1, strings.Count(o.stderr, "\n"), "one line: %q", o.stderr)
				require.Contains(t, o.stderr, "convreport: --calendar "+cal+": "+c.want)
			}
		})
	}
}

const customData = `{"id": "a", "channel": "chat", "status": "open", "created_at": "2025-06-02T10:00:00Z", "properties": {"plan": "pro", "seats": 12, "trial": false}}
{"id": "b", "channel": "chat", "status": "open", "created_at": "2025-06-02T11:00:00Z", "properties": {"plan": "free", "seats": 1, "trial": true}}
{"id": "c", "channel": "chat", "status": "open", "created_at": "2025-06-03T11:00:00Z", "properties": {"plan": "pro", "seats": 3}}
`

const customSchema = `{"properties": [{"name": "plan", "kind": "enum", "values": ["free", "pro"]}, {"name": "seats", "kind": "number"}, {"name": "trial", "kind": "bool"}]}`

// A dashboard over custom properties: a filter, a dimension and drill-down
// columns.
const planDashboard = `{"name": "Plans", "owner": "me", "reports": [
	{"id": "by-plan", "name": "By plan", "measure": {"agg": "count"}, "dimensions": ["plan"], "filter": "seats >= 2", "sort": "label_asc", "properties": ["ID", "plan", "seats"]}]}`

func TestCustomPropertiesFromTheCommandLine(t *testing.T) {
	data := write(t, "custom.jsonl", customData)
	schema := write(t, "schema.json", customSchema)
	dash := write(t, "plans.json", planDashboard)
	period := []string{"--from", "2025-06-01", "--to", "2025-06-08", "--format", "json"}

	o := cli(t, "", append([]string{"run", "--data", data, "--dashboard", dash}, period...)...)
	require.Equal(t, 1, o.code)
	require.Contains(t, o.stderr, `unknown custom property "plan"`)

	plans := func(o outcome) map[string]string {
		t.Helper()
		require.Equal(t, 0, o.code, o.stderr)
		got, err := render.ParseJSON(strings.NewReader(o.stdout))
		require.NoError(t, err)
		out := map[string]string{}
		for _, p := range got.Reports[0].Points {
			v, _, _ := p.Dimensions.Get("plan")
			out[v] = *p.Value
		}
		return out
	}
	// seats >= 2: a (pro, 12) and c (pro, 3).
	require.Equal(t, map[string]string{"pro": "2"}, plans(cli(t, "", append([]string{"run", "--data", data, "--dashboard", dash, "--schema", schema}, period...)...)))

	// --infer-schema types the keys and prints what it inferred.
	o = cli(t, "", append([]string{"run", "--data", data, "--dashboard", dash, "--infer-schema"}, period...)...)
	require.Equal(t, map[string]string{"pro": "2"}, plans(o))
	require.Contains(t, o.stderr, "inferred schema")
	_, js, _ := strings.Cut(o.stderr, "\n")
	var inferred struct {
		Properties []struct{ Name, Kind string } `json:"properties"`
	}
	require.NoError(t, json.Unmarshal([]byte(js), &inferred))
	require.Equal(t, []struct{ Name, Kind string }{{"plan", "string"}, {"seats", "number"}, {"trial", "bool"}}, inferred.Properties)
	// From standard input too.
	o = cli(t, customData, append([]string{"run", "--data", "-", "--dashboard", dash, "--infer-schema"}, period...)...)
	require.Equal(t, map[string]string{"pro": "2"}, plans(o))

	// Drill-down columns.
	o = cli(t, "", "drill", "--data", data, "--dashboard", dash, "--schema", schema, "--report", "By plan", "--point", "plan=pro",
		"--columns", "ID,seats,trial", "--from", "2025-06-01", "--to", "2025-06-08", "--format", "csv")
	require.Equal(t, 0, o.code, o.stderr)
	require.Equal(t, "id,seats,trial\na,12,false\nc,3,\n", o.stdout)

	// A wrong value names the line, the key and the kind.
	bad := write(t, "bad.jsonl", customData+`{"id": "d", "channel": "chat", "status": "open", "created_at": "2025-06-03T12:00:00Z", "properties": {"seats": "three"}}`+"\n")
	o = cli(t, "", append([]string{"run", "--data", bad, "--dashboard", dash, "--schema", schema}, period...)...)
	require.Equal(t, 1, o.code)
	require.Equal(t, 1, strings.Count(o.stderr, "\n"), o.stderr)
	require.Contains(t, o.stderr, "line 4")
	require.Contains(t, o.stderr, "properties.seats")
	require.Contains(t, o.stderr, "number")
	// Inference refuses a key of two types, saying where.
	o = cli(t, "", append([]string{"run", "--data", bad, "--dashboard", dash, "--infer-schema"}, period...)...)
	require.Equal(t, 1, o.code)
	require.Equal(t, "convreport: bad.jsonl: line 4: properties.seats: holds a number on line 1, a string on line 4: no kind reads them all; give a --schema (or a Schema)\n", o.stderr)

	// A bad schema file names its field.
	badSchema := write(t, "bad-schema.json", `{"properties": [{"name": "plan", "kind": "enum"}]}`)
	o = cli(t, "", append([]string{"run", "--data", data, "--dashboard", dash, "--schema", badSchema}, period...)...)
	require.Equal(t, 1, o.code)
	require.Equal(t, "convreport: --schema "+badSchema+": schema: properties[0].values: custom property \"plan\": an enum needs values\n", o.stderr)

	// import writes the custom properties as columns; the database then
	// answers with the same schema, in SQL.
	db := filepath.Join(t.TempDir(), "custom.db")
	o = cli(t, "", "import", "--data", data, "--schema", schema, "--out", db)
	require.Equal(t, 0, o.code, o.stderr)
	require.Equal(t, map[string]string{"pro": "2"}, plans(cli(t, "", append([]string{"run", "--data", db, "--dashboard", dash, "--schema", schema}, period...)...)))
}

func TestServeKeepsCalendars(t *testing.T) {
	dir := t.TempDir()
	cal := write(t, "office.json", officeCalendar)
	s := startServe(t, "--dashboards", dir, "--calendar", cal, "--user", "ana")
	code, _, body := s.request(http.MethodGet, "/api/calendars", "", nil)
	require.Equal(t, http.StatusOK, code, body)
	var got struct {
		Names []string `json:"names"`
	}
	require.NoError(t, json.Unmarshal([]byte(body), &got))
	require.Equal(t, []string{"office"}, got.Names)
	code, _, body = s.request(http.MethodPatch, "/api/dashboards/chat-overview/reports/average-chat-first-response-time-by-rep", `{"version": 1, `+s.created("chat-overview")+`, "calendar": "office"}`, nil)
	require.Equal(t, http.StatusOK, code, body)
	s.stop()

	// After a restart without --calendar, the calendars are still there,
	// and the report still counts business hours.
	s = startServe(t, "--dashboards", dir, "--user", "ana")
	code, _, body = s.request(http.MethodGet, "/api/calendars", "", nil)
	require.Equal(t, http.StatusOK, code)
	require.Contains(t, body, `"names":["office"]`)
	code, _, body = s.request(http.MethodGet, "/api/dashboards/chat-overview/run", "", nil)
	require.Equal(t, http.StatusOK, code, body)
	require.Contains(t, body, "(business hours)")
	s.stop()
}

func TestServeWithASchema(t *testing.T) {
	data := write(t, "custom.jsonl", customData)
	schema := write(t, "schema.json", customSchema)
	s := startServe(t, "--data", data, "--schema", schema, "--now", "2025-06-05", "--tz", "UTC", "--user", "ana")
	code, _, body := s.request(http.MethodGet, "/api/schema", "", nil)
	require.Equal(t, http.StatusOK, code)
	var got struct {
		Properties []struct {
			Name   string   `json:"name"`
			Kind   string   `json:"kind"`
			Values []string `json:"values"`
			Custom bool     `json:"custom"`
		} `json:"properties"`
	}
	require.NoError(t, json.Unmarshal([]byte(body), &got))
	var custom []string
	for _, p := range got.Properties {
		if p.Custom {
			custom = append(custom, p.Name+":"+p.Kind)
		}
	}
	require.Equal(t, []string{"plan:enum", "seats:number", "trial:bool"}, custom)
	// A report of the seeded dashboard groups by plan.
	code, _, body = s.request(http.MethodPatch, "/api/dashboards/chat-overview/reports/conversations-by-rep", `{"version": 1, `+s.created("chat-overview")+`, "dimensions": ["plan"]}`, nil)
	require.Equal(t, http.StatusOK, code, body)
	code, _, body = s.request(http.MethodGet, "/api/dashboards/chat-overview/run?range=last_7_days", "", nil)
	require.Equal(t, http.StatusOK, code, body)
	require.Contains(t, body, `{"dimensions":{"plan":"pro"},"value":"2","count":2}`)
	s.stop()
}

// --infer-schema reads the data as the run does: what the run loads,
// inference types, and a bad line is named as the run names it.
func TestInferSchemaReadsAsRun(t *testing.T) {
	run := func(args ...string) outcome {
		t.Helper()
		return cli(t, "", append([]string{"run", "--dashboard", "chat-overview", "--from", "2025-06-01", "--to", "2025-06-08", "--format", "json", "--infer-schema"}, args...)...)
	}
	inferred := "convreport: inferred schema (save it and give --schema FILE to fix it):\n" +
		"{\n  \"properties\": [\n    {\n      \"name\": \"seats\",\n      \"kind\": \"number\"\n    }\n  ]\n}\n"

	// CSV as Excel writes it.
	csv := write(t, "excel.csv", "\ufeff\"id\",\"channel\",\"assignee\",\"created_at\",\"properties.seats\"\r\n"+
		"\"c1\",\"chat\",\"Ann\",\"2025-06-02T10:00:00Z\",\"12\"\r\n")
	o := run("--data", csv)
	require.Equal(t, 0, o.code, o.stderr)
	require.Equal(t, inferred, o.stderr)

	// A bad line stops inference as it stops the run; --skip-invalid
	// skips it, reported once, by the run.
	good := `{"id": "a", "channel": "chat", "created_at": "2025-06-02T10:00:00Z", "properties": {"seats": 3}}` + "\n"
	bad := write(t, "bad.jsonl", "\ufeff"+good+`{"id": "b", "properties": {"seats": }`+"\n")
	o = run("--data", bad)
	require.Equal(t, 1, o.code)
	require.Equal(t, "convreport: bad.jsonl: line 2: invalid character '}' at column 37\n", o.stderr)
	o = run("--data", bad, "--skip-invalid")
	require.Equal(t, 0, o.code, o.stderr)
	require.Equal(t, inferred+"convreport: skipped invalid lines:\nbad.jsonl: line 2: invalid character '}' at column 37\n", o.stderr)

	// A line over the limit is named as the run names it.
	long := write(t, "long.jsonl", good+`{"id": "b", "properties": {"note": "`+strings.Repeat("x", 1<<20)+`"}}`+"\n")
	o = run("--data", long)
	require.Equal(t, 1, o.code)
	require.Equal(t, "convreport: long.jsonl: line 2: line is longer than 1048576 bytes (Options.MaxLineBytes)\n", o.stderr)
	o = run("--data", long, "--skip-invalid")
	require.Equal(t, 0, o.code, o.stderr)
	require.Equal(t, inferred+"convreport: skipped invalid lines:\nlong.jsonl: line 2: line is longer than 1048576 bytes (Options.MaxLineBytes)\n", o.stderr)

	// --ignore-unknown ignores keys inference has no use for, too.
	unknown := write(t, "unknown.jsonl", `{"id": "a", "channel": "chat", "created_at": "2025-06-02T10:00:00Z", "mood": "fine", "properties": {"seats": 3}}`+"\n")
	o = run("--data", unknown, "--ignore-unknown")
	require.Equal(t, 0, o.code, o.stderr)
	require.Equal(t, inferred, o.stderr)
}

// A schema the library marshals is read back by --schema: the properties
// of Schema.Custom as json.Marshal writes them (alone, or under
// "properties"), with the key and custom fields a Property has, as well
// as the schema's own MarshalJSON. Each reads the data as the hand-written
// file does. A key that is not the name, custom false, derived true and a
// key no Property has are refused, naming the field.
func TestSchemaFileWrittenByTheLibrary(t *testing.T) {
	s, err := convreport.NewSchema(
		convreport.Property{Name: "note", Kind: convreport.KindString},
		convreport.Property{Name: "seats", Kind: convreport.KindNumber, Label: "Seats"},
		convreport.Property{Name: "vip", Kind: convreport.KindBool},
		convreport.Property{Name: "renews", Kind: convreport.KindTime},
		convreport.Property{Name: "wait", Kind: convreport.KindDuration},
		convreport.Property{Name: "plan", Kind: convreport.KindEnum, Values: []string{"free", "Enterprise, EU"}})
	require.NoError(t, err)
	dir := t.TempDir()
	data := filepath.Join(dir, "c.jsonl")
	require.NoError(t, os.WriteFile(data, []byte(
		`{"id":"c1","channel":"chat","status":"open","created_at":"2025-03-03T09:00:00Z","properties":{"note":"hi","seats":3,"vip":true,"renews":"2026-01-01T00:00:00Z","wait":"5m","plan":"Enterprise, EU"}}`+"\n"+
			`{"id":"c2","channel":"chat","status":"open","created_at":"2025-03-03T10:00:00Z","properties":{"note":"yo","seats":1,"vip":false,"renews":"2025-06-01T00:00:00Z","wait":"90s","plan":"free"}}`+"\n"), 0o644))
	custom, err := json.Marshal(s.Custom())
	require.NoError(t, err)
	require.Contains(t, string(custom), `"key":"note"`)
	require.Contains(t, string(custom), `"custom":true`)
	wrapped, err := json.Marshal(map[string]any{"properties": s.Custom()})
	require.NoError(t, err)
	own, err := json.MarshalIndent(s, "", "  ")
	require.NoError(t, err)
	hand := `{"properties": [{"name": "note", "kind": "string"}, {"name": "seats", "kind": "number", "label": "Seats"}, {"name": "vip", "kind": "bool"},
		{"name": "renews", "kind": "time"}, {"name": "wait", "kind": "duration"}, {"name": "plan", "kind": "enum", "values": ["free", "Enterprise, EU"]}]}`
	drill := func(schema string) outcome {
		return cli(t, "", "drill", "--data", data, "--schema", write(t, "schema.json", schema), "--dashboard", "chat-overview", "--report", "Conversations by rep",
			"--point", "assignee=", "--from", "2025-03-01", "--to", "2025-03-08", "--format", "csv", "--sort", "ID",
			"--columns", "ID,note,seats,vip,renews,wait,plan", "--where", "seats greater_than 2")
	}
	want := drill(hand)
	require.Equal(t, 0, want.code, want.stderr)
	require.Contains(t, want.stdout, "c1,hi,3,true,")
	require.NotContains(t, want.stdout, "c2")
	for name, schema := range map[string]string{"Custom()": string(custom), `{"properties": Custom()}`: string(wrapped), "MarshalJSON": string(own)} {
		o := drill(schema)
		require.Equal(t, 0, o.code, "%s: %s", name, o.stderr)
		require.Equal(t, want.stdout, o.stdout, name)
	}

	for schema, msg := range map[string]string{
		`{"properties": [{"name": "plan", "key": "Plan", "kind": "string"}]}`:                     `schema: properties[0].key: "Plan" is not the name "plan": a custom property's key is its name (or leave key out)`,
		`[{"name": "note", "kind": "string"}, {"name": "plan", "key": "tier", "kind": "string"}]`: `schema: [1].key: "tier" is not the name "plan": a custom property's key is its name (or leave key out)`,
		`{"properties": [{"name": "plan", "kind": "string", "custom": false}]}`:                   `schema: properties[0].custom: a schema file declares custom properties: custom is true (or left out)`,
		`{"properties": [{"name": "plan", "kind": "string", "derived": true}]}`:                   `schema: properties[0].derived: a custom property is stored, not derived: derived is false (or left out)`,
		`{"properties": [{"name": "plan", "kind": "string", "colour": "red"}]}`:                   `schema: unknown field "colour"`,
	} {
		path := write(t, "bad.json", schema)
		o := cli(t, "", "run", "--data", data, "--schema", path, "--dashboard", "chat-overview", "--from", "2025-03-01", "--to", "2025-03-08")
		require.NotEqual(t, 0, o.code, schema)
		require.Contains(t, o.stderr, "convreport: --schema "+path+": "+msg, schema)
	}
}
