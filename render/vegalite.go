package render

import (
	"encoding/json"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/internal/civil"
	"github.com/convreport/convreport/render/internal/textwidth"
)

// VegaLiteSchema identifies the Vega-Lite version the specs are written
// for. It is an identifier: nothing is fetched from it.
const VegaLiteSchema = "https://vega.github.io/schema/vega-lite/v5.json"

// obj is a JSON object; encoding/json writes its keys sorted, so specs are
// deterministic.
type obj = map[string]any

// VegaLite returns a Vega-Lite v5 spec drawing r, with the data inline.
// Each row of data is one point: "category" (the X label), "series",
// "bucket" (the start of a time bucket: see below), "value" (a number,
// null when the point has none; seconds for durations), "value_text"
// (humanised), "count" and "order" (the point's index). Bars and columns
// stack with the report's Stacked setting ("normalize" for Percent) and
// are grouped side by side otherwise; pies and donuts are arcs; a time
// series has a temporal axis, on which a bar or column is drawn from
// "bar_start" to "bar_end", inside its bucket; a summary is a text mark;
// a table is a grid of text marks.
//
// Vega shows times in UTC or in the viewer's zone only, so times are
// given as the wall clock of the query's zone written as UTC and read
// back in UTC: a bucket's "bucket" is its ISO date, or for an hour its
// wall-clock start ("2025-04-01T00:00:00Z" for 00:00-04:00), which is not
// always a whole hour (Asia/Kathmandu's 1986-01-01 began at 00:15). The
// two hours of a night the clocks go back then share a place on the
// axis; their tooltips tell them apart.
func VegaLite(r convreport.Result) ([]byte, error) {
	if err := checkResult(r); err != nil {
		return nil, err
	}
	spec := vegaSpec(r)
	spec["$schema"] = VegaLiteSchema
	return json.MarshalIndent(spec, "", "  ")
}

// VegaLiteDashboard returns one Vega-Lite v5 spec with every report of d
// one above the other (vconcat), titled with the dashboard's name, range
// and zone. Each report keeps its own colours and legend, as each SVG
// chart does: concatenated views would otherwise share one colour scale,
// one legend over every report's series, and one range of colours (a
// pie's own).
func VegaLiteDashboard(d Dashboard) ([]byte, error) {
	if err := checkResults(d.Results); err != nil {
		return nil, err
	}
	d = d.resolved()
	specs := make([]any, len(d.Results))
	for i, r := range d.Results {
		specs[i] = vegaSpec(r)
	}
	return json.MarshalIndent(obj{
		"$schema": VegaLiteSchema,
		"title":   obj{"text": textwidth.CleanMarkup(d.Name), "subtitle": FormatRange(d.From, d.To, d.Zone) + " · " + d.Zone.String()},
		"vconcat": specs,
		"spacing": 32,
		// Vega-Lite shares every scale but x and y (and a pie's theta)
		// across concatenated views by default.
		"resolve": obj{
			"scale":  obj{"color": "independent", "xOffset": "independent", "yOffset": "independent"},
			"legend": obj{"color": "independent"},
		},
	}, "", "  ")
}

