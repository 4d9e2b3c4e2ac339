package convreport

import (
	"slices"
	"sync"
)

// planMemo keeps an engine's drill-down plans: a person opening the points
// of a chart drills into one report under one query again and again, and
// resolving the query and compiling the report, after a collection has
// cleared the caches, took 15 µs of a drill-down of 190 µs at 1M
// conversations.
//
// An entry serves only the same report and query, compared as values
// against copies taken when it was made, so a caller that reuses and
// changes its Report or Query gets a new plan. Queries that resolve
// against the clock (no Now) are not kept, since their plan changes with
// it, nor those with calendars or SLA policies, which the caller may
// change in place behind their pointers. The memo is bounded, and starts
// over when full.
type planMemo struct {
	mu sync.Mutex
	m  map[planKey]*planEntry
}

type planKey struct {
	schema   *Schema
	id, name string
}

// planEntry is one report's plan under one query. Nothing in it changes
// once made: concurrent drill-downs share it.
type planEntry struct {
	r     Report // a copy that shares no memory with the caller's
	q     Query  // the same
	rq    *resolved
	plans []*compiled
}

// maxMemoPlans bounds a memo: more reports than the dashboards a person
// has open hold.
const maxMemoPlans = 256

// memoable reports whether q's plans may be kept: see planMemo.
func memoable(q Query) bool {
	return !q.Now.IsZero() && q.Calendar == nil && q.Calendars == nil && q.SLA == nil
}

// plan returns q resolved and r compiled for it, from the memo when it is
// there. Errors are not kept. q and r are pointers, and the miss is a
// function of its own, to keep a drill-down's stack small: see
// Engine.DrillDown.
func (pm *planMemo) plan(e *Engine, q *Query, r *Report) (*resolved, []*compiled, error) {
	if !memoable(*q) {
		return e.compileOne(q, r)
	}
	k := planKey{e.src.Schema(), r.ID, r.Name}
	pm.mu.Lock()
	x := pm.m[k]
	pm.mu.Unlock()
	if x != nil && sameReport(&x.r, r) && sameQuery(&x.q, q) {
		return x.rq, x.plans, nil
	}
	return pm.add(e, k, q, r)
}

// add compiles r for q and keeps the plan under k.
func (pm *planMemo) add(e *Engine, k planKey, q *Query, r *Report) (*resolved, []*compiled, error) {
	// Compiled from the copies: a plan keeps its report and the resolved
	// query keeps the viewer's scope, and another caller's drill-down
	// must not read memory this caller may change.
	x := &planEntry{r: cloneReport(*r), q: cloneQuery(*q)}
	var err error
	x.rq, x.plans, err = e.compileOne(&x.q, &x.r)
	if err != nil {
		return x.rq, nil, err
	}
	pm.mu.Lock()
	if len(pm.m) >= maxMemoPlans || pm.m == nil {
		pm.m = make(map[planKey]*planEntry)
	}
	pm.m[k] = x
	pm.mu.Unlock()
	return x.rq, x.plans, nil
}

// compileOne resolves q and compiles r for it.
func (e *Engine) compileOne(q *Query, r *Report) (*resolved, []*compiled, error) {
	rq, err := q.resolve()
	if err != nil {
		return nil, nil, err
	}
	plans, err := e.compileAll([]Report{*r}, rq)
	return &rq, plans, err
}

// sameReport reports whether a and b are the same report: equal in every
// field, their slices element by element.
func sameReport(a, b *Report) bool {
	return a.ID == b.ID && a.Name == b.Name && a.Description == b.Description &&
		a.Measure == b.Measure && slices.Equal(a.Dimensions, b.Dimensions) &&
		a.Bucket == b.Bucket && a.DateProperty == b.DateProperty && a.Snapshot == b.Snapshot &&
		a.Filter == b.Filter && slices.EqualFunc(a.Conditions, b.Conditions, sameCondition) &&
		a.Sort == b.Sort && a.Limit == b.Limit && a.Chart == b.Chart &&
		slices.Equal(a.Properties, b.Properties) && a.Calendar == b.Calendar
}

func sameCondition(a, b Condition) bool {
	return a.Property == b.Property && a.Op == b.Op && slices.Equal(a.Values, b.Values)
}

// sameQuery reports whether a and b are the same query: equal in every
// field, times to the instant and zone, pointers by identity, slices
// element by element.
func sameQuery(a, b *Query) bool {
	return a.From == b.From && a.To == b.To && a.Range == b.Range && a.Zone == b.Zone &&
		a.Now == b.Now && a.WeekStart == b.WeekStart && a.Calendar == b.Calendar &&
		a.Calendars == b.Calendars && a.SLA == b.SLA && a.Compare == b.Compare &&
		a.Viewer.UserID == b.Viewer.UserID && slices.Equal(a.Viewer.Teams, b.Viewer.Teams) &&
		a.Viewer.Admin == b.Viewer.Admin && slices.Equal(a.Viewer.Scope.Inboxes, b.Viewer.Scope.Inboxes) &&
		slices.Equal(a.Viewer.Scope.Teams, b.Viewer.Scope.Teams)
}

// cloneReport returns a copy of r that shares no memory with it.
func cloneReport(r Report) Report {
	r.Dimensions = slices.Clone(r.Dimensions)
	r.Properties = slices.Clone(r.Properties)
	r.Conditions = slices.Clone(r.Conditions)
	for i := range r.Conditions {
		r.Conditions[i].Values = slices.Clone(r.Conditions[i].Values)
	}
	return r
}

// cloneQuery returns a copy of q that shares no memory with it but its
// Zone, which a time.Location never changes, and the calendars and SLA
// policies, which a memoable query has none of.
func cloneQuery(q Query) Query {
	q.Viewer.Teams = slices.Clone(q.Viewer.Teams)
	q.Viewer.Scope.Inboxes = slices.Clone(q.Viewer.Scope.Inboxes)
	q.Viewer.Scope.Teams = slices.Clone(q.Viewer.Scope.Teams)
	return q
}
