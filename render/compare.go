package render

import (
	"encoding/json"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/render/internal/svg"
	"github.com/shopspring/decimal"
)

// Comparison with an earlier period and the conversations a point leaves
// out, as every renderer says them.

// CompareLabel says what r's points are compared with, "previous 30
// days", or "" when r compares nothing.
func CompareLabel(r convreport.Result) string {
	if r.Compare == convreport.NoCompare {
		return ""
	}
	return r.Compare.Label(r.From, r.To, r.Zone)
}

// compared reports whether r's points carry an earlier period's values:
// the query compared, and the report has a period to compare (a snapshot
// has none).
func compared(r convreport.Result) bool {
	return r.Compare != convreport.NoCompare && !r.PreviousFrom.IsZero()
}

// Change is the relative change from prev to cur as people read it:
// "+12 %", "−3.5 %", "0 %"; "" when either has no value or prev is zero
// (a change from nothing has no percentage).
func Change(cur, prev decimal.NullDecimal) string {
	if !cur.Valid || !prev.Valid || prev.Decimal.IsZero() {
		return ""
	}
	pct := cur.Decimal.Sub(prev.Decimal).Div(prev.Decimal.Abs()).Shift(2)
	places := int32(0)
	if pct.Abs().LessThan(decimal.NewFromInt(10)) {
		places = 1
	}
	pct = pct.Round(places)
	switch pct.Sign() {
	case 0:
		return "0 %"
	case 1:
		return "+" + pct.String() + " %"
	}
	return "−" + pct.Abs().String() + " %"
}

// PointNote says, after a point's value, what the value leaves out and
// what it was in the compared period: "15 left out: no agent reply yet ·
// previous 30 days: 4m 50s (130 conversations), +7.2 %". It is "" for a
// point with neither.
func PointNote(r convreport.Result, p convreport.Point, unit string) string {
	var s string
	if p.Excluded > 0 {
		s = FormatCount(p.Excluded) + " left out"
		if why := r.Report.Measure.ExcludedReason(); why != "" {
			s += ": " + why
		}
	}
	if pp := p.Previous; pp != nil {
		if s != "" {
			s += " · "
		}
		s += CompareLabel(r) + ": " + FormatValue(pp.Value, unit) + " (" + conversations(pp.Count) + ")"
		if c := Change(p.Value, pp.Value); c != "" {
			s += ", " + c
		}
	}
	return s
}

// previousFloat is the compared value of the point at index i, for
// drawing.
func previousFloat(r convreport.Result, i int) (float64, bool) {
	if i < 0 || i >= len(r.Points) || r.Points[i].Previous == nil || !r.Points[i].Previous.Value.Valid {
		return 0, false
	}
	f, _ := r.Points[i].Previous.Value.Decimal.Float64()
	if math.IsInf(f, 0) || math.IsNaN(f) {
		return 0, false
	}
	return f, true
}

// ghost draws the compared value of one bar or column as a dashed
// outline over [x0, x1] × [y0, y1], with its own tooltip.
func (d *drawing) ghost(x0, y0, x1, y1 float64, tip string) {
	if x1 < x0 {
		x0, x1 = x1, x0
	}
	if y1 < y0 {
		y0, y1 = y1, y0
	}
	d.w.Open("g", svg.A("class", "ghost"))
	d.w.Text("title", tip)
	d.w.Empty("rect", svg.A("x", x0), svg.A("y", y0), svg.A("width", x1-x0), svg.A("height", y1-y0),
		svg.A("fill", "none"), svg.A("stroke", colorMuted), svg.A("stroke-width", 1.5), svg.A("stroke-dasharray", "4 3"))
	d.w.Close()
}

// ghostTip is the tooltip of a compared value.
func (d *drawing) ghostTip(i int) string {
	pp := d.r.Points[i].Previous
	return d.spec.Labels[i] + ", " + CompareLabel(d.r) + ": " + FormatValue(pp.Value, d.spec.Y.Unit) + " (" + conversations(pp.Count) + ")"
}

// comparedSingle reports whether the chart draws compared values: one
// series, neither stacked nor in percent, with a comparison.
func (d *drawing) comparedSingle() bool {
	return comparedSingle(d.r, d.spec)
}

// comparedSingle reports whether r's chart draws its compared values
// beside its own: one series, neither stacked nor in percent.
func comparedSingle(r convreport.Result, spec ChartSpec) bool {
	return r.Compare != convreport.NoCompare && len(spec.Series) == 1 && !spec.Stacked && !spec.Percent
}

