package sqlsource_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/memory"
	"github.com/convreport/convreport/sqlsource"
)

// After ClickHouse refused a statement it could not parse, the driver
// can leave the connection out of step: the next statement on it took
// the refused one's reply, and reports answered with other reports'
// counts. A read that fails gives up its connection instead of pooling
// it; and a number ClickHouse cannot parse (a subnormal one) is declined,
// so the engine scans.
func TestClickHouseRefusedStatementLeavesNoConnectionOutOfStep(t *testing.T) {
	ctx := context.Background()
	db := openDB(t, sqlsource.ClickHouse)
	db.SetMaxIdleConns(1) // one connection, reused by every read below
	db.SetMaxOpenConns(1)
	schema, err := convreport.NewSchema(convreport.Property{Name: "seats", Kind: convreport.KindNumber})
	require.NoError(t, err)
	t0 := time.Date(2025, 3, 10, 9, 0, 0, 0, time.UTC)
	var cs []convreport.Conversation
	for i := range 10 {
		cs = append(cs, convreport.Conversation{ID: fmt.Sprint("s", i), CreatedAt: t0.Add(time.Duration(i) * time.Minute),
			Channel: convreport.Chat, Properties: map[string]any{"seats": float64(i)}})
	}
	m := sqlsource.Mapping{Table: tableName(t, db, sqlsource.ClickHouse, "refused")}
	require.NoError(t, sqlsource.CreateTable(ctx, db, sqlsource.ClickHouse, m, schema))
	require.NoError(t, sqlsource.Insert(ctx, db, sqlsource.ClickHouse, m, schema, cs))
	src, err := sqlsource.New(db, sqlsource.ClickHouse, sqlsource.WithSchema(schema), sqlsource.WithMapping(m))
	require.NoError(t, err)
	mem, err := memory.New(cs, memory.WithSchema(schema))
	require.NoError(t, err)
	q := convreport.Query{From: t0.Add(-time.Hour), To: t0.Add(time.Hour), Now: t0.Add(time.Hour)}
	count := func(src convreport.Source, filter string) string {
		t.Helper()
		res, err := convreport.NewEngine(src).Run(ctx, q, convreport.Report{Name: "r", Filter: filter})
		require.NoError(t, err, filter)
		return res[0].Points[0].Value.Decimal.String()
	}
	for i := range 9 {
		// A statement ClickHouse 18 cannot parse, on the pool's one
		// connection, through the source's own read.
		conn, done, err := sqlsource.ReadConn(src, ctx)
		require.NoError(t, err)
		_, err = conn.QueryContext(ctx, "SELECT CAST(5e-324, 'Float64')")
		require.Error(t, err)
		done(err)
		filter := fmt.Sprintf("seats > %d", i)
		require.Equal(t, count(mem, filter), count(src, filter), filter)
	}
	declined := src.Stats().Declined
	require.Equal(t, count(mem, "seats > 5e-324"), count(src, "seats > 5e-324"))
	require.Equal(t, declined+1, src.Stats().Declined, "a subnormal number is declined")
}
