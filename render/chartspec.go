package render

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/internal/civil"
)

// ChartSpec is a [convreport.Result] shaped for display: the chart type, the axes, and
// the values arranged as categories × series, slices or one number. It is
// plain data with JSON tags; renderers (the render package, a web UI) draw
// it without knowing how reports are computed.
//
// The layout follows the report:
//   - a time series (a Bucket) has the buckets as categories on X;
//   - a grouped report has its first dimension's values as categories;
//   - each further dimension (the second dimension, or the dimension of a
//     dimension + bucket report) makes one series per value, in point order;
//     otherwise there is a single series named after the measure.
//
// Pie and donut charts fill Slices, one per point; a summary fills Summary.
// Every other type fills Categories and Series.
type ChartSpec struct {
	Type  convreport.ChartType `json:"type"`
	Title string               `json:"title"`
	// Stacked and Percent are set only for bar and column charts; Percent
	// implies Stacked (each category sums to 100 %).
	Stacked bool `json:"stacked,omitempty"`
	Percent bool `json:"percent,omitempty"`
	// X is the category axis (a dimension or the bucket), Y the value axis.
	X ChartAxis `json:"x"`
	Y ChartAxis `json:"y"`
	// Legend names what the series are (the further dimensions); empty for
	// a single series.
	Legend string `json:"legend,omitempty"`
	// Labels holds one label per Result point, in point order: dimension
	// labels joined by " / ", then the bucket's label; "Other" for the point
	// that folds the tail, then its bucket's label in a time series. A
	// dimension label is [DimensionLabel]'s: its value, "(no value)" for
	// none, and a value that reads "(no value)" within any quotes gets one
	// more layer of them ("“(no value)”", "““(no value)””"). So are
	// category labels and series names.
	Labels []string `json:"labels"`

	Categories []ChartCategory `json:"categories,omitempty"`
	Series     []ChartSeries   `json:"series,omitempty"`
	Slices     []ChartSlice    `json:"slices,omitempty"`
	Summary    *ChartSummary   `json:"summary,omitempty"`
	// Note explains what would otherwise mislead, shown under the chart:
	// the group with no value when it holds most of the conversations
	// ("(no value) is 62 % of the conversations: those with no
	// Assignee"). Empty otherwise.
	Note string `json:"note,omitempty"`
}

// MaxSlices is the most slices a pie or donut draws: the palette has as
// many distinct colours. Beyond it the smallest slices are folded into
// one unlinked "Other" slice (the report's own Other included), since
// more than twenty wedges are neither told apart nor read.
const MaxSlices = 20

// ChartAxis describes one axis.
type ChartAxis struct {
	// Field is the axis's field in result JSON: a dimension key
	// ("assignee"), "bucket", or "value".
	Field string `json:"field"`
	// Title is for people: "Assignee", "Day", "Average agent first response
	// time".
	Title string `json:"title"`
	// Unit is the value axis's unit: "conversations", "seconds" (to be
	// shown humanised) or "percent".
	Unit string `json:"unit,omitempty"`
	// Bucket is set on a time axis: the width of one category.
	Bucket convreport.Bucket `json:"bucket,omitempty"`
}

// ChartCategory is one position on the X axis.
type ChartCategory struct {
	// Key is the machine value: the dimension value ("" for the group with
	// no value), or the bucket start as in result JSON ("2025-03-30",
	// "2025-03-30T14:00+02:00").
	Key string `json:"key"`
	// Label is for people: the value, "(no value)", "Other", or the
	// bucket's date.
	Label string `json:"label"`
	// Known is false for the group of conversations with no value.
	Known bool `json:"known"`
	// Other marks the category that folds the points beyond the report's
	// Limit; its Key and Label are "Other".
	Other bool `json:"other,omitempty"`
	// Time is the bucket start in the query's zone, on a time axis. JSON
	// writes it in UTC when the zone's offset then had seconds, as
	// [JSONDashboard] writes From and To.
	Time time.Time `json:"time,omitzero"`
}

