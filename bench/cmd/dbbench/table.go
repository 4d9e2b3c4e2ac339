package main

import (
	"fmt"
	"io"
	"math"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/convreport/convreport/bench"
)

var (
	fmtDur   = bench.FormatDuration
	fmtRatio = bench.FormatRatio
	fmtN     = bench.FormatN
)

// loadAvg is the load average over 1, 5 and 15 minutes.
func loadAvg() string { return bench.LoadAverage() }

// printTables writes the run as Markdown: what was measured and checked,
// the summary table (a row per database, import, dashboard run and
// drill-down at each size, with ratios to the memory engine), then one
// table of details per size.
func printTables(out io.Writer, o options, rs []*sizeResult) {
	fmt.Fprintf(out, "Machine: %d CPUs (GOMAXPROCS %d), %s; %s %s/%s.\n", runtime.NumCPU(), runtime.GOMAXPROCS(0), bench.CPUModel(), runtime.Version(), runtime.GOOS, runtime.GOARCH)
	fmt.Fprintf(out, "Data: sample.Generate, seed %d, 90 days ending %s. Dashboard run: the 12 reports of Chat overview and Email overview in one Engine.Run, last 30 days in Europe/Paris at the end of the data, pushed down as SQL on every database. Drill-down: Engine.DrillPage, the first %d rows in creation order, of the biggest point of \"Conversations by rep\". Import: memory.New, or CreateTable and sqlsource.Import in batches of %d (what `convreport import --out` does), from the same []Conversation.\n", o.seed, bench.DataEnd.Format(time.DateOnly), bench.DrillPage, o.batch)
	for _, r := range rs {
		var checked, skipped []string
		for _, d := range r.rows[1:] {
			if d.skip == "" {
				checked = append(checked, d.name)
			} else {
				skipped = append(skipped, d.name+" ("+d.skip+")")
			}
		}
		fmt.Fprintf(out, "\nAt %s: drill-down of %s.", fmtN(r.n), r.point)
		if len(checked) > 0 {
			fmt.Fprintf(out, " Checked before timing: %s gave the memory engine's results decimal for decimal (every point's value, count and excluded count, every report's matched and excluded conversations) and the same drill-down page, all pushed down.", strings.Join(checked, ", "))
		}
		if len(skipped) > 0 {
			fmt.Fprintf(out, " Not measured: %s.", strings.Join(skipped, "; "))
		}
		fmt.Fprintf(out, " Load average (1, 5, 15 min): %s at the start, %s when the timing began, %s at the end.\n", r.load[0], r.load[1], r.load[2])
	}
	fmt.Fprintln(out)

	// The summary: time (ratio to memory) per size.
	fmt.Fprint(out, "| database |")
	for _, r := range rs {
		s := fmtN(r.n)
		fmt.Fprintf(out, " %s import | %s dashboard run | %s drill-down |", s, s, s)
	}
	fmt.Fprint(out, "\n| --- |")
	for range rs {
		fmt.Fprint(out, " ---: | ---: | ---: |")
	}
	fmt.Fprintln(out)
	for i, row := range rs[0].rows {
		fmt.Fprintf(out, "| %s |", row.name)
		for _, r := range rs {
			d, mem := r.rows[i], r.rows[0]
			if d.skip != "" {
				fmt.Fprint(out, " skipped | | |")
				continue
			}
			fmt.Fprintf(out, " %s | %s | %s |", timeRatio(d.imported, mem.imported), timeRatio(d.dash.Median, mem.dash.Median), timeRatio(d.drill.Median, mem.drill.Median))
		}
		fmt.Fprintln(out)
	}
	fmt.Fprintf(out, "\nTimes are medians of %d runs, every database's runs interleaved round by round; imports are timed once. In parentheses: the ratio to the memory engine in the same run.\n", o.runs)

	for _, r := range rs {
		fmt.Fprintf(out, "\n%s conversations (%.0f MB as JSON Lines):\n\n", fmtN(r.n), float64(r.jsonl)/1e6)
		fmt.Fprintln(out, "| database | import | conversations/s | JSON Lines MB/s | held | bytes per conversation | ready after a restart | dashboard run | drill-down | drill-down / dashboard run |")
		fmt.Fprintln(out, "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
		for _, d := range r.rows {
			if d.skip != "" {
				fmt.Fprintf(out, "| %s | skipped: %s | | | | | | | | |\n", d.name, d.skip)
				continue
			}
			where, ready := "on disk", fmtDur(d.opened)
			if d.name == "memory" {
				where, ready = "heap", "reload: see below"
			}
			secs := d.imported.Seconds()
			fmt.Fprintf(out, "| %s | %s | %s | %.1f | %s (%s) | %.0f B | %s | %s | %s | %.1f %% |\n",
				d.name, fmtDur(d.imported), thousands(float64(r.n)/secs), float64(r.jsonl)/1e6/secs,
				fmtBytes(d.stored), where, float64(d.stored)/float64(r.n), ready,
				fmtDur(d.dash.Median), fmtDur(d.drill.Median), 100*d.drill.Median.Seconds()/d.dash.Median.Seconds())
		}
	}
	fmt.Fprintln(out, "\n\"held\": the memory source's live heap (runtime.MemStats after collections, the generated slice dropped), or the table's bytes on disk (the SQLite file; pg_total_relation_size; the active parts of system.parts, over both shards). \"ready after a restart\": a new connection pool, a ping and sqlsource.New, which checks the table, before the first run can start; the memory engine must instead read its data again and rebuild the source (convbench's \"Parquet file to a ready memory source\").")
}

// timeRatio writes d and its ratio to base: "8.28 s (252x)".
func timeRatio(d, base time.Duration) string {
	if base <= 0 {
		return fmtDur(d)
	}
	return fmt.Sprintf("%s (%s)", fmtDur(d), fmtRatio(float64(d)/float64(base)))
}

// fmtBytes writes a size in kB, MB or GB (decimal units).
func fmtBytes(b int64) string {
	switch {
	case b >= 10e9:
		return fmt.Sprintf("%.1f GB", float64(b)/1e9)
	case b >= 10e6:
		return fmt.Sprintf("%.0f MB", float64(b)/1e6)
	}
	return fmt.Sprintf("%.0f kB", float64(b)/1e3)
}

// thousands writes x rounded, its thousands separated by commas.
func thousands(x float64) string {
	s := strconv.FormatInt(int64(math.Round(x)), 10)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
