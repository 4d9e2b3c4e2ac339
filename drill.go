package convreport

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"iter"
	"slices"
	"time"

	"github.com/convreport/convreport/internal/civil"
	"github.com/convreport/convreport/internal/colstore"
	"github.com/convreport/convreport/internal/exec"
	"github.com/convreport/convreport/internal/filter"
)

// MaxPageSize is the default cap on the rows of one drill-down page.
const MaxPageSize = 1000

// Drill is the list of conversations behind one data point, as
// [Engine.DrillDown] returns it: its length equals the point's Count, and
// the report's measure computed over its rows equals the point's Value.
type Drill struct {
	// Columns are the report's display properties (or a default set).
	Columns []Property
	t       *table
	sel     *exec.Selection
	refs    []exec.RowRef // every row, once SortBy has ordered them
	maxPage int
	biz     *bizHours // the report's business hours, for duration columns
	// sla is the target whose breaches the drill-down lists, for the
	// OverTarget column; nil for other measures and pending lists.
	sla  *slaPlan
	slaX *exec.SLA
}

// OverTarget names the column an SLA point's drill-down ends with: how
// long each breach's clock ran past the target (in the target's business
// hours when it has a calendar; to the query's Now for a clock still
// running). Summed over the rows it is the point's sla_total_over, and
// averaged its sla_avg_over. [Drill.SortBy] takes it as a property name.
const OverTarget = "OverTarget"

// overTargetColumn is the Property of the OverTarget column: no property
// of the schema, but a duration like the derived ones.
var overTargetColumn = Property{Name: OverTarget, Key: "over_target", Label: "Time over target", Kind: KindDuration, Derived: true}

// newDrill returns the drill-down of report r's plan pl over t, its rows
// still to select.
func (e *Engine) newDrill(t *table, r *Report, pl *compiled) *Drill {
	d := &Drill{Columns: drillColumns(t.schema, r), t: t, maxPage: e.limits.MaxPageSize, biz: pl.biz}
	if pl.sla != nil && pl.Plan.SLA != nil && !pl.Plan.SLA.ListPending {
		d.sla, d.slaX = pl.sla, pl.Plan.SLA
		// Where the report's Properties put it, or last.
		if !slices.ContainsFunc(d.Columns, isOverTargetColumn) {
			d.Columns = append(d.Columns, overTargetColumn)
		}
	} else {
		// Pending conversations are over no target yet.
		d.Columns = slices.DeleteFunc(d.Columns, isOverTargetColumn)
	}
	return d
}

// isOverTargetColumn reports whether p is the OverTarget column, not a
// custom property of that name.
func isOverTargetColumn(p Property) bool {
	return p.Name == OverTarget && p.Key == overTargetColumn.Key && !p.Custom
}

// namesOverTarget reports whether a report's property name is the
// OverTarget column, by name or key, where the schema has no property of
// that name.
func namesOverTarget(s *Schema, name string) bool {
	if _, ok := s.Lookup(name); ok {
		return false
	}
	return name == OverTarget || name == overTargetColumn.Key
}

var defaultColumns = []string{"ID", "CreatedAt", "Channel", "Inbox", "Assignee", "Status"}

// DrillDown returns the conversations behind point p of report r run for
// q: those the point counts in its value (a response-time point lists the
// answered conversations; its Excluded ones are not listed), and for an
// SLA measure the point's Breaches, with their time over the target in
// the last column ([OverTarget]). The rows come in creation order; see
// [Drill.SortBy].
//
// p must come from a Result of the same report and query: for a
// dashboard's report, the report [Dashboard.Runnable] returns, with the
// dashboard's filters. A point that carries its numbers (a Count, or a
// Value, as every point of a Result does) is checked: when the
// conversations that match it are not as many as it counts, because it
// came from another report or query or the data changed since the run,
// DrillDown returns a *[PointMismatchError] rather than rows that do not
// add up to it. [Point.Unchecked] (its Dimensions, Bucket and Other
// alone) is drilled as the data stands now. A bucket outside the query's
// range is an error either way.
//
// The engine keeps the plan of a report under a query that sets Now and
// no calendars or SLA policies, so that drilling into the other points of
// a chart does not compile the report again; a report or query changed
// since, even in place, is compiled anew.
func (e *Engine) DrillDown(ctx context.Context, q Query, r Report, p Point) (*Drill, error) {
	return e.drill(ctx, q, r, p, false)
}