// MarshalJSON writes the category's fields, Time as an RFC 3339 instant
// that parses back to it: Time keeps the query's zone, whose wall clock
// the charts draw, but encoding/json would cut an offset with seconds to
// minutes.
func (c ChartCategory) MarshalJSON() ([]byte, error) {
	type plain ChartCategory // the fields, without this method
	p := plain(c)
	p.Time = civil.Writable(p.Time)
	return marshalNoHTML(p)
}

// ChartSeries is one series: a value for each category.
type ChartSeries struct {
	// Name is the series' label (the further dimensions' labels joined by
	// " / "), or the value axis's title for a single series.
	Name string `json:"name"`
	// Key identifies the series: the further dimensions' values joined by
	// " / ", "" for a single series.
	Key   string `json:"key"`
	Other bool   `json:"other,omitempty"`
	// Values has one entry per category, in category order.
	Values []ChartValue `json:"values"`
}

// ChartValue is one drawn value.
type ChartValue struct {
	// Value is the exact decimal ("312.5"); empty when Null.
	Value string `json:"value"`
	// Float is Value as a float64, for drawing; 0 when Null.
	Float float64 `json:"float"`
	// Null is true when the point has no value (an average over an empty
	// bucket) or when there is no point at all (Point is -1).
	Null  bool  `json:"null,omitempty"`
	Count int64 `json:"count"`
	// Point is the index of the point in Result.Points, or -1 when no point
	// has this category and series (a combination of dimension values with
	// no conversation).
	Point int `json:"point"`
}

// ChartSlice is one slice of a pie or donut: one point.
type ChartSlice struct {
	Label string `json:"label"`
	Other bool   `json:"other,omitempty"`
	ChartValue
	// Share is the slice's part of the sum of the positive values, in
	// [0, 1]; 0 for a null or negative value. It is for drawing: a float
	// rounds some shares to the wrong side of a tenth of a percent.
	Share float64 `json:"share"`
	// ShareText is the share as every output writes it, computed
	// exactly (see [FormatShare]): "28.8 %".
	ShareText string `json:"share_text"`
}

// ChartSummary is the one big number of a summary chart.
type ChartSummary struct {
	// Label says what the number is: the measure ("Average agent first
	// response time") or, when several points of a non-additive measure
	// cannot be combined exactly, "Conversations".
	Label string `json:"label"`
	Unit  string `json:"unit"`
	ChartValue
}

