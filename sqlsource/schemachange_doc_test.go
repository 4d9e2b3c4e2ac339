package sqlsource_test

import (
	"context"
	"testing"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/internal/conformance"
	"github.com/convreport/convreport/sqlsource"
	"github.com/stretchr/testify/require"
)

func init() {
	sqlErrorProducers["sql-table-changed"] = func(t *testing.T) error {
		db := openDB(t, sqlsource.PostgreSQL)
		db.Exec("DROP TABLE IF EXISTS conversations_doc")
		t.Cleanup(func() { db.Exec("DROP TABLE IF EXISTS conversations_doc") })
		m := sqlsource.Mapping{Table: "conversations_doc"}
		require.NoError(t, sqlsource.CreateTable(context.Background(), db, sqlsource.PostgreSQL, m, nil))
		src, err := sqlsource.New(db, sqlsource.PostgreSQL, sqlsource.WithMapping(m))
		require.NoError(t, err)
		dropRowRules(t, db, m.Table) // a count compared with 0 cannot become text
		_, err = db.Exec("ALTER TABLE conversations_doc ALTER COLUMN incoming_messages TYPE text")
		require.NoError(t, err)
		_, err = convreport.NewEngine(src).Run(context.Background(), conformance.Queries()[1].Query, convreport.Report{Name: "chatty", Filter: "IncomingMessages > 2"})
		return err
	}
}
