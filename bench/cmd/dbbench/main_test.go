package main

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"io"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/bench"
	"github.com/convreport/convreport/memory"
	"github.com/stretchr/testify/require"
)

// tinyN is the size the tests run: enough for every report to have
// points and for the rows to reach both shards.
const tinyN = 1500

func tinyOptions(t *testing.T) options {
	return options{sizes: []int{tinyN}, seed: 3, runs: 3, sqlite: true, dir: t.TempDir(), batch: 400, timeout: 2 * time.Minute}
}

// summary returns the cells of the summary table's rows by database.
func summary(t *testing.T, out string) map[string][]string {
	t.Helper()
	rows := map[string][]string{}
	in := false
	for _, line := range strings.Split(out, "\n") {
		switch {
		case strings.HasPrefix(line, "| database | "+fmtN(tinyN)+" import |"):
			in = true
		case in && strings.HasPrefix(line, "| --- |"):
		case in && strings.HasPrefix(line, "| "):
			cells := strings.Split(line, "|")
			cells = cells[1 : len(cells)-1] // outside the first and last bars
			for i := range cells {
				cells[i] = strings.TrimSpace(cells[i])
			}
			rows[cells[0]] = cells[1:]
		case in:
			return rows
		}
	}
	t.Fatalf("no summary table in:\n%s", out)
	return nil
}

var timeAndRatio = regexp.MustCompile(`^([0-9.]+) (s|ms|µs) \(([0-9.]+)x\)$`)

// seconds parses a cell "8.28 s (252x)" into its time and ratio.
func seconds(t *testing.T, cell string) (float64, float64) {
	t.Helper()
	m := timeAndRatio.FindStringSubmatch(cell)
	require.NotNil(t, m, "cell %q is not a time and a ratio", cell)
	v, err := strconv.ParseFloat(m[1], 64)
	require.NoError(t, err)
	r, err := strconv.ParseFloat(m[3], 64)
	require.NoError(t, err)
	return v * map[string]float64{"s": 1, "ms": 1e-3, "µs": 1e-6}[m[2]], r
}

// A run with Go alone measures memory and SQLite, says why the servers
// were skipped, prints each time with its ratio to the memory engine, and
// leaves no file behind.
func TestRunMemoryAndSQLite(t *testing.T) {
	o := tinyOptions(t)
	var out bytes.Buffer
	require.NoError(t, run(context.Background(), o, &out, io.Discard))
	text := out.String()
	rows := summary(t, text)
	require.Len(t, rows, 5, "memory and the four databases")
	for _, c := range rows["memory"] {
		_, ratio := seconds(t, c)
		require.Equal(t, 1.0, ratio, "memory against itself: %q", c)
	}
	for i, c := range rows["SQLite"] {
		got, ratio := seconds(t, c)
		base, _ := seconds(t, rows["memory"][i])
		// Both times are rounded to three figures, the ratio to two or
		// three: they agree within those roundings.
		require.InEpsilon(t, got/base, ratio, 0.02, "column %d: %q against memory's %q", i, c, rows["memory"][i])
	}
	for _, db := range []string{"PostgreSQL", "ClickHouse, 1 shard", "ClickHouse, 2 shards"} {
		require.Equal(t, []string{"skipped", "", ""}, rows[db], db)
	}
	require.Contains(t, text, "Checked before timing: SQLite gave the memory engine's results decimal for decimal")
	require.Contains(t, text, "PostgreSQL (no -postgres DSN (nor $CONVREPORT_POSTGRES_DSN))")
	require.Contains(t, text, "| ClickHouse, 2 shards | skipped: no -clickhouse DSN")
	require.Regexp(t, `\| SQLite \| [0-9.]+ m?s \| [0-9,]+ \| [0-9.]+ \| [0-9]+ kB \(on disk\) \| [0-9]+ B \|`, text)
	left, err := os.ReadDir(o.dir)
	require.NoError(t, err)
	require.Empty(t, left, "the SQLite file is removed")
}

// reference counts the chats created in the window that rep is assigned,
// with a plain loop, and returns the first of them in creation order
// (ties by ID), as the drill-down lists them.
func reference(d *bench.Data, rep string) (int64, string) {
	var n int64
	var first *convreport.Conversation
	for i := range d.Convs {
		c := &d.Convs[i]
		if c.Channel != convreport.Chat || c.Assignee != rep || c.CreatedAt.Before(d.Window.From) || !c.CreatedAt.Before(d.Window.To) {
			continue
		}
		n++
		if first == nil || c.CreatedAt.Before(first.CreatedAt) || (c.CreatedAt.Equal(first.CreatedAt) && c.ID < first.ID) {
			first = c
		}
	}
	return n, first.ID
}