// NewChartSpec shapes r for display with its report's Chart settings. An
// empty chart type is chosen from the report: a line for a time series, a
// bar for a grouped report, a summary for a report with neither. Stacked
// and Percent are kept only for bar and column charts.
//
// A summary shows the single point's value; with several points it shows
// the sum for a count, and for any other measure the number of
// conversations behind the points (averages and percentiles cannot be
// added).
//
// A Result holding one group twice, which the renderers refuse, keeps
// the last of its points among the categories and series.
func NewChartSpec(r convreport.Result) ChartSpec {
	rep := r.Report
	s := ChartSpec{Type: rep.ChartType(), Title: rep.Name}
	if s.Type == convreport.BarChart || s.Type == convreport.ColumnChart {
		s.Percent = rep.Chart.Percent
		s.Stacked = rep.Chart.Stacked || rep.Chart.Percent
	}
	schema := resultSchema(r)
	yTitle := chartMeasureTitle(schema, rep.Measure)
	if r.BusinessHours {
		// The number differs from calendar time: every view says so.
		yTitle += " (business hours)"
	}
	if s.Title == "" {
		s.Title = yTitle
	}
	s.Y = ChartAxis{Field: "value", Title: yTitle, Unit: rep.Measure.Unit()}

	// seriesDims are the dimensions that split points into series.
	seriesDims := rep.Dimensions
	switch {
	case rep.Bucket != convreport.NoBucket:
		s.X = ChartAxis{Field: "bucket", Title: chartBucketTitle(rep.Bucket), Bucket: rep.Bucket}
	case len(rep.Dimensions) > 0:
		key, label := chartProperty(schema, rep.Dimensions[0])
		s.X = ChartAxis{Field: key, Title: label}
		seriesDims = rep.Dimensions[1:]
	}
	legend := make([]string, len(seriesDims))
	for i, d := range seriesDims {
		_, legend[i] = chartProperty(schema, d)
	}
	s.Legend = strings.Join(legend, " / ")

	s.Labels = make([]string, len(r.Points))
	for i, p := range r.Points {
		s.Labels[i] = chartPointLabel(p, rep.Bucket, r.Zone)
	}
	s.Note = noValueNote(r)

	switch s.Type {
	case convreport.SummaryChart:
		s.Summary = chartSummary(r, yTitle)
		return s
	case convreport.PieChart, convreport.DonutChart:
		s.Slices = chartSlices(r, s.Labels)
		return s
	}

	// Arrange points as categories × series, each in order of first
	// appearance.
	catIndex := map[string]int{}
	serIndex := map[string]int{}
	type cell struct{ cat, ser, point int }
	var cells []cell
	for i, p := range r.Points {
		var cat ChartCategory
		var serDims []convreport.DimensionValue
		switch {
		case rep.Bucket != convreport.NoBucket:
			t := p.Bucket
			if r.Zone != nil {
				t = t.In(r.Zone)
			}
			cat = ChartCategory{Key: rep.Bucket.Key(t), Label: chartBucketLabel(t, rep.Bucket), Known: true, Time: t}
			serDims = p.Dimensions
		case len(p.Dimensions) > 0:
			d := p.Dimensions[0]
			cat = ChartCategory{Key: d.Value, Label: DimensionLabel(d), Known: d.Known, Other: p.Other}
			if p.Other {
				cat.Key, cat.Label = "Other", "Other"
			}
			serDims = p.Dimensions[1:]
		default:
			cat = ChartCategory{Label: yTitle, Known: true}
		}
		ck := chartIdentity(cat.Other, []convreport.DimensionValue{{Value: cat.Key, Known: cat.Known}})
		ci, ok := catIndex[ck]
		if !ok {
			ci = len(s.Categories)
			catIndex[ck] = ci
			s.Categories = append(s.Categories, cat)
		}
		sk := chartIdentity(p.Other && len(serDims) > 0, serDims)
		si, ok := serIndex[sk]
		if !ok {
			si = len(s.Series)
			serIndex[sk] = si
			ser := ChartSeries{Name: yTitle, Other: p.Other && len(serDims) > 0}
			if len(serDims) > 0 {
				keys := make([]string, len(serDims))
				labels := make([]string, len(serDims))
				for j, d := range serDims {
					keys[j], labels[j] = d.Value, DimensionLabel(d)
				}
				ser.Key, ser.Name = strings.Join(keys, " / "), strings.Join(labels, " / ")
				if p.Other {
					ser.Key, ser.Name = "Other", "Other"
				}
			}
			s.Series = append(s.Series, ser)
		}
		cells = append(cells, cell{ci, si, i})
	}
	for i := range s.Series {
		vals := make([]ChartValue, len(s.Categories))
		for j := range vals {
			vals[j] = ChartValue{Null: true, Point: -1}
		}
		s.Series[i].Values = vals
	}
	for _, c := range cells {
		s.Series[c.ser].Values[c.cat] = chartValue(r.Points[c.point], c.point)
	}
	distinctLabels(&s, r.Folded)
	return s
}

