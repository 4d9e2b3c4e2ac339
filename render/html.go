package render

import (
	"bytes"
	_ "embed"
	"fmt"
	"html/template"
	"io"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/render/internal/textwidth"
)

// HTMLOptions configures [HTML]. The zero value means the defaults.
type HTMLOptions struct {
	// DrillURL returns the link of each data point, in the charts and the
	// tables; nil means [DefaultDrillURL], an anchor in the page.
	DrillURL func(PointRef) string
	// Drill returns the conversations behind a point, listed in a section of
	// the page whose id is the point's default anchor ("drill-<report>-<point>");
	// nil (or a nil table) lists none, and the anchor is then the point's row
	// in its report's table. [NewDrillTable] turns an [convreport.Engine]
	// drill-down into a DrillTable.
	Drill func(PointRef) *DrillTable
	// Lang is the page's language; default "en".
	Lang string
}

//go:embed page.html.tmpl
var pageTemplate string

var page = template.Must(template.New("page").Parse(pageTemplate))

type htmlPage struct {
	Lang, Name, Range, Zone string
	Reports                 []htmlReport
	Drills                  []htmlDrill
}

type htmlReport struct {
	Index          int
	Title, Meta    string
	XTitle, YTitle string
	SVG            template.HTML
	ShowCount      bool
	Rows           []htmlRow
}

type htmlRow struct {
	ID, URL, Label, Value, Count string
}

type htmlDrill struct {
	ID, RowID, Label, Report, Value, Count, Shown string
	Table                                         DrillTable
}

// HTML writes d as one self-contained page: no script, font, style sheet
// or image is fetched, the charts are inline SVG. It shows the dashboard's
// name, range and zone, then a card per report with its chart and a table
// of its points; every point (bar, slice, dot, row) links to its
// drill-down. With opts.Drill the page ends with a section per point
// listing its conversations, reachable from those links. Text is escaped
// by html/template; the page is readable without styles, navigable by
// keyboard, and prints one card per block.
func HTML(w io.Writer, d Dashboard, opts HTMLOptions) error {
	if err := checkResults(d.Results); err != nil {
		return err
	}
	d = d.resolved()
	urlFor := opts.DrillURL
	if urlFor == nil {
		urlFor = DefaultDrillURL
	}
	p := htmlPage{Lang: opts.Lang, Name: d.Name, Range: FormatRange(d.From, d.To, d.Zone), Zone: d.Zone.String()}
	if p.Lang == "" {
		p.Lang = "en"
	}
	for ri, r := range d.Results {
		spec := NewChartSpec(r)
		rep := htmlReport{
			Index: ri, Title: spec.Title, XTitle: spec.X.Title, YTitle: spec.Y.Title,
			Meta:      reportMeta(r, spec),
			ShowCount: spec.Y.Unit != "conversations", // a count's value is its count
		}
		// A table chart is the page's table itself.
		if spec.Type != convreport.TableChart {
			var svg bytes.Buffer
			err := SVG(&svg, r, SVGOptions{Report: ri, DrillURL: urlFor, ID: fmt.Sprintf("chart-%d", ri), HideTitle: true})
			if err != nil {
				return err
			}
			// The drawing is built by this package with every text escaped.
			rep.SVG = template.HTML(svg.String())
		}
		if spec.Legend != "" {
			rep.XTitle += " / " + spec.Legend
		}
		if rep.XTitle == "" {
			rep.XTitle = "Point"
		}
		for pi, pt := range r.Points {
			ref := PointRef{Report: ri, Index: pi, Point: pt}
			row := htmlRow{ID: drillID(ri, pi), URL: urlFor(ref), Label: spec.Labels[pi],
				Value: FormatValue(pt.Value, spec.Y.Unit), Count: FormatCount(pt.Count)}
			if row.Label == "" {
				row.Label = spec.Y.Title
			}
			var t *DrillTable
			if opts.Drill != nil {
				t = opts.Drill(ref)
			}
			if t == nil && opts.DrillURL == nil {
				row.URL = "" // the default link would point at the row itself
			}
			if t != nil {
				row.ID = fmt.Sprintf("point-%d-%d", ri, pi)
				dr := htmlDrill{ID: drillID(ri, pi), RowID: row.ID, Label: row.Label, Report: spec.Title,
					Value: row.Value, Count: conversations(drillCount(r.Report.Measure, pt)), Table: *t}
				if t.Total > len(t.Rows) {
					dr.Shown = fmt.Sprintf("The first %s of %s conversations.", FormatCount(int64(len(t.Rows))), FormatCount(int64(t.Total)))
				}
				p.Drills = append(p.Drills, dr)
			}
			rep.Rows = append(rep.Rows, row)
		}
		p.Reports = append(p.Reports, rep)
	}
	return page.Execute(w, p.clean())
}

// clean rids every text of the page of characters HTML may not hold.
func (p htmlPage) clean() htmlPage {
	c := textwidth.CleanMarkup
	p.Name = c(p.Name)
	for i := range p.Reports {
		r := &p.Reports[i]
		r.Title, r.Meta, r.XTitle, r.YTitle = c(r.Title), c(r.Meta), c(r.XTitle), c(r.YTitle)
		for j := range r.Rows {
			r.Rows[j].Label, r.Rows[j].URL = c(r.Rows[j].Label), c(r.Rows[j].URL)
		}
	}
	for i := range p.Drills {
		d := &p.Drills[i]
		d.Label, d.Report = c(d.Label), c(d.Report)
		t := DrillTable{Columns: make([]string, len(d.Table.Columns)), Rows: make([][]string, len(d.Table.Rows)), Total: d.Table.Total}
		for j, col := range d.Table.Columns {
			t.Columns[j] = c(col)
		}
		for j, row := range d.Table.Rows {
			t.Rows[j] = make([]string, len(row))
			for k, cell := range row {
				t.Rows[j][k] = c(cell)
			}
		}
		d.Table = t
	}
	return p
}

// reportMeta is the line under a report's title: what is measured and how
// many points and conversations are behind it.
func reportMeta(r convreport.Result, spec ChartSpec) string {
	var n int64
	for _, p := range r.Points {
		n += p.Count
	}
	if spec.X.Title == "" && spec.Y.Unit == "conversations" {
		return conversations(n)
	}
	s := spec.Y.Title
	if spec.X.Title != "" {
		s += " by " + lowerFirst(spec.X.Title)
		if spec.Legend != "" {
			s += " and " + lowerFirst(spec.Legend)
		}
	}
	return s + " · " + conversations(n)
}

// drillCount is how many conversations a point's drill-down lists: its
// Count, or for an SLA measure its Breaches.
func drillCount(m convreport.Measure, pt convreport.Point) int64 {
	switch m.Agg {
	case convreport.SLAMet, convreport.SLABreaches, convreport.SLAAvgOver, convreport.SLATotalOver:
		return pt.Breaches
	}
	return pt.Count
}
