package main_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// An SQLite file whose name holds a character that a "file:" URI reads
// as syntax ('#' a fragment, '?' a query, '%' an escape) is the file
// named, for import --out and for run --data alike: no other file is
// made or read.
func TestSQLiteFileNamesWithURICharacters(t *testing.T) {
	path := generated(t, 200)
	args := []string{"run", "--dashboard", "chat-overview", "--range", "last_30_days", "--now", "2025-06-01", "--tz", "Europe/Paris", "--format", "json"}
	fromFile := cli(t, "", append(args, "--data", path)...)
	require.Equal(t, 0, fromFile.code, fromFile.stderr)
	for _, name := range []string{"a#b.db", "what?.db", "100%.db", "x%23y.db", "sp ace.db"} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			db := filepath.Join(dir, name)
			o := cli(t, "", "import", "--data", path, "--out", db)
			require.Equal(t, 0, o.code, o.stderr)
			require.Contains(t, o.stderr, "wrote 200 conversations to "+db)
			require.Equal(t, []string{name}, dirNames(t, dir), "the import wrote the file named, and no other")
			fromDB := cli(t, "", append(args, "--data", db)...)
			require.Equal(t, 0, fromDB.code, fromDB.stderr)
			require.Equal(t, fromFile.stdout, fromDB.stdout, "the database answers as the file it was imported from")
			require.Equal(t, []string{name}, dirNames(t, dir), "reading made no other file")
			// A second import finds the rows of the first: the same file.
			o = cli(t, "", "import", "--data", path, "--out", db)
			require.Equal(t, 0, o.code, o.stderr)
			require.Contains(t, o.stderr, "(200 already there)")
		})
	}
}

func dirNames(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	require.NoError(t, err)
	var names []string
	for _, e := range es {
		names = append(names, e.Name())
	}
	return names
}