// distinctLabels tells apart a category or series that folds the tail
// ("Other") from a real value spelled the same (an inbox named Other):
// the fold becomes "Other (N groups)", as a pie's is. An axis, a legend
// or a Vega-Lite spec, which groups by label, would otherwise show two
// groups as one.
func distinctLabels(s *ChartSpec, folded int) {
	otherLabel := "Other (" + strconv.Itoa(folded) + " groups)"
	if folded <= 0 {
		otherLabel = "Other (folded groups)"
	}
	real := map[string]bool{}
	for _, c := range s.Categories {
		if c.Known && !c.Other {
			real[c.Label] = true
		}
	}
	for i := range s.Categories {
		if c := &s.Categories[i]; c.Other && real[c.Label] {
			c.Label = otherLabel
		}
	}
	real = map[string]bool{}
	for _, ser := range s.Series {
		if !ser.Other {
			real[ser.Name] = true
		}
	}
	for i := range s.Series {
		if ser := &s.Series[i]; ser.Other && real[ser.Name] {
			ser.Name = otherLabel
		}
	}
}

func chartValue(p convreport.Point, index int) ChartValue {
	v := ChartValue{Count: p.Count, Point: index, Null: !p.Value.Valid}
	if p.Value.Valid {
		v.Value = p.Value.Decimal.String()
		v.Float = p.Value.Decimal.InexactFloat64()
	}
	return v
}

func chartSlices(r convreport.Result, labels []string) []ChartSlice {
	out := make([]ChartSlice, len(r.Points))
	total := decimal.Zero
	for i, p := range r.Points {
		out[i] = ChartSlice{Label: labels[i], Other: p.Other, ChartValue: chartValue(p, i)}
		if p.Value.Valid && p.Value.Decimal.IsPositive() {
			total = total.Add(p.Value.Decimal)
		}
	}
	out = foldSlices(out)
	totalF := total.InexactFloat64()
	for i := range out {
		part := decimal.Zero
		if !out[i].Null {
			part = decimal.RequireFromString(out[i].Value)
		}
		out[i].ShareText = FormatShare(part, total)
		if out[i].Float > 0 && totalF > 0 {
			out[i].Share = out[i].Float / totalF
		}
	}
	return out
}

func chartSummary(r convreport.Result, title string) *ChartSummary {
	m := r.Report.Measure
	s := &ChartSummary{Label: title, Unit: m.Unit(), ChartValue: ChartValue{Point: -1}}
	switch {
	case len(r.Points) == 1:
		s.ChartValue = chartValue(r.Points[0], 0)
		return s
	case measureAgg(m) != convreport.Count && len(r.Points) > 1:
		s.Label, s.Unit = "Conversations", "conversations"
	case measureAgg(m) != convreport.Count:
		s.Null = true
		return s
	}
	var n int64
	for _, p := range r.Points {
		n += p.Count
	}
	d := decimal.NewFromInt(n)
	s.Count, s.Value, s.Float = n, d.String(), float64(n)
	return s
}

// foldSlices keeps the MaxSlices-1 largest slices, in their order, and
// folds the rest into one Other slice after them. A pie is of counts or
// shares (the report checks refuse averages), so the folded value is the
// sum of the folded values; it links to no single point (Point -1).
func foldSlices(sl []ChartSlice) []ChartSlice {
	if len(sl) <= MaxSlices {
		return sl
	}
	order := make([]int, len(sl))
	for i := range order {
		order[i] = i
	}
	// The report's own Other goes into the fold first, then the smallest.
	slices.SortStableFunc(order, func(a, b int) int {
		switch {
		case sl[a].Other != sl[b].Other:
			return boolRank(sl[a].Other) - boolRank(sl[b].Other)
		case sl[a].Float > sl[b].Float:
			return -1
		case sl[a].Float < sl[b].Float:
			return 1
		}
		return 0
	})
	keep := make([]bool, len(sl))
	for _, i := range order[:MaxSlices-1] {
		keep[i] = true
	}
	out := make([]ChartSlice, 0, MaxSlices)
	sum, folded := decimal.Zero, 0
	other := ChartSlice{Other: true, ChartValue: ChartValue{Point: -1}}
	for i, s := range sl {
		if keep[i] {
			out = append(out, s)
			continue
		}
		folded++
		other.Count += s.Count
		if !s.Null {
			sum = sum.Add(decimal.RequireFromString(s.Value))
		}
	}
	other.Label = "Other (" + strconv.Itoa(folded) + " groups)"
	other.Value, other.Float = sum.String(), sum.InexactFloat64()
	return append(out, other)
}

