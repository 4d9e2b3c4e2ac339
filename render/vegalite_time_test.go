package render_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/calendar"
	"github.com/convreport/convreport/memory"
)

// A Vega-Lite chart draws each time bucket from where it starts in the
// query's zone, as the other renderers label it, to where the next one
// starts: also where a date begins off the whole hour (Asia/Kathmandu's
// 1986-01-01 began at 00:15), in zones half an hour off UTC, across a
// half-hour DST change, and for weeks (which no multiple of days counted
// from the 1st of the month lines up with). The bucket starts are found
// here by walking the zone's wall clock minute by minute.
func TestVegaLiteBucketsStartWhereTheyStartInTheZone(t *testing.T) {
	for _, c := range []struct {
		zone, from string
		days       int
		bucket     convreport.Bucket
		weekStart  calendar.Weekday
	}{
		{"Asia/Kathmandu", "1985-12-31", 2, convreport.Hour, calendar.Monday}, // 00:00+05:30 became 00:15+05:45
		{"Asia/Kathmandu", "1985-12-30", 4, convreport.Day, calendar.Monday},
		{"Asia/Kolkata", "2025-03-09", 2, convreport.Hour, calendar.Monday}, // +05:30
		{"Asia/Kolkata", "2025-03-09", 3, convreport.Day, calendar.Monday},
		{"Australia/Lord_Howe", "2025-10-04", 2, convreport.Hour, calendar.Monday}, // 02:00+10:30 became 02:30+11:00
		{"Australia/Lord_Howe", "2025-04-05", 2, convreport.Hour, calendar.Monday}, // 02:00+11:00 became 01:30+10:30
		{"Australia/Lord_Howe", "2025-10-03", 4, convreport.Day, calendar.Monday},
		{"America/Sao_Paulo", "2018-11-02", 4, convreport.Day, calendar.Monday}, // 2018-11-04 began at 01:00
		{"Europe/Paris", "2025-10-25", 2, convreport.Hour, calendar.Monday},     // 02:00 twice
		{"UTC", "2025-03-10", 35, convreport.Week, calendar.Monday},
		{"UTC", "2025-03-09", 35, convreport.Week, calendar.Sunday},
		// Apia skipped 2011-12-30, a Friday: the week from that Friday
		// begins on Saturday the 31st and ends on Friday 2012-01-06.
		{"Pacific/Apia", "2011-12-16", 35, convreport.Week, calendar.Friday},
		{"Pacific/Apia", "2011-12-19", 35, convreport.Week, calendar.Monday},
	} {
		loc := mustZone(c.zone)
		from, err := time.ParseInLocation(time.DateOnly, c.from, loc)
		require.NoError(t, err)
		to := from.AddDate(0, 0, c.days)
		want := wallBuckets(loc, from, to, c.bucket, c.weekStart)
		for _, chart := range []convreport.ChartType{convreport.LineChart, convreport.AreaChart, convreport.ColumnChart, convreport.BarChart} {
			for _, grouped := range []bool{false, true} {
				name := fmt.Sprintf("%s %s %s %s grouped=%v", c.zone, c.from, c.bucket, chart, grouped)
				if c.bucket == convreport.Week {
					name += " from " + c.weekStart.String()
				}
				t.Run(name, func(t *testing.T) {
					res := runEvery7Minutes(t, loc, from, to, c.weekStart, convreport.Report{Name: "r", Bucket: c.bucket, Chart: convreport.Chart{Type: chart}}, grouped)
					checkVegaBuckets(t, vegaOf(t, res), chart, want, grouped)
				})
			}
		}
	}
}

// runEvery7Minutes runs rep over a conversation every seven minutes of
// [from, to), so every bucket has some; grouped splits them by channel,
// chat and email in turn, each bucket having both.
func runEvery7Minutes(t *testing.T, loc *time.Location, from, to time.Time, weekStart calendar.Weekday, rep convreport.Report, grouped bool) convreport.Result {
	t.Helper()
	var cs []convreport.Conversation
	for u, i := from, 0; u.Before(to); u, i = u.Add(7*time.Minute), i+1 {
		ch := convreport.Chat
		if i%2 == 1 {
			ch = convreport.Email
		}
		cs = append(cs, convreport.Conversation{ID: fmt.Sprint(i), Channel: ch, CreatedAt: u})
	}
	src, err := memory.New(cs)
	require.NoError(t, err)
	if grouped {
		rep.Dimensions = []string{"Channel"}
	}
	res, err := convreport.NewEngine(src).Run(context.Background(), convreport.Query{From: from, To: to, Zone: loc, Now: to, WeekStart: weekStart}, rep)
	require.NoError(t, err)
	return res[0]
}

// wallBucket is a bucket as a Vega-Lite chart should draw it: its start
// and end as the wall clock of the query's zone written as UTC (dates at
// UTC midnight for days and weeks), and its label.
type wallBucket struct {
	start, end time.Time
	label      string
}

