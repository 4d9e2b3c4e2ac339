// Command convbench measures convreport against the hand-written limit,
// naive code, SQLite and DuckDB, on the same generated data in the same
// run, and prints the table of BENCHMARKS.md:
//
//	go run ./bench/cmd/convbench [-n 1000000] [-seed 1] [-sizes 100000,1000000] [-large] [-100m]
//
// For each size it generates the sample data, checks that every way of
// computing the twelve overview reports gives the engine's numbers (any
// difference aborts with the list of points that differ), then times each
// way: the median of at least three runs. DuckDB runs in its own module
// (bench/duckdb), built and run as a separate process on the same data set;
// when it cannot be built, the table says why and goes on. -100m runs
// apart (see runHuge): the data streams through a Parquet file into the
// memory source, and only the engine is timed.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/bench"
	"github.com/convreport/convreport/ingest"
	"github.com/convreport/convreport/memory"
	"github.com/convreport/convreport/parquetio"
)

type options struct {
	sizes     []int
	seed      uint64
	sqlite    bool
	ingest    bool
	duckdb    bool
	duckdbDir string
	tmp       string
	hugeFile  string
	budget    time.Duration
}

func main() {
	var (
		n       = flag.Int("n", 0, "run this one size only (overrides -sizes)")
		sizes   = flag.String("sizes", "100000,1000000", "comma-separated numbers of conversations")
		large   = flag.Bool("large", false, "run at 10,000,000 conversations instead of the default sizes")
		huge    = flag.Bool("100m", false, "run at 100,000,000 conversations, streamed through a Parquet file (see -huge-n)")
		hugeN   = flag.Int("huge-n", 100_000_000, "the size -100m runs at")
		o       options
		noDuck  = flag.Bool("no-duckdb", false, "skip DuckDB")
		noSQL   = flag.Bool("no-sqlite", false, "skip SQLite")
		noInges = flag.Bool("no-ingest", false, "skip reading JSON Lines, CSV and Parquet files")
	)
	flag.Uint64Var(&o.seed, "seed", 1, "sample data seed")
	flag.StringVar(&o.duckdbDir, "duckdb-dir", "", "the bench/duckdb module (default: found from the main module)")
	flag.StringVar(&o.tmp, "tmp", os.TempDir(), "directory for the JSON Lines, CSV and Parquet files")
	flag.StringVar(&o.hugeFile, "huge-file", "", "with -100m: load this Parquet file of -huge-n sample rows (written by an earlier run) instead of generating one")
	flag.DurationVar(&o.budget, "budget", 2*time.Second, "keep timing the fast ways, in rounds, until their runs add up to this (7 rounds at least, 25 at most)")
	flag.Parse()
	o.sqlite, o.ingest, o.duckdb = !*noSQL, !*noInges, !*noDuck
	limitMemory()
	if *huge {
		if err := runHuge(o, *hugeN); err != nil {
			fmt.Fprintln(os.Stderr, "convbench:", err)
			os.Exit(1)
		}
		return
	}
	if *n > 0 {
		o.sizes = []int{*n}
	} else if *large {
		o.sizes = []int{10_000_000}
	} else {
		for _, s := range strings.Split(*sizes, ",") {
			v, err := strconv.Atoi(strings.ReplaceAll(strings.TrimSpace(s), "_", ""))
			if err != nil || v <= 0 {
				fmt.Fprintf(os.Stderr, "convbench: -sizes: %q is not a positive number\n", s)
				os.Exit(2)
			}
			o.sizes = append(o.sizes, v)
		}
	}
	if err := run(o); err != nil {
		fmt.Fprintln(os.Stderr, "convbench:", err)
		os.Exit(1)
	}
}

// limitMemory sets the Go runtime's soft memory limit to three quarters of
// the machine's memory, unless GOMEMLIMIT sets one. At 10M conversations a
// run holds the sample data, a file's rows read back and a source at once,
// 8 GB or so, and a heap left to grow to twice what is live (GOGC's
// default) outgrew a machine of 24 GB; with the limit the collector runs
// more often instead. Far below it, as at 1M, nothing changes.
func limitMemory() {
	if os.Getenv("GOMEMLIMIT") != "" {
		return
	}
	if total := procSize("/proc/meminfo", "MemTotal"); total > 0 {
		debug.SetMemoryLimit(total / 4 * 3)
	}
}

