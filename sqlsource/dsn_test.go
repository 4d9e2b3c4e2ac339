package sqlsource_test

import (
	"bytes"
	"database/sql"
	"os"
	"path/filepath"
	"testing"

	"github.com/convreport/convreport/sqlsource"
	"github.com/stretchr/testify/require"
	_ "modernc.org/sqlite"
)

// TestSQLiteDSNOpensTheFileNamed writes and reads an SQLite file in a
// directory whose name holds what a URI reads otherwise ('?' starts the
// parameters, '#' a fragment, '%' an escape) and a space and non-ASCII
// letters: the database must be that very file, and nothing else may
// appear beside it.
func TestSQLiteDSNOpensTheFileNamed(t *testing.T) {
	parent := t.TempDir()
	dir := filepath.Join(parent, "a?b#c 50%41 ünï 客服")
	require.NoError(t, os.Mkdir(dir, 0o755))
	path := filepath.Join(dir, "help?desk#1 %20.db")

	dsn, err := sqlsource.SQLiteDSN(path, "_pragma=busy_timeout(10000)")
	require.NoError(t, err)
	w, err := sql.Open("sqlite", dsn)
	require.NoError(t, err)
	_, err = w.Exec(`CREATE TABLE t (v TEXT)`)
	require.NoError(t, err)
	_, err = w.Exec(`INSERT INTO t VALUES ('written')`)
	require.NoError(t, err)
	var timeout int
	require.NoError(t, w.QueryRow(`PRAGMA busy_timeout`).Scan(&timeout))
	require.NoError(t, w.Close())
	require.Equal(t, 10000, timeout, "the parameter reaches the driver")

	// The file at path is an SQLite database, read without the driver.
	head, err := os.ReadFile(path)
	require.NoError(t, err, "the database is not at %s", path)
	require.True(t, bytes.HasPrefix(head, []byte("SQLite format 3\x00")), "%s is not an SQLite file", path)
	names := func(d string) []string {
		t.Helper()
		es, err := os.ReadDir(d)
		require.NoError(t, err)
		var ns []string
		for _, e := range es {
			ns = append(ns, e.Name())
		}
		return ns
	}
	require.Equal(t, []string{"help?desk#1 %20.db"}, names(dir))
	require.Equal(t, []string{"a?b#c 50%41 ünï 客服"}, names(parent))

	// Read back read only, through a path relative to the working
	// directory: the DSN names the same file wherever the driver opens it.
	t.Chdir(parent)
	rdsn, err := sqlsource.SQLiteDSN(filepath.Join("a?b#c 50%41 ünï 客服", "help?desk#1 %20.db"), "mode=ro")
	require.NoError(t, err)
	t.Chdir(dir)
	r, err := sql.Open("sqlite", rdsn)
	require.NoError(t, err)
	defer r.Close()
	var v string
	require.NoError(t, r.QueryRow(`SELECT v FROM t`).Scan(&v))
	require.Equal(t, "written", v)
	_, err = r.Exec(`INSERT INTO t VALUES ('again')`)
	require.Error(t, err, "mode=ro reaches SQLite: a write must fail")
	require.Contains(t, err.Error(), "readonly")

	// No parameters: no '?' either, and the name still reads as a path.
	plain, err := sqlsource.SQLiteDSN(path)
	require.NoError(t, err)
	require.NotContains(t, plain, "?")
	p, err := sql.Open("sqlite", plain)
	require.NoError(t, err)
	defer p.Close()
	require.NoError(t, p.QueryRow(`SELECT v FROM t`).Scan(&v))
	require.Equal(t, "written", v)
	require.Equal(t, []string{"help?desk#1 %20.db"}, names(dir))
}
