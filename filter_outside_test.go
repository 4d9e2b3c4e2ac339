package convreport_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/memory"
)

// outsideFixture is three conversations of 2025-03-10 (UTC):
//
//	a: created 10:00, first response 10:01:30 (90s), closed 11:00
//	b: created 10:30, no response, open
//	c: created 11:00, first response 11:30 (30m), open
func outsideFixture(t *testing.T) (*convreport.Engine, convreport.Query) {
	t.Helper()
	at := func(h, m, s int) time.Time { return time.Date(2025, 3, 10, h, m, s, 0, time.UTC) }
	src, err := memory.New([]convreport.Conversation{
		{ID: "a", Channel: convreport.Chat, CreatedAt: at(10, 0, 0), FirstResponseAt: at(10, 1, 30), ClosedAt: at(11, 0, 0)},
		{ID: "b", Channel: convreport.Chat, CreatedAt: at(10, 30, 0)},
		{ID: "c", Channel: convreport.Chat, CreatedAt: at(11, 0, 0), FirstResponseAt: at(11, 30, 0)},
	})
	require.NoError(t, err)
	q := convreport.Query{From: at(0, 0, 0), To: at(0, 0, 0).AddDate(0, 0, 1), Now: at(12, 0, 0)}
	return convreport.NewEngine(src), q
}

// countOf runs a count with the filter and checks that the drill-down of
// its point lists as many conversations.
func countOf(t *testing.T, eng *convreport.Engine, q convreport.Query, r convreport.Report) (int64, error) {
	t.Helper()
	res, err := eng.Run(context.Background(), q, r)
	if err != nil {
		return 0, err
	}
	if len(res[0].Points) == 0 {
		return 0, nil
	}
	p := res[0].Points[0]
	n := p.Value.Decimal.IntPart()
	d, err := eng.DrillDown(context.Background(), q, r, p)
	require.NoError(t, err)
	require.EqualValues(t, n, d.Len(), "%s: the drill-down lists the point's conversations", r.Filter)
	return n, nil
}

// A time before or after the supported times (1677 to 2262) has no
// nanosecond count. Compared with one, a filter counted nothing: every
// known time is after date("1600-01-01") and before date("2300-01-01").
func TestFilterTimesOutsideTheSupportedOnes(t *testing.T) {
	eng, q := outsideFixture(t)
	for _, c := range []struct {
		filter string
		want   int64
	}{
		{`CreatedAt > date("1600-01-01")`, 3},
		{`CreatedAt >= date("1600-01-01")`, 3},
		{`CreatedAt < date("2300-01-01")`, 3},
		{`CreatedAt <= date("9999-12-31")`, 3},
		{`CreatedAt >= date("2300-01-01")`, 0},
		{`CreatedAt <= date("1600-01-01")`, 0},
		{`CreatedAt < date("1600-01-01") || CreatedAt > date("2300-01-01")`, 0},
		{`ClosedAt < date("2300-01-01")`, 1},
		{`ClosedAt > date("1600-01-01")`, 1},
		{`ClosedAt == date("2300-01-01")`, 0},
		{`ClosedAt != date("2300-01-01")`, 3}, // an unknown time passes !=
		{`ClosedAt in [date("2300-01-01"), date("2025-03-10T11:00:00Z")]`, 1},
		{`ClosedAt in [date("2300-01-01")]`, 0},
		{`ClosedAt not in [date("1500-01-01")]`, 3},
		{`ClosedAt not in [date("1500-01-01"), date("2025-03-10T11:00:00Z")]`, 2},
		{`CreatedAt < now() + duration("2562047h")`, 3}, // now plus 292 years: 2317
		{`FirstResponseAt < date("2300-01-01") && ClosedAt == nil`, 1},
	} {
		n, err := countOf(t, eng, q, convreport.Report{Name: "n", Filter: c.filter})
		require.NoError(t, err, c.filter)
		require.Equal(t, c.want, n, c.filter)
	}
	// The report editor's conditions write the same comparisons.
	for _, c := range []struct {
		cond convreport.Condition
		want int64
	}{
		{convreport.Condition{Property: "ClosedAt", Op: convreport.Before, Values: []string{"2300-01-01"}}, 1},
		{convreport.Condition{Property: "CreatedAt", Op: convreport.After, Values: []string{"1600-01-01"}}, 3},
		{convreport.Condition{Property: "CreatedAt", Op: convreport.Between, Values: []string{"1600-01-01", "2300-01-01"}}, 3},
	} {
		n, err := countOf(t, eng, q, convreport.Report{Name: "n", Conditions: []convreport.Condition{c.cond}})
		require.NoError(t, err, "%+v", c.cond)
		require.Equal(t, c.want, n, "%+v", c.cond)
	}
}

