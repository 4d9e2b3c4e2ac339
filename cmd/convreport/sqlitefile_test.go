package main_test

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"testing"
	"time"

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

// A command reading or writing an SQLite file while another process
// commits to it waits for the lock (a busy timeout) instead of failing
// with "database is locked": here a writer holds an exclusive lock for
// a second while run reads the file and import writes it.
func TestSQLiteWaitsForAnotherWriter(t *testing.T) {
	path := generated(t, 200)
	db := filepath.Join(t.TempDir(), "live.db")
	o := cli(t, "", "import", "--data", path, "--out", db)
	require.Equal(t, 0, o.code, o.stderr)
	args := []string{"run", "--dashboard", "chat-overview", "--range", "last_30_days", "--now", "2025-06-01", "--tz", "Europe/Paris", "--format", "json"}
	want := cli(t, "", append(args, "--data", path)...)
	require.Equal(t, 0, want.code, want.stderr)

	// lock holds an exclusive lock on the file at p for d, as a commit
	// does, from a connection of its own; it returns once the lock is
	// taken, with a channel closed once it is released.
	lock := func(p string, d time.Duration) <-chan struct{} {
		ctx := context.Background()
		w, err := sql.Open("sqlite", "file:"+p)
		require.NoError(t, err)
		conn, err := w.Conn(ctx)
		require.NoError(t, err)
		_, err = conn.ExecContext(ctx, "BEGIN EXCLUSIVE")
		require.NoError(t, err)
		done := make(chan struct{})
		go func() {
			defer close(done)
			time.Sleep(d)
			conn.ExecContext(ctx, "COMMIT")
			conn.Close()
			w.Close()
		}()
		return done
	}

	released := lock(db, time.Second)
	got := cli(t, "", append(args, "--data", db)...)
	require.Equal(t, 0, got.code, "run waits for the writer: %s", got.stderr)
	require.Equal(t, want.stdout, got.stdout)
	<-released

	// An import into a file another process is writing.
	other := filepath.Join(t.TempDir(), "other.db")
	w, err := sql.Open("sqlite", "file:"+other)
	require.NoError(t, err)
	defer w.Close()
	_, err = w.Exec("CREATE TABLE notes (n INTEGER)")
	require.NoError(t, err)
	released = lock(other, time.Second)
	o = cli(t, "", "import", "--data", path, "--out", other)
	require.Equal(t, 0, o.code, "import waits for the writer: %s", o.stderr)
	<-released
	var n int
	require.NoError(t, w.QueryRow("SELECT COUNT(*) FROM conversations").Scan(&n))
	require.Equal(t, 200, n)
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
