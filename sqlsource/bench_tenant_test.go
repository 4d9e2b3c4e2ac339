package sqlsource_test

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/library"
	"github.com/convreport/convreport/sample"
	"github.com/convreport/convreport/sqlsource"
)

// benchRows is CONVREPORT_BENCH_ROWS, or def.
func benchRows(b *testing.B, def int) int {
	if s := os.Getenv("CONVREPORT_BENCH_ROWS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil {
			b.Fatal(err)
		}
		return n
	}
	return def
}

// BenchmarkTenant runs the 12 overview reports for one tenant of a table
// shared by four (each n/4 sample conversations), next to the same
// reports over a table holding that tenant's rows alone, in each
// database, and logs the ratio of this one run:
//
//	go test -run '^$' -bench Tenant -benchtime 5x ./sqlsource/
func BenchmarkTenant(b *testing.B) {
	n := benchRows(b, 400_000)
	var reports []convreport.Report
	for _, t := range library.All() {
		reports = append(reports, t.Reports...)
	}
	q := convreport.Query{Range: convreport.Last30Days, Now: time.Date(2025, 6, 1, 9, 0, 0, 0, time.UTC)}
	ctx := context.Background()
	var table strings.Builder
	table.WriteString("| database | alone | one of four tenants | ratio |\n| --- | --- | --- | --- |\n")
	for _, d := range dialects {
		b.Run(d.String(), func(b *testing.B) {
			db := openDB(b, d)
			tenants := make([][]convreport.Conversation, 4)
			for i := range tenants {
				tenants[i] = sample.Generate(sample.Config{N: n / 4, Seed: uint64(i + 1)})
			}
			alone := load(b, db, d, sqlsource.Mapping{Table: tableName(b, db, d, "bench_alone")}, nil, tenants[0])
			m := sqlsource.Mapping{Table: tableName(b, db, d, "bench_shared"), Tenant: "account"}
			if err := sqlsource.CreateTable(ctx, db, d, m, nil); err != nil {
				b.Fatal(err)
			}
			for i, cs := range tenants {
				if err := sqlsource.InsertTenant(ctx, db, d, m, nil, fmt.Sprint("t", i), cs); err != nil {
					b.Fatal(err)
				}
			}
			if d == sqlsource.PostgreSQL {
				db.Exec("ANALYZE")
			}
			shared, err := sqlsource.New(db, d, sqlsource.WithMapping(m), sqlsource.WithTenant("t0"))
			if err != nil {
				b.Fatal(err)
			}
			per := map[string]time.Duration{}
			for name, src := range map[string]*sqlsource.Source{"alone": alone, "tenant": shared} {
				b.Run(name, func(b *testing.B) {
					eng := convreport.NewEngine(src)
					var total time.Duration
					for b.Loop() {
						start := time.Now()
						if _, err := eng.Run(ctx, q, reports...); err != nil {
							b.Fatal(err)
						}
						total += time.Since(start)
					}
					per[name] = total / time.Duration(b.N)
				})
			}
			fmt.Fprintf(&table, "| %v | %s | %s | %.2fx |\n", d, per["alone"].Round(100*time.Microsecond), per["tenant"].Round(100*time.Microsecond), float64(per["tenant"])/float64(per["alone"]))
		})
	}
	b.Logf("\n12 reports, last 30 days, %d conversations per tenant\n\n%s", n/4, table.String())
}

// BenchmarkImport writes n sample conversations with Import (batches of
// 10,000 into an empty table, so no lookups), runs it again over the full
// table (every batch looked up, nothing written), and times Insert (one
// transaction) as the baseline, in each database:
//
//	go test -run '^$' -bench Import -benchtime 1x ./sqlsource/
func BenchmarkImport(b *testing.B) {
	n := benchRows(b, 200_000)
	cs := sample.Generate(sample.Config{N: n, Seed: 3})
	ctx := context.Background()
	var table strings.Builder
	table.WriteString("| database | Insert | Import | rows/s | Import ÷ Insert | rerun (all skipped) |\n| --- | --- | --- | --- | --- | --- |\n")
	for _, d := range dialects {
		b.Run(d.String(), func(b *testing.B) {
			db := openDB(b, d)
			var insert, imp, rerun time.Duration
			for b.Loop() {
				mi := sqlsource.Mapping{Table: tableName(b, db, d, "bench_insert")}
				mm := sqlsource.Mapping{Table: tableName(b, db, d, "bench_import")}
				for _, m := range []sqlsource.Mapping{mi, mm} {
					if err := sqlsource.CreateTable(ctx, db, d, m, nil); err != nil {
						b.Fatal(err)
					}
				}
				start := time.Now()
				if err := sqlsource.Insert(ctx, db, d, mi, nil, cs); err != nil {
					b.Fatal(err)
				}
				insert += time.Since(start)
				start = time.Now()
				if _, err := sqlsource.Import(ctx, db, d, mm, nil, cs, sqlsource.ImportOptions{}); err != nil {
					b.Fatal(err)
				}
				imp += time.Since(start)
				start = time.Now()
				p, err := sqlsource.Import(ctx, db, d, mm, nil, cs, sqlsource.ImportOptions{})
				if err != nil || p.Skipped != n {
					b.Fatal(p, err)
				}
				rerun += time.Since(start)
			}
			k := time.Duration(b.N)
			fmt.Fprintf(&table, "| %v | %s | %s | %.0f | %.2fx | %s |\n", d, (insert / k).Round(time.Millisecond), (imp / k).Round(time.Millisecond),
				float64(n)/(imp/k).Seconds(), float64(imp)/float64(insert), (rerun / k).Round(time.Millisecond))
		})
	}
	b.Logf("\n%d conversations\n\n%s", n, table.String())
}
