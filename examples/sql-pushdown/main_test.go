package main

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/sample"
	"github.com/convreport/convreport/sqlsource"
	"github.com/shopspring/decimal"
)

func TestChatOverviewSQLite(t *testing.T) {
	db, err := sql.Open("sqlite", filepath.Join(t.TempDir(), "helpdesk.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	check(t, db, sqlsource.SQLite, "conversations")
}

// TestChatOverviewPostgreSQL runs against the server CONVREPORT_POSTGRES_DSN
// names, as .ci/run sets it.
func TestChatOverviewPostgreSQL(t *testing.T) {
	dsn := os.Getenv("CONVREPORT_POSTGRES_DSN")
	if dsn == "" {
		if os.Getenv("CONVREPORT_REQUIRE_POSTGRES") == "1" {
			t.Fatal("CONVREPORT_REQUIRE_POSTGRES=1 but CONVREPORT_POSTGRES_DSN is not set")
		}
		t.Skip("set CONVREPORT_POSTGRES_DSN (postgres://user@127.0.0.1:5432/db?sslmode=disable) to run against PostgreSQL")
	}
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	// The database may be shared: a table of the test's own, dropped after.
	table := fmt.Sprintf("convreport_example_%d", os.Getpid())
	defer db.Exec("DROP TABLE IF EXISTS " + table)
	check(t, db, sqlsource.PostgreSQL, table)
}

// check loads sample data into db, runs the Chat overview and compares two
// of its reports with plain loops over the same conversations; it also
// checks that SQL computed them, rather than the engine's fallback scan.
func check(t *testing.T, db *sql.DB, d sqlsource.Dialect, table string) {
	ctx := context.Background()
	cs := sample.Generate(sample.Config{Seed: 2, N: 5_000})
	if err := load(ctx, db, d, table, cs); err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	results, stats, err := chatOverview(ctx, &out, db, d, table)
	if err != nil {
		t.Fatal(err)
	}
	if stats.Answered == 0 || stats.Declined != 0 {
		t.Errorf("stats %+v: want every pushdown answered in SQL", stats)
	}
	for _, r := range results {
		if !strings.Contains(out.String(), r.Report.Name) {
			t.Errorf("the text output does not show %q", r.Report.Name)
		}
	}

	// Last 30 days before dataNow, in UTC: chats per rep, and each rep's
	// agent first response times summed in nanoseconds.
	from := dataNow.AddDate(0, 0, -30)
	count := map[string]int64{}
	answered := map[string]int64{}
	sum := map[string]int64{}
	for _, c := range cs {
		if c.Channel != convreport.Chat || c.CreatedAt.Before(from) || !c.CreatedAt.Before(dataNow) {
			continue
		}
		count[c.Assignee]++
		if frt, ok := c.AgentFirstResponseTime(); ok {
			answered[c.Assignee]++
			sum[c.Assignee] += int64(frt)
		}
	}

	byRep := points(t, results, "conversations-by-rep")
	if len(byRep) != len(count) {
		t.Errorf("conversations by rep: %d reps, want %d", len(byRep), len(count))
	}
	for rep, n := range count {
		if byRep[rep].Count != n {
			t.Errorf("conversations by rep, %q: %d, want %d", rep, byRep[rep].Count, n)
		}
	}

	frt := points(t, results, "average-chat-first-response-time-by-rep")
	for rep, n := range answered {
		// The mean in milliseconds, rounded half away from zero.
		den := n * 1e6
		want := decimal.New((2*sum[rep]+den)/(2*den), -3)
		if got := frt[rep].Value.Decimal; !got.Equal(want) || frt[rep].Count != n {
			t.Errorf("average first response time, %q: %s s over %d, want %s s over %d", rep, got, frt[rep].Count, want, n)
		}
	}
}

// points returns the points of the report with the given ID by their first
// dimension's value ("" for the group with no value).
func points(t *testing.T, results []convreport.Result, id string) map[string]convreport.Point {
	t.Helper()
	for _, r := range results {
		if r.Report.ID == id {
			m := map[string]convreport.Point{}
			for _, p := range r.Points {
				m[p.Dimensions[0].Value] = p
			}
			return m
		}
	}
	t.Fatalf("no report %q", id)
	return nil
}

// The example writes the file it is given, whatever its name: a '?' or a
// '#' in it used to name another file.
func TestRunWritesTheFileNamed(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"help?desk.db", "help#desk.db", "50%.db"} {
		path := filepath.Join(dir, name)
		stdout := os.Stdout
		devnull, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
		if err != nil {
			t.Fatal(err)
		}
		os.Stdout = devnull
		err = run(context.Background(), path, "", 200)
		os.Stdout = stdout
		devnull.Close()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		db, err := sql.Open("sqlite", mustURI(t, path))
		if err != nil {
			t.Fatal(err)
		}
		var n int
		err = db.QueryRow("SELECT COUNT(*) FROM convreport_example").Scan(&n)
		db.Close()
		if err != nil || n != 200 {
			t.Fatalf("%s: %d rows, %v; want the 200 conversations", name, n, err)
		}
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if strings.Join(names, "|") != "50%.db|help#desk.db|help?desk.db" {
		t.Fatalf("the directory holds %q, want the three files named", names)
	}
}

func mustURI(t *testing.T, path string) string {
	t.Helper()
	u, err := sqlsource.SQLiteDSN(path)
	if err != nil {
		t.Fatal(err)
	}
	return u
}
