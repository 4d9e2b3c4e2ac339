package convreport

import (
	"context"
	"fmt"
)

// ExcludedReason says in words why a measure leaves conversations out of
// its points: "no agent reply yet" for response and wait times, "still
// open" for time to close, "not yet decided" for an SLA measure (its
// pending conversations), "" for counts, which leave nothing out.
func (m Measure) ExcludedReason() string {
	if m.agg().isSLA() {
		return "not yet decided"
	}
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
// for a report whose measure leaves nothing out, and for an SLA measure,
// whose pending conversations no condition tells apart (they depend on
// the query's Now and the target's clock): [Engine.DrillExcluded] lists
// them.
func ExcludedReport(r Report) (Report, error) {
	if r.Measure.agg().isSLA() {
		return Report{}, &ReportError{Report: r.Name, Field: "measure", Err: fmt.Errorf("%s: no report counts the pending conversations of an SLA measure; Engine.DrillExcluded lists them", r.Measure.Key())}
	}
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
// the same group in [ExcludedReport], and its length equals p.Excluded
// (a point that carries its numbers is checked as DrillDown checks it).
func (e *Engine) DrillExcluded(ctx context.Context, q Query, r Report, p Point) (*Drill, error) {
	if err := e.ready(ctx); err != nil {
		return nil, err
	}
	if p.Other {
		return nil, fmt.Errorf("convreport: drill-down: the Other point of report %q folds groups; list the left-out conversations of one group", r.Name)
	}
	q.Compare = NoCompare
	if r.Measure.agg().isSLA() {
		// The point's own group, its pending conversations instead of its
		// breaches.
		pt := Point{Dimensions: p.Dimensions, Bucket: p.Bucket}
		return checkExcluded(r.Name, p)(e.drill(ctx, q, r, pt, true))
	}
	x, err := ExcludedReport(r)
	if err != nil {
		return nil, err
	}
	pt := Point{Dimensions: p.Dimensions, Bucket: p.Bucket}
	return checkExcluded(r.Name, p)(e.DrillDown(ctx, q, x, pt))
}

// checkExcluded returns the check of DrillExcluded's list of point p's
// conversations left out: as many as p.Excluded, when p carries its
// numbers (see [Engine.DrillDown]).
func checkExcluded(report string, p Point) func(*Drill, error) (*Drill, error) {
	return func(d *Drill, err error) (*Drill, error) {
		if err != nil || !p.counted() {
			return d, err
		}
		if got := d.Len(); int64(got) != p.Excluded {
			return nil, &PointMismatchError{Report: report, List: "Excluded", Want: p.Excluded, Got: got}
		}
		return d, nil
	}
}

// pendingPlan returns a copy of the SLA plan pl whose drill-down lists the
// pending conversations: pl may be shared.
func pendingPlan(pl *compiled) *compiled {
	cp := *pl
	plan := *pl.Plan
	sla := *plan.SLA
	sla.ListPending = true
	plan.SLA = &sla
	cp.Plan = &plan
	return &cp
}