func vegaSpec(r convreport.Result) obj {
	spec := cleanSpec(NewChartSpec(r))
	unit := spec.Y.Unit
	title := obj{"text": spec.Title}
	valueTitle := spec.Y.Title + unitSuffix(unit)
	tooltip := []obj{
		{"field": "label", "type": "nominal", "title": "Point"},
		{"field": "value_text", "type": "nominal", "title": spec.Y.Title},
		{"field": "count", "type": "quantitative", "title": "Conversations"},
	}
	tooltip = append(tooltip, vegaNoteTooltip(r)...)

	switch spec.Type {
	case convreport.SummaryChart:
		s := spec.Summary
		return obj{
			"title":    title,
			"data":     obj{"values": []obj{{"value": nullableFloat(s.ChartValue), "value_text": summaryText(s), "label": s.Label, "count": s.Count}}},
			"mark":     obj{"type": "text", "fontSize": 48, "fontWeight": "bold"},
			"encoding": obj{"text": obj{"field": "value_text", "type": "nominal"}, "tooltip": tooltip},
			"width":    240,
			"height":   80,
		}
	case convreport.PieChart, convreport.DonutChart:
		rows := make([]obj, len(spec.Slices))
		for i, s := range spec.Slices {
			rows[i] = obj{"label": s.Label, "category": s.Label, "value": nullableFloat(s.ChartValue), "value_text": chartValueText(s.ChartValue, unit),
				"share": s.ShareText, "count": s.Count, "order": i}
		}
		// The share as the SVG's legend and the text write it, exactly.
		tooltip = slices.Insert(tooltip, 2, obj{"field": "share", "type": "nominal", "title": "Share"})
		mark := obj{"type": "arc", "tooltip": true}
		if spec.Type == convreport.DonutChart {
			mark["innerRadius"] = 60
		}
		return obj{
			"title": title,
			"data":  obj{"values": rows},
			"mark":  mark,
			"encoding": obj{
				"theta":   obj{"field": "value", "type": "quantitative", "stack": true, "title": valueTitle},
				"color":   obj{"field": "category", "type": "nominal", "sort": nil, "title": spec.X.Title, "scale": obj{"range": vegaPalette(spec)}},
				"order":   obj{"field": "order", "type": "quantitative"},
				"tooltip": tooltip,
			},
			"view": obj{"stroke": nil},
		}
	}

	rows := vegaRows(r, spec)
	if spec.Type == convreport.TableChart {
		return vegaTable(spec, rows, title)
	}
	multi := len(spec.Series) > 1
	cat := obj{"field": "category", "type": "nominal", "sort": nil, "title": spec.X.Title}
	timeAxis := spec.X.Bucket != convreport.NoBucket
	if timeAxis {
		// No time unit: Vega-Lite would floor each start to it (00:15 to
		// 00:00) and draw a bar over the unit, or over steps of it
		// counted from the 1st of the month, not over its bucket.
		cat = obj{"field": "bucket", "type": "temporal", "title": spec.X.Title, "scale": obj{"type": "utc"}}
		if len(spec.Categories) > 0 {
			cat["axis"] = vegaTimeAxis(spec)
		}
	}
	val := obj{"field": "value", "type": "quantitative", "title": valueTitle}
	var transform []obj
	if unit == "seconds" && !spec.Percent {
		// Durations are seconds in the data (exact); the axis reads in
		// the unit that suits the largest value, so its ticks are round
		// minutes, hours or days, as the SVG's are.
		div, name := durationAxisUnit(r, spec)
		field := "value_" + name
		transform = []obj{{"calculate": "datum.value == null ? null : datum.value / " + strconv.Itoa(div), "as": field}}
		val["field"], val["title"] = field, spec.Y.Title+" ("+name+")"
	}
	enc := obj{"tooltip": tooltip}
	if multi {
		enc["color"] = obj{"field": "series", "type": "nominal", "sort": nil, "title": spec.Legend}
	}
	var mark obj
	switch spec.Type {
	case convreport.BarChart, convreport.ColumnChart:
		mark = obj{"type": "bar"}
		catCh, valCh, offset := "x", "y", "xOffset"
		if spec.Type == convreport.BarChart {
			catCh, valCh, offset = "y", "x", "yOffset"
		}
		if timeAxis && len(spec.Categories) > 0 {
			// Each bar its own part of its bucket (see vegaBarSpan):
			// side by side without an offset channel. The axis runs from
			// the first bucket's start, its first tick, to the last's end.
			cat["field"] = "bar_start"
			lo, hi := vegaTimeDomain(spec)
			cat["scale"] = obj{"type": "utc", "domainMin": lo, "domainMax": hi, "nice": false}
			enc[catCh+"2"] = obj{"field": "bar_end"}
			// A bar's description for screen readers would otherwise
			// name where it is drawn, not its bucket: it says what its
			// tooltip says.
			vegaDescribe(rows, tooltip)
			enc["description"] = obj{"field": "description", "type": "nominal"}
		}
		switch {
		case spec.Percent:
			val["stack"] = "normalize"
			val["axis"] = obj{"format": "%"}
			val["title"] = "Share of " + lowerFirst(spec.Y.Title)
		case spec.Stacked:
			val["stack"] = "zero"
		case multi:
			val["stack"] = nil
			if !timeAxis {
				enc[offset] = obj{"field": "series", "type": "nominal", "sort": nil}
			}
		}
		enc[catCh], enc[valCh] = cat, val
	case convreport.LineChart, convreport.AreaChart:
		mark = obj{"type": "line", "point": true}
		if spec.Type == convreport.AreaChart {
			mark = obj{"type": "area", "line": true, "point": true, "opacity": 0.3}
			val["stack"] = nil
		}
		enc["x"], enc["y"] = cat, val
	}
	if spec.Note != "" {
		title["subtitle"] = spec.Note
	}
	if cut := spec.dwarfing(); cut >= 0 && spec.Type == convreport.BarChart {
		// As the SVG does: the axis fits the other bars, and the bar of
		// the group with no value is cut at its end.
		top := axisTop(r, spec, cut)
		if unit == "seconds" && !spec.Percent {
			div, _ := durationAxisUnit(r, spec)
			top /= float64(div)
		}
		val["scale"] = obj{"domainMax": top, "nice": true}
		mark["clip"] = true
		title["subtitle"] = spec.Note + " Its bar is cut at the end of the axis; its tooltip has its value."
	}
	out := obj{"title": title, "data": obj{"values": rows}, "mark": mark, "encoding": enc, "width": 480}
	if transform != nil {
		out["transform"] = transform
	}
	return vegaGhost(r, spec, out)
}

