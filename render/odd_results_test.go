package render_test

import (
	"bytes"
	"encoding/json"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/render"
)

// A pie over time is refused when a report is saved, but a dashboard
// saved before that rule still runs: its text is a table of its days, as
// every other format draws it, not a panic.
func TestTextOfAPieOverTime(t *testing.T) {
	r := result(convreport.Report{Name: "Chats per day as pie", Bucket: convreport.Day, Chart: convreport.Chart{Type: convreport.PieChart}},
		convreport.Point{Bucket: day(28), Value: num("37"), Count: 37},
		convreport.Point{Bucket: day(29), Value: num("29"), Count: 29},
	)
	var buf bytes.Buffer
	require.NoError(t, render.Text(&buf, render.Dashboard{Name: "P", From: rangeFrom, To: rangeTo, Zone: paris, Results: []convreport.Result{r}}, render.TextOptions{}))
	require.Contains(t, buf.String(), "2025-03-28")
	require.Contains(t, buf.String(), "2025-03-29")
	require.Contains(t, buf.String(), "37")
}

// A value past float64's range (only a Result made by hand has one) is
// drawn, not an axis whose step of Inf never ends.
func TestSVGOfAValuePastFloatRangeEnds(t *testing.T) {
	r := result(convreport.Report{Name: "Huge", Dimensions: []string{"Assignee"}, Measure: convreport.Measure{Agg: convreport.Average, Metric: convreport.WaitTime}},
		convreport.Point{Dimensions: []convreport.DimensionValue{known("Assignee", "a")}, Value: num("1e400"), Count: 3})
	done := make(chan error, 1)
	go func() {
		var buf bytes.Buffer
		done <- render.SVG(&buf, r, render.SVGOptions{})
	}()
	select {
	case err := <-done:
		require.NoError(t, err)
	case <-time.After(20 * time.Second):
		t.Fatal("SVG of a value of 1e400 did not return")
	}
}

// The ticks of an axis of small percentages are round numbers, not sums
// of steps that drift (0.6000000000000001 %).
func TestSVGTicksOfSmallPercentagesAreRound(t *testing.T) {
	r := result(convreport.Report{Name: "Share", Dimensions: []string{"Assignee"}, Chart: convreport.Chart{Type: convreport.ColumnChart},
		Measure: convreport.Measure{Agg: convreport.ShareWithin, Metric: convreport.FirstResponseTime, Threshold: convreport.Duration(time.Minute)}},
		convreport.Point{Dimensions: []convreport.DimensionValue{known("Assignee", "a")}, Value: num("0.7"), Count: 3},
		convreport.Point{Dimensions: []convreport.DimensionValue{known("Assignee", "b")}, Value: num("0.3"), Count: 4})
	var buf bytes.Buffer
	require.NoError(t, render.SVG(&buf, r, render.SVGOptions{}))
	require.Contains(t, buf.String(), ">0.6 %<")
	require.NotContains(t, buf.String(), "00000000")
}

// A dashboard with no report yet is drawn as such: a page a PNG can be
// made of, saying so, not a drawing 0 pixels wide.
func TestSVGOfADashboardWithNoReports(t *testing.T) {
	d := render.Dashboard{Name: "Empty", From: rangeFrom, To: rangeTo, Zone: paris}
	var buf bytes.Buffer
	require.NoError(t, render.SVGDashboard(&buf, d, render.SVGOptions{}))
	require.Contains(t, buf.String(), `width="640"`)
	require.Contains(t, buf.String(), "This dashboard has no reports.")
	buf.Reset()
	require.NoError(t, render.PNGDashboard(&buf, d, render.PNGOptions{}))
	require.Positive(t, buf.Len())
}

// A right-to-left override in a label or a name (a page URL a visitor
// typed, say) would show the number after it reversed in a browser:
// no page, chart or spec keeps one.
func TestNoOutputKeepsABidiOverride(t *testing.T) {
	r := result(convreport.Report{Name: "Reps \u202e", Dimensions: []string{"Assignee"}},
		convreport.Point{Dimensions: []convreport.DimensionValue{known("Assignee", "evil\u202e")}, Value: num("190"), Count: 190})
	d := render.Dashboard{Name: "Bidi \u202eboard", From: rangeFrom, To: rangeTo, Zone: paris, Results: []convreport.Result{r}}
	outs := map[string]func(*bytes.Buffer) error{
		"html": func(b *bytes.Buffer) error { return render.HTML(b, d, render.HTMLOptions{}) },
		"svg":  func(b *bytes.Buffer) error { return render.SVGDashboard(b, d, render.SVGOptions{}) },
		"vega": func(b *bytes.Buffer) error {
			spec, err := render.VegaLiteDashboard(d)
			b.Write(spec)
			return err
		},
		"text": func(b *bytes.Buffer) error { return render.Text(b, d, render.TextOptions{}) },
	}
	for name, write := range outs {
		var buf bytes.Buffer
		require.NoError(t, write(&buf), name)
		require.NotContains(t, buf.String(), "\u202e", name)
		require.NotContains(t, buf.String(), `\u202e`, name)
		require.Contains(t, buf.String(), "Reps", name)
	}
}