// noValueNote says why the group with no value is large, when it is:
// when it holds more than half of a grouped report's conversations, or
// when its value is more than three times any other group's (a
// first-response average of unassigned chats, which wait until someone
// picks them up, against reps' own).
func noValueNote(r convreport.Result) string {
	rep := r.Report
	if rep.Bucket != convreport.NoBucket || len(rep.Dimensions) == 0 {
		return ""
	}
	_, label := chartProperty(resultSchema(r), rep.Dimensions[0])
	var total, none int64
	var noneValue, othersMax decimal.Decimal
	hasNone := false
	for _, p := range r.Points {
		total += p.Count
		if noValue(p) {
			none += p.Count
			if p.Value.Valid && len(rep.Dimensions) == 1 {
				noneValue, hasNone = p.Value.Decimal, true
			}
		} else if p.Value.Valid && p.Value.Decimal.GreaterThan(othersMax) {
			othersMax = p.Value.Decimal
		}
	}
	switch {
	case total > 0 && 2*none > total:
		share := decimal.NewFromInt(none).Mul(decimal.NewFromInt(100)).Div(decimal.NewFromInt(total))
		return "(no value) is " + FormatPercent(share.Round(0)) + " of the conversations (no " + label + "); shown after the others."
	case measureAgg(rep.Measure) != convreport.Count && hasNone && othersMax.IsPositive() &&
		noneValue.GreaterThan(othersMax.Mul(decimal.NewFromInt(3))):
		times := noneValue.Div(othersMax).Round(0)
		return "(no value): conversations with no " + label + ", " + times.String() + "× the largest other; shown after the others."
	}
	return ""
}

// chartIdentity keys a category or series by its dimension values, keeping
// the group with no value and the Other point apart from any real value.
func chartIdentity(other bool, ds []convreport.DimensionValue) string {
	if other {
		return "\x00other"
	}
	var b strings.Builder
	for _, d := range ds {
		if d.Known {
			b.WriteString("=" + d.Value)
		} else {
			b.WriteString("∅")
		}
		b.WriteByte(0)
	}
	return b.String()
}

func chartPointLabel(p convreport.Point, b convreport.Bucket, zone *time.Location) string {
	parts := make([]string, 0, len(p.Dimensions)+1)
	if p.Other {
		// A time series has an Other point a bucket: each says its own.
		parts = append(parts, "Other")
	} else {
		for _, d := range p.Dimensions {
			parts = append(parts, DimensionLabel(d))
		}
	}
	if b != convreport.NoBucket && !p.Bucket.IsZero() {
		t := p.Bucket
		if zone != nil {
			t = t.In(zone)
		}
		parts = append(parts, chartBucketLabel(t, b))
	}
	return strings.Join(parts, " / ")
}

// resultSchema is the schema that names r's properties: the one it ran
// against, or the built-in properties' for a Result made without one.
func resultSchema(r convreport.Result) *convreport.Schema {
	if r.Schema != nil {
		return r.Schema
	}
	return convreport.DefaultSchema()
}

// chartProperty returns the result-JSON key and the label of a property
// name in schema; a property the schema lacks goes by its name.
func chartProperty(schema *convreport.Schema, name string) (key, label string) {
	if p, ok := schema.Lookup(name); ok {
		return p.Key, p.Label
	}
	return name, name
}

// chartBucketLabel formats a bucket start for people.
func chartBucketLabel(t time.Time, b convreport.Bucket) string {
	switch b {
	case convreport.Hour:
		return t.Format("2006-01-02 15:04")
	case convreport.Month:
		return t.Format("2006-01")
	case convreport.Quarter:
		return t.Format("2006") + " Q" + strconv.Itoa((int(t.Month())+2)/3)
	case convreport.Year:
		return t.Format("2006")
	}
	return t.Format("2006-01-02")
}

