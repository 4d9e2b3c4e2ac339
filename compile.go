package convreport

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/convreport/convreport/internal/civil"
	"github.com/convreport/convreport/internal/exec"
	"github.com/convreport/convreport/internal/filter"
)

// ReportError says what is wrong with a report definition.
type ReportError struct {
	Report string // the report's name
	Field  string // "measure", "dimensions", "filter", …
	Err    error
}

func (e *ReportError) Error() string {
	// The wrapped error may be a package error of its own; one prefix is
	// enough.
	msg := strings.TrimPrefix(e.Err.Error(), "convreport: ")
	msg = strings.TrimPrefix(msg, e.Field+": ")
	return fmt.Sprintf("convreport: report %q: %s: %s", e.Report, e.Field, msg)
}

func (e *ReportError) Unwrap() error { return e.Err }

// compiled is a report compiled against a schema and a resolved query:
// the plan the executor scans (whose columns are schema indexes), and
// what turns its groups back into the report's Result.
type compiled struct {
	*exec.Plan
	r   Report
	idx int // position in the Run

	dateProp Property
	dimProps []Property
	bucket   Bucket
	starts   []time.Time
	measure  Measure

	maxGroups int // groups beyond it fold into Other
	maxPoints int // the most points a time series may have

	biz *bizHours // business hours of the durations; nil for calendar time
	sla *slaPlan  // an SLA measure's policy target; nil for other measures
}

// aggOf is what the executor keeps of a measure's metric values.
func aggOf(m Measure) exec.Agg {
	switch m.agg() {
	case Average:
		return exec.Sum
	case ShareWithin:
		return exec.Within
	case Min, Max:
		return exec.Extremes
	}
	return exec.Values
}

// filterText joins a report's expression and structured conditions into
// one expression. One alone is as written, so that the filter limits
// count the length its author wrote.
func filterText(s *Schema, r *Report) (string, error) {
	parts := []string{}
	if f := strings.TrimSpace(r.Filter); f != "" {
		parts = append(parts, f)
	}
	if len(r.Conditions) > 0 {
		c, err := ConditionsExpr(s, r.Conditions)
		if err != nil {
			return "", err
		}
		parts = append(parts, c)
	}
	if len(parts) == 2 {
		return "(" + parts[0] + ") && (" + parts[1] + ")", nil
	}
	return strings.Join(parts, ""), nil
}

// compileReport checks r against the schema and prepares it for rq.
func compileReport(s *Schema, r Report, rq resolved, fc *filterCache, lim Limits) (*compiled, error) {
	p, errs := compileParts(s, r, rq, fc, lim, false)
	if len(errs) > 0 {
		return nil, errs[0]
	}
	return p, nil
}