// memoryLimitFrom says where the runtime's memory limit came from.
func memoryLimitFrom() string {
	if os.Getenv("GOMEMLIMIT") != "" {
		return "GOMEMLIMIT"
	}
	return "three quarters of the machine's memory, convbench's default without GOMEMLIMIT"
}

// measure is one figure at one size.
type measure struct {
	d      time.Duration
	runs   int
	faults int64  // median page faults a run; -1 where the system does not count them
	note   string // instead of a time: why there is none
}

func (m measure) ok() bool { return m.d > 0 }

// sizeResult is every figure at one size.
type sizeResult struct {
	n       int
	times   map[string]measure
	fp      bench.Footprint
	jsonlMB float64
	csvMB   float64
	pqMB    float64
	duck    *duckReport
	digest  string
	points  int
	load    [2]string // load average at the start and the end
	checked []string  // the ways found equal to the engine
}

type duckReport struct {
	N       int    `json:"n"`
	Threads int    `json:"threads"`
	Version string `json:"version"`
	LoadNs  int64  `json:"load_ns"`
	QueryNs int64  `json:"query_ns"`
	Runs    int    `json:"runs"`
	HandNs  int64  `json:"hand_ns"`
	Digest  string `json:"digest"`
}

// The rows of the main table, in order.
const (
	rHand       = "hand-written single pass: dictionary codes, dense arrays (the limit)"
	rHandSorted = "hand-written, rows in creation order (skips what rows outside the window cannot meet)"
	rEngine     = "convreport Engine.Run, memory source, default workers"
	rEngine1    = "convreport Engine.Run, memory source, WithWorkers(1)"
	rMap        = "hand-written single pass, map[string] accumulators"
	rNaive      = "12 naive passes, map[string] accumulators"
	rSQLite     = "SQLite (modernc.org/sqlite, in memory, no index): 12 GROUP BYs"
	rDuck       = "DuckDB (cgo, in memory): 12 GROUP BYs"
	rDrill      = "Engine.DrillDown of the biggest \"Conversations by rep\" point + first page"
	rNew        = "memory.New (validate, encode, sort)"
	rSQLLoad    = "SQLite load (one transaction, prepared INSERT; once)"
	rDuckLoad   = "DuckDB load (Appender; once)"
	rIngest1    = "ingest.ReadAll of the JSONL file, 1 worker (the sequential reader)"
	rIngest     = "ingest.ReadAll of the JSONL file, default workers"
	rCSV1       = "ingest.ReadAll of the CSV file, 1 worker (the sequential reader)"
	rCSV        = "ingest.ReadAll of the CSV file, default workers"
	rParquet    = "parquetio.ReadFile of the Parquet file"
	rPqWrite    = "parquetio.Write of the rows to a Parquet file (page-cached)"
	rParquetSrc = "Parquet file to a ready memory source (parquetio.LoadFile, column by column)"
	// The dashboard again, timed in the rounds of a load so that the
	// load's ratio to it divides two medians of the same minutes: timed
	// apart, a burst of load from other processes on this shared machine
	// falls on one and not the other.
	rEngineNew = "convreport Engine.Run, default workers, in memory.New's rounds"
	rEnginePq  = "convreport Engine.Run, default workers, in the Parquet load's rounds"
)

var rowOrder = []string{rHand, rHandSorted, rEngine, rEngine1, rMap, rNaive, rSQLite, rDuck, rDrill, rNew, rEngineNew, rSQLLoad, rDuckLoad, rIngest1, rIngest, rCSV1, rCSV, rParquet, rPqWrite, rParquetSrc, rEnginePq}

// sameFiles is an error unless the files at a and b hold the same bytes.
func sameFiles(a, b string) error {
	x, err := os.ReadFile(a)
	if err != nil {
		return err
	}
	y, err := os.ReadFile(b)
	if err != nil {
		return err
	}
	if !bytes.Equal(x, y) {
		return fmt.Errorf("%s (%d bytes) and %s (%d bytes), written from the same rows, differ", a, len(x), b, len(y))
	}
	return nil
}

