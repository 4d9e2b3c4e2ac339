package duckdb

import (
	"context"
	"flag"
	"testing"
	"time"

	"github.com/convreport/convreport/bench"
	"github.com/convreport/convreport/sample"
)

func check(t *testing.T, cfg sample.Config) {
	d, err := bench.NewData(cfg)
	if err != nil {
		t.Fatal(err)
	}
	cols, err := bench.Encode(d.Convs)
	if err != nil {
		t.Fatal(err)
	}
	db, err := Open(context.Background(), d.Convs)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	got, err := Run(context.Background(), db, d.Window)
	if err != nil {
		t.Fatal(err)
	}
	if err := bench.Compare("hand-written", cols.HandWritten(d.Window), "DuckDB", got); err != nil {
		t.Fatal(err)
	}
}

func TestEqual(t *testing.T) { check(t, bench.SampleConfig(20_000, 1)) }

// TestEqualAcrossDST buckets days from their starts: 2025-03-30 lasts 23
// hours in Paris.
func TestEqualAcrossDST(t *testing.T) {
	end := time.Date(2025, time.April, 15, 0, 0, 0, 0, time.UTC)
	check(t, sample.Config{Seed: 2, N: 20_000, From: end.Add(-60 * 24 * time.Hour), To: end, Zone: bench.Paris()})
}

var benchRows = flag.Int("rows", 200_000, "conversations the benchmark runs on")

// BenchmarkDuckDB: cd bench/duckdb && go test -run '^$' -bench . -args -rows=1000000
func BenchmarkDuckDB(b *testing.B) {
	d, err := bench.NewData(bench.SampleConfig(*benchRows, 1))
	if err != nil {
		b.Fatal(err)
	}
	cols, err := bench.Encode(d.Convs)
	if err != nil {
		b.Fatal(err)
	}
	db, err := Open(context.Background(), d.Convs)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	got, err := Run(context.Background(), db, d.Window)
	if err != nil {
		b.Fatal(err)
	}
	if err := bench.Compare("hand-written", cols.HandWritten(d.Window), "DuckDB", got); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := Run(context.Background(), db, d.Window); err != nil {
			b.Fatal(err)
		}
	}
}
