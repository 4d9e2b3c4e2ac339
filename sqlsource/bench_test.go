package sqlsource_test

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/library"
	"github.com/convreport/convreport/memory"
	"github.com/convreport/convreport/sample"
	"github.com/convreport/convreport/sqlsource"
)

// BenchmarkPushdown runs the 12 reports of both overview dashboards over
// the last 30 days of 1,000,000 sample conversations (about a third of
// them; CONVREPORT_BENCH_ROWS changes the count) in each database, pushed
// down and scanned, next to the memory engine, and logs a table with the
// ratios of this one run:
//
//	go test -run '^$' -bench Pushdown -benchtime 3x -timeout 60m ./sqlsource/
//
// Loading the rows takes a while; PostgreSQL needs CONVREPORT_POSTGRES_DSN.
func BenchmarkPushdown(b *testing.B) {
	n := 1_000_000
	if s := os.Getenv("CONVREPORT_BENCH_ROWS"); s != "" {
		var err error
		if n, err = strconv.Atoi(s); err != nil {
			b.Fatal(err)
		}
	}
	cs := sample.Generate(sample.Config{N: n, Seed: 1})
	var reports []convreport.Report
	for _, t := range library.All() {
		reports = append(reports, t.Reports...)
	}
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		b.Fatal(err)
	}
	q := convreport.Query{Range: convreport.Last30Days, Zone: paris, Now: time.Date(2025, 6, 1, 9, 0, 0, 0, paris),
		SLA: &convreport.SLASet{Policies: []*convreport.SLAPolicy{library.StandardSLA()}}}
	ctx := context.Background()

	type row struct {
		name    string
		perRun  time.Duration
		load    time.Duration
		matched int64
	}
	var rows []row
	run := func(b *testing.B, name string, src convreport.Source, load time.Duration) {
		eng := convreport.NewEngine(src)
		var total time.Duration
		var matched int64
		for b.Loop() {
			start := time.Now()
			res, err := eng.Run(ctx, q, reports...)
			if err != nil {
				b.Fatal(err)
			}
			total += time.Since(start)
			matched = 0
			for _, r := range res {
				matched += r.Matched
			}
		}
		rows = append(rows, row{name, total / time.Duration(b.N), load, matched})
	}

	b.Run("memory", func(b *testing.B) {
		start := time.Now()
		mem, err := memory.New(cs)
		if err != nil {
			b.Fatal(err)
		}
		run(b, "memory engine", mem, time.Since(start))
	})
	for _, d := range dialects {
		b.Run(d.String(), func(b *testing.B) {
			db := openDB(b, d)
			m := sqlsource.Mapping{Table: tableName(b, db, d, "bench")}
			start := time.Now()
			push := load(b, db, d, m, nil, cs)
			if d == sqlsource.PostgreSQL {
				if _, err := db.Exec("ANALYZE " + quoteIdent(d, m.Table)); err != nil {
					b.Fatal(err)
				}
			}
			loaded := time.Since(start)
			scan, err := sqlsource.New(db, d, sqlsource.WithMapping(m), sqlsource.WithoutPushdown())
			if err != nil {
				b.Fatal(err)
			}
			unprobed, err := sqlsource.New(db, d, sqlsource.WithMapping(m), sqlsource.WithoutRowCheck())
			if err != nil {
				b.Fatal(err)
			}
			// Alternated, so that a burst of load falls on both.
			for range 2 {
				b.Run("pushdown without the row check", func(b *testing.B) { run(b, d.String()+" pushdown without the row check", unprobed, loaded) })
				b.Run("pushdown", func(b *testing.B) { run(b, d.String()+" pushdown", push, loaded) })
			}
			b.Run("scan", func(b *testing.B) { run(b, d.String()+" fallback scan", scan, loaded) })
			if push.Stats().Answered == 0 || push.Stats().Declined != 0 {
				b.Fatalf("pushdown stats %+v", push.Stats())
			}
		})
	}

	base := slices.IndexFunc(rows, func(r row) bool { return r.name == "memory engine" })
	var out strings.Builder
	fmt.Fprintf(&out, "\n%d conversations, 12 reports, last 30 days (%d matched rows in all reports)\n\n", n, rows[0].matched)
	out.WriteString("| way | load | 12 reports | vs memory | scan ÷ pushdown |\n| --- | --- | --- | --- | --- |\n")
	for i, r := range rows {
		ratio := ""
		if strings.HasSuffix(r.name, "fallback scan") && i > 0 {
			ratio = fmt.Sprintf("%.1fx", float64(r.perRun)/float64(rows[i-1].perRun))
		}
		if r.matched != rows[0].matched {
			b.Errorf("%s matched %d rows, memory %d", r.name, r.matched, rows[0].matched)
		}
		fmt.Fprintf(&out, "| %s | %s | %s | %.1fx | %s |\n", r.name, r.load.Round(100*time.Millisecond), r.perRun.Round(100*time.Microsecond),
			float64(r.perRun)/float64(rows[base].perRun), ratio)
	}
	b.Log(out.String())
}
