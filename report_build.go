package convreport

import (
	"fmt"
	"slices"
)

// This file holds what a report builder needs beyond renaming and
// filtering: the choices it offers (measures, groupings, buckets, sorts),
// an edit per part of a report, and the rules that refuse parts that make
// no sense together. The rules live here, not in a UI, so that every
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

// MaxBreakdowns is how many properties a report edited with
// [SetDimensions] groups by: the grouping and one breakdown, as a chart
// draws them (a category axis and a series). The engine runs reports with
// more (see [Limits]); a chart of three nested groupings is unreadable.
const MaxBreakdowns = 2

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

// SetMeasure sets what the report computes for each point: a count, or an
// aggregation of a duration metric. A percentile needs P in (0, 100], a
// share a positive threshold; a count takes no metric. The error names the
// field "measure".
func SetMeasure(m Measure) ReportEdit {
	return func(_ *Schema, r *Report) error {
		if m.Agg == Count {
			m.Agg = "" // the zero Measure counts: one spelling of a count
		}
		if m.agg() != Percentile {
			m.P = 0
		}
		if m.agg() != ShareWithin {
			m.Threshold = 0
		}
		if !m.agg().isSLA() {
			m.SLA, m.Target = "", ""
		}
		if err := m.validate(); err != nil {
			return &ReportError{Report: r.Name, Field: "measure", Err: err}
		}
		r.Measure = m
		return nil
	}
}

// SetDimensions sets the properties the report groups by, in order: the
// grouping, then an optional breakdown. Each must be a groupable property
// of the schema (see [Property.Groupable]), named once; at most
// [MaxBreakdowns]. None makes a single number, or a time series with a
// bucket. Reordering them is setting them again in the new order.
func SetDimensions(names ...string) ReportEdit {
	return func(s *Schema, r *Report) error {
		if len(names) > MaxBreakdowns {
			return fieldError(r, "dimensions", "a chart groups by at most %d properties (a grouping and a breakdown), got %d", MaxBreakdowns, len(names))
		}
		var dims []string
		for _, n := range names {
			p, err := s.resolve(n)
			if err != nil {
				return &ReportError{Report: r.Name, Field: "dimensions", Err: err}
			}
			if !p.Groupable() {
				if p.Name == "ID" {
					return fieldError(r, "dimensions", "grouping by ID makes one point per conversation; use a drill-down")
				}
				return fieldError(r, "dimensions", "%s is a %s property; group by text, choice or yes/no properties, and by time with a time bucket", p.Label, p.Kind)
			}
			if slices.Contains(dims, p.Name) {
				return fieldError(r, "dimensions", "%s is already in the chart", p.Label)
			}
			dims = append(dims, p.Name)
		}
		r.Dimensions = dims
		return nil
	}
}

// SetDateProperty sets the time property the query's date range applies
// to, and a time bucket groups by; "" is the default, CreatedAt.
func SetDateProperty(name string) ReportEdit {
	return func(s *Schema, r *Report) error {
		if name == "" || name == "CreatedAt" {
			r.DateProperty = ""
			return nil
		}
		p, err := s.resolve(name)
		if err != nil {
			return &ReportError{Report: r.Name, Field: "date_property", Err: err}
		}
		if p.Kind != KindTime {
			return fieldError(r, "date_property", "%s is a %s, not a date", p.Label, p.Kind)
		}
		r.DateProperty = p.Name
		if p.Name == "CreatedAt" {
			r.DateProperty = ""
		}
		return nil
	}
}

// SetBucket makes the report a time series of b (the "frequency": hour …
// year), or not one with [NoBucket].
func SetBucket(b Bucket) ReportEdit {
	return func(_ *Schema, r *Report) error {
		if b != NoBucket && !slices.Contains(buckets[:], b) {
			return fieldError(r, "bucket", "unknown time bucket %q (want hour, day, week, month, quarter or year)", b)
		}
		r.Bucket = b
		return nil
	}
}

// SetSort sets the order of the report's groups; "" is the default,
// largest value first.
func SetSort(o SortBy) ReportEdit {
	return func(_ *Schema, r *Report) error {
		if o != "" && !slices.Contains(sorts[:], o) {
			return fieldError(r, "sort", "unknown sort %q (want value_desc, value_asc, label_asc or label_desc)", o)
		}
		if o == ByValueDesc {
			o = "" // the default, one spelling
		}
		r.Sort = o
		return nil
	}
}

// SetLimit keeps the first n groups and folds the rest into one "Other"
// point; 0 keeps every group.
func SetLimit(n int) ReportEdit {
	return func(_ *Schema, r *Report) error {
		if n < 0 {
			return fieldError(r, "limit", "top %d: want 0 (every group) or more", n)
		}
		r.Limit = n
		return nil
	}
}

// SetSnapshot makes the report count the conversations open at the
// query's Now, whatever the date range, or not.
func SetSnapshot(on bool) ReportEdit {
	return func(_ *Schema, r *Report) error {
		r.Snapshot = on
		return nil
	}
}

// NewReport is the report builder's "create report": it applies edits to
// an empty report (a count of every conversation) and checks the result as
// [Dashboard.AddReport] would, so that what it returns can be added to
// any dashboard whose plan has room.
func NewReport(s *Schema, edits ...ReportEdit) (Report, error) {
	return EditReport(s, Report{}, edits...)
}

// EditReport applies edits to a copy of r, in order, and checks the result
// as a save would: a report from a template, changed before it is added to
// a dashboard. r is never changed; on error the Report is empty.
func EditReport(s *Schema, r Report, edits ...ReportEdit) (Report, error) {
	return applyEdits(schemaOr(s), r, edits)
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
	switch {
	case (t == PieChart || t == DonutChart) && groupings > 1:
		return fieldError(&r, "chart", "a %s chart shows one grouping; remove the breakdown%s or choose a bar, column or table chart", t, overTime(r))
	case (t == PieChart || t == DonutChart) && r.Bucket != NoBucket:
		return fieldError(&r, "chart", "a %s chart has no time axis; remove the time bucket or choose a line, area or column chart", t)
	case (t == PieChart || t == DonutChart) && !count:
		return fieldError(&r, "chart", "the slices of a %s chart are parts of a whole, and %s is not: count conversations or choose a bar chart", t, aggPhrase[r.Measure.Agg])
	case (r.Chart.Stacked || r.Chart.Percent) && groupings < 2:
		return fieldError(&r, "chart", "stacking needs a breakdown: add a second property (or a time bucket) to the chart, or turn stacking off")
	case (r.Chart.Stacked || r.Chart.Percent) && !count:
		return fieldError(&r, "chart", "stacked bars add up their parts, and %s does not add up: count conversations or turn stacking off", aggPhrase[r.Measure.Agg])
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
}

func overTime(r Report) string {
	if r.Bucket != NoBucket && len(r.Dimensions) > 0 {
		return " or the time bucket"
	}
	return ""
}
