package convreport

import (
	"context"
	"errors"
	"fmt"
	"runtime"

	"github.com/convreport/convreport/internal/colstore"
	"github.com/convreport/convreport/internal/exec"
	"github.com/convreport/convreport/internal/filter"
)

// Engine runs reports over a [Source]. It is safe for concurrent use.
type Engine struct {
	src     Source
	workers int
	limits  Limits
	// filters keeps compiled filters across runs; the engine's filter
	// limits never change, so they need not be part of its key.
	filters filterMemo
	// plans keeps drill-down plans across drill-downs.
	plans planMemo
}

// Option configures an [Engine].
type Option func(*Engine)

// WithWorkers sets how many goroutines share a scan; default GOMAXPROCS.
func WithWorkers(n int) Option {
	return func(e *Engine) {
		if n > 0 {
			e.workers = n
		}
	}
}

// NewEngine returns an engine over src. An engine over a nil src returns
// an error from every method.
func NewEngine(src Source, opts ...Option) *Engine {
	e := &Engine{src: src, workers: runtime.GOMAXPROCS(0), limits: DefaultLimits()}
	for _, o := range opts {
		o(e)
	}
	return e
}

var (
	errNoSource   = errors.New("convreport: the engine has no source (NewEngine was given nil)")
	errNilContext = errors.New("convreport: nil context.Context (pass context.Background() for none)")
)

// ready is ctx.Err(), or why e cannot run at all: a nil engine, one over
// no source, or a nil context would otherwise panic deep inside a run.
func (e *Engine) ready(ctx context.Context) error {
	switch {
	case e == nil || e.src == nil:
		return errNoSource
	case ctx == nil:
		return errNilContext
	}
	return ctx.Err()
}

// Limits returns the engine's limits, defaults filled in: what it refuses
// at run time, for an editor to say in advance (the most points a report
// may keep, its MaxGroups). A nil engine has the defaults.
func (e *Engine) Limits() Limits {
	if e == nil {
		return DefaultLimits()
	}
	return e.limits
}

// Schema returns the schema of the engine's source: the properties its
// reports may name, as [Engine.CheckReport] checks them. A nil engine, or
// one without a source, has the [DefaultSchema].
func (e *Engine) Schema() *Schema {
	if e == nil || e.src == nil {
		return DefaultSchema()
	}
	return e.src.Schema()
}

// CheckReport reports whether r runs on this engine, for any query: its
// properties are in the source's schema, of kinds that fit where it names
// them, its filter, measure and chart are valid, and it is within the
// engine's limits (its filter's too). The error is a *[ReportError] naming
// the field, as Run would return, wrapping the cause: a report saved under
// another schema or for another engine meets an *[UnknownPropertyError], a
// *[KindError], a *[LimitError] or a *[FilterLimitError]. A dashboard
// saves any report within the ceilings of [MaxLimits]; an editor that
// knows its engine calls CheckReport to refuse at once what the engine
// would refuse at every run, and a page that shows saved reports, to tell
// which of them no longer run.
func (e *Engine) CheckReport(r Report) error {
	if err := e.ready(context.Background()); err != nil {
		return err
	}
	// Its runs' filter limits and memo: a filter over the first is
	// refused here as a run refuses it, and checking a dashboard's reports
	// before each run compiles each filter once.
	return checkReportLimits(e.src.Schema(), r, e.limits, &filterCache{opts: e.limits.Filter, memo: &e.filters})
}

// CheckReportAll is [Engine.CheckReport] that does not stop at the first
// part it refuses: it returns every one, each a *[ReportError] naming its
// field as CheckReport's does, in the order a run meets them, so that a
// person fixes them all in one go. The first is the error CheckReport
// returns; none means r runs. A part checked only when another is valid
// waits for that one: the filter expression and the conditions joined
// are checked when each compiles on its own. The error is not about r: a
// nil engine, or one without a source.
func (e *Engine) CheckReportAll(r Report) ([]*ReportError, error) {
	if err := e.ready(context.Background()); err != nil {
		return nil, err
	}
	return checkReportParts(e.src.Schema(), r, e.limits, &filterCache{opts: e.limits.Filter, memo: &e.filters}, true), nil
}

// Run computes reports for q, all in one scan of the source, and returns
// one Result per report in order. A report that is invalid against the
// source's schema fails the run with a *[ReportError] before anything is
// read. On cancellation Run returns the context's error and no results.
// A query that sets [Query.Compare] runs twice, once per period (see
// [Point.Previous]).
func (e *Engine) Run(ctx context.Context, q Query, reports ...Report) ([]Result, error) {
	res, err := e.runAll(ctx, q, reports)
	if rf, ok := err.(*refusal); ok {
		return nil, rf.err
	}
	return res, err
}

