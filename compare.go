package convreport

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/shopspring/decimal"

	"github.com/convreport/convreport/internal/civil"
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
	prev, err := e.run(ctx, pq, true, ranged)
	if rf, ok := err.(*refusal); ok {
		// Refused in the earlier period: the report's error, at its
		// position among reports.
		return nil, &refusal{idx: at[rf.idx], err: rf.err}
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
		b := make([]byte, 0, 64)
		b = fmt.Appendf(b, "%t|%d", p.Other, pos)
		for _, d := range p.Dimensions {
			b = fmt.Appendf(b, "|%t:%q", d.Known, d.Value)
		}
		return string(b)
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
