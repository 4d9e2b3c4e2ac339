package sqlsource_test

import (
	"context"
	"testing"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/sqlsource"
	"github.com/stretchr/testify/require"
)

func init() {
	sqlErrorProducers["sql-json-text"] = func(t *testing.T) error {
		db := openDB(t, sqlsource.PostgreSQL)
		db.Exec("DROP TABLE IF EXISTS conversations_doc")
		t.Cleanup(func() { db.Exec("DROP TABLE IF EXISTS conversations_doc") })
		schema, err := convreport.NewSchema(convreport.Property{Name: "plan", Kind: convreport.KindString})
		require.NoError(t, err)
		m := sqlsource.Mapping{Table: "conversations_doc"}
		require.NoError(t, sqlsource.CreateTable(context.Background(), db, sqlsource.PostgreSQL, m, schema))
		_, err = db.Exec("ALTER TABLE conversations_doc ALTER COLUMN properties TYPE text")
		require.NoError(t, err)
		_, err = sqlsource.New(openDB(t, sqlsource.PostgreSQL), sqlsource.PostgreSQL, sqlsource.WithSchema(schema), sqlsource.WithMapping(m))
		return err
	}
}