// Arithmetic on constant durations is exact: a duration times a fraction
// is a duration (expr-lang made it a number, which equals no duration),
// and a result beyond the longest duration is refused where it is written
// (expr-lang wrapped it around to a duration of the other sign).
func TestFilterDurationArithmetic(t *testing.T) {
	eng, q := outsideFixture(t)
	for _, c := range []struct {
		filter string
		want   int64
	}{
		{`FirstResponseTime == duration("1m") * 1.5`, 1},
		{`FirstResponseTime == 1.5 * duration("1m")`, 1},
		{`FirstResponseTime > duration("1m") - duration("1m") * 0.5`, 2},
		{`FirstResponseTime < duration("1h") * 2 * 3`, 2},
		{`FirstResponseTime == 3 * (duration("20m") + duration("10m")) / 3 * 1`, 1},
		{`FirstResponseTime >= -1 * duration("2562047h")`, 2},
		{`FirstResponseTime == duration("2562047h") - duration("2562047h") + duration("90s")`, 1},
		{`CreatedAt >= now() - duration("1h") * 1.5`, 2}, // since 10:30
		{`FirstResponseTime == duration("3m") / 2`, 1},
		{`FirstResponseTime == duration("1h") / 40.0`, 1},
		{`FirstResponseTime == duration("1ns") / 3 + duration("90s")`, 1}, // a nanosecond divided by three is none
	} {
		n, err := countOf(t, eng, q, convreport.Report{Name: "n", Filter: c.filter})
		require.NoError(t, err, c.filter)
		require.Equal(t, c.want, n, c.filter)
	}
	for _, c := range []struct {
		filter, msg string
		column      int
	}{
		{`FirstResponseTime > duration("2562047h") + duration("2562047h")`, "the duration overflows", 42},
		{`FirstResponseTime < duration("2562047h") * 2`, "the duration overflows", 42},
		{`FirstResponseTime < 2 * duration("2562047h")`, "the duration overflows", 23},
		{`FirstResponseTime > duration("1m") * 9223372036854775807`, "the duration overflows", 36},
		{`FirstResponseTime > duration("1m") * 1e300`, "the duration overflows", 36},
		{`FirstResponseTime < duration("-2562047h") - duration("1h")`, "the duration overflows", 43},
		{`CreatedAt > now() - duration("2562047h") - duration("2562047h")`, "the durations added to the time overflow", 42},
		{`CreatedAt < duration("2562047h") + (now() + duration("2562047h"))`, "the durations added to the time overflow", 34},
		{`FirstResponseTime > duration("1m") / 0`, "division by zero", 36},
		{`FirstResponseTime > duration("1m") / 0.0`, "division by zero", 36},
		{`FirstResponseTime * 1.5 > duration("1m")`, "a duration times a fraction", 19},
	} {
		_, err := countOf(t, eng, q, convreport.Report{Name: "n", Filter: c.filter})
		require.ErrorContains(t, err, c.msg, c.filter)
		var fe *convreport.FilterError
		require.ErrorAs(t, err, &fe, c.filter)
		require.Equal(t, c.column, fe.Column, c.filter)
	}
}
