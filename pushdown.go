package convreport

import (
	"errors"
	"fmt"
	"math/big"
	"time"

	"github.com/convreport/convreport/calendar"
	"github.com/convreport/convreport/internal/colstore"
	"github.com/convreport/convreport/internal/exec"
	"github.com/convreport/convreport/internal/filter"
)

// Pushdown is what the engine hands an [Aggregator]: the resolved query and
// each report reduced to what a source must compute — which conversations
// (Where), grouped how (Dimensions, Buckets), measured how. A source
// computes a [Group] per group and turns them into results with
// [Pushdown.Result], which applies the engine's own rounding, gap filling,
// sorting and "Other" folding, so a pushed-down result equals a scanned one.
type Pushdown struct {
	From, To  time.Time
	Zone      *time.Location
	Now       time.Time
	WeekStart calendar.Weekday
	// Calendar is non-nil when the durations of any report count business
	// hours (each report's calendars are in PushdownReport; a count is the
	// same in any calendar and carries none): a source that does not
	// compute business time declines on this one field, so that no
	// report's number silently changes.
	Calendar *calendar.Calendar
	Reports  []PushdownReport

	rq      resolved
	reports []*compiled
}

// PushdownReport is one report of a [Pushdown].
type PushdownReport struct {
	Report Report
	// Where selects the report's conversations: its filter and conditions,
	// the viewer's scope and its date conditions, all in one tree. Rows
	// created outside [CreatedFrom, CreatedTo) never match (zero bounds are
	// open), which a source may use for an index; Where holds the exact
	// conditions.
	Where                  Cond
	CreatedFrom, CreatedTo time.Time
	// Dimensions are the properties grouped by, in order.
	Dimensions []Property
	// Buckets are the time bucket starts, in the query's zone, when the
	// report has a Bucket: a row is in bucket i when Buckets[i] ≤ its
	// BucketProperty value < Buckets[i+1] (the last bucket is open-ended;
	// Where already bounds the value).
	Buckets        []time.Time
	BucketProperty Property
	Measure        Measure
	// Calendar is non-nil when the report's durations count business
	// hours: by InboxCalendars[Inbox] for a conversation whose inbox is
	// there, and by Calendar otherwise.
	Calendar       *calendar.Calendar
	InboxCalendars map[string]*calendar.Calendar
	// SLA is set for an SLA measure: the target's limit and clock, and
	// Now, against which open conversations are judged. Its Calendar
	// (when the target counts business hours) is also this report's
	// Calendar, so a source that does not compute business time declines.
	SLA *PushdownSLA
}

// PushdownSLA is an SLA measure as a source computes it. For each
// conversation Where selects: created after Now it is pending; otherwise
// its clock stops at ClosedAt if that is at or before Now, and, for the
// first-response target, at FirstResponseAt if that is at or before Now
// and before the close; its elapsed time runs from CreatedAt to the stop,
// or to Now when the clock has not stopped. Elapsed over Within is a
// breach; stopped within it is met; running within it is pending. A
// [Group] then holds: Count the met and breached conversations, Within
// the met ones, Sum the total of elapsed − Within over the breaches (in
// nanoseconds), and Excluded the pending ones.
type PushdownSLA struct {
	Policy string
	Target SLATargetKind
	Within time.Duration
	Now    time.Time
}

// CondOp is the operator of a [Cond].
type CondOp string

// The operators of a [Cond]. A comparison on an unknown value (an empty
// string, a missing time, a duration that does not apply) is false, except
// CondNe and CondNotIn, which are true; CondKnown and CondUnknown test it.
const (
	CondTrue     CondOp = "true"
	CondFalse    CondOp = "false"
	CondAnd      CondOp = "and" // every Kid
	CondOr       CondOp = "or"  // any Kid
	CondNot      CondOp = "not" // not Kids[0]
	CondEq       CondOp = "eq"  // Property == Values[0]
	CondNe       CondOp = "ne"
	CondIn       CondOp = "in" // Property is one of Values
	CondNotIn    CondOp = "not_in"
	CondLt       CondOp = "lt"
	CondLe       CondOp = "le"
	CondGt       CondOp = "gt"
	CondGe       CondOp = "ge"
	CondRange    CondOp = "range" // Values[0] ≤ Property < Values[1]
	CondKnown    CondOp = "known"
	CondUnknown  CondOp = "unknown"
	CondContains CondOp = "contains" // string contains Values[0]
	CondPrefix   CondOp = "prefix"
	CondSuffix   CondOp = "suffix"
	// CondExpr is a part of a filter no operator above expresses; Expr holds
	// its expression text. A source that cannot run it declines the pushdown.
	CondExpr CondOp = "expr"
)

