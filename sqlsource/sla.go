package sqlsource

import (
	"github.com/convreport/convreport"
)

// isSLA reports whether agg is an SLA aggregation.
func isSLA(agg convreport.Aggregation) bool {
	switch agg {
	case convreport.SLAMet, convreport.SLABreaches, convreport.SLAAvgOver, convreport.SLATotalOver:
		return true
	}
	return false
}

// slaElapsed writes a row's SLA clock in nanoseconds, as
// [convreport.PushdownSLA] defines it, NULL for a pending row: created
// after Now, or still running at Now within the target. So a non-NULL
// value is a decided row, and one at most Within met the target. Only
// calendar time: a business-hours target sets the pushdown's Calendar,
// which the source declines.
func (q *sqlBuf) slaElapsed(l *layout, s *convreport.PushdownSLA) error {
	now, err := nanos(s.Now)
	if err != nil {
		return err
	}
	schema := convreport.DefaultSchema()
	val := func(name string) error {
		p, _ := schema.Lookup(name)
		return q.value(l, p)
	}
	// seq writes SQL text and property values in turn: even items are
	// text, odd ones property names; "NOW" and "T" stand for parameters.
	seq := func(parts ...string) error {
		for i, part := range parts {
			switch {
			case i%2 == 0:
				q.w(part)
			case part == "NOW":
				q.param(now, "bigint")
			case part == "T":
				q.param(int64(s.Within), "bigint")
			default:
				if err := val(part); err != nil {
					return err
				}
			}
		}
		return nil
	}
	// The stop of the clock: the close at or before Now, and for the
	// first-response target a reply at or before Now and before that
	// close. A NULL comparison is unknown, so a CASE arm without it.
	stop := []string{"(CASE WHEN ", "ClosedAt", " <= ", "NOW", " THEN ", "ClosedAt", " END)"}
	if s.Target == convreport.FirstResponseTarget {
		stop = []string{"(CASE WHEN ", "FirstResponseAt", " <= ", "NOW", " AND (", "ClosedAt", " IS NULL OR ", "ClosedAt", " > ", "NOW",
			" OR ", "FirstResponseAt", " < ", "ClosedAt", ") THEN ", "FirstResponseAt", " WHEN ", "ClosedAt", " <= ", "NOW", " THEN ", "ClosedAt", " END)"}
	}
	// CASE WHEN created > now THEN NULL WHEN stop IS NOT NULL THEN stop -
	// created WHEN now - created > T THEN now - created END
	for _, parts := range [][]string{
		{"(CASE WHEN ", "CreatedAt", " > ", "NOW", " THEN NULL WHEN "}, stop,
		{" IS NOT NULL THEN "}, stop,
		{" - ", "CreatedAt", " WHEN ", "NOW", " - ", "CreatedAt", " > ", "T", " THEN ", "NOW", " - ", "CreatedAt", " END)"},
	} {
		if err := seq(parts...); err != nil {
			return err
		}
	}
	return nil
}

// slaAggregates writes an SLA report's aggregates over the clock column
// d: the met rows, and the time over the target of the breaches, summed
// exactly as averages are.
func (q *sqlBuf) slaAggregates(d string, s *convreport.PushdownSLA) {
	within := int64(s.Within)
	q.w(", COUNT(CASE WHEN ", d, " <= ")
	q.param(within, "bigint")
	q.w(" THEN 1 END)")
	over := func() {
		q.w("CASE WHEN ", d, " > ")
		q.param(within, "bigint")
		q.w(" THEN ", d, " - ")
		q.param(within, "bigint")
		q.w(" END")
	}
	switch q.d {
	case SQLite:
		q.w(", SUM((")
		over()
		q.w(") / 1000000000), SUM((")
		over()
		q.w(") % 1000000000)")
	case ClickHouse:
		q.w(", toString(sum(toDecimal128(")
		over()
		q.w(", 0)))")
	default:
		q.w(", SUM(")
		over()
		q.w(")::text")
	}
}