// drill is DrillDown; pending lists an SLA point's pending conversations
// instead of its breaches.
func (e *Engine) drill(ctx context.Context, q Query, r Report, p Point, pending bool) (*Drill, error) {
	// What is rare (an Other point, an error) is done in functions of
	// their own: a drill-down's stack is small, so that it need not grow
	// after a collection shrank it, a copy of tens of microseconds.
	if err := e.ready(ctx); err != nil {
		return nil, err
	}
	rq, plans, err := e.plans.plan(e, &q, &r)
	if err != nil {
		return nil, err
	}
	pl := plans[0]
	if pending {
		pl = pendingPlan(pl)
		plans = []*compiled{pl}
	}
	t, err := e.snapshot(ctx, hintFor(plans))
	if err != nil {
		return nil, err
	}
	l, err := exec.NewLayout(t.x, pl.Plan)
	if err != nil {
		return nil, &ReportError{Report: r.Name, Field: "dimensions", Err: err}
	}
	env := filterEnv{Now: rq.now, Zone: rq.loc}

	// want decides, from a row's group key, whether the row is behind p.
	var want func(key uint64) bool
	var where []*filter.Pred
	if p.Other {
		if want, err = e.otherWant(ctx, t, plans, env, l, rq, r.Name); err != nil {
			return nil, err
		}
	} else {
		ok := false
		if where, ok, err = pointWhere(t, pl, l, &p, r.Name); err != nil {
			return nil, err
		}
		if !ok {
			d := e.newDrill(t, &r, pl)
			if err := p.check(r.Name, d.sla != nil, 0); err != nil {
				return nil, err
			}
			return d, nil
		}
	}
	if where, err = bucketWhere(where, t, pl, rq, &p); err != nil {
		return nil, err
	}
	where = append(where, pl.Pred)
	d := e.newDrill(t, &r, pl)
	d.sel, err = exec.Select(ctx, t.x, pl.Plan, &filter.Pred{Op: filter.And, Kids: where}, filter.Env(env), l, want, e.workers)
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if !pending {
		if err := p.check(r.Name, d.sla != nil, d.Len()); err != nil {
			return nil, err
		}
	}
	return d, nil
}

// PointMismatchError is the error of a drill-down whose point counts
// other conversations than those that match it: the point came from a
// run of another report or query (a dashboard's report drilled without
// the dashboard's filters, another period, another report's point), or
// the data changed since that run. A caller that wants the conversations
// that match the point now, whatever it counted, drills [Point.Unchecked].
type PointMismatchError struct {
	// Report is the name of the report drilled.
	Report string
	// List says which of the point's numbers the drill-down lists:
	// "Count", "Breaches" (an SLA measure) or "Excluded".
	List string
	// Want is the point's number, Got the conversations that match it.
	Want int64
	Got  int
}

// Error says both numbers, and what to check.
func (e *PointMismatchError) Error() string {
	return fmt.Sprintf("convreport: drill-down of report %q: the point's %s is %d and %d conversations match it: drill with the report and query that gave the point "+
		"(a dashboard's report as Dashboard.Runnable returns it, with the dashboard's filters), or run the report again if the data changed since", e.Report, e.List, e.Want, e.Got)
}

// Unchecked returns p without its numbers: its Dimensions, Bucket and
// Other alone, a point [Engine.DrillDown] drills as the data stands now
// without checking it against what a run counted.
func (p Point) Unchecked() Point {
	return Point{Dimensions: p.Dimensions, Bucket: p.Bucket, Other: p.Other}
}

// counted says whether p carries the numbers of a run: a point of a
// Result always does (a Count, or a Value; an empty bucket of a duration
// has neither, and lists nothing either way).
func (p *Point) counted() bool {
	return p.Count != 0 || p.Value.Valid || p.Excluded != 0 || p.Breaches != 0
}