func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "%s  "+format+"\n", append([]any{time.Now().Format("15:04:05")}, args...)...)
}

func run(o options) error {
	var duckBin, duckErr = "", error(nil)
	if o.duckdb {
		logf("building bench/duckdb/cmd/duckbench")
		duckBin, duckErr = buildDuck(o.duckdbDir)
		if duckErr != nil {
			logf("DuckDB not built: %v", duckErr)
		} else {
			defer os.RemoveAll(filepath.Dir(duckBin))
		}
	}
	var results []*sizeResult
	for _, n := range o.sizes {
		r, err := measureSize(o, n, duckBin, duckErr)
		if err != nil {
			return fmt.Errorf("%d conversations: %w", n, err)
		}
		results = append(results, r)
	}
	printTables(os.Stdout, o, results, duckErr)
	return nil
}

func measureSize(o options, n int, duckBin string, duckErr error) (*sizeResult, error) {
	ctx := context.Background()
	res := &sizeResult{n: n, times: map[string]measure{}}
	res.load[0] = loadAvg()
	defer func() { res.load[1] = loadAvg() }()
	cfg := bench.SampleConfig(n, o.seed)

	logf("%d: memory of the source", n)
	src, fp, err := bench.MeasureSource(cfg)
	if err != nil {
		return nil, err
	}
	res.fp = fp

	logf("%d: generating the data again for the baselines", n)
	d, err := bench.NewData(cfg)
	if err != nil {
		return nil, err
	}
	cols, err := bench.Encode(d.Convs)
	if err != nil {
		return nil, err
	}
	w := d.Window
	eng := convreport.NewEngine(src)
	eng1 := convreport.NewEngine(src, convreport.WithWorkers(1))

	logf("%d: checking every way gives the engine's numbers", n)
	rs, engine, err := bench.RunEngine(ctx, eng, w, d.Reports)
	if err != nil {
		return nil, err
	}
	res.digest, res.points = engine.Digest(), engine.Points()
	hand := cols.HandWritten(w)
	_, engine1, err := bench.RunEngine(ctx, eng1, w, d.Reports)
	if err != nil {
		return nil, err
	}
	for _, c := range []struct {
		name string
		fs   bench.Figures
	}{
		{"the hand-written pass", hand},
		{"the engine with 1 worker", engine1},
		{"the hand-written pass in creation order", cols.HandWrittenSorted(w)},
		{"the map single pass", bench.MapSinglePass(d.Convs, w)},
		{"the naive passes", bench.Naive(d.Convs, w)},
	} {
		if err := bench.Compare("the engine", engine, c.name, c.fs); err != nil {
			return nil, err
		}
	}
	res.checked = append(res.checked, "1-worker engine", "hand-written (both)", "map single pass", "naive")
	report, point, err := bench.BiggestPoint(rs, "conversations-by-rep")
	if err != nil {
		return nil, err
	}
	if err := bench.CheckDrill(ctx, eng, w, report, point); err != nil {
		return nil, err
	}

	timeIt := func(row string, minRuns int, budget time.Duration, fn func() error) error {
		logf("%d: timing %s", n, row)
		t, err := bench.Time(minRuns, budget, fn)
		if err != nil {
			return fmt.Errorf("%s: %w", row, err)
		}
		res.times[row] = measure{d: t.Median, runs: t.Runs, faults: t.Faults}
		return nil
	}
	figs := func(fn func() bench.Figures) func() error { return func() error { fn(); return nil } }
	engRun := func(e *convreport.Engine) func() error {
		return func() error { _, err := e.Run(ctx, w.Query(), d.Reports...); return err }
	}
	// The fast ways, interleaved round by round so that load from other
	// processes falls on all of them alike; then the slow ones.
	logf("%d: timing the fast ways, interleaved", n)
	fast, err := bench.TimeRounds([]bench.Way{
		{Name: rHand, Fn: figs(func() bench.Figures { return cols.HandWritten(w) })},
		{Name: rEngine, Fn: engRun(eng)},
		{Name: rHandSorted, Fn: figs(func() bench.Figures { return cols.HandWrittenSorted(w) })},
		{Name: rEngine1, Fn: engRun(eng1)},
		{Name: rMap, Fn: figs(func() bench.Figures { return bench.MapSinglePass(d.Convs, w) })},
		{Name: rDrill, Fn: func() error { _, err := bench.DrillOnce(ctx, eng, w, report, point); return err }},
	}, 7, o.budget, 25, 90*time.Second)
	if err != nil {
		return nil, err
	}
	for k, t := range fast {
		res.times[k] = measure{d: t.Median, runs: t.Runs, faults: t.Faults}
	}
	// More runs while they are cheap: a median of three swung by a
	// third between two runs of the same binary.
	if err := timeIt(rNaive, 3, time.Second, figs(func() bench.Figures { return bench.Naive(d.Convs, w) })); err != nil {
		return nil, err
	}
	logf("%d: timing %s, interleaved with the dashboard", n, rNew)
	newTimes, err := bench.TimeRounds([]bench.Way{
		{Name: rNew, Fn: func() error { _, err := memory.New(d.Convs); return err }},
		{Name: rEngineNew, Fn: engRun(eng)},
	}, 3, time.Second, 25, 5*time.Minute)
	if err != nil {
		return nil, err
	}
	for k, t := range newTimes {
		res.times[k] = measure{d: t.Median, runs: t.Runs, faults: t.Faults}
	}

	if o.sqlite {
		logf("%d: loading SQLite", n)
		t0 := time.Now()
		db, err := bench.OpenSQLite(ctx, d.Convs)
		if err != nil {
			return nil, err
		}
		res.times[rSQLLoad] = measure{d: time.Since(t0), runs: 1}
		got, err := bench.RunSQL(ctx, db, bench.SQLiteDialect, w)
		if err != nil {
			db.Close()
			return nil, err
		}
		if err := bench.Compare("the engine", engine, "SQLite", got); err != nil {
			db.Close()
			return nil, err
		}
		res.checked = append(res.checked, "SQLite")
		err = timeIt(rSQLite, 3, 0, func() error { _, err := bench.RunSQL(ctx, db, bench.SQLiteDialect, w); return err })
		db.Close()
		if err != nil {
			return nil, err
		}
	} else {
		res.times[rSQLite] = measure{note: "skipped"}
		res.times[rSQLLoad] = measure{note: "skipped"}
	}

	if o.ingest {
		if err := measureIngest(ctx, o, res, d.Convs, engRun(eng)); err != nil {
			return nil, err
		}
	} else {
		for _, row := range []string{rIngest1, rIngest, rCSV1, rCSV, rParquet, rPqWrite, rParquetSrc, rEnginePq} {
			res.times[row] = measure{note: "skipped"}
		}
	}

	switch {
	case !o.duckdb:
		res.times[rDuck] = measure{note: "skipped"}
		res.times[rDuckLoad] = measure{note: "skipped"}
	case duckErr != nil:
		res.times[rDuck] = measure{note: "not built (see below)"}
		res.times[rDuckLoad] = measure{note: "not built"}
	default:
		// Free what this process holds but the table needs no more, so
		// DuckDB's process has the memory.
		d.Convs, cols = nil, nil
		runtime.GC()
		logf("%d: running duckbench", n)
		dr, err := runDuck(duckBin, n, o.seed)
		if err != nil {
			return nil, err
		}
		if dr.Digest != res.digest {
			return nil, fmt.Errorf("DuckDB's figures (digest %s) differ from the engine's (%s), though duckbench found them equal to its hand-written pass", dr.Digest, res.digest)
		}
		res.duck = dr
		res.checked = append(res.checked, "DuckDB")
		res.times[rDuck] = measure{d: time.Duration(dr.QueryNs), runs: dr.Runs}
		res.times[rDuckLoad] = measure{d: time.Duration(dr.LoadNs), runs: 1}
	}
	runtime.KeepAlive(src)
	return res, nil
}