// The check before timing finds a database whose dashboards differ from
// the memory engine's by one conversation's assignee, and one whose
// drill-down page holds another row, and says where.
func TestCheckFindsDifferences(t *testing.T) {
	ctx := context.Background()
	d, err := bench.NewData(bench.SampleConfig(tinyN, 3))
	require.NoError(t, err)
	src, err := memory.New(d.Convs)
	require.NoError(t, err)
	b, err := newBaseline(ctx, convreport.NewEngine(src), d)
	require.NoError(t, err)
	rep := b.point.Dimensions[0].Value
	count, firstID := reference(d, rep)
	require.Equal(t, count, b.point.Count, "the biggest point counts the rep's chats")
	require.Equal(t, firstID, b.page.Rows[0].ID)

	load := func(t *testing.T, cs []convreport.Conversation) *convreport.Engine {
		l, err := sqliteDatabase(t.TempDir()).load(ctx, len(cs), cs, 500)
		require.NoError(t, err)
		t.Cleanup(func() { l.drop(context.Background()) })
		return convreport.NewEngine(l.src)
	}
	changed := func(f func(c *convreport.Conversation) bool) []convreport.Conversation {
		cs := append([]convreport.Conversation(nil), d.Convs...)
		for i := range cs {
			if f(&cs[i]) {
				return cs
			}
		}
		t.Fatal("no conversation changed")
		return nil
	}

	t.Run("same data", func(t *testing.T) {
		require.NoError(t, b.check(ctx, "SQLite", load(t, d.Convs)))
	})
	t.Run("one chat reassigned", func(t *testing.T) {
		cs := changed(func(c *convreport.Conversation) bool {
			if c.ID != firstID {
				return false
			}
			c.Assignee = ""
			return true
		})
		err := b.check(ctx, "SQLite", load(t, cs))
		require.Error(t, err)
		require.Contains(t, err.Error(), "the memory engine and SQLite disagree")
		require.Contains(t, err.Error(), "conversations-by-rep: 2 points differ")
		require.Contains(t, err.Error(), fmt.Sprintf("%q: the memory engine has value %d over %d, SQLite has value %d over %d", rep, count, count, count-1, count-1))
	})
	t.Run("one row of the page renamed", func(t *testing.T) {
		cs := changed(func(c *convreport.Conversation) bool {
			if c.ID != firstID {
				return false
			}
			c.ID += "-renamed"
			return true
		})
		err := b.check(ctx, "SQLite", load(t, cs))
		require.Error(t, err)
		require.Contains(t, err.Error(), fmt.Sprintf("row 1 of the first page is %q, the memory engine's is %q", firstID+"-renamed", firstID))
	})
}

// With the servers CI starts (.ci/run), every database is measured and
// every table dropped afterwards.
func TestRunServers(t *testing.T) {
	pg, ch, cluster := os.Getenv("CONVREPORT_POSTGRES_DSN"), os.Getenv("CONVREPORT_CLICKHOUSE_DSNS"), os.Getenv("CONVREPORT_CLICKHOUSE_CLUSTER")
	if pg == "" || ch == "" || cluster == "" {
		if os.Getenv("CONVREPORT_REQUIRE_POSTGRES") == "1" || os.Getenv("CONVREPORT_REQUIRE_CLICKHOUSE") == "1" {
			t.Fatal("CONVREPORT_REQUIRE_POSTGRES or CONVREPORT_REQUIRE_CLICKHOUSE is 1, but CONVREPORT_POSTGRES_DSN, CONVREPORT_CLICKHOUSE_DSNS or CONVREPORT_CLICKHOUSE_CLUSTER is not set")
		}
		t.Skip("set CONVREPORT_POSTGRES_DSN, CONVREPORT_CLICKHOUSE_DSNS and CONVREPORT_CLICKHOUSE_CLUSTER (.ci/run does) to run dbbench against the servers")
	}
	o := tinyOptions(t)
	o.postgres, o.clickhouse, o.cluster = pg, strings.Split(ch, ","), cluster
	var out bytes.Buffer
	require.NoError(t, run(context.Background(), o, &out, io.Discard))
	rows := summary(t, out.String())
	for _, db := range []string{"SQLite", "PostgreSQL", "ClickHouse, 1 shard", "ClickHouse, 2 shards"} {
		require.Len(t, rows[db], 3, db)
		for _, c := range rows[db] {
			seconds(t, c)
		}
	}
	prefix := tableName(tinyN)
	db, err := sql.Open("pgx", pg)
	require.NoError(t, err)
	defer db.Close()
	var n int
	require.NoError(t, db.QueryRow(`SELECT count(*) FROM pg_tables WHERE tablename LIKE $1`, prefix+"%").Scan(&n))
	require.Zero(t, n, "PostgreSQL tables left")
	for _, dsn := range o.clickhouse {
		db, err := sql.Open("clickhouse", dsn)
		require.NoError(t, err)
		defer db.Close()
		var n uint64
		require.NoError(t, db.QueryRow("SELECT count() FROM system.tables WHERE database = currentDatabase() AND startsWith(name, ?)", prefix).Scan(&n))
		require.Zero(t, n, "ClickHouse tables left on %s", dsn)
	}
}
