package main_test

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// A dashboard, calendar or SLA file whose JSON breaks (a missing or
// trailing comma) or is cut short is named with the line and column of
// the fault, on the command line and by serve --dashboards, whose
// directory's files the store reads. The places were counted by hand.
func TestFileSyntaxErrorsSayWhere(t *testing.T) {
	data := write(t, "c.jsonl", `{"id":"a","channel":"chat","status":"open","created_at":"2025-03-01T10:00:00Z"}`+"\n")
	missingComma := "{\"id\": \"x\",\n  \"name\": \"X\"\n  \"reports\": []}\n"
	trailingComma := "{\"id\": \"x\",\n  \"name\": \"X\",\n  \"reports\": [],\n}\n"
	cut := "{\"id\": \"x\",\n  \"name\": \"X\",\n  \"rep"
	for _, c := range []struct{ file, want string }{
		{missingComma, `line 3, column 3: invalid character '"' after object key:value pair`},
		{trailingComma, `line 4, column 1: invalid character '}' looking for beginning of object key string`},
		{cut, `line 3, column 7: the file ends before its JSON does`},
	} {
		dash := write(t, "d.json", c.file)
		o := cli(t, "", "run", "--data", data, "--dashboard", dash)
		require.Equal(t, 1, o.code, o.stderr)
		require.Equal(t, "convreport: "+dash+": "+c.want+"\n", o.stderr)
	}

	cal := write(t, "cal.json", "{\"calendars\": [\n  {\"name\": \"a\", \"zone\": \"UTC\"},\n]}\n")
	o := cli(t, "", "run", "--data", data, "--dashboard", "chat-overview", "--calendar", cal)
	require.Equal(t, 1, o.code, o.stderr)
	require.Equal(t, "convreport: --calendar "+cal+": line 3, column 1: invalid character ']' looking for beginning of value\n", o.stderr)
	pol := write(t, "pol.json", "{\"name\": \"std\",\n \"close\": {\"within\": \"1h\"}")
	o = cli(t, "", "run", "--data", data, "--dashboard", "chat-overview", "--sla", pol)
	require.Equal(t, 1, o.code, o.stderr)
	require.Equal(t, "convreport: --sla "+pol+": line 2, column 27: the file ends before its JSON does\n", o.stderr)

	// serve --dashboards reads the directory through the store.
	for name, want := range map[string]string{
		"x.json":          "dashboard file %s is unreadable: line 3, column 3: invalid character '\"' after object key:value pair",
		"_calendars.json": "calendars file %s is unreadable: line 3, column 1: invalid character ']' looking for beginning of value",
	} {
		dir := t.TempDir()
		body := missingComma
		if name == "_calendars.json" {
			body = "{\"calendars\": [\n  {\"name\": \"a\", \"zone\": \"UTC\"},\n]}\n"
		}
		path := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(path, []byte(body), 0o644))
		o := cli(t, "", "serve", "--data", data, "--addr", "127.0.0.1:0", "--dashboards", dir)
		require.Equal(t, 1, o.code, o.stderr)
		require.Contains(t, o.stderr, "convreport: "+fmt.Sprintf(want, path)+" (correct the file there, or restore it from a backup)\n")
	}
}