// measureIngest writes cs as JSON Lines, CSV and Parquet, checks that
// each reads back equal, and times the reads: JSON Lines and CSV on one
// worker (the sequential reader) and on all, interleaved so that load
// from other processes falls on both; Parquet alone and into a memory
// source.
func measureIngest(ctx context.Context, o options, res *sizeResult, cs []convreport.Conversation, dash func() error) error {
	n := len(cs)
	for _, f := range []struct {
		ext        string
		write      func(string, []convreport.Conversation) (int64, error)
		read       func(string, int) ([]convreport.Conversation, error)
		seq, par   string
		mb         *float64
		checkedFor string
	}{
		{"jsonl", bench.WriteJSONL, func(p string, w int) ([]convreport.Conversation, error) {
			return bench.ReadFile(ctx, p, ingest.JSONL, w)
		}, rIngest1, rIngest, &res.jsonlMB, "ingest.ReadAll JSONL"},
		{"csv", bench.WriteCSV, func(p string, w int) ([]convreport.Conversation, error) { return bench.ReadFile(ctx, p, ingest.CSV, w) }, rCSV1, rCSV, &res.csvMB, "ingest.ReadAll CSV"},
		{"parquet", bench.WriteParquet, func(p string, _ int) ([]convreport.Conversation, error) { return bench.ReadParquet(ctx, p) }, "", rParquet, &res.pqMB, "parquetio.ReadFile"},
	} {
		path := filepath.Join(o.tmp, fmt.Sprintf("convbench-%d-%d.%s", n, os.Getpid(), f.ext))
		logf("%d: writing %s", n, path)
		size, err := f.write(path, cs)
		if err != nil {
			return err
		}
		err = func() error {
			workers := []int{0}
			if f.seq != "" {
				workers = append(workers, 1)
			}
			for _, w := range workers {
				got, err := f.read(path, w)
				if err != nil {
					return err
				}
				if err := bench.SameConversations(cs, got); err != nil {
					return fmt.Errorf("%s (%d workers): %w", path, w, err)
				}
			}
			res.checked = append(res.checked, f.checkedFor+" (rows read back = rows written)")
			runtime.GC()
			ways := []bench.Way{{Name: f.par, Fn: func() error { _, err := f.read(path, 0); return err }}}
			if f.seq != "" {
				ways = append(ways, bench.Way{Name: f.seq, Fn: func() error { _, err := f.read(path, 1); return err }})
			}
			if f.ext == "parquet" {
				// The rows written again to a file of their own: Parquet
				// out as well as in, timed after the loads (a write's
				// garbage, given back to the system, is page faults for
				// the load after it).
				written := path + ".written"
				defer os.Remove(written)
				if _, err := f.write(written, cs); err != nil {
					return err
				}
				if err := sameFiles(path, written); err != nil {
					return err
				}
				res.checked = append(res.checked, "parquetio.Write (the rows written again make the same file, byte for byte)")
				src, err := parquetio.LoadFile(ctx, path, ingest.Options{})
				if err != nil {
					return err
				}
				var got []convreport.Conversation
				for c := range src.All() {
					got = append(got, c)
				}
				if err := bench.SameConversations(cs, got); err != nil {
					return fmt.Errorf("%s (parquetio.LoadFile): %w", path, err)
				}
				res.checked = append(res.checked, "parquetio.LoadFile (the source holds the rows written)")
			}
			logf("%d: timing the %s reads, interleaved", n, f.ext)
			ts, err := bench.TimeRounds(ways, 3, 3*time.Second, 9, 20*time.Minute)
			if err != nil {
				return err
			}
			for k, t := range ts {
				res.times[k] = measure{d: t.Median, runs: t.Runs, faults: t.Faults}
			}
			if f.ext != "parquet" {
				return nil
			}
			// The load into a source in rounds of its own with a
			// dashboard run, as memory.New is: beside reads of the whole
			// file into rows, half a second each, three seconds gave it
			// five rounds, and a median of five moved its ratio by a
			// fifth from run to run.
			logf("%d: timing %s, interleaved with the dashboard", n, rParquetSrc)
			ts, err = bench.TimeRounds([]bench.Way{{Name: rParquetSrc, Fn: func() error {
				_, err := parquetio.LoadFile(ctx, path, ingest.Options{})
				return err
			}}, {Name: rEnginePq, Fn: dash}}, 3, 2*time.Second, 25, 10*time.Minute)
			if err != nil {
				return err
			}
			for k, t := range ts {
				res.times[k] = measure{d: t.Median, runs: t.Runs, faults: t.Faults}
			}
			logf("%d: timing %s", n, rPqWrite)
			written := path + ".written"
			ts, err = bench.TimeRounds([]bench.Way{{Name: rPqWrite, Fn: func() error { _, err := f.write(written, cs); return err }}}, 3, 3*time.Second, 9, 10*time.Minute)
			if err != nil {
				return err
			}
			for k, t := range ts {
				res.times[k] = measure{d: t.Median, runs: t.Runs, faults: t.Faults}
			}
			return nil
		}()
		os.Remove(path)
		if err != nil {
			return err
		}
		*f.mb = float64(size) / 1e6
	}
	return nil
}

