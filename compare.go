package convreport

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/convreport/convreport/internal/civil"
	"github.com/convreport/convreport/internal/filter"
)

// Compare says which earlier period a run compares its points with.
type Compare string

// The comparisons.
const (
	// NoCompare compares nothing: the zero value.
	NoCompare Compare = ""
	// ComparePrevious compares with the period of equal calendar length
	// just before: a range of whole months (last_month, this_quarter, a
	// custom 2025-01-01 to 2025-03-01) with as many months before it,
	// whatever their lengths; a range of whole days (last_30_days, a week,
	// a custom range of N dates) with as many days before it; any other
	// range with the same duration before it.
	ComparePrevious Compare = "previous"
	// CompareYear compares with the same dates a year before. A bound on
	// February 29 moves to February 28: [2024-02-29, 2024-03-01) compares
	// with [2023-02-28, 2023-03-01), and the end of a range is the day
	// after its last date a year before, so that February 2024 (to
	// 2024-03-01) compares with all of February 2023.
	CompareYear Compare = "year"
)

// ParseCompare reads "previous", "year" or "" (no comparison).
func ParseCompare(s string) (Compare, error) {
	switch c := Compare(s); c {
	case NoCompare, ComparePrevious, CompareYear:
		return c, nil
	}
	return "", &QueryError{Field: "Compare", Reason: fmt.Sprintf("%q: want previous or year", s)}
}

// Label says what the comparison is against, for a chart: "previous 30
// days", "previous month", "same period last year".
func (c Compare) Label(from, to time.Time, loc *time.Location) string {
	switch c {
	case CompareYear:
		return "same period last year"
	case ComparePrevious:
		if loc == nil {
			loc = time.UTC
		}
		months, days, ok := civil.PeriodLength(from, to, loc)
		if !ok {
			return "previous period"
		}
		if months > 0 {
			switch months {
			case 1:
				return "previous month"
			case 3:
				return "previous quarter"
			case 12:
				return "previous year"
			}
			return fmt.Sprintf("previous %d months", months)
		}
		if days != 1 {
			return fmt.Sprintf("previous %d days", days)
		}
		return "previous day"
	}
	return "previous period"
}

func (c Compare) check() error {
	_, err := ParseCompare(string(c))
	return err
}

// Previous returns the query of the period q compares with: the same
// query with explicit From and To (see [Compare]) and Compare cleared,
// for [Engine.DrillDown] of a [Point.Previous]. It is an error when q
// compares nothing or is invalid.
func (q Query) Previous() (Query, error) {
	if err := q.Compare.check(); err != nil {
		return Query{}, err
	}
	if q.Compare == NoCompare {
		return Query{}, &QueryError{Field: "Compare", Reason: "the query compares nothing: set Compare to previous or year"}
	}
	rq, err := q.resolve()
	if err != nil {
		return Query{}, err
	}
	from, to := previousRange(q.Compare, rq.from, rq.to, rq.loc)
	if err := checkResolved("Compare", "the "+string(q.Compare)+" period", from, to); err != nil {
		return Query{}, err
	}
	p := q
	p.Compare = NoCompare
	p.From, p.To, p.Range = from, to, ""
	// Presets and open snapshots resolve against the same Now as q's, so
	// in_last_days and "now" in filters mean what they meant.
	p.Now = rq.now
	return p, nil
}

// previousRange returns the period [from, to) compares with.
func previousRange(c Compare, from, to time.Time, loc *time.Location) (time.Time, time.Time) {
	if c == CompareYear {
		return civil.YearEarlier(from, to, loc)
	}
	return civil.PeriodBefore(from, to, loc)
}

// runCompared runs reports for q and for the period it compares with,
// then sets each point's Previous. It is two runs, each one scan for all
// the reports: the scan's date range is one of its fixed inputs (it picks
// the buckets, the creation-time hint and what an Aggregator is asked), so
// covering both periods in one scan would mean a second range inside the
// scan itself.
func (e *Engine) runCompared(ctx context.Context, q Query, reports []Report) ([]Result, error) {
	pq, err := q.Previous()
	if err != nil {
		return nil, err
	}
	cq := q
	cq.Compare, cq.Now = NoCompare, pq.Now // both runs resolve against one Now
	rq, err := cq.resolve()
	if err != nil {
		return nil, err
	}
	cur, err := e.runAll(ctx, cq, reports)
	if err != nil {
		return nil, err
	}
	// Snapshots ignore the range: they have nothing to compare.
	var ranged []Report
	var at []int
	for i, r := range reports {
		if !r.Snapshot {
			// Every group of the earlier period, none folded: a group
			// kept apart now may rank lower then.
			r.Limit = 0
			ranged = append(ranged, r)
			at = append(at, i)
		}
	}
	if len(ranged) == 0 {
		return cur, nil
	}
	prev, err := e.runEarlier(ctx, pq, ranged, func(k int) Result { return cur[at[k]] })
	if rf, ok := err.(*refusal); ok {
		// Refused in the earlier period: the report's error, at its
		// position among reports, saying which period, since the
		// current one ran.
		re := *rf.err
		re.Err = &comparedError{from: pq.From.In(rq.loc), to: pq.To.In(rq.loc), err: rf.err.Err}
		return nil, &refusal{idx: at[rf.idx], err: &re}
	}
	if err != nil {
		return nil, err
	}
	for k, i := range at {
		cur[i].Compare = q.Compare
		cur[i].PreviousFrom, cur[i].PreviousTo = pq.From.In(rq.loc), pq.To.In(rq.loc)
		e.attachPrevious(&cur[i], prev[k], rq)
	}
	return cur, nil
}

