package render

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/convreport/convreport"
)

// Dashboard is what the renderers draw: the results of one run, in the
// dashboard's order, with the run's range and zone.
//
// From, To and Zone are the query's; when zero they are taken from the
// first result (which carries the resolved range of its query).
type Dashboard struct {
	Name     string
	From, To time.Time
	Zone     *time.Location
	Results  []convreport.Result
}

// resolved returns d with From, To and Zone filled in.
func (d Dashboard) resolved() Dashboard {
	if len(d.Results) > 0 {
		r := d.Results[0]
		if d.From.IsZero() {
			d.From = r.From
		}
		if d.To.IsZero() {
			d.To = r.To
		}
		if d.Zone == nil {
			d.Zone = r.Zone
		}
	}
	if d.Zone == nil {
		d.Zone = time.UTC
	}
	return d
}

// PointRef identifies one data point of a dashboard, for the hooks that
// link points to their drill-down.
type PointRef struct {
	// Report is the index of the point's result in Dashboard.Results.
	Report int
	// Index is the index of the point in its Result.Points.
	Index int
	Point convreport.Point
}

// DefaultDrillURL links a point to its drill-down section in the same page:
// "#drill-<report>-<point>", the id the HTML page gives the section (or,
// without drill rows, the point's table row).
func DefaultDrillURL(ref PointRef) string {
	return "#" + drillID(ref.Report, ref.Index)
}

func drillID(report, point int) string {
	return "drill-" + strconv.Itoa(report) + "-" + strconv.Itoa(point)
}

// DrillTable is the list of conversations behind one point, as the HTML
// page shows it: a header per column and the rows as text.
type DrillTable struct {
	Columns []string
	Rows    [][]string
	// Total is the number of conversations behind the point when Rows holds
	// only the first of them; zero means len(Rows).
	Total int
}

// NewDrillTable turns a drill-down into a DrillTable of at most limit rows
// (0: every row), in the drill's current order. Columns are the drill's
// column labels; times are written in zone ("2006-01-02 15:04:05"),
// durations humanised, unknown values as empty cells.
func NewDrillTable(d *convreport.Drill, zone *time.Location, limit int) DrillTable {
	if zone == nil {
		zone = time.UTC
	}
	t := DrillTable{Columns: make([]string, len(d.Columns)), Total: d.Len()}
	for i, c := range d.Columns {
		t.Columns[i] = c.Label
	}
	for c := range d.All() {
		if limit > 0 && len(t.Rows) == limit {
			break
		}
		vals := d.Values(&c)
		row := make([]string, len(vals))
		for i, v := range vals {
			row[i] = cellText(v, zone)
		}
		t.Rows = append(t.Rows, row)
	}
	return t
}

func cellText(v any, zone *time.Location) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		return v
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(v)
	case time.Time:
		return v.In(zone).Format("2006-01-02 15:04:05")
	case time.Duration:
		return FormatDuration(decimalSeconds(v))
	}
	return fmt.Sprint(v)
}

// checkResult refuses a Result the renderers cannot show faithfully: a
// point whose dimension values do not match the report's dimensions, an
// Other point in a report without dimensions (nothing is folded there),
// or one group held twice (the same dimension values, or both the Other
// point, in the same bucket). The engine never returns one; a hand-made
// Result or a faulty source can, and a chart would draw one point over
// another.
func checkResult(r convreport.Result) error {
	rep := r.Report
	seen := make(map[string]int, len(r.Points))
	for i, p := range r.Points {
		switch {
		case len(p.Dimensions) != len(rep.Dimensions):
			return fmt.Errorf("render: report %q: point %d has %s for the report's %s",
				rep.Name, i, plural(len(p.Dimensions), "dimension value"), reportDimensions(rep))
		case p.Other && len(rep.Dimensions) == 0:
			return fmt.Errorf("render: report %q: point %d is an Other point, but the report has no dimension to fold", rep.Name, i)
		}
		// Keyed as the chart places points: by bucket as its axis reads it.
		key := chartIdentity(p.Other, p.Dimensions)
		if rep.Bucket != convreport.NoBucket {
			t := p.Bucket
			if r.Zone != nil {
				t = t.In(r.Zone)
			}
			key += "@" + rep.Bucket.Key(t)
		}
		if j, dup := seen[key]; dup {
			return fmt.Errorf("render: report %q: points %d and %d are the same group (%s); a result holds each group once",
				rep.Name, j, i, chartPointLabel(p, rep.Bucket, r.Zone))
		}
		seen[key] = i
	}
	return nil
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return strconv.Itoa(n) + " " + what + "s"
}

// reportDimensions names a report's dimensions for an error: "no
// dimensions", "1 dimension (Inbox)", "2 dimensions (Inbox, Channel)".
func reportDimensions(rep convreport.Report) string {
	if len(rep.Dimensions) == 0 {
		return "no dimensions"
	}
	return plural(len(rep.Dimensions), "dimension") + " (" + strings.Join(rep.Dimensions, ", ") + ")"
}

// checkResults is checkResult for each result of a dashboard.
func checkResults(rs []convreport.Result) error {
	for _, r := range rs {
		if err := checkResult(r); err != nil {
			return err
		}
	}
	return nil
}
