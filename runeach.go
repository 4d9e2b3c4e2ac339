package convreport

import (
	"context"
	"errors"
	"slices"

	"github.com/convreport/convreport/access"
)

// RunEach is [Engine.Run] that does not let one report stop the others,
// as a dashboard page shows what runs beside a card that says what does
// not. A report that cannot run with q, for what Run would refuse it (a
// property the source's schema lacks or gives another kind, a filter that
// does not compile, a calendar or SLA policy q does not hold, one of the
// engine's limits), has its error at its index in errs, a *[ReportError]
// as Run would return, and a zero Result; the others run together in one
// scan, as Run runs them, each Result at its report's index. A time
// series over the engine's MaxPoints is known only as it runs: the
// others then run again without it. errs[i] is
// nil for a report that ran. err is about the run as a whole (the query,
// the source, the context, a nil engine), as Run's; results and errs are
// then nil.
func (e *Engine) RunEach(ctx context.Context, q Query, reports ...Report) (results []Result, errs []error, err error) {
	if err := e.ready(ctx); err != nil {
		return nil, nil, err
	}
	errs = make([]error, len(reports))
	return e.runEach(ctx, q, reports, errs)
}

// RunDashboardEach is [Engine.RunDashboard] that does not let one report
// stop the others, as [Engine.RunEach] does for Run: errs[i] says why
// report i of d cannot run (its Result is then zero). A calendar of the
// dashboard that q does not hold is the error of each report that counts
// by it, a *[DashboardError] as RunDashboard returns; the reports with a
// calendar of their own still run. q.Viewer must be allowed to view d:
// otherwise nothing runs and err is an *[access.Error].
func (e *Engine) RunDashboardEach(ctx context.Context, q Query, d Dashboard) (results []Result, errs []error, err error) {
	if err := e.ready(ctx); err != nil {
		return nil, nil, err
	}
	if !d.Can(q.Viewer, access.View) {
		return nil, nil, d.forbid(q.Viewer, access.View)
	}
	errs = make([]error, len(d.Reports))
	var lost error
	if d.Calendar != "" && slices.ContainsFunc(d.Reports, func(r Report) bool { return r.Calendar == "" }) {
		if _, err := lookupCalendar(q.Calendars, d.Calendar); err != nil {
			lost = &DashboardError{Dashboard: d.label(), Field: "calendar", Reason: err.Error()}
		}
	}
	rs := make([]Report, len(d.Reports))
	for i, r := range d.Reports {
		if lost != nil && r.Calendar == "" {
			errs[i] = lost
		}
		rs[i] = d.Runnable(r)
	}
	return e.runEach(ctx, q, rs, errs)
}

// runEach runs the reports whose errs are nil, after setting the error of
// each that would not compile; see RunEach.
func (e *Engine) runEach(ctx context.Context, q Query, reports []Report, errs []error) ([]Result, []error, error) {
	rq, err := q.resolve()
	if err != nil {
		return nil, nil, err
	}
	if q.Compare != NoCompare {
		// The earlier period is the query's too: a query without one
		// fails the whole run, as Run fails.
		if _, err := q.Previous(); err != nil {
			return nil, nil, err
		}
	}
	var run []Report
	var at []int
	for i, r := range reports {
		if errs[i] != nil {
			continue
		}
		if _, err := e.compileAll([]Report{r}, rq); err != nil {
			var re *ReportError
			if !errors.As(err, &re) {
				return nil, nil, err
			}
			errs[i] = err
			continue
		}
		run = append(run, r)
		at = append(at, i)
	}
	results := make([]Result, len(reports))
	// A report its data refuses (a time series over its points) is known
	// only once run: it is set aside, and the others run again without
	// it. Each round sets one aside, so the rounds end.
	for len(run) > 0 {
		out, err := e.runAll(ctx, q, run)
		if rf, ok := err.(*refusal); ok {
			errs[at[rf.idx]] = rf.err
			run = slices.Delete(run, rf.idx, rf.idx+1)
			at = slices.Delete(at, rf.idx, rf.idx+1)
			continue
		}
		if err != nil {
			return nil, nil, err
		}
		for j, i := range at {
			results[i] = out[j]
		}
		break
	}
	return results, errs, nil
}