// check returns a *PointMismatchError when p carries its numbers and a
// drill-down of report lists got conversations where p counts others:
// its Count, or its Breaches for an SLA measure's.
func (p *Point) check(report string, sla bool, got int) error {
	if !p.counted() {
		return nil
	}
	list, want := "Count", p.Count
	if sla {
		list, want = "Breaches", p.Breaches
	}
	if int64(got) != want {
		return &PointMismatchError{Report: report, List: list, Want: want, Got: got}
	}
	return nil
}

// otherWant returns the test of a row's group key for the Other point of
// the report plans[0]: the groups (or series) the result keeps apart from
// Other, keyed without their bucket, are not behind it.
func (e *Engine) otherWant(ctx context.Context, t *table, plans []*compiled, env filterEnv, l exec.Layout, rq *resolved, name string) (func(uint64) bool, error) {
	pl := plans[0]
	if len(pl.Dims) == 0 {
		return nil, errors.New("convreport: drill-down: an Other point needs a report with dimensions")
	}
	var res Result
	gs, ls, err := scan(ctx, t, plans, env, e.workers)
	if err == nil {
		res, err = finalize(tableDicts(t, pl), pl, gs[0], ls[0], *rq)
	}
	if rf, ok := err.(*refusal); ok {
		return nil, rf.err // the report's error, as Run returns it
	}
	if err != nil {
		return nil, err
	}
	if res.Folded == 0 {
		return nil, fmt.Errorf("convreport: drill-down: report %q folds nothing into Other for this query", name)
	}
	kept := map[uint64]bool{}
	for _, x := range res.Points {
		if k, ok := pointGroupKey(t, pl, l, x); ok && !x.Other {
			kept[k%l.StrideB] = true
		}
	}
	return func(key uint64) bool { return !kept[key%l.StrideB] }, nil
}

// pointWhere returns the leaves that select p's dimension values, for the
// report pl named name; false when a value occurs in no row.
func pointWhere(t *table, pl *compiled, l exec.Layout, p *Point, name string) ([]*filter.Pred, bool, error) {
	if len(p.Dimensions) != len(pl.Dims) {
		return nil, false, fmt.Errorf("convreport: drill-down: point has %d dimensions, report %q has %d", len(p.Dimensions), name, len(pl.Dims))
	}
	for j, c := range pl.Dims {
		if pn := t.schema.props[c].Name; p.Dimensions[j].Property != pn {
			return nil, false, fmt.Errorf("convreport: drill-down: point dimension %d is %q, report %q groups by %q", j, p.Dimensions[j].Property, name, pn)
		}
	}
	if _, ok := pointGroupKey(t, pl, l, *p); !ok {
		return nil, false, nil
	}
	// The point's dimension values, bucket and "the metric applies" join
	// the filter as leaves, so the scan selects the rows column-wise. They
	// come first: they select fewest rows, and each leaf tests only the
	// rows those before it kept.
	where := make([]*filter.Pred, 0, len(pl.dimProps)+3)
	for j, dp := range pl.dimProps {
		d := p.Dimensions[j]
		if !d.Known {
			where = append(where, &filter.Pred{Op: filter.Unknown, Field: dp.field()})
			continue
		}
		var v any = d.Value
		if dp.Kind == KindBool {
			v = d.Value == "true"
		}
		where = append(where, &filter.Pred{Op: filter.Eq, Field: dp.field(), Vals: []any{v}})
	}
	return where, true, nil
}

// bucketWhere appends to where the leaves of p's bucket and of "the
// report's metric applies".
func bucketWhere(where []*filter.Pred, t *table, pl *compiled, rq *resolved, p *Point) ([]*filter.Pred, error) {
	if pl.bucket != NoBucket {
		i := slices.IndexFunc(pl.starts, p.Bucket.Equal)
		if i < 0 {
			return nil, fmt.Errorf("convreport: drill-down: bucket %s is not a %s bucket of the query's range", civil.FormatRFC3339(p.Bucket), pl.bucket)
		}
		end := rq.to
		if i+1 < len(pl.starts) {
			end = pl.starts[i+1]
		}
		where = append(where, &filter.Pred{Op: filter.Range, Field: pl.dateProp.field(), Vals: []any{pl.starts[i], end}})
	}
	if pl.Metric != exec.NoMetric {
		where = append(where, &filter.Pred{Op: filter.Known, Field: mustProp(t.schema, pl.measure.Metric.property()).field()})
	}
	return where, nil
}