// runEarlier runs reports for pq, the period a comparison compares with;
// now(k) is report k's result in the current period. Most reports run as
// they are, in one scan. The earlier period of a report may hold series
// the current one does not show, and too many of them: its time series
// is then over its points, or the engine's MaxGroups folds groups into
// Other, among them some shown now whose earlier values are then unknown.
// Such a report runs again kept to the series shown now (shownSeries),
// which is all a comparison needs of it. Keeping every report to them
// from the start would cost each a filter of its own over every earlier
// row, in the many runs that need none.
func (e *Engine) runEarlier(ctx context.Context, pq Query, reports []Report, now func(k int) Result) ([]Result, error) {
	shown := make([]*filter.Pred, len(reports))
	var prev []Result
	for {
		var err error
		prev, err = e.run(ctx, pq, &earlier{shown: shown}, reports)
		rf, ok := err.(*refusal)
		if !ok {
			if err != nil {
				return nil, err
			}
			break
		}
		if shown[rf.idx] != nil {
			return nil, err // refused even kept to the series shown now
		}
		if shown[rf.idx] = e.shownSeries(now(rf.idx)); shown[rf.idx] == nil {
			return nil, err
		}
		// Each round keeps one more report to its series: at most one
		// round a report.
	}
	var again []Report
	var againAt []int
	var againShown []*filter.Pred
	for k, res := range prev {
		if res.Folded == 0 || shown[k] != nil || holdsShown(res, now(k)) {
			continue
		}
		if p := e.shownSeries(now(k)); p != nil {
			again, againAt, againShown = append(again, reports[k]), append(againAt, k), append(againShown, p)
		}
	}
	if len(again) == 0 {
		return prev, nil
	}
	res, err := e.run(ctx, pq, &earlier{shown: againShown}, again)
	if rf, ok := err.(*refusal); ok {
		return nil, &refusal{idx: againAt[rf.idx], err: rf.err}
	}
	if err != nil {
		return nil, err
	}
	for j, k := range againAt {
		prev[k] = res[j]
	}
	return prev, nil
}

// appendSeries appends to b the key of p's series, its dimension values:
// points of one series in the two periods have one key.
func appendSeries(b []byte, p Point) []byte {
	for _, d := range p.Dimensions {
		b = fmt.Appendf(b, "%t:%q|", d.Known, d.Value)
	}
	return b
}

// comparedError is an error of a report's run over the period a
// comparison compares with: "in the compared period, … to …: " and err.
type comparedError struct {
	from, to time.Time
	err      error
}

func (e *comparedError) Error() string {
	return fmt.Sprintf("in the compared period, %s to %s: %s", civil.FormatRFC3339(e.from), civil.FormatRFC3339(e.to), strings.TrimPrefix(e.err.Error(), "convreport: "))
}

func (e *comparedError) Unwrap() error { return e.err }

// holdsShown reports whether the earlier result prev holds every series
// the current result cur shows: folded groups of prev are then none of
// them, and prev compares as well as a run kept to them would.
func holdsShown(prev, cur Result) bool {
	key := func(p Point) string { return string(appendSeries(make([]byte, 0, 32), p)) }
	held := map[string]bool{}
	for _, p := range prev.Points {
		if !p.Other {
			held[key(p)] = true
		}
	}
	for _, p := range prev.leftOut {
		held[key(p)] = true
	}
	for _, p := range cur.Points {
		if !p.Other && !held[key(p)] {
			return false
		}
	}
	return true
}

// maxShownValues bounds the values of one dimension that the earlier run
// of a comparison keeps to: past it, the dimension is not narrowed, so
// that the query a database is sent stays short.
const maxShownValues = 1000