// A compared bar chart whose (no value) bar is cut: the axis fits the
// other bars' compared values too, and no outline runs past it, in the
// SVG (its rectangles stay inside the drawing) and in Vega-Lite (the
// outlines are clipped, and the axis reaches the compared 200 s).
func TestComparedOutlinesStayInsideACutAxis(t *testing.T) {
	prev := func(v string) *convreport.Point { return &convreport.Point{Value: num(v), Count: 1} }
	r := result(convreport.Report{Name: "Wait by rep", Dimensions: []string{"Assignee"}, Chart: convreport.Chart{Type: convreport.BarChart},
		Measure: convreport.Measure{Agg: convreport.Average, Metric: convreport.WaitTime}},
		convreport.Point{Dimensions: []convreport.DimensionValue{known("Assignee", "a")}, Value: num("100"), Count: 3, Previous: prev("200")},
		convreport.Point{Dimensions: []convreport.DimensionValue{known("Assignee", "b")}, Value: num("50"), Count: 3, Previous: prev("40")},
		convreport.Point{Dimensions: []convreport.DimensionValue{unknown("Assignee")}, Value: num("1000"), Count: 3, Previous: prev("9000")},
	)
	r.Compare = convreport.ComparePrevious
	var buf bytes.Buffer
	require.NoError(t, render.SVG(&buf, r, render.SVGOptions{}))
	rects := regexp.MustCompile(`<rect[^>]* x="([-0-9.]+)"[^>]* width="([-0-9.]+)"`).FindAllStringSubmatch(buf.String(), -1)
	require.NotEmpty(t, rects)
	for _, m := range rects {
		x, _ := strconv.ParseFloat(m[1], 64)
		w, _ := strconv.ParseFloat(m[2], 64)
		require.LessOrEqual(t, x+w, 640.0, m[0])
		require.GreaterOrEqual(t, w, 0.0, m[0])
	}
	spec, err := render.VegaLite(r)
	require.NoError(t, err)
	var v struct {
		Layer []struct {
			Mark     map[string]any `json:"mark"`
			Encoding struct {
				X struct {
					Scale struct {
						DomainMax float64 `json:"domainMax"`
					} `json:"scale"`
				} `json:"x"`
			} `json:"encoding"`
		} `json:"layer"`
	}
	require.NoError(t, json.Unmarshal(spec, &v))
	require.Len(t, v.Layer, 2)
	for _, l := range v.Layer {
		require.Equal(t, true, l.Mark["clip"])
	}
	require.InDelta(t, 200.0/60, v.Layer[0].Encoding.X.Scale.DomainMax, 1e-9, "minutes: the axis reaches a's compared 200 s")
}

// Vega-Lite shows times in UTC or in the viewer's zone only: an hour's
// bucket is given as its wall clock in the query's zone written as UTC,
// and read back in UTC, so the axis says 00:00 for New York's midnight
// wherever the page is opened. A column spans its bucket less a
// twentieth at each end: an hour's 00:03 to 00:57, a week's its seven
// days (168 hours) from 8.4 hours in.
func TestVegaLiteBucketsReadAsTheQueryZoneSays(t *testing.T) {
	ny := mustZone("America/New_York")
	at := time.Date(2025, 4, 1, 0, 0, 0, 0, ny)
	r := convreport.Result{Report: convreport.Report{Name: "By hour", Bucket: convreport.Hour, Chart: convreport.Chart{Type: convreport.ColumnChart}},
		From: at, To: at.Add(2 * time.Hour), Zone: ny, Points: []convreport.Point{
			{Bucket: at, Value: num("3"), Count: 3}, {Bucket: at.Add(time.Hour), Value: num("5"), Count: 5}}}
	spec, err := render.VegaLite(r)
	require.NoError(t, err)
	require.Contains(t, string(spec), `"bucket": "2025-04-01T00:00:00Z"`)
	require.Contains(t, string(spec), `"bar_start": "2025-04-01T00:03:00Z"`)
	require.Contains(t, string(spec), `"bar_end": "2025-04-01T00:57:00Z"`)
	require.Contains(t, string(spec), `"label": "2025-04-01 00:00"`)
	require.Contains(t, string(spec), `"type": "utc"`)
	require.NotContains(t, string(spec), `"timeUnit"`, "a time unit floors a start to it")

	w := result(convreport.Report{Name: "By week", Bucket: convreport.Week, Chart: convreport.Chart{Type: convreport.ColumnChart}},
		convreport.Point{Bucket: day(24), Value: num("3"), Count: 3}, convreport.Point{Bucket: day(31), Value: num("5"), Count: 5})
	spec, err = render.VegaLite(w)
	require.NoError(t, err)
	require.Contains(t, string(spec), `"bar_start": "2025-03-24T08:24:00Z"`)
	require.Contains(t, string(spec), `"bar_end": "2025-03-30T15:36:00Z"`)
}

