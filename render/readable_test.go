package render_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/render"
)

// "This month" on the 12th: the engine returns all 31 days of March, the
// 19 after the 12th at zero. Readable keeps 1–12 and leaves the range.
func TestReadableStopsTimeSeriesAtNow(t *testing.T) {
	rep := convreport.Report{Name: "Chats over time", Bucket: convreport.Day}
	var pts []convreport.Point
	for d := 1; d <= 31; d++ {
		n := int64(0)
		if d <= 12 {
			n = int64(d)
		}
		pts = append(pts, convreport.Point{Bucket: day(d), Value: num(strconv.FormatInt(n, 10)), Count: n})
	}
	r := convreport.Result{Report: rep, From: day(1), To: day(32), Zone: paris, Points: pts}
	now := day(12).Add(15 * time.Hour) // the 12th, 15:00: its bucket is kept, partly counted

	got := render.Readable(r, now)
	require.Len(t, got.Points, 12)
	require.Equal(t, day(12), got.Points[11].Bucket)
	require.Equal(t, day(1), got.From)
	require.Equal(t, day(32), got.To, "the period stays the whole month")
	require.Len(t, r.Points, 31, "the input is not modified")

	// Every renderer draws 12 days: the SVG has 12 linked dots, the CSV 12
	// rows, the Vega-Lite spec 12 data rows.
	var svg bytes.Buffer
	require.NoError(t, render.SVG(&svg, got, render.SVGOptions{}))
	require.Equal(t, 12, strings.Count(svg.String(), "<circle"))
	var csv bytes.Buffer
	require.NoError(t, render.ReportCSV(&csv, got))
	require.Equal(t, 13, strings.Count(csv.String(), "\n"))
	b, err := render.VegaLite(got)
	require.NoError(t, err)
	var spec map[string]any
	require.NoError(t, json.Unmarshal(b, &spec))
	require.Len(t, spec["data"].(map[string]any)["values"], 12)

	// At the month's first instant its first day stays, and so do the
	// days after it that hold conversations (days 2 to 12 here), but not
	// the empty days after them; a zero Now keeps all.
	require.Len(t, render.Readable(r, day(1)).Points, 12)
	onlyFirst := r
	onlyFirst.Points = []convreport.Point{pts[0]}
	for _, p := range pts[1:] {
		onlyFirst.Points = append(onlyFirst.Points, convreport.Point{Bucket: p.Bucket, Value: num("0")})
	}
	require.Len(t, render.Readable(onlyFirst, day(1)).Points, 1)
	require.Len(t, render.Readable(r, time.Time{}).Points, 31)
}

// A "(no value)" group bigger than all the rest goes after the named
// groups (Other stays last) and the chart says why it is so large.
func TestReadableNoValueLast(t *testing.T) {
	rep := convreport.Report{Name: "Chats by rep", Dimensions: []string{"Assignee"}, Chart: convreport.Chart{Type: convreport.BarChart}}
	r := convreport.Result{Report: rep, From: day(1), To: day(32), Zone: paris, Points: []convreport.Point{
		{Dimensions: []convreport.DimensionValue{unknown("Assignee")}, Value: num("900"), Count: 900},
		{Dimensions: []convreport.DimensionValue{known("Assignee", "Ana")}, Value: num("60"), Count: 60},
		{Other: true, Dimensions: []convreport.DimensionValue{known("Assignee", "Other")}, Value: num("25"), Count: 25},
		{Dimensions: []convreport.DimensionValue{known("Assignee", "Ben")}, Value: num("15"), Count: 15},
	}}
	got := render.Readable(r, day(5))
	var order []string
	for _, p := range got.Points {
		order = append(order, p.Dimensions[0].Label())
	}
	require.Equal(t, []string{"Ana", "Ben", "(no value)", "Other"}, order)
	require.Equal(t, "(no value)", r.Points[0].Dimensions[0].Label(), "the input is not modified")

	spec := render.NewChartSpec(got)
	require.Equal(t, "(no value)", spec.Categories[len(spec.Categories)-2].Label)
	// 900 of 1,000 conversations.
	require.Equal(t, "(no value) is 90 % of the conversations (no Assignee); shown after the others.", spec.Note)
	var svg bytes.Buffer
	require.NoError(t, render.SVG(&svg, got, render.SVGOptions{}))
	require.Contains(t, svg.String(), `class="note"`)
	require.Contains(t, svg.String(), "(no value) is 90 %")
	// 900 is more than 3 × 60: the axis fits Ana's bar, and the giant's is
	// cut with a break mark, its label still the real value.
	require.Equal(t, 2, strings.Count(svg.String(), `class="cut"`))
	require.Contains(t, svg.String(), ">900</text>")
	require.NotContains(t, svg.String(), ">800</text>", "no tick near 900")

	// Half or less: no note.
	r.Points[0].Count, r.Points[0].Value = 100, num("100")
	require.Empty(t, render.NewChartSpec(render.Readable(r, day(5))).Note)
}

