package sqlsource_test

import (
	"context"
	"testing"
	"time"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/sqlsource"
	"github.com/stretchr/testify/require"
)

func init() {
	sqlErrorProducers["sql-count-too-large"] = func(t *testing.T) error {
		db := openDB(t, sqlsource.PostgreSQL)
		table := ownTable(t, db, sqlsource.PostgreSQL, "doc", map[string]string{"incoming_messages": "integer"})
		cs := []convreport.Conversation{{ID: "big", Channel: convreport.Chat, CreatedAt: time.Date(2025, 3, 3, 10, 0, 0, 0, time.UTC), IncomingMessages: 1 << 31}}
		_, err := sqlsource.Import(context.Background(), db, sqlsource.PostgreSQL, sqlsource.Mapping{Table: table}, nil, cs, sqlsource.ImportOptions{})
		require.Error(t, err)
		return err
	}
}
