package render_test

import (
	"bytes"
	"fmt"
	"io"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/render"
)

// A Result that holds one group twice (the engine never returns one; a
// hand-made Result or a faulty source can) is refused by every renderer
// with an error naming the report, the points and the group, whatever the
// chart: no panic (VegaLite's table met a row it had never filled), and
// no chart that silently draws one of the two points. So is a point whose
// dimension values do not match the report's, which a chart would place
// on another's cell.
func TestRenderersRefuseARepeatedGroup(t *testing.T) {
	inbox := func(v string) []convreport.DimensionValue {
		return []convreport.DimensionValue{known("Inbox", v)}
	}
	grouped := func(typ convreport.ChartType) convreport.Result {
		return result(convreport.Report{Name: "By inbox", Dimensions: []string{"Inbox"}, Chart: convreport.Chart{Type: typ}},
			convreport.Point{Dimensions: inbox("Sales"), Value: num("1"), Count: 1},
			convreport.Point{Dimensions: inbox("Support"), Value: num("4"), Count: 4},
			convreport.Point{Dimensions: inbox("Sales"), Value: num("2"), Count: 2},
		)
	}
	cases := map[string]struct {
		r    convreport.Result
		want string
	}{
		"series": {result(convreport.Report{Name: "Per day", Bucket: convreport.Day},
			convreport.Point{Bucket: day(28), Value: num("1"), Count: 1},
			convreport.Point{Bucket: day(28), Value: num("2"), Count: 2},
		), `render: report "Per day": points 0 and 1 are the same group (2025-03-28); a result holds each group once`},
		"no value": {result(convreport.Report{Name: "By inbox", Dimensions: []string{"Inbox"}},
			convreport.Point{Dimensions: []convreport.DimensionValue{unknown("Inbox")}, Value: num("1"), Count: 1},
			convreport.Point{Dimensions: []convreport.DimensionValue{unknown("Inbox")}, Value: num("2"), Count: 2},
		), `render: report "By inbox": points 0 and 1 are the same group ((no value)); a result holds each group once`},
		// Two instants of one day are one bucket on a daily axis.
		"one day": {result(convreport.Report{Name: "Per day", Bucket: convreport.Day},
			convreport.Point{Bucket: day(28), Value: num("1"), Count: 1},
			convreport.Point{Bucket: day(28).Add(12 * time.Hour), Value: num("2"), Count: 2},
		), `render: report "Per day": points 0 and 1 are the same group (2025-03-28); a result holds each group once`},
		"dimensions": {result(convreport.Report{Name: "By inbox and channel", Dimensions: []string{"Inbox", "Channel"}, Chart: convreport.Chart{Type: convreport.TableChart}},
			convreport.Point{Dimensions: []convreport.DimensionValue{known("Inbox", "Sales"), known("Channel", "chat")}, Value: num("1"), Count: 1},
			convreport.Point{Dimensions: inbox("Sales"), Value: num("2"), Count: 2},
		), `render: report "By inbox and channel": point 1 has 1 dimension value for the report's 2 dimensions (Inbox, Channel)`},
		"other": {result(convreport.Report{Name: "All", Chart: convreport.Chart{Type: convreport.TableChart}},
			convreport.Point{Value: num("1"), Count: 1},
			convreport.Point{Other: true, Value: num("2"), Count: 2},
		), `render: report "All": point 1 is an Other point, but the report has no dimension to fold`},
	}
	for _, typ := range []convreport.ChartType{convreport.TableChart, convreport.BarChart, convreport.ColumnChart, convreport.LineChart,
		convreport.PieChart, convreport.SummaryChart} {
		cases[string(typ)] = struct {
			r    convreport.Result
			want string
		}{grouped(typ), `render: report "By inbox": points 0 and 2 are the same group (Sales); a result holds each group once`}
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			d := render.Dashboard{Name: "D", Results: []convreport.Result{byRep, c.r}}
			for what, run := range map[string]func() error{
				"Text":      func() error { return render.Text(io.Discard, d, render.TextOptions{}) },
				"CSV":       func() error { return render.CSV(io.Discard, d) },
				"ReportCSV": func() error { return render.ReportCSV(io.Discard, c.r) },
				"CSVZip":    func() error { return render.CSVZip(io.Discard, d, time.Time{}) },
				"JSON":      func() error { return render.JSON(io.Discard, d) },
				"SVG":       func() error { return render.SVG(io.Discard, c.r, render.SVGOptions{}) },
				"SVGDashboard": func() error {
					return render.SVGDashboard(io.Discard, d, render.SVGOptions{})
				},
				"PNG":  func() error { return render.PNG(io.Discard, c.r, render.PNGOptions{}) },
				"HTML": func() error { return render.HTML(io.Discard, d, render.HTMLOptions{}) },
				"VegaLite": func() error {
					_, err := render.VegaLite(c.r)
					return err
				},
				"VegaLiteDashboard": func() error {
					_, err := render.VegaLiteDashboard(d)
					return err
				},
			} {
				err := func() (err error) {
					defer func() {
						if e := recover(); e != nil {
							err = fmt.Errorf("panic: %v", e)
						}
					}()
					return run()
				}()
				require.EqualError(t, err, c.want, what)
			}
		})
	}

	// A group told apart by its bucket, and the Other point of each
	// bucket, are not repeated.
	var buf bytes.Buffer
	ok := result(convreport.Report{Name: "Per day by inbox", Bucket: convreport.Day, Dimensions: []string{"Inbox"}, Limit: 1},
		convreport.Point{Bucket: day(28), Dimensions: inbox("Sales"), Value: num("1"), Count: 1},
		convreport.Point{Bucket: day(28), Dimensions: inbox("Other"), Other: true, Value: num("1"), Count: 1},
		convreport.Point{Bucket: day(29), Dimensions: inbox("Sales"), Value: num("2"), Count: 2},
		convreport.Point{Bucket: day(29), Dimensions: inbox("Other"), Other: true, Value: num("1"), Count: 1},
	)
	require.NoError(t, render.SVG(&buf, ok, render.SVGOptions{}))
}
