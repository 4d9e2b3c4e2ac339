package store_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/convreport/convreport/store"
	"github.com/stretchr/testify/require"
)

// A file whose JSON breaks, edited by hand or cut short, is named with
// where: the character at fault, or just past the last one of a file cut
// short. The places were counted by hand.
func TestFileSyntaxErrorsSayWhere(t *testing.T) {
	for _, c := range []struct {
		name, file, what, want string
	}{
		{"x.json", "{\n  \"id\": \"x\",\n  \"name\": \"X\"\n  \"owner\": \"olivia\"\n}\n", "dashboard",
			`line 4, column 3: invalid character '"' after object key:value pair`},
		{"x.json", "{\n  \"id\": \"x\",\n  \"name\": \"X\",\n  \"reports\": [],\n}\n", "dashboard",
			`line 5, column 1: invalid character '}' looking for beginning of object key string`},
		{"x.json", "{\n  \"id\": \"x\",\n  \"name\": \"Caf\u00e9\",\n  \"repo", "dashboard",
			`line 4, column 8: unexpected end of JSON input`},
		{"_calendars.json", "{\"calendars\": [\n  {\"name\": \"a\", \"zone\": \"UTC\"},\n]}\n", "calendars",
			`line 3, column 1: invalid character ']' looking for beginning of value`},
		{"_sla.json", "{\"policies\": [\n  {\"name\": \"a\", \"close\": {\"within\": \"1h\"}}\n", "SLA policies",
			`line 2, column 43: unexpected end of JSON input`},
	} {
		dir := t.TempDir()
		path := filepath.Join(dir, c.name)
		require.NoError(t, os.WriteFile(path, []byte(c.file), 0o600))
		s, err := store.OpenDir(dir)
		require.NoError(t, err)
		switch c.name {
		case "_calendars.json":
			_, err = s.Calendars(ctx)
		case "_sla.json":
			_, err = s.SLA(ctx)
		default:
			_, err = s.List(ctx, olivia)
		}
		var fe *store.FileError
		require.ErrorAs(t, err, &fe, c.want)
		require.EqualError(t, err, "convreport/store: "+c.what+" file "+path+" is unreadable: "+c.want+" (correct the file there, or restore it from a backup)")
	}

	// An empty dashboard file says so: it has no line to name.
	dir := t.TempDir()
	path := filepath.Join(dir, "x.json")
	require.NoError(t, os.WriteFile(path, nil, 0o600))
	s, err := store.OpenDir(dir)
	require.NoError(t, err)
	_, err = s.Get(ctx, olivia, "x")
	require.EqualError(t, err, "convreport/store: dashboard file "+path+" is unreadable: the file is empty (restore it from a backup or remove it)")
}
