// Command custom-source shows a convreport.Source written from scratch:
// conversations read lazily from a CSV export on disk, re-read on every
// scan so that a fresh export is picked up by the next run. A Source needs
// two methods, Schema and Scan; main_test.go proves this one with the
// sourcetest conformance suite.
//
//	go run ./examples/custom-source
//	go test ./examples/custom-source
package main

import (
	"cmp"
	"context"
	"fmt"
	"iter"
	"log"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/ingest"
	"github.com/convreport/convreport/sample"
)

// exportSource reports on a CSV export in ingest's interchange format,
// sorted by creation time as writeExport writes it. It holds no
// conversations in memory.
type exportSource struct {
	path   string
	schema *convreport.Schema
}

func (s *exportSource) Schema() *convreport.Schema { return s.schema }

// Scan yields the export's conversations created within the hint's bounds.
// The hint is advisory (the engine filters again), but honouring it is
// what makes a narrow date range cheap: the file is sorted, so the scan
// stops at the first row created after the range.
//
// Each call opens the file anew, so concurrent scans share nothing.
// ingest.ReadCSV stops with ctx's error when ctx is done, and the loop
// stops reading as soon as the engine stops consuming.
//
// It decodes with one worker, which decodes no row past the one the
// loop stops at: ingest's parallel reader decodes chunks of about 1 MiB
// ahead of the rows yielded, all of a small export before the first row.
// The engine scans a plain Source anew for each drill-down, and most
// drill-downs cover a narrow range.
func (s *exportSource) Scan(ctx context.Context, hint convreport.ScanHint) iter.Seq2[*convreport.Conversation, error] {
	return func(yield func(*convreport.Conversation, error) bool) {
		f, err := os.Open(s.path)
		if err != nil {
			yield(nil, err)
			return
		}
		defer f.Close()
		for c, err := range ingest.ReadCSV(ctx, f, ingest.Options{Schema: s.schema, Workers: 1}) {
			switch {
			case err != nil:
				yield(nil, err)
				return
			case !hint.CreatedFrom.IsZero() && c.CreatedAt.Before(hint.CreatedFrom):
				continue
			case !hint.CreatedTo.IsZero() && !c.CreatedAt.Before(hint.CreatedTo):
				return
			}
			// c is a fresh variable each iteration: the engine may keep
			// the pointer, and nothing here changes it afterwards.
			if !yield(&c, nil) {
				return
			}
		}
	}
}

// writeExport writes cs to path as CSV, sorted by creation time (then ID),
// the order exportSource.Scan relies on.
func writeExport(path string, s *convreport.Schema, cs []convreport.Conversation) error {
	sorted := slices.SortedFunc(slices.Values(cs), func(a, b convreport.Conversation) int {
		return cmp.Or(a.CreatedAt.Compare(b.CreatedAt), cmp.Compare(a.ID, b.ID))
	})
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := ingest.WriteCSV(f, s, slices.Values(sorted)); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func main() {
	dir, err := os.MkdirTemp("", "convreport-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	src := &exportSource{path: filepath.Join(dir, "export.csv"), schema: convreport.DefaultSchema()}
	if err := writeExport(src.path, src.schema, sample.Generate(sample.Config{Seed: 1, N: 20_000})); err != nil {
		log.Fatal(err)
	}

	// The last week of the sample data: the scan reads the file only up to
	// the week's end.
	q := convreport.Query{Range: convreport.Last7Days, Now: time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)}
	res, err := convreport.NewEngine(src).Run(context.Background(), q, convreport.Report{
		Name:       "Median email first response time by inbox",
		Filter:     `Channel == "email"`,
		Dimensions: []string{"Inbox"},
		Measure:    convreport.Measure{Agg: convreport.Median, Metric: convreport.FirstResponseTime},
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(res[0].Report.Name)
	for _, p := range res[0].Points {
		fmt.Printf("  %-10s %10s s over %d answered emails\n", p.Dimensions[0].Label(), p.Value.Decimal, p.Count)
	}
}
