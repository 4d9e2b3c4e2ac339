package exec

import (
	"fmt"

	"github.com/convreport/convreport/internal/colstore"
	"github.com/convreport/convreport/internal/filter"
)

// Metric is the duration a plan measures.
type Metric int

// The metrics.
const (
	NoMetric      Metric = iota // the plan counts conversations
	FirstResponse               // agent first response time
	Wait                        // customer wait time
	Close                       // time to close
)

// Agg is what a plan's groups keep of their rows' metric values.
type Agg int

// The accumulations.
const (
	Values   Agg = iota // every value: medians, percentiles
	Sum                 // count and sum: averages
	Within              // count, and how many are at most Threshold
	Extremes            // count, minimum and maximum
)

// Plan is one report prepared to scan: which rows it keeps, how it groups
// them, what it measures.
type Plan struct {
	// Pred selects the rows, date conditions that the creation order
	// cannot decide included; PredKey identifies it, so plans with one
	// filter share its evaluation.
	Pred    *filter.Pred
	PredKey string

	// DateCol is the column of the date the range applies to;
	// DateCreated says it is the creation time, which the rows are sorted
	// by, and DateAfterNew that it is never before the creation time.
	DateCol      int
	DateCreated  bool
	DateAfterNew bool
	// From and To bound the range [From, To); Now is the query's instant,
	// all Unix nanoseconds. A snapshot keeps the rows created by Now.
	From, To, Now int64
	Snapshot      bool

	// Dims are the columns grouped by; Starts the bucket starts, nil when
	// the plan is not over time.
	Dims   []int
	Starts []int64

	Metric    Metric
	Agg       Agg
	Threshold int64 // nanoseconds, for Within
	// Hours counts the metric in business time; nil for calendar time.
	Hours Hours
	// SLA classifies each row against a target instead of a metric.
	SLA *SLA

	// StopSeries stops the scan with a *SeriesError once it has met this
	// many series (values of Dims) with a counted row, over every worker:
	// the report would be over its points, and the scan need not go on
	// to hold them. 0 for no bound.
	StopSeries int
}

// RowRange returns the rows of a segment (sorted by creation time) that
// can fall in the plan's date range.
func (p *Plan) RowRange(seg *colstore.Segment) (lo, hi int) {
	switch {
	case p.Snapshot:
		return 0, searchAfter(seg.Created, p.Now)
	case p.DateCreated:
		return searchFrom(seg.Created, p.From), searchFrom(seg.Created, p.To)
	case p.DateAfterNew:
		return 0, searchFrom(seg.Created, p.To)
	}
	return 0, seg.N
}

// CreatedBounds returns the creation times [lo, hi) that cover the rows
// of every plan; false when some plan may need any row.
func CreatedBounds(plans []*Plan) (lo, hi int64, ok bool) {
	for i, p := range plans {
		var l, h int64
		switch {
		case p.Snapshot:
			l, h = colstore.Null, p.Now+1
		case p.DateCreated:
			l, h = p.From, p.To
		case p.DateAfterNew:
			l, h = colstore.Null, p.To
		default:
			return 0, 0, false
		}
		if i == 0 {
			lo, hi = l, h
		}
		lo, hi = min(lo, l), max(hi, h)
	}
	return lo, hi, true
}

// searchFrom returns the first index with a[i] >= v.
func searchFrom(a []int64, v int64) int {
	lo, hi := 0, len(a)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if a[m] < v {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo
}

// searchAfter returns the first index with a[i] > v.
func searchAfter(a []int64, v int64) int {
	lo, hi := 0, len(a)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if a[m] <= v {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo
}

// LayoutError says that a plan's groups do not fit a 64-bit key.
type LayoutError struct {
	Plan int // its position in the scan
	Err  error
}

func (e *LayoutError) Error() string { return e.Err.Error() }

func (e *LayoutError) Unwrap() error { return e.Err }

// SeriesError says that a plan met StopSeries series.
type SeriesError struct {
	Plan   int // its position in the scan
	Series int // the series met, at least StopSeries
}

func (e *SeriesError) Error() string {
	return fmt.Sprintf("plan %d: %d series, the scan's bound", e.Plan, e.Series)
}