// shownSeries returns the leaves that keep the earlier run of a
// comparison to the series res shows, or nil to keep every series. The
// earlier period needs no other: only the points shown now get a
// Previous. Kept to them, the earlier run holds no more series than the
// current one (for one dimension; for more, those whose values each
// occur in a series shown), so a time series that fits its points now
// fits them then, and the engine's MaxGroups rarely folds a group whose
// earlier value is wanted. Past maxShownValues values of a dimension, it
// is not narrowed.
func (e *Engine) shownSeries(res Result) *filter.Pred {
	dims := res.Report.Dimensions
	if len(dims) == 0 {
		return nil
	}
	s := e.src.Schema()
	type values struct {
		known   map[string]bool
		unknown bool
	}
	seen := make([]values, len(dims))
	for j := range seen {
		seen[j].known = map[string]bool{}
	}
	for _, p := range res.Points {
		if p.Other || len(p.Dimensions) != len(dims) {
			continue // Other is not compared
		}
		for j, d := range p.Dimensions {
			if d.Known {
				seen[j].known[d.Value] = true
			} else {
				seen[j].unknown = true
			}
		}
	}
	kids := make([]*filter.Pred, 0, len(dims))
	for j, name := range dims {
		dp, err := s.resolve(name)
		if err != nil || len(seen[j].known) > maxShownValues {
			continue
		}
		vals := make([]string, 0, len(seen[j].known))
		for v := range seen[j].known {
			vals = append(vals, v)
		}
		slices.Sort(vals) // one filter, and one query, for one set of values
		var either []*filter.Pred
		if len(vals) > 0 {
			in := &filter.Pred{Op: filter.In, Field: dp.field(), Vals: make([]any, len(vals))}
			for i, v := range vals {
				in.Vals[i] = v
				if dp.Kind == KindBool {
					in.Vals[i] = v == "true"
				}
			}
			either = append(either, in)
		}
		if seen[j].unknown {
			either = append(either, &filter.Pred{Op: filter.Unknown, Field: dp.field()})
		}
		switch len(either) {
		case 0:
			kids = append(kids, &filter.Pred{Op: filter.False}) // nothing is shown
		case 1:
			kids = append(kids, either[0])
		default:
			kids = append(kids, &filter.Pred{Op: filter.Or, Kids: either})
		}
	}
	switch len(kids) {
	case 0:
		return nil
	case 1:
		return kids[0]
	}
	return &filter.Pred{Op: filter.And, Kids: kids}
}

// attachPrevious sets the Previous of each point of cur from prev, the
// same report run for the compared period.
func (e *Engine) attachPrevious(cur *Result, prev Result, rq resolved) {
	rep := cur.Report
	// A bucket's position in its period: the first day against the first
	// day, whatever the periods' lengths.
	var curPos map[int64]int
	var prevStarts []time.Time
	if rep.Bucket != NoBucket {
		u := rep.Bucket.unit()
		cs, _ := civil.BucketStarts(cur.From, cur.To, u, rq.loc, rq.weekStart, e.limits.MaxBuckets)
		prevStarts, _ = civil.BucketStarts(prev.From, prev.To, u, rq.loc, rq.weekStart, e.limits.MaxBuckets)
		curPos = make(map[int64]int, len(cs))
		for i, s := range cs {
			curPos[s.UnixNano()] = i
		}
	}
	prevPos := map[int64]int{}
	for i, s := range prevStarts {
		prevPos[s.UnixNano()] = i
	}
	key := func(p Point, pos int) string {
		b := fmt.Appendf(make([]byte, 0, 64), "%t|%d|", p.Other, pos)
		return string(appendSeries(b, p))
	}
	// The earlier period's points, and its groups with no point, whose
	// conversations the measure all leaves out: Previous has their
	// Excluded, as DrillExcluded of it with Query.Previous lists them.
	earlier := prev.Points
	if len(prev.leftOut) > 0 {
		earlier = append(slices.Clip(earlier), prev.leftOut...)
	}
	byKey := make(map[string]int, len(earlier))
	for i, p := range earlier {
		pos := -1
		if rep.Bucket != NoBucket {
			pos = prevPos[p.Bucket.UnixNano()]
		}
		byKey[key(p, pos)] = i
	}
	for i := range cur.Points {
		p := &cur.Points[i]
		if p.Other {
			continue // it folds other groups in each period
		}
		pos := -1
		var bucket time.Time
		if rep.Bucket != NoBucket {
			var ok bool
			if pos, ok = curPos[p.Bucket.UnixNano()]; !ok || pos >= len(prevStarts) {
				continue // past the end of a shorter earlier period
			}
			bucket = prevStarts[pos]
		}
		if j, ok := byKey[key(*p, pos)]; ok {
			pp := earlier[j]
			pp.Previous = nil
			p.Previous = &pp
			continue
		}
		if prev.Folded > 0 {
			// The engine's MaxGroups folded groups of the earlier period
			// into Other: this one may be among them, so its earlier
			// value is unknown, not zero.
			continue
		}
		// The group has no conversation in the earlier period.
		zero := Point{Dimensions: p.Dimensions, Bucket: bucket}
		if rep.Measure.agg() == Count {
			zero.Value = decimal.NewNullDecimal(decimal.Zero)
		}
		p.Previous = &zero
	}
}
