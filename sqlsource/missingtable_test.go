package sqlsource_test

import (
	"testing"

	"github.com/convreport/convreport/sqlsource"
	"github.com/stretchr/testify/require"
)

func init() {
	sqlErrorProducers["sql-missing-table"] = func(t *testing.T) error {
		_, err := sqlsource.New(openDB(t, sqlsource.SQLite), sqlsource.SQLite, sqlsource.WithMapping(sqlsource.Mapping{Table: "tickets"}))
		return err
	}
}

// A table that does not exist is said so, where New said it lacked the
// mapped columns; a table that lacks one still says that.
func TestMissingTableIsSaidMissing(t *testing.T) {
	for _, d := range dialects {
		t.Run(d.String(), func(t *testing.T) {
			db := openDB(t, d)
			table := tableName(t, db, d, "h5nosuch")
			_, err := sqlsource.New(db, d, sqlsource.WithMapping(sqlsource.Mapping{Table: table}))
			require.ErrorContains(t, err, "sqlsource: table "+quoteIdent(d, table)+" does not exist: ")
			require.NotContains(t, err.Error(), "mapped columns")

			table = ownTable(t, db, d, "h5nocol", nil)
			_, err = sqlsource.New(db, d, sqlsource.WithMapping(sqlsource.Mapping{Table: table, Columns: map[string]string{"Inbox": "mailbox"}}))
			require.ErrorContains(t, err, "sqlsource: table "+quoteIdent(d, table)+" does not have the mapped columns: ")
		})
	}
}
