package convreport

import (
	"fmt"
	"slices"
)

// This file holds what a report builder needs beyond the report itself:
// the choices it offers (measures, groupings, buckets, sorts) and the
// rules that refuse parts that make no sense together. The rules live here, not in a UI, so that every
// editor and every API refuses the same reports with the same words.

// aggregations is every aggregation, in the order an editor offers them.
var aggregations = [...]Aggregation{Count, Average, Median, Percentile, Min, Max, ShareWithin}

// Aggregations returns every aggregation, in the order an editor offers
// them, as a new slice.
func Aggregations() []Aggregation { return slices.Clone(aggregations[:]) }

var metrics = [...]Metric{FirstResponseTime, WaitTime, TimeToClose}

// Metrics returns every duration metric, as a new slice.
func Metrics() []Metric { return slices.Clone(metrics[:]) }

var buckets = [...]Bucket{Hour, Day, Week, Month, Quarter, Year}

// Buckets returns every time bucket, narrowest first, as a new slice.
// [NoBucket] is not among them: it means "not over time".
func Buckets() []Bucket { return slices.Clone(buckets[:]) }

var sorts = [...]SortBy{ByValueDesc, ByValueAsc, ByLabelAsc, ByLabelDesc}

// Sorts returns every order of a report's points, the default first, as a
// new slice.
func Sorts() []SortBy { return slices.Clone(sorts[:]) }

// Groupable reports whether a report can group by p: strings, enums and
// booleans, except the conversation ID (one point per conversation is a
// drill-down, not a chart).
func (p Property) Groupable() bool {
	switch p.Kind {
	case KindString, KindEnum, KindBool:
		return p.Name != "ID"
	}
	return false
}

// GroupableProperties returns the properties a report can group by, in
// schema order: the searchable list of a report builder.
func (s *Schema) GroupableProperties() []Property {
	var out []Property
	for _, p := range s.Properties() {
		if p.Groupable() {
			out = append(out, p)
		}
	}
	return out
}

// DateProperties returns the time properties a report's date range can
// apply to, in schema order.
func (s *Schema) DateProperties() []Property {
	var out []Property
	for _, p := range s.Properties() {
		if p.Kind == KindTime {
			out = append(out, p)
		}
	}
	return out
}

func fieldError(r *Report, field string, format string, args ...any) error {
	return &ReportError{Report: r.Name, Field: field, Err: fmt.Errorf(format, args...)}
}

// checkCombination refuses the parts of r that make no sense together,
// naming the field to change. Each part on its own, and the pairs a run
// cannot compute (top N or a bucket without groups to apply to), are
// checked when the report compiles.
func checkCombination(r Report) error {
	groupings := len(r.Dimensions)
	if r.Bucket != NoBucket {
		groupings++
	}
	count := r.Measure.agg() == Count
	t := r.Chart.Type
	// A chart in percent is stacked to 100 %: its errors name the option
	// that was asked for.
	stacking, off := "stacking", "turn stacking off"
	if r.Chart.Percent && !r.Chart.Stacked {
		stacking, off = "stacking to 100 %", "turn percent off"
	}
	switch {
	case (t == PieChart || t == DonutChart) && groupings > 1:
		return fieldError(&r, "chart", "a %s chart shows one grouping; remove the breakdown%s or choose a bar, column or table chart", t, overTime(r))
	case (t == PieChart || t == DonutChart) && r.Bucket != NoBucket:
		return fieldError(&r, "chart", "a %s chart has no time axis; remove the time bucket or choose a line, area or column chart", t)
	case (t == PieChart || t == DonutChart) && !count:
		return fieldError(&r, "chart", "the slices of a %s chart are parts of a whole, and %s is not: count conversations or choose a bar chart", t, aggPhrase[r.Measure.Agg])
	case (r.Chart.Stacked || r.Chart.Percent) && t == "" && r.ChartType() != BarChart:
		return fieldError(&r, "chart", "the automatic chart of this report is a %s chart, which cannot be stacked; choose a bar or column chart", r.ChartType())
	case (r.Chart.Stacked || r.Chart.Percent) && t != "" && t != BarChart && t != ColumnChart:
		return fieldError(&r, "chart", "a %s chart cannot be stacked; only bar and column charts can", t)
	case (r.Chart.Stacked || r.Chart.Percent) && groupings < 2:
		return fieldError(&r, "chart", "%s needs a breakdown: add a second property (or a time bucket) to the chart, or %s", stacking, off)
	case (r.Chart.Stacked || r.Chart.Percent) && !count:
		return fieldError(&r, "chart", "stacked bars add up their parts, and %s does not add up: count conversations or %s", aggPhrase[r.Measure.Agg], off)
	case t == SummaryChart && groupings > 0:
		return fieldError(&r, "chart", "a summary shows one number; remove the properties and the time bucket from the chart, or choose another chart")
	case r.Snapshot && r.DateProperty != "" && r.DateProperty != "CreatedAt":
		return fieldError(&r, "date_property", "a snapshot counts the conversations open now, whatever the date range; leave the date property as created")
	case r.Snapshot && r.Measure.Metric == TimeToClose:
		return fieldError(&r, "measure", "a snapshot counts open conversations, which have no time to close yet")
	case r.Sort != "" && r.Sort != ByValueDesc && len(r.Dimensions) == 0:
		return fieldError(&r, "sort", "a report without a property in the chart has nothing to sort; a time series is in time order")
	}
	return nil
}

// aggPhrase names an aggregation in a sentence.
var aggPhrase = map[Aggregation]string{
	Average: "an average", Median: "a median", Percentile: "a percentile", Min: "a minimum",
	Max: "a maximum", ShareWithin: "a share within a threshold",
	SLAMet: "a share of an SLA target met", SLABreaches: "a count of SLA breaches",
	SLAAvgOver: "an average time over an SLA target", SLATotalOver: "a total time over an SLA target",
}

func overTime(r Report) string {
	if r.Bucket != NoBucket && len(r.Dimensions) > 0 {
		return " or the time bucket"
	}
	return ""
}