// durationAxisUnit chooses the unit of a duration axis from the largest
// value drawn to scale (a stack's sum when stacked; not a bar cut at the
// axis's end, see dwarfing): seconds under 2 minutes,
// minutes under 2 hours, hours under 2 days, days beyond. It returns the
// unit's length in seconds and its name.
func durationAxisUnit(r convreport.Result, spec ChartSpec) (int, string) {
	var top float64
	for ci := range spec.Categories {
		var sum float64
		for _, s := range spec.Series {
			if v := s.Values[ci]; !v.Null {
				f := math.Abs(v.Float)
				if spec.Stacked {
					sum += f
				} else {
					sum = max(sum, f)
				}
			}
		}
		top = max(top, sum)
	}
	if cut := spec.dwarfing(); cut >= 0 && spec.Type == convreport.BarChart {
		top = axisTop(r, spec, cut) // the axis ends there: the cut bar is not drawn to scale
	}
	switch {
	case top < 120:
		return 1, "seconds"
	case top < 2*3600:
		return 60, "minutes"
	case top < 2*86400:
		return 3600, "hours"
	}
	return 86400, "days"
}

// vegaPalette is the SVG's palette for a pie's slices, the Other slice
// in the SVG's grey, so both draw the same colours.
func vegaPalette(spec ChartSpec) []string {
	out := make([]string, len(spec.Slices))
	for i, s := range spec.Slices {
		out[i] = palette[i%len(palette)]
		if s.Other {
			out[i] = colorOther
		}
	}
	return out
}

