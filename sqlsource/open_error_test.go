package sqlsource_test

import (
	"database/sql"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/convreport/convreport/sqlsource"
)

// An SQLite file that cannot be opened is said as such: SQLite has no
// server to connect to.
func TestSQLiteFileThatCannotBeOpened(t *testing.T) {
	path := filepath.Join(t.TempDir(), "no such dir", "x.db")
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	require.NoError(t, err)
	defer db.Close()
	_, err = sqlsource.New(db, sqlsource.SQLite)
	require.ErrorContains(t, err, "sqlsource: cannot open the SQLite database: ")
	require.NotContains(t, err.Error(), "server")
}