// runAll is Run, but a report refused for what its data made of it is a
// *refusal that says which.
func (e *Engine) runAll(ctx context.Context, q Query, reports []Report) ([]Result, error) {
	if err := e.ready(ctx); err != nil {
		return nil, err
	}
	if q.Compare != NoCompare {
		return e.runCompared(ctx, q, reports)
	}
	return e.run(ctx, q, nil, reports)
}

// refusal is a report's error met while running it, not compiling it (a
// time series over its points, groups past a 64-bit key), with the
// report's position in the run: [Engine.RunEach] sets it aside and runs
// the others. Run returns err alone.
type refusal struct {
	idx int
	err *ReportError
}

func (r *refusal) Error() string { return r.err.Error() }

func (r *refusal) Unwrap() error { return r.err }

// earlier is what the earlier run of a comparison asks of run beyond the
// query: the groups whose conversations the measure all leaves out, apart
// from the points (see resolved.leftOut), and, for each report, the leaves
// that keep it to the series the current period shows (nil keeps all).
type earlier struct {
	shown []*filter.Pred
}

// run is Run of a query that compares nothing; prev is nil but for the
// earlier run of a comparison.
func (e *Engine) run(ctx context.Context, q Query, prev *earlier, reports []Report) ([]Result, error) {
	rq, err := q.resolve()
	if err != nil {
		return nil, err
	}
	if prev != nil {
		rq.leftOut, rq.shown = true, prev.shown
	}
	plans, err := e.compileAll(reports, rq)
	if err != nil {
		return nil, err
	}
	if len(plans) == 0 {
		return nil, nil
	}
	out := make([]Result, len(plans))
	toScan := plans
	if ag, ok := e.src.(Aggregator); ok {
		rq.schema = e.src.Schema()
		var err error
		if toScan, err = e.aggregate(ctx, ag, rq, plans, out); err != nil {
			return nil, err
		}
		if len(toScan) == 0 {
			e.describe(out, plans)
			return out, nil
		}
	}
	t, err := e.snapshot(ctx, hintFor(toScan))
	if err != nil {
		return nil, err
	}
	env := filterEnv{Now: rq.now, Zone: rq.loc}
	gs, ls, err := scan(ctx, t, toScan, env, e.workers)
	if err != nil {
		return nil, err
	}
	// A run with nothing to scan still honours a cancelled context: no
	// result is returned as if complete.
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	for i, p := range toScan {
		if out[p.idx], err = finalize(tableDicts(t, p), p, gs[i], ls[i], rq); err != nil {
			return nil, err
		}
	}
	e.describe(out, plans)
	return out, nil
}

// describe says on each result what its numbers need to be read: the
// schema that names its properties, and whether it counted business
// hours.
func (e *Engine) describe(out []Result, plans []*compiled) {
	s := e.src.Schema()
	for i := range out {
		out[i].Schema = s
	}
	markBusinessHours(out, plans)
}

// markBusinessHours says on each duration result whether it counted
// business hours, and by which calendar.
func markBusinessHours(out []Result, plans []*compiled) {
	for _, p := range plans {
		switch {
		case p.sla != nil && p.sla.biz != nil:
			// An SLA target counted in business hours: its own calendar.
			out[p.idx].BusinessHours = true
			out[p.idx].Calendar = p.sla.biz.def.Calendar().Name
		case p.biz != nil && p.Metric != exec.NoMetric:
			out[p.idx].BusinessHours = true
			out[p.idx].Calendar = p.biz.def.Calendar().Name
		}
	}
}

// aggregate asks the source to compute the plans, filling out, and
// returns the plans it declined, for the scan. When it declines the whole
// dashboard, each report is offered on its own, so one report it cannot
// express does not send every other report to the scan.
func (e *Engine) aggregate(ctx context.Context, ag Aggregator, rq resolved, plans []*compiled, out []Result) ([]*compiled, error) {
	res, err := ag.Aggregate(ctx, newPushdown(rq, plans))
	switch {
	case err == nil:
		if len(res) != len(plans) {
			return nil, fmt.Errorf("convreport: source returned %d results for %d reports", len(res), len(plans))
		}
		for i, p := range plans {
			out[p.idx] = res[i]
		}
		return nil, nil
	case !errors.Is(err, ErrUnsupported):
		// A report its groups put over a limit (Pushdown.Result refuses
		// it) is the report's error, as for a scan, whatever the source
		// made of it.
		var rf *refusal
		if errors.As(err, &rf) {
			return nil, rf
		}
		return nil, &SourceError{Source: sourceName(e.src), Err: err}
	case len(plans) == 1:
		return plans, nil
	}
	var declined []*compiled
	for _, p := range plans {
		one, err := e.aggregate(ctx, ag, rq, []*compiled{p}, out)
		if err != nil {
			return nil, err
		}
		declined = append(declined, one...)
	}
	return declined, nil
}