// vegaRows is one data row per point of a categories × series chart.
func vegaRows(r convreport.Result, spec ChartSpec) []obj {
	rows := make([]obj, len(r.Points))
	bars := spec.Type == convreport.BarChart || spec.Type == convreport.ColumnChart
	sideBySide := len(spec.Series) > 1 && !spec.Stacked
	for si, s := range spec.Series {
		for ci, v := range s.Values {
			if v.Point < 0 {
				continue
			}
			c := spec.Categories[ci]
			row := obj{
				"label": spec.Labels[v.Point], "category": c.Label, "series": s.Name,
				"value": nullableFloat(v), "value_text": chartValueText(v, spec.Y.Unit),
				"count": v.Count, "order": v.Point,
			}
			if spec.X.Bucket != convreport.NoBucket {
				row["bucket"] = vegaBucket(spec.X.Bucket, c)
				if bars {
					k, n := 0, 1
					if sideBySide {
						k, n = si, len(spec.Series)
					}
					from, to := vegaBarSpan(spec.X.Bucket, c, k, n)
					row["bar_start"], row["bar_end"] = from, to
				}
			}
			vegaNotes(r, spec, v.Point, row)
			rows[v.Point] = row
		}
	}
	// Every point has its cell in a result the renderers accept (see
	// checkResult); a row left empty would be a null datum.
	return slices.DeleteFunc(rows, func(row obj) bool { return row == nil })
}

// vegaTable lays out a table as text marks: one row per point, columns
// for the value and the count.
func vegaTable(spec ChartSpec, rows []obj, title obj) obj {
	var cells []obj
	for _, row := range rows {
		for _, col := range []struct{ name, text string }{
			{spec.Y.Title, row["value_text"].(string)},
			{"Conversations", FormatCount(row["count"].(int64))},
		} {
			cells = append(cells, obj{"label": row["label"], "order": row["order"], "column": col.name, "cell": col.text})
		}
	}
	return obj{
		"title":  title,
		"data":   obj{"values": cells},
		"mark":   obj{"type": "text", "align": "center"},
		"width":  obj{"step": 180},
		"height": obj{"step": 24},
		"encoding": obj{
			"y": obj{"field": "label", "type": "ordinal", "sort": obj{"field": "order"}, "title": spec.X.Title,
				"axis": obj{"ticks": false, "domain": false, "labelLimit": 240}},
			"x": obj{"field": "column", "type": "ordinal", "sort": nil, "title": nil,
				"axis": obj{"orient": "top", "ticks": false, "domain": false, "labelAngle": 0, "labelLimit": 170}},
			"text": obj{"field": "cell", "type": "nominal"},
		},
		"view": obj{"stroke": nil},
	}
}

// vegaTimeAxis puts a time axis's ticks at bucket starts, labelled as
// the other renderers label the buckets: every bucket's when few, else
// one every k units, k a round number of them (6 hours, 7 days).
// Vega-Lite's own ticks fall on round times of its choosing, finer than
// the bucket (noon of a day bucket), and its weeks start on Sundays.
func vegaTimeAxis(spec ChartSpec) obj {
	b := spec.X.Bucket
	starts := make([]int64, len(spec.Categories))
	for i, c := range spec.Categories {
		s, _ := vegaBucketSpan(b, c.Time)
		starts[i] = s.UnixMilli()
	}
	slices.Sort(starts)
	starts = slices.Compact(starts) // a repeated hour has one tick
	most, steps := 6, []int{1, 2, 7, 14, 28, 56, 91, 182, 364}
	format := "%Y-%m-%d"
	switch b {
	case convreport.Hour:
		most, steps = 4, []int{1, 2, 3, 6, 12, 24, 48, 72, 168, 336, 672}
		format = "%Y-%m-%d %H:%M"
	case convreport.Week:
		steps = []int{1, 2, 4, 8, 13, 26, 52}
	case convreport.Month:
		most, steps = 8, []int{1, 2, 3, 6, 12, 24, 60, 120}
		format = "%Y-%m"
	case convreport.Quarter:
		most, steps = 8, []int{1, 2, 4, 8, 20, 40}
		format = "%Y Q%q"
	case convreport.Year:
		most, steps = 10, []int{1, 2, 5, 10, 20, 50, 100}
		format = "%Y"
	}
	need := (len(starts) + most - 1) / most
	k := max(need, 1)
	if i, _ := slices.BinarySearch(steps, need); i < len(steps) {
		k = steps[i]
	}
	// A tick at the first bucket of each run of k units: of k hours or
	// days of the wall clock, so that ticks fall on round hours and the
	// first bucket of a date (00:15 where the date began then); of k
	// buckets for wider ones.
	var values []int64
	last := int64(math.MinInt64)
	for i, ms := range starts {
		unit := int64(i)
		switch b {
		case convreport.Hour:
			unit = floorDiv(ms, int64(time.Hour/time.Millisecond))
		case convreport.Day:
			unit = floorDiv(ms, int64(24*time.Hour/time.Millisecond))
		}
		if run := floorDiv(unit, int64(k)); run != last {
			values, last = append(values, ms), run
		}
	}
	return obj{"values": values, "format": format}
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && a < 0 {
		q--
	}
	return q
}