// wallBuckets walks [from, to) minute by minute: an hour bucket starts
// wherever the wall clock reads a whole hour or a new date begins, a day
// wherever a new date begins, a week wherever a new date begins in
// another week than the last (weeks counted from weekStart: the date
// after a skipped first one begins its week); each ends where the
// next starts (an hour whose successor reads the same wall clock, the
// first of a repeated hour, ends an hour later).
func wallBuckets(loc *time.Location, from, to time.Time, b convreport.Bucket, weekStart calendar.Weekday) []wallBucket {
	asUTC := func(t time.Time) time.Time {
		return time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), 0, time.UTC)
	}
	var starts []time.Time // instants
	prev := from.Add(-time.Minute).In(loc)
	for u := from; !u.After(to.Add(7 * 24 * time.Hour)); u = u.Add(time.Minute) {
		l := u.In(loc)
		newDate := l.Format(time.DateOnly) > prev.Format(time.DateOnly)
		switch {
		case b == convreport.Hour && (newDate || l.Minute() == 0 && l.Second() == 0),
			b == convreport.Day && newDate,
			b == convreport.Week && newDate && weekOf(l, weekStart) != weekOf(prev, weekStart):
			starts = append(starts, u)
		}
		prev = l
	}
	var out []wallBucket
	for i := 0; i+1 < len(starts) && starts[i].Before(to); i++ {
		s, n := starts[i].In(loc), starts[i+1].In(loc)
		w := wallBucket{start: asUTC(s), end: asUTC(n), label: s.Format("2006-01-02 15:04")}
		if b != convreport.Hour {
			w.start, w.end = asUTC(s).Truncate(24*time.Hour), asUTC(n).Truncate(24*time.Hour)
			w.label = s.Format(time.DateOnly)
		}
		if !w.end.After(w.start) {
			w.end = w.start.Add(starts[i+1].Sub(starts[i]))
		}
		out = append(out, w)
	}
	return out
}

// weekOf numbers the week of l's date, weeks beginning on weekStart.
func weekOf(l time.Time, weekStart calendar.Weekday) int {
	days := int(time.Date(l.Year(), l.Month(), l.Day(), 0, 0, 0, 0, time.UTC).Unix() / 86400)
	// 1970-01-01 was a Thursday: day 0 is three days after a Monday.
	since := days + 3 - int(weekStart)
	if since < 0 {
		return (since - 6) / 7
	}
	return since / 7
}

// checkVegaBuckets checks each data row of a time chart's spec against
// the buckets: its label names its bucket's start; a line's or area's
// point is at the start; a bar spans most of its bucket (its series' part
// of it when grouped), inside it, and the bars of a bucket do not
// overlap.
func checkVegaBuckets(t *testing.T, spec map[string]any, chart convreport.ChartType, want []wallBucket, grouped bool) {
	t.Helper()
	catCh := "x"
	if chart == convreport.BarChart {
		catCh = "y"
	}
	enc := path(spec, "encoding").(map[string]any)
	cat := enc[catCh].(map[string]any)
	require.Equal(t, "temporal", cat["type"])
	rows := path(spec, "data", "values").([]any)
	seen := map[string]int{} // rows per series
	var order []string       // the series, in order of first row
	for _, r := range rows {
		if s, _ := r.(map[string]any)["series"].(string); !slices.Contains(order, s) {
			order = append(order, s)
		}
	}
	serIndex := func(s string) int { return slices.Index(order, s) }
	type span struct{ from, to time.Time }
	spans := make([][]span, len(want))
	for _, r := range rows {
		row := r.(map[string]any)
		series, _ := row["series"].(string)
		i := seen[series]
		seen[series]++
		require.Less(t, i, len(want), "a row per bucket and series")
		w := want[i]
		label := row["label"].(string)
		if grouped {
			label = label[strings.Index(label, " / ")+len(" / "):]
		}
		require.Equal(t, w.label, label, "row %d of %q", i, series)
		if chart == convreport.LineChart || chart == convreport.AreaChart {
			require.Equal(t, w.start, vegaTime(t, cat, row), "%s: the point is at its bucket's start", w.label)
			continue
		}
		at, until := vegaSpan(t, enc, catCh, row, len(order), serIndex(series))
		require.False(t, at.Before(w.start), "%s: the bar begins at %s, before its bucket", w.label, at)
		require.False(t, until.After(w.end), "%s: the bar ends at %s, after its bucket's end %s", w.label, until, w.end)
		part := w.end.Sub(w.start)
		if grouped {
			part /= 2
		}
		require.Greater(t, until.Sub(at), part*3/4, "%s: the bar spans most of its part of the bucket", w.label)
		for _, o := range spans[i] {
			require.True(t, !at.Before(o.to) || !until.After(o.from), "%s: the series' bars overlap", w.label)
		}
		spans[i] = append(spans[i], span{at, until})
	}
	for s, n := range seen {
		require.Equal(t, len(want), n, "series %q has a row per bucket", s)
	}
	checkVegaTicks(t, cat, want)
}

