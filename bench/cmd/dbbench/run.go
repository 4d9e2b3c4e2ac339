package main

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"slices"
	"time"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/bench"
	"github.com/convreport/convreport/ingest"
	"github.com/convreport/convreport/memory"
	"github.com/convreport/convreport/sqlsource"
)

// sizeResult is every figure at one size.
type sizeResult struct {
	n int
	// jsonl is the size of the conversations as a JSON Lines file, what
	// `convreport import` would read: import throughput in MB/s is of
	// that.
	jsonl int64
	rows  []*dbResult // memory first, then the databases in order
	// The drill-down's point.
	point string
	// Load average (1, 5, 15 minutes) at the start, when the timing
	// started, and at the end.
	load [3]string
}

// dbResult is one database's figures at one size.
type dbResult struct {
	name string
	skip string
	// imported: memory.New, or CreateTable and sqlsource.Import; opened:
	// a fresh pool and sqlsource.New.
	imported, opened time.Duration
	// stored is the memory source's heap or the database's bytes on disk.
	stored      int64
	dash, drill bench.Timing
}

// run measures every size and prints the tables to out; progress goes
// to logw.
func run(ctx context.Context, o options, out, logw io.Writer) error {
	log := logger{logw}
	dbs := databases(o)
	var results []*sizeResult
	for _, n := range o.sizes {
		r, err := measureSize(ctx, o, log, dbs, n)
		if err != nil {
			return fmt.Errorf("%s conversations: %w", fmtN(n), err)
		}
		results = append(results, r)
	}
	printTables(out, o, results)
	return nil
}

func measureSize(parent context.Context, o options, log logger, dbs []database, n int) (res *sizeResult, err error) {
	ctx, cancel := context.WithTimeout(parent, o.timeout)
	defer cancel()
	res = &sizeResult{n: n}
	res.load[0] = loadAvg()
	size := fmtN(n)

	// The memory source's footprint first, on a heap holding nothing
	// else: the source may share the generated strings, so it is measured
	// with the conversations it was built from dropped.
	log.printf("%s: measuring the memory source's heap", size)
	cfg := bench.SampleConfig(n, o.seed)
	_, fp, err := bench.MeasureSource(cfg) // that source is garbage at once
	if err != nil {
		return nil, err
	}

	log.printf("%s: generating the conversations", size)
	d, err := bench.NewData(cfg)
	if err != nil {
		return nil, err
	}
	var cw countingWriter
	if err := ingest.WriteJSONL(&cw, slices.Values(d.Convs)); err != nil {
		return nil, err
	}
	res.jsonl = cw.n

	log.printf("%s: memory.New", size)
	runtime.GC()
	start := time.Now()
	src, err := memory.New(d.Convs)
	if err != nil {
		return nil, err
	}
	mem := &dbResult{name: "memory", imported: time.Since(start), stored: int64(fp.Source * float64(n))}
	res.rows = append(res.rows, mem)
	memEng := convreport.NewEngine(src)
	b, err := newBaseline(ctx, memEng, d)
	if err != nil {
		return nil, err
	}
	res.point = fmt.Sprintf("%q %s (%d conversations)", b.report.Name, b.point.Dimensions[0].Label(), b.point.Count)
	ways := []bench.Way{
		{Name: "memory dashboard", Fn: func() error { _, err := b.run(ctx, memEng); return err }},
		{Name: "memory drill-down", Fn: func() error { _, err := b.drill(ctx, memEng); return err }},
	}

	// Whatever happens below, the tables go: on another context, since
	// ctx may be what ended the work.
	var drops []func(context.Context) error
	defer func() {
		cctx, ccancel := context.WithTimeout(context.WithoutCancel(parent), 5*time.Minute)
		defer ccancel()
		for i := len(drops) - 1; i >= 0; i-- {
			if derr := drops[i](cctx); derr != nil {
				log.printf("%s: cleanup: %v", size, derr)
				if err == nil {
					err = fmt.Errorf("cleanup: %w", derr)
				}
			}
		}
	}()
	var stored []func(context.Context) (int64, error)
	for _, db := range dbs {
		r := &dbResult{name: db.name, skip: db.skip}
		res.rows = append(res.rows, r)
		if db.skip != "" {
			log.printf("%s: %s %s", size, db.name, db.skip)
			continue
		}
		log.printf("%s: importing into %s", size, db.name)
		l, err := db.load(ctx, n, d.Convs, o.batch)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", db.name, err)
		}
		drops = append(drops, l.drop)
		stored = append(stored, l.stored)
		r.imported, r.opened = l.imported, l.opened
		log.printf("%s: %s imported in %s; checking it against the memory engine", size, db.name, fmtDur(r.imported))
		eng := convreport.NewEngine(l.src)
		if err := b.check(ctx, db.name, eng); err != nil {
			return nil, err
		}
		// The timing is of SQL: a declined dashboard or drill-down would
		// time the engine's scan of the rows instead.
		if st := l.src.Stats(); st != (sqlsource.Stats{Answered: 1, DrillsAnswered: 1}) {
			return nil, fmt.Errorf("%s: the dashboards and drill-down were not all pushed down (%+v): the figures would time a scan", db.name, st)
		}
		ways = append(ways,
			bench.Way{Name: db.name + " dashboard", Fn: func() error { _, err := b.run(ctx, eng); return err }},
			bench.Way{Name: db.name + " drill-down", Fn: func() error { _, err := b.drill(ctx, eng); return err }})
	}

	// The conversations are in every database: free them, so collections
	// between timed runs are short.
	d.Convs = nil
	runtime.GC()
	res.load[1] = loadAvg()
	log.printf("%s: timing %d rounds of %d ways", size, o.runs, len(ways))
	ts, err := bench.TimeRounds(ways, o.runs, 0, o.runs, o.timeout)
	if err != nil {
		return nil, err
	}
	res.load[2] = loadAvg()
	k := 0
	for _, r := range res.rows {
		if r.skip != "" {
			continue
		}
		r.dash, r.drill = ts[r.name+" dashboard"], ts[r.name+" drill-down"]
		if r.name != mem.name {
			if r.stored, err = stored[k](ctx); err != nil {
				return nil, fmt.Errorf("%s: size on disk: %w", r.name, err)
			}
			k++
		}
	}
	runtime.KeepAlive(src)
	return res, nil
}

// countingWriter counts the bytes written to it.
type countingWriter struct{ n int64 }

func (w *countingWriter) Write(p []byte) (int, error) {
	w.n += int64(len(p))
	return len(p), nil
}