func chartBucketTitle(b convreport.Bucket) string {
	switch b {
	case convreport.Hour:
		return "Hour"
	case convreport.Week:
		return "Week"
	case convreport.Month:
		return "Month"
	case convreport.Quarter:
		return "Quarter"
	case convreport.Year:
		return "Year"
	}
	return "Day"
}

// chartMeasureTitle names a measure for people: "Conversations", "Average
// agent first response time", "90th percentile customer wait time",
// "Share of time to close within 1h".
func chartMeasureTitle(schema *convreport.Schema, m convreport.Measure) string {
	metric := strings.ToLower(string(m.Metric))
	if p, ok := schema.Lookup(string(m.Metric)); ok {
		metric = lowerFirst(p.Label)
	}
	switch measureAgg(m) {
	case convreport.Count:
		return "Conversations"
	case convreport.Average:
		return "Average " + metric
	case convreport.Median:
		return "Median " + metric
	case convreport.Min:
		return "Minimum " + metric
	case convreport.Max:
		return "Maximum " + metric
	case convreport.Percentile:
		return chartOrdinal(m.P) + " percentile " + metric
	case convreport.ShareWithin:
		return "Share of " + metric + " within " + chartDuration(m.Threshold.D())
	case convreport.SLAMet, convreport.SLABreaches, convreport.SLAAvgOver, convreport.SLATotalOver:
		return slaTitle(m)
	}
	return string(m.Agg) + " " + metric
}

// chartDuration writes d like time.Duration.String without zero trailing
// units: "5m", "1h30m", "1h".
func chartDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

// chartOrdinal writes 90 as "90th", 99.9 as "99.9th", 1 as "1st".
func chartOrdinal(p float64) string {
	s := strconv.FormatFloat(p, 'f', -1, 64)
	if strings.Contains(s, ".") {
		return s + "th"
	}
	n := int(p)
	switch {
	case n%100 >= 11 && n%100 <= 13:
		return s + "th"
	case n%10 == 1:
		return s + "st"
	case n%10 == 2:
		return s + "nd"
	case n%10 == 3:
		return s + "rd"
	}
	return s + "th"
}

// measureAgg is m's aggregation, Count for the zero Measure.
func measureAgg(m convreport.Measure) convreport.Aggregation {
	if m.Agg == "" {
		return convreport.Count
	}
	return m.Agg
}

// slaTitle names an SLA measure: "First response SLA met (standard)".
func slaTitle(m convreport.Measure) string {
	target := "Time to close"
	if m.Target == convreport.FirstResponseTarget {
		target = "First response"
	}
	what := map[convreport.Aggregation]string{
		convreport.SLAMet: "SLA met", convreport.SLABreaches: "SLA breaches",
		convreport.SLAAvgOver: "average time over SLA target", convreport.SLATotalOver: "total time over SLA target",
	}[m.Agg]
	return target + " " + what + " (" + m.SLA + ")"
}

// dwarfing returns the category of a single-series bar chart whose bar
// is the group with no value and more than three times the longest other
// one, or -1. Drawn to scale it would squeeze every other bar into a few
// pixels; its bar is cut at the end of the axis instead (its label or
// tooltip keeps the real value, and the chart's note says why it is so
// large), in the SVG and in Vega-Lite alike.
func (s ChartSpec) dwarfing() int {
	if len(s.Series) != 1 || s.Stacked || s.Percent {
		return -1
	}
	for ci, c := range s.Categories {
		v := s.Series[0].Values[ci]
		if c.Known || c.Other || v.Null {
			continue
		}
		if m := s.othersMax(ci); m > 0 && v.Float > dwarfRatio*m {
			return ci
		}
	}
	return -1
}

// dwarfRatio is how many times the longest other bar a (no value) bar
// must be for it to be cut.
const dwarfRatio = 3

// othersMax is the largest value of the single series but category skip.
func (s ChartSpec) othersMax(skip int) float64 {
	var m float64
	for ci, v := range s.Series[0].Values {
		if ci != skip && !v.Null {
			m = max(m, v.Float)
		}
	}
	return m
}
