package convreport

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"time"

	"github.com/shopspring/decimal"

	"github.com/convreport/convreport/internal/filter"
)

// Metric is a duration computed for each conversation.
type Metric string

// The duration metrics. See the package documentation for their exact
// meaning.
const (
	// FirstResponseTime is the agent first response time: first agent reply
	// minus first assignment (or creation when never assigned).
	FirstResponseTime Metric = "first_response_time"
	// WaitTime is the customer wait time: first agent reply minus creation.
	WaitTime Metric = "wait_time"
	// TimeToClose is close minus creation, closed conversations only.
	TimeToClose Metric = "time_to_close"
)

// property returns the schema property that carries the metric.
func (m Metric) property() string {
	switch m {
	case FirstResponseTime:
		return "FirstResponseTime"
	case WaitTime:
		return "WaitTime"
	case TimeToClose:
		return "TimeToClose"
	}
	return ""
}

// Aggregation says how a report combines the conversations of a point.
type Aggregation string

// The aggregations.
const (
	Count      Aggregation = "count"      // number of conversations
	Average    Aggregation = "avg"        // mean of the metric
	Median     Aggregation = "median"     // nearest-rank 50th percentile
	Percentile Aggregation = "percentile" // nearest-rank P-th percentile
	Min        Aggregation = "min"
	Max        Aggregation = "max"
	// ShareWithin is the percentage (0–100) of conversations whose metric is
	// at most Threshold.
	ShareWithin Aggregation = "share_within"
)

// Measure is what a report computes for each point. The zero Measure counts
// conversations.
type Measure struct {
	Agg    Aggregation `json:"agg,omitempty"`
	Metric Metric      `json:"metric,omitempty"`
	// P is the percentile, in (0, 100] with at most six decimals, for
	// Percentile.
	P float64 `json:"p,omitempty"`
	// Threshold is the limit for ShareWithin.
	Threshold Duration `json:"threshold,omitempty"`
	// SLA names the policy an SLA aggregation measures, in the query's
	// [Query.SLA]; Target is which of its targets.
	SLA    string        `json:"sla,omitempty"`
	Target SLATargetKind `json:"target,omitempty"`
}

// Key names the measure in result JSON: "count", "avg_first_response_time",
// "p90_wait_time", "share_time_to_close_within_3600s".
func (m Measure) Key() string {
	switch m.agg() {
	case Count:
		return "count"
	case Percentile:
		return "p" + strconv.FormatFloat(m.P, 'f', -1, 64) + "_" + string(m.Metric)
	case ShareWithin:
		return fmt.Sprintf("share_%s_within_%ss", m.Metric, decimal.NewFromInt(int64(m.Threshold.D())).Shift(-9).String())
	case SLAMet, SLABreaches, SLAAvgOver, SLATotalOver:
		return fmt.Sprintf("%s_%s_%s", m.Agg, m.SLA, m.Target) // "sla_met_standard_first_response"
	}
	return string(m.agg()) + "_" + string(m.Metric)
}

// Unit is "conversations" for counts, "percent" for shares and "seconds" for
// duration aggregates.
func (m Measure) Unit() string {
	switch m.agg() {
	case Count, SLABreaches:
		return "conversations"
	case ShareWithin, SLAMet:
		return "percent"
	}
	return "seconds"
}

func (m Measure) agg() Aggregation {
	if m.Agg == "" {
		return Count
	}
	return m.Agg
}

func (m Measure) validate() error {
	switch m.agg() {
	case Count:
		if m.Metric != "" {
			return fmt.Errorf("count takes no metric (got %q)", m.Metric)
		}
		return nil
	case Average, Median, Percentile, Min, Max, ShareWithin:
	case SLAMet, SLABreaches, SLAAvgOver, SLATotalOver:
		return m.validateSLA()
	default:
		return fmt.Errorf("unknown aggregation %q (want count, avg, median, percentile, min, max, share_within, sla_met, sla_breaches, sla_avg_over or sla_total_over)", m.Agg)
	}
	if m.SLA != "" || m.Target != "" {
		return fmt.Errorf("%s measures a metric, not an SLA policy: sla and target apply to the sla_ aggregations", m.Agg)
	}
	if m.Metric.property() == "" {
		return fmt.Errorf("%s needs a metric: first_response_time, wait_time or time_to_close (got %q)", m.Agg, m.Metric)
	}
	if m.Agg == Percentile && !(m.P > 0 && m.P <= 100) {
		return fmt.Errorf("percentile P must be in (0, 100], got %v", m.P)
	}
	if m.Agg == Percentile && math.Round(m.P*1e6)/1e6 != m.P {
		// Ranks are computed on P in millionths, exactly: a finer P
		// would be rounded, and its rank could differ from ⌈P/100·n⌉.
		return fmt.Errorf("percentile P %v has more than six decimals", m.P)
	}
	if m.Agg == ShareWithin && m.Threshold <= 0 {
		return fmt.Errorf("share_within needs a positive threshold")
	}
	return nil
}