func (e *Engine) compileAll(reports []Report, rq resolved) ([]*compiled, error) {
	s, lim := e.src.Schema(), e.limits
	plans := make([]*compiled, len(reports))
	fc := &filterCache{opts: lim.Filter, memo: &e.filters}
	memo := map[string]*bizHours{}
	var need []string
	if rq.sla == nil || len(rq.sla.Policies) == 0 {
		need = slaPolicies(reports)
	}
	for i, r := range reports {
		p, err := compileReport(s, r, rq, fc, lim)
		if err != nil {
			return nil, err
		}
		if p.biz, err = rq.bizFor(r, memo); err != nil {
			return nil, err
		}
		if p.biz != nil { // a nil *bizHours would be a non-nil exec.Hours
			p.Hours = p.biz
		}
		if err := attachSLA(s, p, rq, fc, memo, need); err != nil {
			return nil, err
		}
		if i < len(rq.shown) && rq.shown[i] != nil {
			p.Pred = &filter.Pred{Op: filter.And, Kids: []*filter.Pred{rq.shown[i], p.Pred}}
			p.PredKey = p.Pred.Key()
		}
		p.idx = i
		plans[i] = p
	}
	return plans, nil
}

// hintFor returns the creation-time bounds that cover every plan.
func hintFor(plans []*compiled) ScanHint {
	xs := make([]*exec.Plan, len(plans))
	for i, p := range plans {
		xs[i] = p.Plan
	}
	var h ScanHint
	lo, hi, ok := exec.CreatedBounds(xs)
	if !ok {
		return h
	}
	if lo != colstore.Null {
		h.CreatedFrom = unixTime(lo)
	}
	h.CreatedTo = unixTime(hi)
	return h
}

// scan runs the plans over t in one pass of the executor; a plan whose
// groups do not fit, or whose time series meets more series than its
// points allow, fails its report (a *refusal).
func scan(ctx context.Context, t *table, plans []*compiled, env filterEnv, workers int) ([]*exec.Groups, []exec.Layout, error) {
	xs := make([]*exec.Plan, len(plans))
	for i, p := range plans {
		xs[i] = p.Plan
	}
	gs, ls, err := exec.Scan(ctx, t.x, xs, filter.Env(env), workers)
	var le *exec.LayoutError
	var se *exec.SeriesError
	switch {
	case errors.As(err, &le):
		p := plans[le.Plan]
		return nil, nil, &refusal{idx: p.idx, err: &ReportError{Report: p.r.Name, Field: "dimensions", Err: le.Err}}
	case errors.As(err, &se):
		return nil, nil, plans[se.Plan].pointsError(se.Series)
	}
	return gs, ls, err
}

// snapshot returns the conversations to scan: the source's own table when
// it keeps one (memory.Source, or a source that embeds one), otherwise the
// rows its Scan yields for the hint.
func (e *Engine) snapshot(ctx context.Context, hint ScanHint) (*table, error) {
	if t := heldTable(e.src); t != nil {
		return t, nil
	}
	var rows []Conversation
	for c, err := range e.src.Scan(ctx, hint) {
		if err != nil {
			return nil, &SourceError{Source: sourceName(e.src), Err: err}
		}
		if c == nil {
			continue
		}
		rows = append(rows, *c)
		if len(rows)%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	t, err := buildTable(e.src.Schema(), rows)
	if err != nil {
		return nil, &SourceError{Source: sourceName(e.src), Err: err}
	}
	return t, nil
}

// SourceError wraps a failure of the source while the engine read it.
type SourceError struct {
	// Source names the source: its Name() when it has that method (see
	// [Named]), else its Go type.
	Source string
	Err    error
}

func (e *SourceError) Error() string {
	return "convreport: reading source " + e.Source + ": " + e.Err.Error()
}

// Named is a Source that says what it is, so errors can name it (an
// embedder may have several: a replica, an archive).
type Named interface {
	Name() string
}

func sourceName(s Source) string {
	if n, ok := s.(Named); ok {
		return n.Name()
	}
	return fmt.Sprintf("%T", s)
}

func (e *SourceError) Unwrap() error { return e.Err }
