// Command dbbench measures convreport on each database it reads, in one
// run, on the same generated data: the memory engine, an SQLite file,
// PostgreSQL, and ClickHouse on one shard (a MergeTree table) and on two
// (a Distributed table over two servers). It prints the cross-database
// table of BENCHMARKS.md:
//
//	go run ./bench/cmd/dbbench -sizes 1000000 \
//	    -postgres postgres://user@127.0.0.1:5432/db?sslmode=disable \
//	    -clickhouse clickhouse://127.0.0.1:19101/default,clickhouse://127.0.0.1:19102/default \
//	    -cluster convreport
//
// For each size it generates sample.Generate's data once, builds the
// memory source (memory.New) and imports the same conversations into each
// database with sqlsource.Import, as `convreport import --out` does,
// timing both. It then runs both overview dashboards (the twelve reports
// of library.ChatOverview and library.EmailOverview, one Engine.Run,
// pushdown on) and drills into the biggest point of "Conversations by
// rep" (Engine.DrillPage, first page of 50) on every database, and stops
// with the differences when any result is not decimal-equal to the memory
// engine's, or any drill-down page holds other rows. Only then does it
// time the dashboard run and the drill-down on every database, round by
// round (each round runs every way once), so that load from other
// processes falls on all of them alike, and reports medians as ratios to
// the memory engine of the same run. It drops every table it creates.
//
// A database is measured only when it is given: PostgreSQL by -postgres
// (default $CONVREPORT_POSTGRES_DSN), ClickHouse by -clickhouse (default
// $CONVREPORT_CLICKHOUSE_DSNS, comma-separated servers: the first holds the
// one-shard table) and, for two shards, -cluster (default
// $CONVREPORT_CLICKHOUSE_CLUSTER), a cluster whose shards are those
// servers, as .ci/clickhouse-cluster starts. Without them the table says
// they were skipped, so the command runs with Go alone (memory and SQLite).
//
// It is a command of its own rather than a mode of convbench: convbench
// reads every figure against a hand-written pass over arrays and needs no
// server, while this one reads them against the memory engine and needs
// servers, DSNs and tables to create and drop.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// options is one run's configuration, from the flags.
type options struct {
	sizes []int
	seed  uint64
	// runs is how many times each dashboard run and drill-down is timed
	// (at least 3); the median is reported.
	runs int
	// sqlite measures an SQLite file, created in dir (a temporary
	// directory of the system's when "").
	sqlite bool
	dir    string
	// postgres is a PostgreSQL DSN; "" skips PostgreSQL.
	postgres string
	// clickhouse are ClickHouse DSNs, one per server; none skips
	// ClickHouse. cluster is the cluster whose two shards are the first
	// two servers; "" skips the two-shard table.
	clickhouse []string
	cluster    string
	// batch is sqlsource.ImportOptions.BatchSize: conversations per
	// batch, each committed on its own.
	batch int
	// timeout bounds the work at one size, cleanup excepted.
	timeout time.Duration
}

func main() {
	var (
		o      options
		sizes  = flag.String("sizes", "1000000", "comma-separated numbers of conversations")
		ten    = flag.Bool("10m", false, "add a run at 10,000,000 conversations (tens of minutes)")
		noSQL  = flag.Bool("no-sqlite", false, "skip SQLite")
		chDSNs = flag.String("clickhouse", os.Getenv("CONVREPORT_CLICKHOUSE_DSNS"), "ClickHouse servers, comma-separated clickhouse:// DSNs (default $CONVREPORT_CLICKHOUSE_DSNS); the first holds the one-shard table; empty skips ClickHouse")
	)
	flag.Uint64Var(&o.seed, "seed", 1, "sample data seed")
	flag.IntVar(&o.runs, "runs", 5, "timed dashboard runs and drill-downs per database (the median is reported; at least 3)")
	flag.StringVar(&o.dir, "sqlite-dir", "", "directory for the SQLite file (default: a new temporary directory)")
	flag.StringVar(&o.postgres, "postgres", os.Getenv("CONVREPORT_POSTGRES_DSN"), "PostgreSQL DSN (default $CONVREPORT_POSTGRES_DSN); empty skips PostgreSQL")
	flag.StringVar(&o.cluster, "cluster", os.Getenv("CONVREPORT_CLICKHOUSE_CLUSTER"), "ClickHouse cluster whose two shards are the first two -clickhouse servers (default $CONVREPORT_CLICKHOUSE_CLUSTER); empty skips the two-shard table")
	flag.IntVar(&o.batch, "batch", 10_000, "conversations per import batch (sqlsource.ImportOptions.BatchSize; convreport import's --batch default)")
	flag.DurationVar(&o.timeout, "timeout", 90*time.Minute, "give up on a size after this long")
	flag.Parse()
	o.sqlite = !*noSQL
	for _, s := range strings.Split(*sizes, ",") {
		v, err := strconv.Atoi(strings.ReplaceAll(strings.TrimSpace(s), "_", ""))
		if err != nil || v <= 0 {
			fmt.Fprintf(os.Stderr, "dbbench: -sizes: %q is not a positive number\n", s)
			os.Exit(2)
		}
		o.sizes = append(o.sizes, v)
	}
	if *ten {
		o.sizes = append(o.sizes, 10_000_000)
	}
	for _, dsn := range strings.Split(*chDSNs, ",") {
		if dsn = strings.TrimSpace(dsn); dsn != "" {
			o.clickhouse = append(o.clickhouse, dsn)
		}
	}
	if o.runs < 3 {
		fmt.Fprintln(os.Stderr, "dbbench: -runs must be at least 3")
		os.Exit(2)
	}
	if o.batch <= 0 {
		fmt.Fprintln(os.Stderr, "dbbench: -batch must be positive")
		os.Exit(2)
	}
	// Ctrl-C cancels the work; the tables are still dropped.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, o, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "dbbench:", err)
		os.Exit(1)
	}
}

// logger writes progress lines, each with the time.
type logger struct{ w io.Writer }

func (l logger) printf(format string, args ...any) {
	fmt.Fprintf(l.w, "%s  "+format+"\n", append([]any{time.Now().Format("15:04:05")}, args...)...)
}