// buildDuck builds duckbench from the bench/duckdb module into a
// temporary directory.
func buildDuck(dir string) (string, error) {
	if dir == "" {
		out, err := exec.Command("go", "env", "GOMOD").Output()
		if err != nil {
			return "", fmt.Errorf("go env GOMOD: %w", err)
		}
		mod := strings.TrimSpace(string(out))
		if mod == "" || mod == os.DevNull {
			return "", errors.New("not in a module: run convbench from the convreport repository, or pass -duckdb-dir")
		}
		dir = filepath.Join(filepath.Dir(mod), "bench", "duckdb")
	}
	if _, err := os.Stat(filepath.Join(dir, "go.mod")); err != nil {
		return "", fmt.Errorf("no DuckDB module at %s: %w", dir, err)
	}
	tmp, err := os.MkdirTemp("", "convbench-duck")
	if err != nil {
		return "", err
	}
	bin := filepath.Join(tmp, "duckbench")
	cmd := exec.Command("go", "build", "-o", bin, "./cmd/duckbench")
	cmd.Dir = dir
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		os.RemoveAll(tmp)
		return "", fmt.Errorf("go build in %s: %v\n%s", dir, err, lastLines(out.String(), 15))
	}
	return bin, nil
}

func runDuck(bin string, n int, seed uint64) (*duckReport, error) {
	cmd := exec.Command(bin, "-n", strconv.Itoa(n), "-seed", strconv.FormatUint(seed, 10))
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("duckbench: %v\n%s", err, lastLines(stderr.String(), 40))
	}
	var r duckReport
	if err := json.Unmarshal(stdout.Bytes(), &r); err != nil {
		return nil, fmt.Errorf("duckbench printed %q: %w", stdout.String(), err)
	}
	return &r, nil
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = append([]string{"…"}, lines[len(lines)-n:]...)
	}
	return strings.Join(lines, "\n")
}