// vegaTimeDomain is the span of a bar chart's buckets, from the first's
// start to the last's end, in milliseconds as Vega reads times.
func vegaTimeDomain(spec ChartSpec) (lo, hi int64) {
	for i, c := range spec.Categories {
		s, e := vegaBucketSpan(spec.X.Bucket, c.Time)
		if i == 0 || s.UnixMilli() < lo {
			lo = s.UnixMilli()
		}
		if i == 0 || e.UnixMilli() > hi {
			hi = e.UnixMilli()
		}
	}
	return lo, hi
}

// vegaDescribe adds to each row its "description": the tooltip's
// titles and the row's values, "Point: 2025-04-01 00:00; Conversations: 3".
func vegaDescribe(rows []obj, tooltip []obj) {
	for _, row := range rows {
		parts := make([]string, 0, len(tooltip))
		for _, tt := range tooltip {
			var text string
			switch v := row[tt["field"].(string)].(type) {
			case string:
				text = v
			case int64:
				text = FormatCount(v)
			default:
				continue
			}
			parts = append(parts, tt["title"].(string)+": "+text)
		}
		row["description"] = strings.Join(parts, "; ")
	}
}

// vegaBucket is a bucket's start as a Vega-Lite spec's data gives it:
// as result JSON writes it, but for an hour its wall clock in the query's
// zone written as UTC (see VegaLite).
func vegaBucket(b convreport.Bucket, c ChartCategory) string {
	if b == convreport.Hour && !c.Time.IsZero() {
		return vegaTime(wallClock(c.Time))
	}
	return c.Key
}

// vegaBarSpan is where the k-th of n bars side by side in bucket c is
// drawn on a time axis, as vegaBucket writes times: its part of the
// bucket from its start to the next bucket's, less a twentieth of the
// bucket at each end to part neighbouring buckets.
func vegaBarSpan(b convreport.Bucket, c ChartCategory, k, n int) (from, to string) {
	start, end := vegaBucketSpan(b, c.Time)
	pad := end.Sub(start) / 20
	part := (end.Sub(start) - 2*pad) / time.Duration(n)
	from = vegaTime(start.Add(pad + part*time.Duration(k)))
	to = vegaTime(start.Add(pad + part*time.Duration(k+1)))
	return from, to
}

// vegaBucketSpan returns the wall clocks, written as UTC, at which the
// bucket starting at t begins and ends (where the next bucket begins):
// for an hour, its start and the next whole hour or date; for a wider
// bucket, its first date and the first date of the next. The first of a
// repeated hour, whose successor's wall clock reads the same, spans its
// own length.
func vegaBucketSpan(b convreport.Bucket, t time.Time) (start, end time.Time) {
	if b == convreport.Hour {
		next := civil.HourNext(t)
		start, end = wallClock(t), wallClock(next)
		if !end.After(start) {
			end = start.Add(next.Sub(t))
		}
		return start, end
	}
	y, m, d := t.Date()
	start = time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	switch b {
	case convreport.Week:
		// A week whose first date the zone skipped (Pacific/Apia went
		// from 2011-12-29 to 2011-12-31) begins on the date after, and
		// still ends seven days after the skipped one, where the next
		// week begins. A zone skips a day at most, never a week.
		first := start
		for range 6 {
			if dateExists(first.AddDate(0, 0, -1), t.Location()) {
				break
			}
			first = first.AddDate(0, 0, -1)
		}
		return start, first.AddDate(0, 0, 7)
	case convreport.Month:
		return start, time.Date(y, m+1, 1, 0, 0, 0, 0, time.UTC)
	case convreport.Quarter:
		return start, time.Date(y, civil.QuarterStart(m)+3, 1, 0, 0, 0, 0, time.UTC)
	case convreport.Year:
		return start, time.Date(y+1, time.January, 1, 0, 0, 0, 0, time.UTC)
	}
	return start, start.AddDate(0, 0, 1)
}