// Cond is a condition on conversations, as a source translates it. Values
// are typed by the property's kind: string (string and enum), float64
// (number), bool, time.Time (time) or time.Duration (duration, including
// the derived FirstResponseTime, WaitTime and TimeToClose).
type Cond struct {
	Op       CondOp
	Property Property
	Values   []any
	Kids     []Cond
	Expr     string
}

var condOps = map[filter.Op]CondOp{
	filter.True: CondTrue, filter.False: CondFalse, filter.And: CondAnd, filter.Or: CondOr, filter.Not: CondNot,
	filter.Eq: CondEq, filter.Ne: CondNe, filter.In: CondIn, filter.NotIn: CondNotIn, filter.Lt: CondLt, filter.Le: CondLe,
	filter.Gt: CondGt, filter.Ge: CondGe, filter.Range: CondRange, filter.Known: CondKnown, filter.Unknown: CondUnknown,
	filter.Contains: CondContains, filter.Prefix: CondPrefix, filter.Suffix: CondSuffix, filter.Expr: CondExpr,
}

func condOf(s *Schema, p *filter.Pred) Cond {
	c := Cond{Op: condOps[p.Op], Values: p.Vals}
	if p.Field.Name != "" {
		c.Property = mustProp(s, p.Field.Name)
	}
	if p.Op == filter.Expr && p.Res != nil {
		c.Expr = p.Res.Text
	}
	for _, k := range p.Kids {
		c.Kids = append(c.Kids, condOf(s, k))
	}
	return c
}

func newPushdown(rq resolved, cs []*compiled) *Pushdown {
	pl := &Pushdown{From: rq.from, To: rq.to, Zone: rq.loc, Now: rq.now, WeekStart: calendar.Weekday((int(rq.weekStart) + 6) % 7), rq: rq, reports: cs}
	for _, p := range cs {
		h := hintFor([]*compiled{p})
		// The engine prunes CreatedAt by the rows' order; a source needs
		// the condition spelled out.
		where := p.Pred
		created := mustProp(rq.schema, "CreatedAt")
		switch {
		case p.Snapshot:
			where = &filter.Pred{Op: filter.And, Kids: []*filter.Pred{where, {Op: filter.Le, Field: created.field(), Vals: []any{rq.now}}}}
		case p.DateCreated:
			where = &filter.Pred{Op: filter.And, Kids: []*filter.Pred{where, {Op: filter.Range, Field: created.field(), Vals: []any{rq.from, rq.to}}}}
		}
		pr := PushdownReport{Report: p.r, Where: condOf(rq.schema, where), CreatedFrom: h.CreatedFrom, CreatedTo: h.CreatedTo,
			Dimensions: p.dimProps, Measure: p.measure}
		if p.bucket != NoBucket {
			pr.Buckets = p.starts
			pr.BucketProperty = p.dateProp
		}
		// Only durations count business hours: a count with a calendar is
		// the same count, and a source may answer it.
		if p.biz != nil && p.Metric != exec.NoMetric {
			pr.Calendar, pr.InboxCalendars = p.biz.def.Calendar(), p.biz.inboxCalendars()
		}
		if p.sla != nil {
			pr.SLA = &PushdownSLA{Policy: p.sla.policy.Name, Target: p.sla.kind, Within: time.Duration(p.sla.target), Now: rq.now}
			if p.sla.biz != nil {
				pr.Calendar, pr.InboxCalendars = p.sla.biz.def.Calendar(), p.sla.biz.inboxCalendars()
			}
		}
		if pl.Calendar == nil {
			pl.Calendar = pr.Calendar
		}
		pl.Reports = append(pl.Reports, pr)
	}
	return pl
}

// Group is one group of a report as a source computed it.
type Group struct {
	// Values holds the group's value of each dimension, in order; nil for
	// conversations without a value (a bool dimension's value is "true" or
	// "false").
	Values []*string
	// Bucket is the index of the group's time bucket in the report's
	// Buckets; 0 when the report has none.
	Bucket int
	// Count is the number of conversations the measure applies to;
	// Excluded those that matched but have no value of the metric (never
	// answered, not closed).
	Count, Excluded int64
	// Sum is the metric's total in nanoseconds (for averages).
	Sum *big.Int
	// Min and Max are the metric's extremes (for min and max).
	Min, Max time.Duration
	// Within counts values ≤ the measure's Threshold (for share_within).
	Within int64
	// Quantile is the measure's nearest-rank percentile (median: 50), for
	// median and percentile, computed by the source; or give every value in
	// Durations and it is computed here.
	Quantile  *time.Duration
	Durations []time.Duration
}