// axisTop is where a value axis ends when the bar of category cut
// dwarfs the others and is cut at the end (see dwarfing): the largest of
// the other bars, and of their compared values when the chart draws
// them, so that no outline runs past the axis.
func axisTop(r convreport.Result, spec ChartSpec, cut int) float64 {
	top := spec.othersMax(cut)
	if comparedSingle(r, spec) {
		for ci, v := range spec.Series[0].Values {
			if f, ok := previousFloat(r, v.Point); ok && ci != cut {
				top = max(top, f)
			}
		}
	}
	return top
}

// summaryVersus is the line under a summary's number when it is compared:
// "+12 % vs previous 30 days", or "previous 30 days: 0" when the change
// has no percentage.
func summaryVersus(r convreport.Result, sm *ChartSummary) string {
	if sm == nil || sm.Point < 0 || sm.Point >= len(r.Points) || r.Points[sm.Point].Previous == nil {
		return ""
	}
	p := r.Points[sm.Point]
	if c := Change(p.Value, p.Previous.Value); c != "" {
		return c + " vs " + CompareLabel(r)
	}
	return CompareLabel(r) + ": " + FormatValue(p.Previous.Value, sm.Unit)
}

// vegaNoteTooltip is the tooltip's lines for what a point leaves out and
// its compared value, when the report has them.
func vegaNoteTooltip(r convreport.Result) []obj {
	var out []obj
	for _, p := range r.Points {
		if p.Excluded > 0 && r.Report.Measure.ExcludedReason() != "" {
			out = append(out, obj{"field": "excluded_text", "type": "nominal", "title": "Left out"})
			break
		}
	}
	if r.Compare != convreport.NoCompare {
		out = append(out, obj{"field": "previous_text", "type": "nominal", "title": capitalize(CompareLabel(r))})
	}
	return out
}

// vegaNotes adds to the data row of point i what it leaves out and its
// compared value.
func vegaNotes(r convreport.Result, spec ChartSpec, i int, row obj) {
	p := r.Points[i]
	if why := r.Report.Measure.ExcludedReason(); why != "" && p.Excluded > 0 {
		row["excluded"] = p.Excluded
		row["excluded_text"] = FormatCount(p.Excluded) + " (" + why + ")"
	}
	if r.Compare == convreport.NoCompare {
		return
	}
	row["previous"] = nil
	row["previous_text"] = "—"
	if pp := p.Previous; pp != nil {
		if pp.Value.Valid {
			row["previous"] = json.Number(pp.Value.Decimal.String())
		}
		row["previous_text"] = FormatValue(pp.Value, spec.Y.Unit) + " (" + conversations(pp.Count) + ")"
	}
}

// vegaGhost layers the compared values over a one-series bar, column or
// line chart: dashed outlines, or a dashed line, as the SVG draws them.
func vegaGhost(r convreport.Result, spec ChartSpec, s obj) obj {
	if r.Compare == convreport.NoCompare || len(spec.Series) != 1 || spec.Stacked || spec.Percent {
		return s
	}
	enc := s["encoding"].(obj)
	ghostEnc := obj{}
	for k, v := range enc {
		ghostEnc[k] = v
	}
	var ghostMark obj
	var valCh string
	switch spec.Type {
	case convreport.BarChart:
		valCh, ghostMark = "x", obj{"type": "bar", "filled": false, "stroke": colorMuted, "strokeDash": []int{4, 3}, "strokeWidth": 1.5}
	case convreport.ColumnChart:
		valCh, ghostMark = "y", obj{"type": "bar", "filled": false, "stroke": colorMuted, "strokeDash": []int{4, 3}, "strokeWidth": 1.5}
	case convreport.LineChart, convreport.AreaChart:
		valCh, ghostMark = "y", obj{"type": "line", "strokeDash": []int{5, 4}, "opacity": 0.6}
	default:
		return s
	}
	if clip, ok := s["mark"].(obj)["clip"]; ok {
		// A cut bar's axis: its compared value's outline is cut too.
		ghostMark["clip"] = clip
	}
	val := obj{}
	for k, v := range enc[valCh].(obj) {
		val[k] = v
	}
	val["field"] = "previous"
	layered := obj{"title": s["title"], "data": s["data"], "width": s["width"]}
	if tr, ok := s["transform"].([]obj); ok {
		// A duration axis reads in minutes, hours or days through a
		// calculated field: the layers share the transform, and the
		// compared values are converted the same way.
		tr = slices.Clone(tr)
		if spec.Y.Unit == "seconds" && !spec.Percent {
			div, name := durationAxisUnit(r, spec)
			val["field"] = "previous_" + name
			tr = append(tr, obj{"calculate": "datum.previous == null ? null : datum.previous / " + strconv.Itoa(div), "as": "previous_" + name})
		}
		layered["transform"] = tr
	}
	ghostEnc[valCh] = val
	layered["layer"] = []obj{{"mark": s["mark"], "encoding": enc}, {"mark": ghostMark, "encoding": ghostEnc}}
	return layered
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