// dateExists reports whether loc's clock reads the date of d (a date at
// UTC midnight) at some instant: false for a date the zone skipped.
// Within a date, a clock change skips or repeats hours, never the
// whole date, so midnight or noon reads it.
func dateExists(d time.Time, loc *time.Location) bool {
	y, m, day := d.Date()
	for _, h := range []int{0, 12} {
		if ly, lm, ld := time.Date(y, m, day, h, 0, 0, 0, loc).Date(); ly == y && lm == m && ld == day {
			return true
		}
	}
	return false
}

// wallClock is t's wall clock in its zone, written as UTC.
func wallClock(t time.Time) time.Time {
	y, m, d := t.Date()
	hh, mm, ss := t.Clock()
	return time.Date(y, m, d, hh, mm, ss, t.Nanosecond(), time.UTC)
}

// vegaTime writes a time as Vega reads it, in UTC: to the second, or to
// the millisecond where a bar's part of its bucket needs it.
func vegaTime(t time.Time) string {
	t = t.Round(time.Millisecond)
	if t.Nanosecond() != 0 {
		return t.Format("2006-01-02T15:04:05.000Z")
	}
	return t.Format("2006-01-02T15:04:05Z")
}

// nullableFloat returns the value for a spec's data: the exact decimal as
// a JSON number (a float64 could lose digits or take an exponent), or nil.
func nullableFloat(v ChartValue) any {
	if v.Null {
		return nil
	}
	return json.Number(v.Value)
}

// noData is a summary's number when no conversation has a value: a
// duration over nothing is not zero, and an empty card says nothing.
const noData = "no data"

func summaryText(s *ChartSummary) string {
	if s.Null {
		return noData
	}
	return chartValueText(s.ChartValue, s.Unit)
}

func unitSuffix(unit string) string {
	switch unit {
	case "seconds":
		return " (seconds)"
	case "percent":
		return " (%)"
	}
	return ""
}

// lowerFirst lower-cases the first letter of each word of a title for
// use inside a sentence, but leaves abbreviations: "Page URL" reads "page
// URL", "Plan Tier" "plan tier", "VIP" stays "VIP".
func lowerFirst(s string) string {
	words := strings.Split(s, " ")
	for i, w := range words {
		if utf8.RuneCountInString(w) > 1 && strings.ToUpper(w) == w {
			continue
		}
		r, n := utf8.DecodeRuneInString(w)
		words[i] = string(unicode.ToLower(r)) + w[n:]
	}
	return strings.Join(words, " ")
}

// cleanSpec rids the spec's labels of characters an SVG or HTML page drawn
// from them may not hold.
func cleanSpec(s ChartSpec) ChartSpec {
	c := textwidth.CleanMarkup
	s.Title, s.X.Title, s.Y.Title, s.Legend = c(s.Title), c(s.X.Title), c(s.Y.Title), c(s.Legend)
	s.Labels = slices.Clone(s.Labels)
	for i := range s.Labels {
		s.Labels[i] = c(s.Labels[i])
	}
	s.Categories = slices.Clone(s.Categories)
	for i := range s.Categories {
		s.Categories[i].Label = c(s.Categories[i].Label)
	}
	s.Series = slices.Clone(s.Series)
	for i := range s.Series {
		s.Series[i].Name = c(s.Series[i].Name)
	}
	s.Slices = slices.Clone(s.Slices)
	for i := range s.Slices {
		s.Slices[i].Label = c(s.Slices[i].Label)
	}
	return s
}
