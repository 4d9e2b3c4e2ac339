package bench

import (
	"context"
	"flag"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/memory"
	"github.com/convreport/convreport/sample"
)

// equalRows is the data the equality tests run on (fewer under the race
// detector: race_test.go).
var equalRows = 20_000

// checkAll computes the twelve reports every way on d and fails on any
// difference with the engine.
func checkAll(t *testing.T, d *Data) {
	t.Helper()
	ctx := context.Background()
	src, err := memory.New(d.Convs)
	if err != nil {
		t.Fatal(err)
	}
	rs, engine, err := RunEngine(ctx, convreport.NewEngine(src), d.Window, d.Reports)
	if err != nil {
		t.Fatal(err)
	}
	_, engine1, err := RunEngine(ctx, convreport.NewEngine(src, convreport.WithWorkers(1)), d.Window, d.Reports)
	if err != nil {
		t.Fatal(err)
	}
	cols, err := Encode(d.Convs)
	if err != nil {
		t.Fatal(err)
	}
	db, err := OpenSQLite(ctx, d.Convs)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	sqlite, err := RunSQL(ctx, db, SQLiteDialect, d.Window)
	if err != nil {
		t.Fatal(err)
	}
	hand := cols.HandWritten(d.Window)
	for _, o := range []struct {
		name string
		fs   Figures
	}{
		{"engine, 1 worker", engine1},
		{"hand-written", hand},
		{"hand-written, sorted", cols.HandWrittenSorted(d.Window)},
		{"map single pass", MapSinglePass(d.Convs, d.Window)},
		{"naive", Naive(d.Convs, d.Window)},
		{"SQLite", sqlite},
	} {
		if err := Compare("engine", engine, o.name, o.fs); err != nil {
			t.Error(err)
		}
	}
	// The data must exercise every report: no baseline agrees by being empty.
	for _, f := range hand {
		var n int64
		for _, p := range f.Points {
			n += p.Count
		}
		if n == 0 {
			t.Errorf("report %s counts nothing on the test data", f.Report)
		}
	}
	r, p, err := BiggestPoint(rs, "conversations-by-rep")
	if err != nil {
		t.Fatal(err)
	}
	if err := CheckDrill(ctx, convreport.NewEngine(src), d.Window, r, p); err != nil {
		t.Error(err)
	}
}

func TestEqual(t *testing.T) {
	d, err := NewData(SampleConfig(equalRows, 1))
	if err != nil {
		t.Fatal(err)
	}
	if !d.Window.Uniform() {
		t.Fatal("the default window should have 24-hour days")
	}
	checkAll(t, d)
}

// TestEqualAcrossDST runs a window holding the change to summer time, where
// a day lasts 23 hours: the day buckets come from the day starts, not from
// a fixed length.
func TestEqualAcrossDST(t *testing.T) {
	end := time.Date(2025, time.April, 15, 0, 0, 0, 0, time.UTC)
	d, err := NewData(sample.Config{Seed: 2, N: equalRows, From: end.Add(-60 * 24 * time.Hour), To: end, Zone: Paris()})
	if err != nil {
		t.Fatal(err)
	}
	if d.Window.Uniform() {
		t.Fatal("the window should hold the 23-hour day of 2025-03-30")
	}
	checkAll(t, d)
}

func TestCompareShowsDifferences(t *testing.T) {
	d, err := NewData(SampleConfig(2_000, 3))
	if err != nil {
		t.Fatal(err)
	}
	cols, err := Encode(d.Convs)
	if err != nil {
		t.Fatal(err)
	}
	want := cols.HandWritten(d.Window)
	if err := Compare("a", want, "b", cols.HandWritten(d.Window)); err != nil {
		t.Fatal(err)
	}
	got := cols.HandWritten(d.Window)
	got[2].Points[0].Value = "1.001"
	got[0].Points = got[0].Points[1:]
	err = Compare("engine", want, "hand-written", got)
	if err == nil {
		t.Fatal("no difference found")
	}
	for _, s := range []string{"conversations-by-rep: 1 points differ", "hand-written has no point", "average-chat-first-response-time-by-rep", "hand-written has value 1.001"} {
		if !strings.Contains(err.Error(), s) {
			t.Errorf("the difference does not say %q:\n%v", s, err)
		}
	}
}