// The tables' formats, shared with dbbench.
var (
	fmtDur   = bench.FormatDuration
	fmtRatio = bench.FormatRatio
	fmtN     = bench.FormatN
	cpuModel = bench.CPUModel
)

// loadAvg is the machine's 1-minute load average.
func loadAvg() string {
	l, _, _ := strings.Cut(bench.LoadAverage(), ",")
	return l
}

func printTables(out io.Writer, o options, rs []*sizeResult, duckErr error) {
	fmt.Fprintf(out, "Machine: %d CPUs (GOMAXPROCS %d), %s; %s %s/%s.\n", runtime.NumCPU(), runtime.GOMAXPROCS(0), cpuModel(), runtime.Version(), runtime.GOOS, runtime.GOARCH)
	fmt.Fprintf(out, "Data: sample.Generate, seed %d, 90 days ending %s; query: last 30 days in Europe/Paris at the end of the data; the 12 reports of Chat overview and Email overview.\n", o.seed, bench.DataEnd.Format(time.DateOnly))
	for _, r := range rs {
		fmt.Fprintf(out, "Checked equal to the engine before timing at %s: %s; drill-down rows = point count (%d points, digest %s). Load average (1 min): %s at the start, %s at the end.\n", fmtN(r.n), strings.Join(r.checked, ", "), r.points, r.digest, r.load[0], r.load[1])
	}
	fmt.Fprintln(out)

	// Main table: time and ratio to the limit, per size.
	fmt.Fprint(out, "| way | ")
	for _, r := range rs {
		fmt.Fprintf(out, "%s | vs limit | ", fmtN(r.n))
	}
	fmt.Fprint(out, "\n| --- | ")
	for range rs {
		fmt.Fprint(out, "---: | ---: | ")
	}
	fmt.Fprintln(out)
	for _, row := range rowOrder {
		name := row
		if row == rDuck {
			for _, r := range rs {
				if r.duck != nil {
					name = fmt.Sprintf("DuckDB %s (cgo, in memory, %d threads): 12 GROUP BYs", r.duck.Version, r.duck.Threads)
					break
				}
			}
		}
		if row == rEngine {
			name = fmt.Sprintf("convreport Engine.Run, memory source, default workers (%d)", runtime.GOMAXPROCS(0))
		}
		fmt.Fprintf(out, "| %s | ", name)
		for _, r := range rs {
			m, ok := r.times[row]
			lim := r.times[rHand]
			switch {
			case !ok:
				fmt.Fprint(out, "– | | ")
			case !m.ok():
				fmt.Fprintf(out, "%s | | ", m.note)
			default:
				fmt.Fprintf(out, "%s | %s | ", fmtDur(m.d), fmtRatio(float64(m.d)/float64(lim.d)))
			}
		}
		fmt.Fprintln(out)
	}
	fmt.Fprintln(out)

	// Derived figures.
	fmt.Fprint(out, "| figure | ")
	for _, r := range rs {
		fmt.Fprintf(out, "%s | ", fmtN(r.n))
	}
	fmt.Fprint(out, "\n| --- | ")
	for range rs {
		fmt.Fprint(out, "---: | ")
	}
	fmt.Fprintln(out)
	line := func(name string, f func(r *sizeResult) string) {
		fmt.Fprintf(out, "| %s | ", name)
		for _, r := range rs {
			fmt.Fprintf(out, "%s | ", f(r))
		}
		fmt.Fprintln(out)
	}
	ratio := func(a, b string) func(r *sizeResult) string {
		return func(r *sizeResult) string {
			x, y := r.times[a], r.times[b]
			if !x.ok() || !y.ok() {
				return "–"
			}
			return fmtRatio(float64(x.d) / float64(y.d))
		}
	}
	faults := func(row string) func(r *sizeResult) string {
		return func(r *sizeResult) string {
			m := r.times[row]
			if !m.ok() || m.faults < 0 {
				return "–"
			}
			return fmt.Sprintf("%d", m.faults)
		}
	}
	perRow := func(row string) func(r *sizeResult) string {
		return func(r *sizeResult) string {
			m := r.times[row]
			if !m.ok() {
				return "–"
			}
			return fmt.Sprintf("%.2f ns", float64(m.d.Nanoseconds())/float64(r.n))
		}
	}
	line("engine vs hand-written limit (target ≤ 1.5x)", ratio(rEngine, rHand))
	line("engine vs hand-written in creation order", ratio(rEngine, rHandSorted))
	line(fmt.Sprintf("parallel speedup: 1 worker / %d workers (target ≥ 1.7x)", runtime.GOMAXPROCS(0)), ratio(rEngine1, rEngine))
	line("SQLite / engine (target > 1)", ratio(rSQLite, rEngine))
	line("DuckDB / engine (target > 1)", ratio(rDuck, rEngine))
	line("memory.New / dashboard run in the same rounds (target ≤ 20x)", ratio(rNew, rEngineNew))
	line("memory.New, page faults a load (median)", faults(rNew))
	line("drill-down / dashboard run (target ≤ 5 %)", func(r *sizeResult) string {
		x, y := r.times[rDrill], r.times[rEngine]
		if !x.ok() || !y.ok() {
			return "–"
		}
		return fmt.Sprintf("%.1f %%", 100*float64(x.d)/float64(y.d))
	})
	line("engine time per conversation held (linear in N: flat)", perRow(rEngine))
	line("hand-written time per conversation held", perRow(rHand))
	line("memory source, bytes per conversation (all fields, IDs included; target ≤ 48 for core fields)", func(r *sizeResult) string { return fmt.Sprintf("%.0f B", r.fp.Source) })
	line("[]Conversation, bytes per conversation", func(r *sizeResult) string { return fmt.Sprintf("%.0f B", r.fp.Slice) })
	file := func(mb func(r *sizeResult) float64) func(r *sizeResult) string {
		return func(r *sizeResult) string {
			if mb(r) == 0 {
				return "–"
			}
			return fmt.Sprintf("%.0f MB (%.0f B/row)", mb(r), mb(r)*1e6/float64(r.n))
		}
	}
	throughput := func(row string, mb func(r *sizeResult) float64) func(r *sizeResult) string {
		return func(r *sizeResult) string {
			m := r.times[row]
			if !m.ok() || mb(r) == 0 {
				return "–"
			}
			return fmt.Sprintf("%.0f MB/s", mb(r)/m.d.Seconds())
		}
	}
	jsonl := func(r *sizeResult) float64 { return r.jsonlMB }
	csv := func(r *sizeResult) float64 { return r.csvMB }
	pq := func(r *sizeResult) float64 { return r.pqMB }
	line("JSONL file", file(jsonl))
	line("ingest JSONL throughput, 1 worker (the sequential reader)", throughput(rIngest1, jsonl))
	line(fmt.Sprintf("ingest JSONL throughput, %d workers (target ≥ 400 MB/s)", runtime.GOMAXPROCS(0)), throughput(rIngest, jsonl))
	line("ingest JSONL: 1 worker / default workers", ratio(rIngest1, rIngest))
	line("CSV file", file(csv))
	line("ingest CSV throughput, 1 worker (the sequential reader)", throughput(rCSV1, csv))
	line(fmt.Sprintf("ingest CSV throughput, %d workers (target ≥ 300 MB/s)", runtime.GOMAXPROCS(0)), throughput(rCSV, csv))
	line("ingest CSV: 1 worker / default workers", ratio(rCSV1, rCSV))
	line("Parquet file", file(pq))
	line("Parquet file to a ready memory source / dashboard run in the same rounds (target ≤ 25x)", ratio(rParquetSrc, rEnginePq))
	line("Parquet file to a ready memory source, page faults a load (median)", faults(rParquetSrc))
	line("DuckDB vs its own process's hand-written pass", func(r *sizeResult) string {
		if r.duck == nil || r.duck.HandNs == 0 {
			return "–"
		}
		return fmtRatio(float64(r.duck.QueryNs) / float64(r.duck.HandNs))
	})
	fmt.Fprintln(out)
	fmt.Fprintln(out, "Times are medians, each run after a GC: the six fast ways interleaved in 7 to 25 rounds, the others over at least 3 runs, more while they add up to under a second (the naive passes; memory.New, in rounds with a dashboard run, up to 25) or three seconds a file format (the file reads, up to 9 rounds; the Parquet load into a source, in rounds with a dashboard run, up to 25); loads into other stores are timed once. A load's ratio to a dashboard run divides by the dashboard run timed in its own rounds. \"vs limit\" divides by the hand-written single pass of the same run. Page faults are the kernel's count for the whole process over each timed run: a load given memory that the Go runtime had returned to the system faults it back in a page at a time, and where a fault is dear (on some virtual machines, 50 times a write to a page the process kept) those faults can add half to a load (docs/performance.md, \"Memory the runtime gives back\").")
	if lim := debug.SetMemoryLimit(-1); lim != math.MaxInt64 {
		fmt.Fprintf(out, "\nThe Go runtime ran with a memory limit of %.1f GiB (%s).\n", float64(lim)/(1<<30), memoryLimitFrom())
	}
	if duckErr != nil {
		fmt.Fprintf(out, "\nDuckDB could not be built, so it has no figures:\n\n```\n%v\n```\n", duckErr)
	}
}