// Bucket is the width of a time bucket.
type Bucket string

// The time buckets. Each is computed in the query's time zone.
const (
	NoBucket Bucket = ""
	Hour     Bucket = "hour"
	Day      Bucket = "day"
	Week     Bucket = "week"
	Month    Bucket = "month"
	Quarter  Bucket = "quarter"
	Year     Bucket = "year"
)

// SortBy orders a report's points.
type SortBy string

// The orders. Time series are always in bucket order.
const (
	// ByValueDesc: largest value first, ties by label. The default.
	ByValueDesc SortBy = "value_desc"
	ByValueAsc  SortBy = "value_asc"
	ByLabelAsc  SortBy = "label_asc"
	ByLabelDesc SortBy = "label_desc"
)

// ChartType is how a report is drawn.
type ChartType string

// The chart types.
const (
	BarChart     ChartType = "bar"
	ColumnChart  ChartType = "column"
	LineChart    ChartType = "line"
	AreaChart    ChartType = "area"
	PieChart     ChartType = "pie"
	DonutChart   ChartType = "donut"
	SummaryChart ChartType = "summary" // one big number
	TableChart   ChartType = "table"
)

// chartTypes is every chart type; an array, so that no caller can change
// what validation accepts.
var chartTypes = [...]ChartType{BarChart, ColumnChart, LineChart, AreaChart, PieChart, DonutChart, SummaryChart, TableChart}

// ChartTypes returns every chart type, as a new slice.
func ChartTypes() []ChartType { return slices.Clone(chartTypes[:]) }

// ChartType is the chart r is drawn as: its Chart.Type, or where that is
// empty (automatic), a line chart for a time series, a bar chart for a
// grouped report, and a summary for one number.
func (r Report) ChartType() ChartType {
	switch {
	case r.Chart.Type != "":
		return r.Chart.Type
	case r.Bucket != NoBucket:
		return LineChart
	case len(r.Dimensions) > 0:
		return BarChart
	}
	return SummaryChart
}

// Chart says how a report is displayed.
type Chart struct {
	Type ChartType `json:"type,omitempty"`
	// Stacked stacks the series of a bar or column chart; Percent stacks
	// them to 100 %.
	Stacked bool `json:"stacked,omitempty"`
	Percent bool `json:"percent,omitempty"`
}

// Report defines one report: what to measure, grouped how, over which
// conversations. It is a plain value, saved as JSON; the zero value of each
// field means its default.
type Report struct {
	ID          string `json:"id,omitempty"`
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`

	Measure Measure `json:"measure"`
	// Dimensions are property names to group by ("Assignee", "OriginURL").
	// Conversations with no value form their own group.
	Dimensions []string `json:"dimensions,omitempty"`
	// Bucket groups by time: the DateProperty's value, in the query's zone.
	Bucket Bucket `json:"bucket,omitempty"`
	// DateProperty is the time property the query's date range applies to
	// (and the one Bucket groups by). Default "CreatedAt".
	DateProperty string `json:"date_property,omitempty"`
	// Snapshot ignores the date range and counts the conversations open at
	// the query's Now: created at or before Now, and not closed at or before
	// Now.
	Snapshot bool `json:"snapshot,omitempty"`

	// Filter is an expression over the schema's properties; Conditions are
	// structured filters. A conversation counts when it passes both.
	Filter     string      `json:"filter,omitempty"`
	Conditions []Condition `json:"conditions,omitempty"`

	Sort SortBy `json:"sort,omitempty"`
	// Limit keeps the first Limit points (after sorting) and folds the rest
	// into one point labelled "Other". Zero keeps every point.
	Limit int `json:"limit,omitempty"`

	Chart Chart `json:"chart,omitempty"`
	// Properties are the columns a drill-down shows.
	Properties []string `json:"properties,omitempty"`
	// Calendar, when set, makes the report's durations count business
	// hours only, by the calendar of this name in the query's
	// [Query.Calendars] (and each inbox's calendar there). Empty means the
	// dashboard's Calendar in [Engine.RunDashboard], and otherwise the
	// query's Calendar, if any. A name the query's Calendars lack fails the
	// run with a *[ReportError] whose Field is "calendar".
	Calendar string `json:"calendar,omitempty"`
}

func (r *Report) dateProperty() string {
	if r.DateProperty == "" {
		return "CreatedAt"
	}
	return r.DateProperty
}

// Duration is a time.Duration that reads and writes JSON as text ("5m",
// "1h30m").
type Duration time.Duration

// D returns d as a time.Duration.
func (d Duration) D() time.Duration { return time.Duration(d) }

// MarshalText writes d like time.Duration.String.
func (d Duration) MarshalText() ([]byte, error) { return []byte(time.Duration(d).String()), nil }

// UnmarshalText reads a duration written as "90s", "5m", "1h30m".
func (d *Duration) UnmarshalText(b []byte) error {
	v, err := filter.ParseDuration(string(b))
	if err != nil {
		return fmt.Errorf("convreport: %w", err)
	}
	*d = Duration(v)
	return nil
}