// checkVegaTicks checks a time axis's ticks: each at a bucket's start,
// inside the axis's domain when one is set, labelled as the bucket is;
// the first bucket's among them.
func checkVegaTicks(t *testing.T, cat map[string]any, want []wallBucket) {
	t.Helper()
	axis, ok := cat["axis"].(map[string]any)
	require.True(t, ok, "the time axis sets its ticks")
	format := axis["format"].(string)
	values := axis["values"].([]any)
	require.NotEmpty(t, values)
	scale, _ := cat["scale"].(map[string]any)
	for i, v := range values {
		at := time.UnixMilli(int64(v.(float64))).UTC()
		j := slices.IndexFunc(want, func(w wallBucket) bool { return w.start.Equal(at) })
		require.GreaterOrEqual(t, j, 0, "tick %s is at a bucket's start", at)
		if i == 0 {
			require.Equal(t, 0, j, "the first tick is the first bucket's")
		}
		require.Equal(t, want[j].label, d3Format(format, at), "tick %d", i)
		if lo, ok := scale["domainMin"].(float64); ok {
			require.GreaterOrEqual(t, int64(v.(float64)), int64(lo), "tick %s is on the axis", at)
			require.LessOrEqual(t, int64(v.(float64)), int64(scale["domainMax"].(float64)), "tick %s is on the axis", at)
		}
	}
}

// d3Format formats t as Vega's UTC time format does, for the directives
// a time axis uses.
func d3Format(format string, t time.Time) string {
	r := strings.NewReplacer("%Y", t.Format("2006"), "%m", t.Format("01"), "%d", t.Format("02"),
		"%H", t.Format("15"), "%M", t.Format("04"), "%q", fmt.Sprint((int(t.Month())+2)/3))
	return r.Replace(format)
}

// vegaSpan is where Vega draws a bar along a temporal channel: from the
// channel's value to its "2" channel's, or else over the band of the
// channel's time unit, which an offset channel splits between the series
// (k of n).
func vegaSpan(t *testing.T, enc map[string]any, ch string, row map[string]any, n, k int) (from, to time.Time) {
	t.Helper()
	from = vegaTime(t, enc[ch].(map[string]any), row)
	if end, ok := enc[ch+"2"].(map[string]any); ok {
		return from, vegaTime(t, end, row)
	}
	unit, step := timeUnitOf(enc[ch].(map[string]any))
	switch {
	case strings.HasSuffix(unit, "minutes"):
		to = from.Add(time.Duration(step) * time.Minute)
	case strings.HasSuffix(unit, "hours"):
		to = from.Add(time.Duration(step) * time.Hour)
	case strings.HasSuffix(unit, "date"):
		to = from.AddDate(0, 0, step)
	case strings.HasSuffix(unit, "month"):
		to = from.AddDate(0, step, 0)
	default:
		t.Fatalf("no band for time unit %q", unit)
	}
	if _, ok := enc[ch+"Offset"]; ok {
		part := to.Sub(from) / time.Duration(n)
		from = from.Add(time.Duration(k) * part)
		to = from.Add(part)
	}
	return from, to
}

// timeUnitOf returns a channel's time unit without its "utc" prefix ("" for
// none) and its step.
func timeUnitOf(ch map[string]any) (string, int) {
	switch u := ch["timeUnit"].(type) {
	case string:
		return strings.TrimPrefix(u, "utc"), 1
	case map[string]any:
		step := 1
		if s, ok := u["step"].(float64); ok {
			step = int(s)
		}
		return strings.TrimPrefix(u["unit"].(string), "utc"), step
	}
	return "", 1
}

// vegaTime is the instant at which Vega places a row's value of a
// temporal channel: ISO dates and date-times with "Z" are read as UTC; a
// time unit floors the value to it, and its step to a multiple of steps
// counted from the 1st of the month (dates) or from midnight (hours).
func vegaTime(t *testing.T, ch map[string]any, row map[string]any) time.Time {
	t.Helper()
	v, ok := row[ch["field"].(string)].(string)
	require.True(t, ok, "field %v of %v", ch["field"], row)
	at, err := time.Parse(time.RFC3339Nano, v)
	if err != nil {
		at, err = time.Parse(time.DateOnly, v)
	}
	require.NoError(t, err, "Vega reads %q as UTC", v)
	u, step := timeUnitOf(ch)
	if u == "" {
		return at
	}
	keep := func(part string) bool { return strings.Contains(u, part) }
	mo, d := at.Month(), at.Day()
	if !keep("month") {
		mo = time.January
	}
	if !keep("date") {
		d = 1
	} else if strings.HasSuffix(u, "date") {
		d = 1 + step*((d-1)/step)
	}
	var hh, mm, ss int
	if keep("hours") {
		hh = at.Hour()
		if strings.HasSuffix(u, "hours") {
			hh = step * (hh / step)
		}
	}
	if keep("minutes") {
		mm = at.Minute()
	}
	if keep("seconds") {
		ss = at.Second()
	}
	return time.Date(at.Year(), mo, d, hh, mm, ss, 0, time.UTC)
}