// ErrBadGroups is returned by [Pushdown.Result] for groups that do not fit the
// report.
var ErrBadGroups = errors.New("convreport: groups do not fit the report")

// Result turns a source's groups for report i into its Result, exactly as
// the engine would: the same values, points, order and folding. A time
// series whose groups make more points than the engine's MaxPoints is
// refused with an error that wraps the report's *[ReportError] (and
// *[LimitError]): Aggregate returns it, wrapped or not, and the run
// fails with the report's error, as a scan's.
func (p *Pushdown) Result(i int, groups []Group) (Result, error) {
	if i < 0 || i >= len(p.reports) {
		return Result{}, fmt.Errorf("%w: no report %d", ErrBadGroups, i)
	}
	pl := p.reports[i]
	// Local dictionaries: code 0 is "no value", as in the column store.
	dicts := make([]*colstore.Strs, len(pl.Dims))
	index := make([]map[string]uint32, len(pl.Dims))
	for j := range dicts {
		dicts[j] = new(colstore.Strs)
		dicts[j].Add("")
		index[j] = map[string]uint32{}
	}
	codes := make([][]uint32, len(groups))
	for gi, g := range groups {
		if len(g.Values) != len(pl.Dims) {
			return Result{}, fmt.Errorf("%w: group %d has %d values for %d dimensions", ErrBadGroups, gi, len(g.Values), len(pl.Dims))
		}
		if pl.bucket != NoBucket && (g.Bucket < 0 || g.Bucket >= len(pl.starts)) || pl.bucket == NoBucket && g.Bucket != 0 {
			return Result{}, fmt.Errorf("%w: group %d has bucket %d", ErrBadGroups, gi, g.Bucket)
		}
		codes[gi] = make([]uint32, len(pl.Dims))
		for j, v := range g.Values {
			if v == nil || *v == "" {
				continue
			}
			k, ok := index[j][*v]
			if !ok {
				k = uint32(dicts[j].Len())
				dicts[j].Add(*v)
				index[j][*v] = k
			}
			codes[gi][j] = k
		}
	}
	cards := make([]uint64, len(pl.Dims))
	for j := range cards {
		cards[j] = uint64(dicts[j].Len())
	}
	buckets := uint64(1)
	if pl.bucket != NoBucket {
		buckets = uint64(len(pl.starts))
	}
	l, err := exec.LayoutOf(cards, buckets)
	if err != nil {
		return Result{}, fmt.Errorf("%w: %v", ErrBadGroups, err)
	}
	g := exec.NewGroups(l.Keys())
	for gi, x := range groups {
		var key uint64
		for j, c := range codes[gi] {
			key += uint64(c) * l.Strides[j]
		}
		key += uint64(x.Bucket) * l.StrideB
		s := g.Slot(key)
		if g.Count[s] != 0 || g.Excluded[s] != 0 {
			return Result{}, fmt.Errorf("%w: group %d repeats another group's values", ErrBadGroups, gi)
		}
		g.Count[s], g.Excluded[s] = x.Count, x.Excluded
		g.Matched += x.Count + x.Excluded
		g.ExcludedAll += x.Excluded
		g.Min[s], g.Max[s], g.Within[s] = int64(x.Min), int64(x.Max), x.Within
		if x.Sum != nil {
			sum, ok := exec.Sum128Of(x.Sum)
			if !ok {
				return Result{}, fmt.Errorf("%w: group %d: sum out of range", ErrBadGroups, gi)
			}
			g.Sums[s] = sum
		}
		switch {
		case len(x.Durations) > 0:
			for _, d := range x.Durations {
				g.AddValues(s, int64(d))
			}
		case x.Quantile != nil:
			if pl.r.Limit > 0 {
				return Result{}, fmt.Errorf("%w: a report with a Limit needs every duration to fold percentiles into Other", ErrBadGroups)
			}
			// One value repeated stands for the group's exact quantile.
			g.AddValues(s, int64(*x.Quantile))
		}
	}
	// A time series over its points is refused as a scan refuses it
	// (the error a source returns from Aggregate, wrapped or not).
	return finalize(dicts, pl, g, l, p.rq)
}
