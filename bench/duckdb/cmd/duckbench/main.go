// Command duckbench times the twelve overview reports in DuckDB on the
// benchmark data set of convbench (same sample config, same window), after
// checking DuckDB's answers equal the hand-written pass's. It prints one
// JSON object, which convbench merges into its table:
//
//	cd bench/duckdb && go run ./cmd/duckbench -n 1000000 -seed 1
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/convreport/convreport/bench"
	"github.com/convreport/convreport/bench/duckdb"
)

// Report is what duckbench prints.
type Report struct {
	N       int    `json:"n"`
	Seed    uint64 `json:"seed"`
	Threads int    `json:"threads"`
	Version string `json:"version"`
	LoadNs  int64  `json:"load_ns"`
	QueryNs int64  `json:"query_ns"`
	Runs    int    `json:"runs"`
	// HandNs is the hand-written pass timed in this process, for a ratio
	// of DuckDB's own.
	HandNs int64 `json:"hand_ns"`
	// Digest identifies the figures both computed (bench.Figures.Digest).
	Digest string `json:"digest"`
}

func main() {
	n := flag.Int("n", 1_000_000, "conversations")
	seed := flag.Uint64("seed", 1, "sample seed")
	flag.Parse()
	if err := run(*n, *seed); err != nil {
		fmt.Fprintln(os.Stderr, "duckbench:", err)
		os.Exit(1)
	}
}

func run(n int, seed uint64) error {
	ctx := context.Background()
	d, err := bench.NewData(bench.SampleConfig(n, seed))
	if err != nil {
		return err
	}
	cols, err := bench.Encode(d.Convs)
	if err != nil {
		return err
	}
	want := cols.HandWritten(d.Window)

	t0 := time.Now()
	db, err := duckdb.Open(ctx, d.Convs)
	if err != nil {
		return err
	}
	defer db.Close()
	rep := Report{N: n, Seed: seed, LoadNs: time.Since(t0).Nanoseconds(), Digest: want.Digest()}
	d.Convs = nil // DuckDB holds the data now
	if err := db.QueryRowContext(ctx, "SELECT current_setting('threads'), version()").Scan(&rep.Threads, &rep.Version); err != nil {
		return err
	}

	got, err := duckdb.Run(ctx, db, d.Window)
	if err != nil {
		return err
	}
	if err := bench.Compare("hand-written", want, "DuckDB", got); err != nil {
		return err
	}
	// DuckDB and the hand-written pass in alternation, so that load from
	// other processes falls on both.
	ts, err := bench.TimeRounds([]bench.Way{
		{Name: "duckdb", Fn: func() error { _, err := duckdb.Run(ctx, db, d.Window); return err }},
		{Name: "hand", Fn: func() error { cols.HandWritten(d.Window); return nil }},
	}, 3, 2*time.Second, 25, 60*time.Second)
	if err != nil {
		return err
	}
	rep.QueryNs, rep.Runs = ts["duckdb"].Median.Nanoseconds(), ts["duckdb"].Runs
	rep.HandNs = ts["hand"].Median.Nanoseconds()
	return json.NewEncoder(os.Stdout).Encode(rep)
}