// A size too small for a chart is raised to what holds it: no negative
// width or height anywhere, and the bars of one row of a grouped chart
// stay inside that row.
func TestSVGOfTinySizesIsWellFormed(t *testing.T) {
	grouped := result(convreport.Report{Name: "By rep and inbox", Dimensions: []string{"Assignee", "Inbox"}, Chart: convreport.Chart{Type: convreport.BarChart}})
	for _, rep := range []string{"a", "b", "c", "d", "e", "f"} {
		for _, in := range []string{"x", "y", "z"} {
			grouped.Points = append(grouped.Points, convreport.Point{Dimensions: []convreport.DimensionValue{known("Assignee", rep), known("Inbox", in)}, Value: num("5"), Count: 5})
		}
	}
	two := result(convreport.Report{Name: "By rep", Dimensions: []string{"Assignee"}},
		convreport.Point{Dimensions: []convreport.DimensionValue{known("Assignee", "a")}, Value: num("5"), Count: 5},
		convreport.Point{Dimensions: []convreport.DimensionValue{known("Assignee", "b")}, Value: num("3"), Count: 3})
	cols := two
	cols.Report.Chart = convreport.Chart{Type: convreport.ColumnChart}
	num := regexp.MustCompile(`(width|height)="(-?[0-9.]+)"`)
	for name, c := range map[string]struct {
		r    convreport.Result
		opts render.SVGOptions
	}{
		"bars, width 100":     {two, render.SVGOptions{Width: 100}},
		"columns, height 60":  {cols, render.SVGOptions{Height: 60}},
		"grouped, height 200": {grouped, render.SVGOptions{Height: 200}},
		"grouped, width 50":   {grouped, render.SVGOptions{Width: 50, Height: 10}},
	} {
		var buf bytes.Buffer
		require.NoError(t, render.SVG(&buf, c.r, c.opts), name)
		for _, m := range num.FindAllStringSubmatch(buf.String(), -1) {
			v, err := strconv.ParseFloat(m[2], 64)
			require.NoError(t, err)
			require.GreaterOrEqual(t, v, 0.0, "%s: %s", name, m[0])
		}
		if c.r.Report.Name == "By rep and inbox" {
			// The rows' bars (12 pixels or less) do not overlap: each
			// bar's top is at least its height below the one before it.
			plot := buf.String()[strings.Index(buf.String(), `class="axis"`):] // past the legend
			ys := regexp.MustCompile(`<rect[^>]* y="([0-9.]+)"[^>]* height="([0-9.]+)"`).FindAllStringSubmatch(plot, -1)
			require.NotEmpty(t, ys, name)
			var prevEnd float64
			for _, m := range ys {
				y, _ := strconv.ParseFloat(m[1], 64)
				h, _ := strconv.ParseFloat(m[2], 64)
				if h > 13 {
					continue
				}
				require.GreaterOrEqual(t, y+0.01, prevEnd, "%s: %s", name, m[0])
				prevEnd = y + h
			}
		}
	}
}

// An inbox named "Other" beside the fold of a report's tail, and a value
// spelled "(no value)" beside the group with none, are four groups: the
// Vega-Lite spec, which groups its rows by label, keeps them apart.
func TestVegaLiteKeepsGroupsSpelledAlikeApart(t *testing.T) {
	r := result(convreport.Report{Name: "By inbox", Dimensions: []string{"Inbox"}, Limit: 3},
		convreport.Point{Dimensions: []convreport.DimensionValue{known("Inbox", "Other")}, Value: num("10"), Count: 10},
		convreport.Point{Dimensions: []convreport.DimensionValue{known("Inbox", "(no value)")}, Value: num("8"), Count: 8},
		convreport.Point{Dimensions: []convreport.DimensionValue{unknown("Inbox")}, Value: num("7"), Count: 7},
		convreport.Point{Dimensions: []convreport.DimensionValue{known("Inbox", "Other")}, Other: true, Value: num("5"), Count: 5})
	r.Folded = 4
	spec, err := render.VegaLite(r)
	require.NoError(t, err)
	var v struct {
		Data struct {
			Values []struct {
				Category string `json:"category"`
			} `json:"values"`
		} `json:"data"`
	}
	require.NoError(t, json.Unmarshal(spec, &v))
	var cats []string
	for _, row := range v.Data.Values {
		cats = append(cats, row.Category)
	}
	require.Equal(t, []string{"Other", "“(no value)”", "(no value)", "Other (4 groups)"}, cats)
}
