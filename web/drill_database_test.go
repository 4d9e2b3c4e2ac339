package web_test

import (
	"context"
	"database/sql"
	"net/http"
	"path/filepath"
	"sync/atomic"
	"testing"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/sqlsource"
	"github.com/convreport/convreport/web"
	"github.com/stretchr/testify/require"

	_ "modernc.org/sqlite" // the "sqlite" driver
)

// pagingSource counts the drill-down pages the database lists itself.
type pagingSource struct {
	*sqlsource.Source
	pages atomic.Int64
}

func (p *pagingSource) DrillPage(ctx context.Context, req *convreport.DrillRequest) (int, []convreport.Conversation, error) {
	p.pages.Add(1)
	return p.Source.DrillPage(ctx, req)
}

// Over a database, the drill-down dialog's page is the database's: one
// count and one paged query, not the report's whole range read back
// through a scan. Its answer is the memory source's, byte for byte, for
// every point of a report, sorted either way, on any page.
func TestDrillFromADatabaseIsTheDatabasesPage(t *testing.T) {
	mem := newFixture(t)
	ctx := context.Background()
	dsn, err := sqlsource.SQLiteDSN(filepath.Join(t.TempDir(), "conversations.db"))
	require.NoError(t, err)
	db, err := sql.Open("sqlite", dsn)
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	m := sqlsource.Mapping{Table: "conversations"}
	require.NoError(t, sqlsource.CreateTable(ctx, db, sqlsource.SQLite, m, nil))
	require.NoError(t, sqlsource.Insert(ctx, db, sqlsource.SQLite, m, nil, mem.cs))
	s, err := sqlsource.New(db, sqlsource.SQLite, sqlsource.WithMapping(m))
	require.NoError(t, err)
	src := &pagingSource{Source: s}
	onDB := *mem
	onDB.h, err = web.New(mem.cfg(func(c *web.Config) { c.Engine, c.Schema = convreport.NewEngine(src), src.Schema() }))
	require.NoError(t, err)

	run := mem.run("chat", "ana", "range=last_30_days")
	i := run.report(t, "conversations-by-rep")
	require.NotEmpty(t, run.Reports[i].Points)
	asked := 0
	for _, p := range run.Reports[i].Points {
		for _, extra := range []string{"", "sort=Assignee&desc=true&limit=7", "sort=FirstResponseTime&offset=3&limit=5", "sort=Inbox&limit=1000"} {
			path := drillPath("chat", "conversations-by-rep", run, p.Dimensions, extra)
			want, got := mem.get(path, "ana"), onDB.get(path, "ana")
			require.Equal(t, http.StatusOK, want.Code, want.Body.String())
			require.Equal(t, want.Code, got.Code, got.Body.String())
			require.JSONEq(t, want.Body.String(), got.Body.String(), path)
			asked++
		}
	}
	require.EqualValues(t, asked, src.pages.Load(), "every page listed by the database")
}