// pointGroupKey finds the group key of a point's dimension values and
// bucket; false when a value occurs in no row.
func pointGroupKey(t *table, p *compiled, l exec.Layout, pt Point) (uint64, bool) {
	var key uint64
	for j, c := range p.Dims {
		d := pt.Dimensions[j]
		var code uint32
		if d.Known {
			var v any = d.Value
			if t.schema.props[c].Kind == KindBool {
				v = d.Value == "true"
			}
			k, ok := t.x.Code(c, v)
			if !ok {
				return 0, false
			}
			code = k
		}
		key += uint64(code) * l.Strides[j]
	}
	if p.Starts != nil {
		key += uint64(civil.IndexNanos(p.Starts, pt.Bucket.UnixNano())) * l.StrideB
	}
	return key, true
}

func drillColumns(s *Schema, r *Report) []Property {
	names := r.Properties
	if len(names) == 0 {
		names = slices.Clone(defaultColumns)
		if m := r.Measure.Metric.property(); m != "" {
			names = append(names, m)
		}
	}
	cols := make([]Property, 0, len(names))
	for _, n := range names {
		if p, ok := s.Lookup(n); ok {
			cols = append(cols, p)
		} else if namesOverTarget(s, n) && r.Measure.agg().isSLA() && !slices.ContainsFunc(cols, isOverTargetColumn) {
			cols = append(cols, overTargetColumn)
		}
	}
	return cols
}

// Len returns the number of conversations behind the point.
func (d *Drill) Len() int { return d.sel.Len() }

// SortBy orders the rows by a property, unknown values last, ties by ID.
// An SLA point's drill-down also sorts by [OverTarget].
func (d *Drill) SortBy(property string, desc bool) error {
	var value func(seg *colstore.Segment, row int) (any, bool)
	if d.sla != nil && namesOverTarget(d.t.schema, property) {
		value = func(seg *colstore.Segment, row int) (any, bool) {
			v, ok := d.slaX.OverOf(d.t.x, seg, row)
			return time.Duration(v), ok
		}
	} else {
		p, err := d.t.schema.resolve(property)
		if err != nil {
			return fmt.Errorf("convreport: drill-down sort: %w", err)
		}
		c := d.t.schema.index[p.Name]
		value = func(seg *colstore.Segment, row int) (any, bool) { return d.t.value(seg, c, row) }
		if m := derivedMetric(p); d.biz != nil && m != exec.NoMetric {
			// Business time, as the rows list it.
			value = func(seg *colstore.Segment, row int) (any, bool) {
				v, ok := d.t.x.MetricOf(seg, row, m, d.biz)
				return time.Duration(v), ok
			}
		}
	}
	if d.refs == nil {
		refs, err := d.sel.Refs()
		if err != nil {
			return fmt.Errorf("convreport: drill-down sort: %w", err)
		}
		d.refs = refs
	}
	slices.SortStableFunc(d.refs, func(a, b exec.RowRef) int {
		sa, sb := d.t.cols.Segments()[a.Seg], d.t.cols.Segments()[b.Seg]
		va, ka := value(sa, int(a.Row))
		vb, kb := value(sb, int(b.Row))
		if ka != kb {
			if ka {
				return -1
			}
			return 1
		}
		r := 0
		if ka {
			r = compareValues(va, vb)
			if desc {
				r = -r
			}
		}
		if r == 0 {
			r = colstore.Compare(&sa.IDs, int(a.Row), &sb.IDs, int(b.Row))
		}
		return r
	})
	return nil
}

func compareValues(a, b any) int {
	switch a := a.(type) {
	case string:
		return cmp.Compare(a, b.(string))
	case float64:
		return cmp.Compare(a, b.(float64))
	case bool:
		switch {
		case a == b.(bool):
			return 0
		case a:
			return 1
		}
		return -1
	case time.Time:
		return a.Compare(b.(time.Time))
	case time.Duration:
		return cmp.Compare(a, b.(time.Duration))
	}
	return 0
}