// An average whose (no value) group is 60 times the others: the note says
// what the group is; the bars of the reps stay readable.
func TestNoValueDwarfsAverage(t *testing.T) {
	rep := convreport.Report{Name: "First response by rep", Dimensions: []string{"Assignee"},
		Measure: convreport.Measure{Agg: convreport.Average, Metric: convreport.FirstResponseTime}}
	r := convreport.Result{Report: rep, From: day(1), To: day(32), Zone: paris, Points: []convreport.Point{
		{Dimensions: []convreport.DimensionValue{unknown("Assignee")}, Value: num("13440"), Count: 12},
		{Dimensions: []convreport.DimensionValue{known("Assignee", "Ana")}, Value: num("224"), Count: 40},
		{Dimensions: []convreport.DimensionValue{known("Assignee", "Ben")}, Value: num("38"), Count: 50},
	}}
	got := render.Readable(r, day(5))
	spec := render.NewChartSpec(got)
	require.Equal(t, "(no value): conversations with no Assignee, 60× the largest other; shown after the others.", spec.Note)
	var svg bytes.Buffer
	require.NoError(t, render.SVG(&svg, got, render.SVGOptions{}))
	require.Contains(t, svg.String(), `class="cut"`)
	require.Contains(t, svg.String(), ">3h 44m</text>", "the cut bar's label is its real value")
	// Vega-Lite cuts it the same way: the axis, in minutes (the reps'
	// 224 s, not the 3h 44m), ends at the longest other bar, 224/60
	// minutes, bars are clipped there, and the subtitle says so.
	raw, err := render.VegaLite(got)
	require.NoError(t, err)
	var vl struct {
		Title    map[string]any `json:"title"`
		Mark     map[string]any `json:"mark"`
		Encoding struct {
			X map[string]any `json:"x"`
		} `json:"encoding"`
	}
	require.NoError(t, json.Unmarshal(raw, &vl))
	require.Equal(t, "value_minutes", vl.Encoding.X["field"])
	require.InDelta(t, 224.0/60, vl.Encoding.X["scale"].(map[string]any)["domainMax"], 1e-9)
	require.Equal(t, true, vl.Mark["clip"])
	require.Contains(t, vl.Title["subtitle"], "cut at the end of the axis")
	// Below 3 times, no cut and no note.
	r.Points[0].Value = num("600")
	require.Empty(t, render.NewChartSpec(render.Readable(r, day(5))).Note)
	svg.Reset()
	require.NoError(t, render.SVG(&svg, render.Readable(r, day(5)), render.SVGOptions{}))
	require.NotContains(t, svg.String(), `class="cut"`)
	raw, err = render.VegaLite(render.Readable(r, day(5)))
	require.NoError(t, err)
	require.NotContains(t, string(raw), "domainMax")
}

// The pie palette: 20 slices get 20 colours, each far from every other
// and from the Other grey; a 25th slice is folded with the smallest.
func TestPieColoursDistinctAndFolded(t *testing.T) {
	rep := convreport.Report{Name: "By page", Dimensions: []string{"OriginURL"}, Chart: convreport.Chart{Type: convreport.PieChart}}
	mk := func(n int) convreport.Result {
		var pts []convreport.Point
		for i := range n {
			c := int64(100 - i) // descending, all different
			pts = append(pts, convreport.Point{Dimensions: []convreport.DimensionValue{known("OriginURL", fmt.Sprintf("/p%d", i))},
				Value: num(strconv.FormatInt(c, 10)), Count: c})
		}
		return convreport.Result{Report: rep, From: day(1), To: day(32), Zone: paris, Points: pts}
	}
	var svg bytes.Buffer
	require.NoError(t, render.SVG(&svg, mk(20), render.SVGOptions{}))
	fills := sliceFills(svg.String())
	require.Len(t, fills, 20)
	fills = append(fills, "#b0c1d4") // the Other grey
	for i := range fills {
		for j := i + 1; j < len(fills); j++ {
			require.GreaterOrEqual(t, deltaE(fills[i], fills[j]), 18.0, "%s and %s", fills[i], fills[j])
		}
	}

	// 25 slices: the 19 largest, then Other with the 6 smallest (95…100
	// counts were 100-19…100-24 = 81…76: 81+80+79+78+77+76 = 471).
	spec := render.NewChartSpec(mk(25))
	require.Len(t, spec.Slices, render.MaxSlices)
	other := spec.Slices[render.MaxSlices-1]
	require.True(t, other.Other)
	require.Equal(t, "Other (6 groups)", other.Label)
	require.Equal(t, "471", other.Value)
	require.Equal(t, int64(471), other.Count)
	require.Equal(t, -1, other.Point, "a fold of several points links to none")
	var sum float64
	for _, s := range spec.Slices {
		sum += s.Share
	}
	require.InDelta(t, 1, sum, 1e-9)
}