func TestAvgMillisRounding(t *testing.T) {
	for _, c := range []struct {
		total int64
		n     int64
		want  string
	}{
		{1_500_000, 1, "0.002"},   // 1.5 ms: half away from zero
		{1_499_999, 1, "0.001"},   // just under
		{-1_500_000, 1, "-0.002"}, // away from zero below it too
		{3_000_000_000, 2, "1.5"},
		{1, 3, "0"},
	} {
		s := Sum{}
		s.Add(c.total)
		if got := AvgMillis(s.Big(), c.n).String(); got != c.want {
			t.Errorf("AvgMillis(%d ns / %d) = %s, want %s", c.total, c.n, got, c.want)
		}
	}
	var s Sum
	for range 4 {
		s.Add(1 << 62)
	}
	s.Add(-1)
	if got, want := s.Big().String(), "18446744073709551615"; got != want {
		t.Errorf("sum past 2^63 = %s, want %s", got, want)
	}
}

func TestIngestRoundTrip(t *testing.T) {
	cs := sample.Generate(SampleConfig(3_000, 4))
	path := filepath.Join(t.TempDir(), "c.jsonl")
	size, err := WriteJSONL(path, cs)
	if err != nil {
		t.Fatal(err)
	}
	if size == 0 {
		t.Fatal("empty file")
	}
	got, err := ReadJSONL(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	if err := SameConversations(cs, got); err != nil {
		t.Fatal(err)
	}
	got[7].Assignee += "x"
	if SameConversations(cs, got) == nil {
		t.Fatal("a changed assignee went unnoticed")
	}
}

// Benchmarks: go test ./bench -run '^$' -bench . -args -rows=1000000

var benchRows = flag.Int("rows", 200_000, "conversations the benchmarks run on")

type benchData struct {
	*Data
	src  *memory.Source
	cols *Columns
	rs   []convreport.Result
	want Figures
}

var (
	benchOnce sync.Once
	benchD    *benchData
	benchErr  error
)

// loadBench builds the benchmark data once, and checks the engine against
// the hand-written pass before anything is timed.
func loadBench(b *testing.B) *benchData {
	b.Helper()
	benchOnce.Do(func() {
		d, err := NewData(SampleConfig(*benchRows, 1))
		if err != nil {
			benchErr = err
			return
		}
		bd := &benchData{Data: d}
		if bd.src, err = memory.New(d.Convs); err != nil {
			benchErr = err
			return
		}
		if bd.cols, err = Encode(d.Convs); err != nil {
			benchErr = err
			return
		}
		bd.want = bd.cols.HandWritten(d.Window)
		var engine Figures
		if bd.rs, engine, err = RunEngine(context.Background(), convreport.NewEngine(bd.src), d.Window, d.Reports); err != nil {
			benchErr = err
			return
		}
		benchErr = Compare("hand-written", bd.want, "engine", engine)
		benchD = bd
		// Loading leaves a collection of its garbage running over the
		// whole heap (half a second at 1M conversations), which would
		// otherwise overlap the first benchmark's timed loop.
		runtime.GC()
	})
	if benchErr != nil {
		b.Fatal(benchErr)
	}
	return benchD
}

func benchFigures(b *testing.B, bd *benchData, fn func() (Figures, error)) {
	b.Helper()
	fs, err := fn()
	if err != nil {
		b.Fatal(err)
	}
	if err := Compare("hand-written", bd.want, b.Name(), fs); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := fn(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(bd.Sample.N), "ns/row")
}

func BenchmarkEngineDashboard(b *testing.B) {
	bd := loadBench(b)
	eng := convreport.NewEngine(bd.src)
	benchFigures(b, bd, func() (Figures, error) {
		_, fs, err := RunEngine(context.Background(), eng, bd.Window, bd.Reports)
		return fs, err
	})
}

func BenchmarkEngineDashboardOneWorker(b *testing.B) {
	bd := loadBench(b)
	eng := convreport.NewEngine(bd.src, convreport.WithWorkers(1))
	benchFigures(b, bd, func() (Figures, error) {
		_, fs, err := RunEngine(context.Background(), eng, bd.Window, bd.Reports)
		return fs, err
	})
}

func BenchmarkHandWritten(b *testing.B) {
	bd := loadBench(b)
	benchFigures(b, bd, func() (Figures, error) { return bd.cols.HandWritten(bd.Window), nil })
}

func BenchmarkHandWrittenSorted(b *testing.B) {
	bd := loadBench(b)
	benchFigures(b, bd, func() (Figures, error) { return bd.cols.HandWrittenSorted(bd.Window), nil })
}

func BenchmarkMapSinglePass(b *testing.B) {
	bd := loadBench(b)
	benchFigures(b, bd, func() (Figures, error) { return MapSinglePass(bd.Convs, bd.Window), nil })
}

func BenchmarkNaive(b *testing.B) {
	bd := loadBench(b)
	benchFigures(b, bd, func() (Figures, error) { return Naive(bd.Convs, bd.Window), nil })
}

func BenchmarkSQLite(b *testing.B) {
	bd := loadBench(b)
	db, err := OpenSQLite(context.Background(), bd.Convs)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	benchFigures(b, bd, func() (Figures, error) { return RunSQL(context.Background(), db, SQLiteDialect, bd.Window) })
}

func BenchmarkDrillDown(b *testing.B) {
	bd := loadBench(b)
	eng := convreport.NewEngine(bd.src)
	r, p, err := BiggestPoint(bd.rs, "conversations-by-rep")
	if err != nil {
		b.Fatal(err)
	}
	if err := CheckDrill(context.Background(), eng, bd.Window, r, p); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := DrillOnce(context.Background(), eng, bd.Window, r, p); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkIngestJSONL(b *testing.B) {
	bd := loadBench(b)
	path := filepath.Join(b.TempDir(), "c.jsonl")
	size, err := WriteJSONL(path, bd.Convs)
	if err != nil {
		b.Fatal(err)
	}
	got, err := ReadJSONL(context.Background(), path)
	if err != nil {
		b.Fatal(err)
	}
	if err := SameConversations(bd.Convs, got); err != nil {
		b.Fatal(err)
	}
	got = nil
	b.SetBytes(size)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ReadJSONL(context.Background(), path); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkMemoryNew(b *testing.B) {
	bd := loadBench(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := memory.New(bd.Convs); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkMemoryAdd adds the later half of the conversations to a source
// of the earlier half: a batch numbered after the source's, as a helpdesk
// appends today's conversations to yesterday's. It costs about the batch
// (encoding it, and merging it with the part it joins as parts grow), not
// the source.
func BenchmarkMemoryAdd(b *testing.B) {
	bd := loadBench(b)
	h := len(bd.Convs) / 2
	b.ReportAllocs()
	for b.Loop() {
		b.StopTimer()
		src, err := memory.New(bd.Convs[:h])
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		if err := src.Add(bd.Convs[h:]...); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkManyGroups runs a report of a group per contact, most of them
// folded into Other: what ranking its points and folding the rest cost
// beside the scan.
func BenchmarkManyGroups(b *testing.B) {
	bd := loadBench(b)
	eng := convreport.NewEngine(bd.src)
	r := convreport.Report{Name: "by contact", Dimensions: []string{"Assignee", "Inbox", "ContactID"}, Limit: 1000}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := eng.Run(context.Background(), bd.Window.Query(), r); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkManyGroupsByLabel is BenchmarkManyGroups in label order: the
// first thousand groups by assignee, inbox and contact.
func BenchmarkManyGroupsByLabel(b *testing.B) {
	bd := loadBench(b)
	eng := convreport.NewEngine(bd.src)
	r := convreport.Report{Name: "by contact", Dimensions: []string{"Assignee", "Inbox", "ContactID"}, Limit: 1000, Sort: convreport.ByLabelAsc}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := eng.Run(context.Background(), bd.Window.Query(), r); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkManySeries runs a report by contact by day, and by hour, over
// 30 days that keeps 10 series apart from Other: hundreds of thousands of
// series, most of one conversation, ranked by their totals.
func BenchmarkManySeries(b *testing.B) {
	for _, bucket := range []convreport.Bucket{convreport.Day, convreport.Hour} {
		b.Run(string(bucket), func(b *testing.B) {
			bd := loadBench(b)
			eng := convreport.NewEngine(bd.src)
			r := convreport.Report{Name: "by contact over time", Dimensions: []string{"ContactID"}, Bucket: bucket, Limit: 10}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := eng.Run(context.Background(), bd.Window.Query(), r); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
