package main

import (
	"bufio"
	"context"
	"fmt"
	"iter"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/bench"
	"github.com/convreport/convreport/ingest"
	"github.com/convreport/convreport/internal/ahead"
	"github.com/convreport/convreport/parquetio"
	"github.com/convreport/convreport/sample"
)

// runHuge is -100m: a size no []Conversation holds (336 bytes each would
// be 34 GB). The sample streams from the generator into a Parquet file, a
// new memory source loads it column by column, and the engine runs both
// overview dashboards. Before anything is timed, the engine's numbers must
// equal those of a map single pass over the generator, run again, and of
// the engine on one worker, and a drill-down must list its point's count.
func runHuge(o options, n int) error {
	ctx := context.Background()
	cfg := bench.SampleConfig(n, o.seed)
	w, err := bench.NewWindow(bench.DataEnd, bench.Paris())
	if err != nil {
		return err
	}
	reports := bench.Reports()
	start := loadAvg()

	path, gen := o.hugeFile, time.Duration(0)
	if path == "" {
		path = filepath.Join(o.tmp, fmt.Sprintf("convbench-%d-%d.parquet", n, os.Getpid()))
		logf("%d: generating into %s", n, path)
		t0 := time.Now()
		if err := writeStreaming(path, cfg); err != nil {
			return err
		}
		gen = time.Since(t0)
		defer os.Remove(path)
	}
	st, err := os.Stat(path)
	if err != nil {
		return err
	}

	logf("%d: loading it (parquetio.LoadFile)", n)
	runtime.GC()
	t0 := time.Now()
	src, err := parquetio.LoadFile(ctx, path, ingest.Options{})
	if err != nil {
		return err
	}
	load := time.Since(t0)
	if src.Len() != n {
		return fmt.Errorf("the source holds %d conversations, %d were written", src.Len(), n)
	}
	// Give back what the load freed, as the runtime's scavenger does over
	// the next minutes anyway, so that VmRSS is what the source holds.
	debug.FreeOSMemory()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	rss, peak := procStatus("VmRSS"), procStatus("VmHWM")

	eng := convreport.NewEngine(src)
	eng1 := convreport.NewEngine(src, convreport.WithWorkers(1))
	logf("%d: checking the engine against a map single pass over the generator", n)
	rs, engine, err := bench.RunEngine(ctx, eng, w, reports)
	if err != nil {
		return err
	}
	_, engine1, err := bench.RunEngine(ctx, eng1, w, reports)
	if err != nil {
		return err
	}
	ref := bench.MapSinglePassOf(generated(cfg), w)
	for _, c := range []struct {
		name string
		fs   bench.Figures
	}{{"the engine with 1 worker", engine1}, {"the map single pass over the generator", ref}} {
		if err := bench.Compare("the engine", engine, c.name, c.fs); err != nil {
			return err
		}
	}
	report, point, err := bench.BiggestPoint(rs, "conversations-by-rep")
	if err != nil {
		return err
	}
	if err := bench.CheckDrill(ctx, eng, w, report, point); err != nil {
		return err
	}

	logf("%d: timing the dashboards and a drill-down, interleaved", n)
	engRun := func(e *convreport.Engine) func() error {
		return func() error { _, err := e.Run(ctx, w.Query(), reports...); return err }
	}
	times, err := bench.TimeRounds([]bench.Way{
		{Name: rEngine, Fn: engRun(eng)},
		{Name: rEngine1, Fn: engRun(eng1)},
		{Name: rDrill, Fn: func() error { _, err := bench.DrillOnce(ctx, eng, w, report, point); return err }},
	}, 3, 0, 5, 10*time.Minute)
	if err != nil {
		return err
	}
	dash, drill := times[rEngine].Median, times[rDrill].Median

	out := os.Stdout
	fmt.Fprintf(out, "Machine: %d CPUs (GOMAXPROCS %d), %s; %s %s/%s.\n", runtime.NumCPU(), runtime.GOMAXPROCS(0), cpuModel(), runtime.Version(), runtime.GOOS, runtime.GOARCH)
	fmt.Fprintf(out, "Data: sample.All, seed %d, %d conversations over 90 days ending 2025-06-01, streamed into Parquet; query: last 30 days in Europe/Paris; the 12 reports of Chat overview and Email overview.\n", o.seed, n)
	fmt.Fprintf(out, "Checked equal to the engine before timing: the engine on 1 worker, a map single pass over the generator run again; drill-down rows = point count (%d points, digest %s). Load average (1 min): %s at the start, %s at the end.\n\n", engine.Points(), engine.Digest(), start, loadAvg())
	fmt.Fprintf(out, "| figure, %s conversations | now | target |\n| --- | ---: | ---: |\n", fmtN(n))
	if gen > 0 {
		fmt.Fprintf(out, "| generating the sample and writing it to Parquet (streaming; the generator on a goroutine of its own, ahead of the writer, which writes a block's columns on every core) | %s (%.1f M rows/s) | runs |\n", gen.Round(time.Second), float64(n)/gen.Seconds()/1e6)
	} else {
		fmt.Fprintf(out, "| generating the sample and writing it to Parquet | not timed: %s given with -huge-file | |\n", path)
	}
	fmt.Fprintf(out, "| Parquet file | %.1f GB (%.0f B/row) | |\n", float64(st.Size())/1e9, float64(st.Size())/float64(n))
	fmt.Fprintf(out, "| Parquet file to a ready memory source (parquetio.LoadFile) | %s | ≤ 60 s |\n", load.Round(100*time.Millisecond))
	fmt.Fprintf(out, "| resident after the load, freed memory returned (VmRSS) | %.2f GB | ≤ 8 GB |\n", float64(rss)/1e9)
	fmt.Fprintf(out, "| peak resident of the process (VmHWM, the load included) | %.2f GB | |\n", float64(peak)/1e9)
	fmt.Fprintf(out, "| Go heap in use after a GC, per conversation | %.1f B | ≤ 64 B |\n", float64(ms.HeapInuse)/float64(n))
	fmt.Fprintf(out, "| both overview dashboards (12 reports, one scan), 2 workers | %s | ≤ 1 s |\n", fmtDur(dash))
	fmt.Fprintf(out, "| the same, 1 worker | %s | |\n", fmtDur(times[rEngine1].Median))
	fmt.Fprintf(out, "| drill-down of the biggest \"Conversations by rep\" point + first page | %s (%.1f %% of a dashboard run) | ≤ 50 ms |\n", fmtDur(drill), 100*drill.Seconds()/dash.Seconds())
	if lim := debug.SetMemoryLimit(-1); lim != math.MaxInt64 {
		fmt.Fprintf(out, "\nThe Go runtime ran with a memory limit of %.1f GiB (%s).", float64(lim)/(1<<30), memoryLimitFrom())
	}
	where := "in this process, after the file was written"
	if o.hugeFile != "" {
		where = "in a process that had loaded nothing before it (a restart's load)"
	}
	fmt.Fprintf(out, "\nTimes are medians of %d interleaved rounds, each run after a GC; the load is timed once, %s.\n", times[rEngine].Runs, where)
	runtime.KeepAlive(src)
	return nil
}

// writeStreaming writes cfg's conversations to path as Parquet, the
// generator on a goroutine of its own, ahead of the writer, handing over
// blocks of rows: neither holds more than a few blocks.
func writeStreaming(path string, cfg sample.Config) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(f, 4<<20)
	err = parquetio.Write(bw, nil, ahead.Seq(sample.All(cfg), 16<<10))
	if err == nil {
		err = bw.Flush()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path)
	}
	return err
}

// generated yields cfg's conversations from the generator, one at a time.
func generated(cfg sample.Config) iter.Seq[*convreport.Conversation] {
	return func(yield func(*convreport.Conversation) bool) {
		for c := range sample.All(cfg) {
			if !yield(&c) {
				return
			}
		}
	}
}

// procStatus returns a size line of /proc/self/status in bytes, or 0.
func procStatus(key string) int64 { return procSize("/proc/self/status", key) }

// procSize returns the size line key of a /proc file in bytes, or 0.
func procSize(path, key string) int64 {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, key+":"); ok {
			f := strings.Fields(v)
			if len(f) > 0 {
				kb, _ := strconv.ParseInt(f[0], 10, 64)
				return kb << 10
			}
		}
	}
	return 0
}