// sliceFills returns the fill colour of each pie slice path.
func sliceFills(svg string) []string {
	var out []string
	for _, line := range strings.Split(svg, "\n") {
		if !strings.Contains(line, "<path") || !strings.Contains(line, `fill-rule="evenodd"`) {
			continue
		}
		i := strings.Index(line, `fill="`)
		out = append(out, line[i+6:i+13])
	}
	return out
}

// deltaE is the CIE76 distance of two #rrggbb colours, from sRGB through
// XYZ (D65) to L*a*b*.
func deltaE(a, b string) float64 {
	lab := func(h string) [3]float64 {
		v, _ := strconv.ParseUint(h[1:], 16, 32)
		c := [3]float64{float64(v >> 16 & 255), float64(v >> 8 & 255), float64(v & 255)}
		for i := range c {
			x := c[i] / 255
			if x <= 0.04045 {
				c[i] = x / 12.92
			} else {
				c[i] = math.Pow((x+0.055)/1.055, 2.4)
			}
		}
		x := (0.4124*c[0] + 0.3576*c[1] + 0.1805*c[2]) / 0.95047
		y := 0.2126*c[0] + 0.7152*c[1] + 0.0722*c[2]
		z := (0.0193*c[0] + 0.1192*c[1] + 0.9505*c[2]) / 1.08883
		f := func(t float64) float64 {
			if t > 0.008856 {
				return math.Cbrt(t)
			}
			return 7.787*t + 16.0/116
		}
		return [3]float64{116*f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))}
	}
	p, q := lab(a), lab(b)
	return math.Sqrt((p[0]-q[0])*(p[0]-q[0]) + (p[1]-q[1])*(p[1]-q[1]) + (p[2]-q[2])*(p[2]-q[2]))
}

// A summary that matches nothing: a count reads 0, a duration "no data",
// in every renderer.
func TestEmptySummary(t *testing.T) {
	count := convreport.Result{Report: convreport.Report{Name: "Chats", Chart: convreport.Chart{Type: convreport.SummaryChart}},
		From: day(1), To: day(2), Zone: paris}
	avg := count
	avg.Report.Name = "Wait"
	avg.Report.Measure = convreport.Measure{Agg: convreport.Average, Metric: convreport.WaitTime}
	for _, tc := range []struct {
		r    convreport.Result
		want string
	}{{count, ">0</text>"}, {avg, ">no data</text>"}} {
		var svg bytes.Buffer
		require.NoError(t, render.SVG(&svg, tc.r, render.SVGOptions{}))
		require.Contains(t, svg.String(), tc.want)
		b, err := render.VegaLite(tc.r)
		require.NoError(t, err)
		require.Contains(t, string(b), `"value_text": "`+strings.TrimSuffix(strings.TrimPrefix(tc.want, ">"), "</text>")+`"`)
		var txt bytes.Buffer
		require.NoError(t, render.Text(&txt, render.Dashboard{Results: []convreport.Result{tc.r}}, render.TextOptions{}))
		require.Contains(t, txt.String(), strings.TrimSuffix(strings.TrimPrefix(tc.want, ">"), "</text>"))
	}
}

// Vega-Lite duration axes read in the unit that suits the values: the
// largest bar of 90 s is in seconds, of 50 min in minutes, of 30 h in
// hours, of 3 days in days; the data keeps exact seconds.
func TestVegaLiteDurationAxis(t *testing.T) {
	for _, tc := range []struct {
		top  string
		unit string
		div  int
	}{{"90", "seconds", 1}, {"3000", "minutes", 60}, {"108000", "hours", 3600}, {"259200", "days", 86400}} {
		r := result(convreport.Report{Name: "Wait by rep", Dimensions: []string{"Assignee"},
			Measure: convreport.Measure{Agg: convreport.Average, Metric: convreport.WaitTime}},
			convreport.Point{Dimensions: []convreport.DimensionValue{known("Assignee", "a")}, Value: num(tc.top), Count: 3},
			convreport.Point{Dimensions: []convreport.DimensionValue{known("Assignee", "b")}, Value: num("30"), Count: 2})
		spec := vegaOf(t, r)
		x := path(spec, "encoding", "x").(map[string]any)
		require.Equal(t, "value_"+tc.unit, x["field"], tc.top)
		require.Contains(t, x["title"], "("+tc.unit+")")
		tr := spec["transform"].([]any)[0].(map[string]any)
		require.Equal(t, "datum.value == null ? null : datum.value / "+strconv.Itoa(tc.div), tr["calculate"])
		vals := path(spec, "data", "values").([]any)
		require.Equal(t, json.Number(tc.top).String(), fmt.Sprint(vals[0].(map[string]any)["value"]))
	}
}
