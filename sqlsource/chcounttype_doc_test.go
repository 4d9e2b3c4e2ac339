package sqlsource_test

import (
	"testing"

	"github.com/convreport/convreport/sqlsource"
	"github.com/stretchr/testify/require"
)

func init() {
	sqlErrorProducers["sql-float-count"] = func(t *testing.T) error {
		db := openDB(t, sqlsource.ClickHouse)
		m := docTable(t, db)
		_, err := db.Exec("ALTER TABLE conversations_doc MODIFY COLUMN incoming_messages Nullable(Float64)")
		require.NoError(t, err)
		_, err = sqlsource.New(db, sqlsource.ClickHouse, sqlsource.WithMapping(m))
		return err
	}
}
