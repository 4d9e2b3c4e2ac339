package convreport

import (
	"context"
	"fmt"
)

// ExcludedReason says in words why a duration measure leaves conversations
// out of its points: "no agent reply yet" for response and wait times,
// "still open" for time to close, "" for counts, which leave nothing out.
func (m Measure) ExcludedReason() string {
	switch m.Metric {
	case FirstResponseTime, WaitTime:
		if m.agg() != Count {
			return "no agent reply yet"
		}
	case TimeToClose:
		if m.agg() != Count {
			return "still open"
		}
	}
	return ""
}

// ExcludedReport returns the report that counts, in each group, the
// conversations r's measure leaves out ([Point.Excluded]): r counting
// instead of measuring, with the metric "is unknown" as one more
// condition, and no Limit, so no group folds into Other. It is an error
// for a report whose measure leaves nothing out.
func ExcludedReport(r Report) (Report, error) {
	if r.Measure.ExcludedReason() == "" {
		return Report{}, &ReportError{Report: r.Name, Field: "measure", Err: fmt.Errorf("%s leaves no conversation out", r.Measure.Key())}
	}
	x := r.Clone()
	x.Conditions = append(x.Conditions, Condition{Property: r.Measure.Metric.property(), Op: IsUnknown})
	x.Measure = Measure{}
	x.Limit = 0
	x.Sort = ByLabelAsc
	return x, nil
}

// DrillExcluded lists the conversations point p of report r run for q
// leaves out of its value: its Excluded ones, such as the chats no agent
// has answered yet behind an average first response time. p must be a
// point that names its group (not Other): the list is the drill-down of
// the same group in [ExcludedReport], and its length equals p.Excluded.
func (e *Engine) DrillExcluded(ctx context.Context, q Query, r Report, p Point) (*Drill, error) {
	if err := e.ready(ctx); err != nil {
		return nil, err
	}
	if p.Other {
		return nil, fmt.Errorf("convreport: drill-down: the Other point of report %q folds groups; list the left-out conversations of one group", r.Name)
	}
	x, err := ExcludedReport(r)
	if err != nil {
		return nil, err
	}
	q.Compare = NoCompare
	pt := Point{Dimensions: p.Dimensions, Bucket: p.Bucket}
	return e.DrillDown(ctx, q, x, pt)
}