// compileParts is compileReport; with all, it goes on past a part that
// does not check to the parts after it, and returns every one that does
// not, in the order compileReport meets them (its error is the first).
// A part that needs another checks only when that one does: the filter
// joined from the expression and the conditions when both compile alone.
// With an error, the plan is nil.
func compileParts(s *Schema, r Report, rq resolved, fc *filterCache, lim Limits, all bool) (*compiled, []*ReportError) {
	var errs []*ReportError
	// bad records what is wrong with a part, and says whether to stop.
	bad := func(field string, err error) bool {
		errs = append(errs, &ReportError{Report: r.Name, Field: field, Err: err})
		return !all
	}
	if err := r.Measure.validate(); err != nil && bad("measure", err) {
		return nil, errs
	}
	p := &compiled{Plan: &exec.Plan{Snapshot: r.Snapshot, Agg: aggOf(r.Measure), Threshold: int64(r.Measure.Threshold)}, r: r, measure: r.Measure, bucket: r.Bucket}
	if i, ok := derivedByName[r.Measure.Metric.property()]; ok {
		p.Metric = derivedProperties[i].metric
	}

	// The filter: compile the report's expression and conditions on their
	// own first so an error points into the text the user wrote.
	filterOK := true
	if strings.TrimSpace(r.Filter) != "" {
		if _, err := fc.compile(s, r.Filter); err != nil {
			if bad("filter", err) {
				return nil, errs
			}
			filterOK = false
		}
	}
	if len(r.Conditions) > 0 {
		if _, err := ConditionsExpr(s, r.Conditions); err != nil {
			if bad("conditions", err) {
				return nil, errs
			}
			filterOK = false
		}
	}
	p.Pred = &filter.Pred{Op: filter.True} // for the parts after a filter that does not check
	if filterOK {
		text, err := filterText(s, &r)
		if err != nil {
			if bad("conditions", err) {
				return nil, errs
			}
		} else if f, err := fc.compile(s, text); err != nil {
			if bad("filter", err) {
				return nil, errs
			}
		} else {
			p.Pred = bindPred(f.tree(), filterEnv{Now: rq.now, Zone: rq.loc})
		}
	}
	if sp := scopePred(rq.scope, s); sp != nil {
		p.Pred = &filter.Pred{Op: filter.And, Kids: []*filter.Pred{sp, p.Pred}}
	}

	dp, err := s.resolve(r.dateProperty())
	if err == nil && dp.Kind != KindTime {
		err = &KindError{Name: dp.Name, Kind: dp.Kind, Want: []Kind{KindTime}}
	}
	if err != nil {
		if bad("date_property", err) {
			return nil, errs
		}
		dp = mustProp(s, "CreatedAt") // for the parts after it
	}
	p.DateCol = s.index[dp.Name]
	p.dateProp = dp
	p.DateCreated = dp.Name == "CreatedAt"
	switch dp.Name {
	case "FirstAssignedAt", "FirstResponseAt", "ClosedAt":
		p.DateAfterNew = true // validation keeps these at or after CreatedAt
	}
	p.From, p.To = rq.from.UnixNano(), rq.to.UnixNano()
	p.Now = rq.now.UnixNano()
	// The date conditions the creation-time order cannot decide become
	// leaves of the filter, so reports on the same date share them.
	switch {
	case r.Snapshot:
		closedBy := &filter.Pred{Op: filter.Le, Field: mustProp(s, "ClosedAt").field(), Vals: []any{rq.now}}
		p.Pred = &filter.Pred{Op: filter.And, Kids: []*filter.Pred{p.Pred, {Op: filter.Not, Kids: []*filter.Pred{closedBy}}}}
	case !p.DateCreated:
		p.Pred = &filter.Pred{Op: filter.And, Kids: []*filter.Pred{p.Pred, {Op: filter.Range, Field: dp.field(), Vals: []any{rq.from, rq.to}}}}
	}
	p.PredKey = p.Pred.Key()
	if r.Snapshot && r.Bucket != NoBucket && bad("bucket", errors.New("a snapshot report has no date range to bucket")) {
		return nil, errs
	}

	if len(r.Dimensions) > lim.MaxDimensions && bad("dimensions", &LimitError{Limit: "dimensions per report", Max: lim.MaxDimensions, Got: len(r.Dimensions)}) {
		return nil, errs
	}
	for _, name := range r.Dimensions {
		if err := p.addDimension(s, name); err != nil {
			if bad("dimensions", err) {
				return nil, errs
			}
		}
	}

	if r.Bucket != NoBucket {
		if !validBucket(r.Bucket) {
			if bad("bucket", fmt.Errorf("unknown bucket %q (want hour, day, week, month, quarter or year)", r.Bucket)) {
				return nil, errs
			}
		} else if err := p.bucketStarts(rq, lim); err != nil && bad("bucket", err) {
			return nil, errs
		}
	}
	switch r.Sort {
	case "", ByValueDesc, ByValueAsc, ByLabelAsc, ByLabelDesc:
	default:
		if bad("sort", fmt.Errorf("unknown sort %q (want value_desc, value_asc, label_asc or label_desc)", r.Sort)) {
			return nil, errs
		}
	}
	switch {
	case r.Limit < 0:
		if bad("limit", fmt.Errorf("%d is negative", r.Limit)) {
			return nil, errs
		}
	case r.Limit > lim.MaxGroups:
		if bad("limit", &LimitError{Limit: "groups per report", Max: lim.MaxGroups, Got: r.Limit}) {
			return nil, errs
		}
	case r.Limit > 0 && len(r.Dimensions) == 0:
		if bad("limit", errors.New("a report without dimensions has nothing to fold; a time series keeps every bucket")) {
			return nil, errs
		}
	}
	p.maxGroups, p.maxPoints = lim.MaxGroups, lim.MaxPoints
	if p.starts != nil && len(r.Dimensions) > 0 {
		p.StopSeries = p.stopSeries()
	}
	for _, name := range r.Properties {
		_, err := s.resolve(name)
		if err != nil && namesOverTarget(s, name) {
			// An SLA point's drill-down column, no property of the
			// schema: a column there, and only there.
			if r.Measure.agg().isSLA() {
				continue
			}
			err = fmt.Errorf("%s is the time over target of an SLA measure's breaches: the measure is %s, not an sla_ aggregation", name, r.Measure.agg())
		}
		if err != nil && bad("properties", err) {
			return nil, errs
		}
	}
	if r.Chart.Type != "" && !slices.Contains(chartTypes[:], r.Chart.Type) &&
		bad("chart", fmt.Errorf("unknown chart type %q", r.Chart.Type)) {
		return nil, errs
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return p, nil
}

// addDimension groups p by the property name as well, or says why it
// cannot.
func (p *compiled) addDimension(s *Schema, name string) error {
	dp, err := s.resolve(name)
	if err != nil {
		return err
	}
	switch dp.Kind {
	case KindString, KindEnum, KindBool:
	default:
		return &KindError{Name: dp.Name, Kind: dp.Kind, Want: []Kind{KindString, KindEnum, KindBool},
			hint: "group by string, enum or bool properties, and by time with a bucket"}
	}
	if dp.Name == "ID" {
		return errors.New("grouping by ID makes one point per conversation; use a drill-down")
	}
	if slices.Contains(p.Dims, s.index[dp.Name]) {
		return fmt.Errorf("%s appears twice", dp.Name)
	}
	p.Dims = append(p.Dims, s.index[dp.Name])
	p.dimProps = append(p.dimProps, dp)
	return nil
}

// bucketStarts sets the starts of p's time buckets over rq's range, or
// says it would have more than lim allows.
func (p *compiled) bucketStarts(rq resolved, lim Limits) error {
	var over bool
	p.starts, over = civil.BucketStarts(rq.from, rq.to, p.bucket.unit(), rq.loc, rq.weekStart, lim.MaxBuckets)
	if over {
		// Counting every bucket of a refused range would cost what the
		// cap saves: report an estimate past the cap.
		got := max(int64(lim.MaxBuckets)+1, int64(civil.EstimateBuckets(rq.from, rq.to, p.bucket.unit())))
		return &LimitError{Limit: "buckets per report", Max: lim.MaxBuckets, Got: int(min(got, 1<<31-1))}
	}
	p.Starts = make([]int64, len(p.starts))
	for i, st := range p.starts {
		p.Starts[i] = st.UnixNano()
	}
	// A series without dimensions is the only one, whatever the data:
	// its points are its buckets, known before anything is read.
	if len(p.r.Dimensions) == 0 && len(p.starts) > lim.MaxPoints {
		return p.pointsLimit(lim.MaxPoints, 1)
	}
	return nil
}

// The points of a time series are the series it shows times its buckets:
// those kept apart from Other, by its Limit or the engine's MaxGroups,
// and Other, not every series its data holds. What MaxPoints guards is
// memory, and a series folded into Other costs no point of its own: a
// top 10 by contact over a year of hours is 11 × 8 784 points, however
// many contacts there are, and runs. So the series met count only up to
// what the report keeps; past it, one more for Other.

// shownSeries is how many series a time series of n series shows.
func (p *compiled) shownSeries(n int) int {
	if lim := p.limit(n); lim > 0 && len(p.Dims) > 0 && n > lim {
		return lim + 1
	}
	return n
}

// stopSeries is the number of series at which p's time series would be
// over its points, for the scan to stop at: 0 when no number of series
// takes it there.
func (p *compiled) stopSeries() int {
	perBucket := p.maxPoints / len(p.starts) // the most series shown
	most := p.maxGroups                      // shown past MaxGroups: MaxGroups-1 and Other
	if p.r.Limit > 0 {
		most = p.r.Limit + 1
	}
	if most <= perBucket {
		return 0
	}
	// shownSeries(n) is n up to the Limit (or MaxGroups), which is past
	// perBucket: the first n over is perBucket+1.
	return perBucket + 1
}

// pointsLimit is the refusal of p's time series with series series,
// over max points.
func (p *compiled) pointsLimit(max, series int) *LimitError {
	got := int64(p.shownSeries(series)) * int64(len(p.starts))
	return &LimitError{Limit: "points per report", Max: max, Got: int(min(got, 1<<31-1))}
}

// pointsError is the run's refusal of p's time series, which has (at
// least) series series: a *ReportError on its bucket, as compiling it
// refuses a series without dimensions.
func (p *compiled) pointsError(series int) error {
	return &refusal{idx: p.idx, err: &ReportError{Report: p.r.Name, Field: "bucket", Err: p.pointsLimit(p.maxPoints, series)}}
}

// bindPred resolves the query-dependent constants of a filter plan (dates
// in the query's zone, now(), daysAgo) into instants.
func bindPred(p *filter.Pred, env filterEnv) *filter.Pred {
	q := *p
	q.Vals = make([]any, len(p.Vals))
	for i, v := range p.Vals {
		if tl, ok := v.(filter.TimeLit); ok {
			v = tl.At(filter.Env(env))
		}
		q.Vals[i] = v
	}
	q.Kids = make([]*filter.Pred, len(p.Kids))
	for i, k := range p.Kids {
		q.Kids[i] = bindPred(k, env)
	}
	return outsideTimes(&q)
}

// outsideTimes rewrites a comparison of a time property with an instant
// outside the supported times, which has no nanosecond count to compare
// with: every known time is after date("1600-01-01") and before
// date("3000-01-01"), and equals neither.
func outsideTimes(p *filter.Pred) *filter.Pred {
	if p.Field.Kind != filter.KindTime {
		return p
	}
	side := func(v any) int { // -1 before the supported times, 1 after
		t, ok := v.(time.Time)
		switch {
		case !ok || civil.InRange(t):
			return 0
		case t.Before(civil.MinTime):
			return -1
		}
		return 1
	}
	out := false
	for _, v := range p.Vals {
		out = out || side(v) != 0
	}
	if !out {
		return p
	}
	known := func() *filter.Pred { return &filter.Pred{Op: filter.Known, Field: p.Field} }
	none := &filter.Pred{Op: filter.False}
	switch p.Op {
	case filter.Lt, filter.Le:
		if side(p.Vals[0]) > 0 {
			return known()
		}
		return none
	case filter.Gt, filter.Ge:
		if side(p.Vals[0]) < 0 {
			return known()
		}
		return none
	case filter.Eq, filter.In, filter.Ne, filter.NotIn:
		q := *p
		q.Vals = nil
		for _, v := range p.Vals {
			if side(v) == 0 {
				q.Vals = append(q.Vals, v)
			}
		}
		switch {
		case len(q.Vals) > 0:
			return &q
		case p.Op == filter.Eq || p.Op == filter.In:
			return none
		}
		return &filter.Pred{Op: filter.True} // unknown passes Ne and NotIn
	}
	return p // Range: the engine's own bounds, checked with the query
}

// filterCache compiles each distinct filter text once per run, and asks
// the engine's memo first when there is one.
type filterCache struct {
	opts FilterOptions
	m    map[string]*compiledFilter
	memo *filterMemo
}

func (fc *filterCache) compile(s *Schema, src string) (*compiledFilter, error) {
	if f, ok := fc.m[src]; ok {
		return f, nil
	}
	f, err := fc.memo.compile(fc.opts, s, src)
	if err != nil {
		return nil, err
	}
	if fc.m == nil {
		fc.m = map[string]*compiledFilter{}
	}
	fc.m[src] = f
	return f, nil
}

// filterMemo keeps an engine's compiled filters across runs. A dashboard
// or a drill-down runs the same few filters again and again, and compiling
// one through expr-lang costs more than a drill-down's whole scan. A
// Filter is immutable and its Schema too, so one compiled filter serves
// every run; the memo is bounded, and starts over when full.
type filterMemo struct {
	mu sync.Mutex
	m  map[filterKey]*compiledFilter
}

type filterKey struct {
	schema *Schema
	src    string
}

// maxMemoFilters bounds a memo: far more distinct filters than a set of
// dashboards runs, few enough that their programs stay small.
const maxMemoFilters = 1024

// compile returns src compiled against s with opts, from the memo when it
// is there. A nil memo compiles every time. Errors are not kept.
func (fm *filterMemo) compile(opts FilterOptions, s *Schema, src string) (*compiledFilter, error) {
	if fm == nil {
		return opts.compile(s, src)
	}
	k := filterKey{s, src}
	fm.mu.Lock()
	f, ok := fm.m[k]
	fm.mu.Unlock()
	if ok {
		return f, nil
	}
	f, err := opts.compile(s, src)
	if err != nil {
		return nil, err
	}
	fm.mu.Lock()
	if len(fm.m) >= maxMemoFilters || fm.m == nil {
		fm.m = make(map[filterKey]*compiledFilter)
	}
	fm.m[k] = f
	fm.mu.Unlock()
	return f, nil
}

func mustProp(s *Schema, name string) Property {
	p, ok := s.Lookup(name)
	if !ok {
		panic("convreport: internal: no property " + name)
	}
	return p
}