// All yields every conversation behind the point, in the current order.
// Rows are listed a batch at a time, so that All does not hold them all.
func (d *Drill) All() iter.Seq[Conversation] {
	return func(yield func(Conversation) bool) {
		const batch = 4096
		for offset := 0; offset < d.Len(); offset += batch {
			// Listing evaluates the rows DrillDown evaluated without
			// error, so it does not fail here.
			refs, err := d.refsAt(offset, batch)
			if err != nil {
				return
			}
			for c := range d.yield(refs) {
				if !yield(c) {
					return
				}
			}
		}
	}
}

// Page yields at most limit conversations from offset, in the current
// order. A limit over the engine's page size ([Limits.MaxPageSize]) is a
// *[LimitError].
func (d *Drill) Page(offset, limit int) (iter.Seq[Conversation], error) {
	if offset < 0 || limit < 0 {
		return nil, fmt.Errorf("convreport: drill-down page: offset %d and limit %d must not be negative", offset, limit)
	}
	if limit > d.maxPage {
		return nil, &LimitError{Limit: "drill-down page size", Max: d.maxPage, Got: limit}
	}
	refs, err := d.refsAt(offset, limit)
	if err != nil {
		return nil, err
	}
	return d.yield(refs), nil
}

// refsAt returns at most limit rows from offset, in the current order.
func (d *Drill) refsAt(offset, limit int) ([]exec.RowRef, error) {
	if d.refs == nil {
		return d.sel.Slice(offset, limit)
	}
	return d.refs[min(offset, len(d.refs)):min(len(d.refs), offset+limit)], nil
}

// warmBlock is how many rows a drill-down decodes after warming their
// dictionary entries: a page's worth, and few enough for All to stay in
// cache between the two.
const warmBlock = 64

// yield yields the conversations of refs.
func (d *Drill) yield(refs []exec.RowRef) iter.Seq[Conversation] {
	return func(yield func(Conversation) bool) {
		cv := new(Conversation) // yield takes a copy
		var buf []byte          // numbered IDs written out, shared by rows
		segs := d.t.cols.Segments()
		for rest := refs; len(rest) > 0; {
			block := rest[:min(len(rest), warmBlock)]
			rest = rest[len(block):]
			d.t.warmDicts(segs, block)
			for _, ref := range block {
				d.t.conversationInto(cv, segs[ref.Seg], int(ref.Row), &buf)
				if !yield(*cv) {
					return
				}
			}
		}
	}
}

// Values returns c's value of each of the drill's Columns (nil when
// unknown), typed as [Schema.Value] returns them. When the report counts
// business hours, its derived durations (FirstResponseTime, WaitTime,
// TimeToClose) are business time, as the report's number counted them.
// An SLA point's [OverTarget] is a time.Duration.
func (d *Drill) Values(c *Conversation) []any {
	return d.valuer().values(d.Columns, c)
}

// valuer returns what gives the drill's rows their values.
func (d *Drill) valuer() drillValues { return drillValues{biz: d.biz, sla: d.sla} }

// drillValues gives a drill-down's rows their values: durations in the
// report's business hours when it counts them (biz), and the time over
// an SLA target for an SLA point's breaches (sla).
type drillValues struct {
	biz *bizHours
	sla *slaPlan
}

// values returns c's value of each of cols, nil when unknown.
func (dv drillValues) values(cols []Property, c *Conversation) []any {
	out := make([]any, len(cols))
	for i, p := range cols {
		if dv.sla != nil && p.Name == OverTarget && p.Key == overTargetColumn.Key {
			if v, ok := dv.sla.over(c); ok {
				out[i] = v
			}
			continue
		}
		if dv.biz != nil && p.Derived {
			if v, ok := dv.biz.duration(c, p); ok {
				out[i] = v
			}
			continue
		}
		if v, ok := propertyValue(c, p); ok {
			out[i] = v
		}
	}
	return out
}

// LimitError reports a request over one of the engine's [Limits]. Its
// fields are named as in [FilterLimitError] and [plan.Error]: Limit
// says which, Max is the limit's value.
type LimitError struct {
	Limit string // what is limited: "dimensions per report", "buckets per report", …
	Max   int    // the limit
	Got   int    // what was asked for
}

// Error says which limit the request is over, and by how much.
func (e *LimitError) Error() string {
	return fmt.Sprintf("convreport: %s %d is over the limit of %d", e.Limit, e.Got, e.Max)
}
