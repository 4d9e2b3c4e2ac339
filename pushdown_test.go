package convreport_test

import (
	"context"
	"fmt"
	"iter"
	"math/big"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/internal/conformance"
	"github.com/convreport/convreport/sourcetest"
	"github.com/stretchr/testify/require"
)

// pushdown is an Aggregator that computes groups itself, the way a SQL
// source does, from the Pushdown's conditions alone; it declines expressions.
type pushdown struct {
	*rowSource
	answered, declined, scanned atomic.Int64
}

func (s *pushdown) Scan(ctx context.Context, hint convreport.ScanHint) iter.Seq2[*convreport.Conversation, error] {
	s.scanned.Add(1)
	return s.rowSource.Scan(ctx, hint)
}

func (s *pushdown) Aggregate(ctx context.Context, p *convreport.Pushdown) ([]convreport.Result, error) {
	var out []convreport.Result
	for i, r := range p.Reports {
		if hasExpr(r.Where) || p.Calendar != nil {
			s.declined.Add(1)
			return nil, fmt.Errorf("expression %w", convreport.ErrUnsupported)
		}
		type acc struct{ g convreport.Group }
		groups := map[string]*acc{}
		var order []string
		for j := range s.rows {
			c := &s.rows[j]
			if !condHolds(r.Where, c) {
				continue
			}
			var vals []*string
			key := ""
			for _, d := range r.Dimensions {
				v, ok := s.schema.Value(c, d.Name)
				if ok {
					str := fmt.Sprint(v)
					vals = append(vals, &str)
					key += "=" + str + "\x00"
				} else {
					vals = append(vals, nil)
					key += "∅\x00"
				}
			}
			b := 0
			if r.Buckets != nil {
				at, _ := s.schema.Value(c, r.BucketProperty.Name)
				for k, start := range r.Buckets {
					if !at.(time.Time).Before(start) {
						b = k
					}
				}
			}
			key += fmt.Sprint(b)
			a := groups[key]
			if a == nil {
				a = &acc{g: convreport.Group{Values: vals, Bucket: b, Sum: new(big.Int)}}
				groups[key] = a
				order = append(order, key)
			}
			if r.Measure.Metric == "" {
				a.g.Count++
				continue
			}
			v, ok := s.schema.Value(c, map[convreport.Metric]string{convreport.FirstResponseTime: "FirstResponseTime", convreport.WaitTime: "WaitTime", convreport.TimeToClose: "TimeToClose"}[r.Measure.Metric])
			if !ok {
				a.g.Excluded++
				continue
			}
			d := v.(time.Duration)
			if a.g.Count == 0 || d < a.g.Min {
				a.g.Min = d
			}
			if a.g.Count == 0 || d > a.g.Max {
				a.g.Max = d
			}
			a.g.Count++
			a.g.Sum.Add(a.g.Sum, big.NewInt(int64(d)))
			if d <= r.Measure.Threshold.D() {
				a.g.Within++
			}
			a.g.Durations = append(a.g.Durations, d)
		}
		var gs []convreport.Group
		for _, k := range order {
			gs = append(gs, groups[k].g)
		}
		res, err := p.Result(i, gs)
		if err != nil {
			return nil, err
		}
		out = append(out, res)
	}
	s.answered.Add(1)
	return out, nil
}

func hasExpr(c convreport.Cond) bool {
	if c.Op == convreport.CondExpr {
		return true
	}
	return slices.ContainsFunc(c.Kids, hasExpr)
}

// condHolds evaluates a Cond on one conversation with the documented
// semantics: comparisons on unknown values are false except ne / not_in.
func condHolds(c convreport.Cond, cv *convreport.Conversation) bool {
	switch c.Op {
	case convreport.CondTrue:
		return true
	case convreport.CondFalse:
		return false
	case convreport.CondAnd:
		for _, k := range c.Kids {
			if !condHolds(k, cv) {
				return false
			}
		}
		return true
	case convreport.CondOr:
		for _, k := range c.Kids {
			if condHolds(k, cv) {
				return true
			}
		}
		return false
	case convreport.CondNot:
		return !condHolds(c.Kids[0], cv)
	}
	v, known := convreport.DefaultSchema().Value(cv, c.Property.Name)
	if c.Property.Custom {
		v, known = cv.Properties[c.Property.Name]
		if s, ok := v.(string); ok && s == "" {
			known = false
		}
	}
	eq := func(w any) bool {
		if t, ok := v.(time.Time); ok {
			return t.Equal(w.(time.Time))
		}
		return v == w
	}
	cmp := func(w any) int {
		switch x := v.(type) {
		case float64:
			return compare(x, w.(float64))
		case time.Duration:
			return compare(x, w.(time.Duration))
		case time.Time:
			return x.Compare(w.(time.Time))
		}
		panic(fmt.Sprintf("order on %T", v))
	}
	switch c.Op {
	case convreport.CondKnown:
		return known
	case convreport.CondUnknown:
		return !known
	case convreport.CondNe, convreport.CondNotIn:
		return !known || !slices.ContainsFunc(c.Values, eq)
	}
	if !known {
		return false
	}
	switch c.Op {
	case convreport.CondEq, convreport.CondIn:
		return slices.ContainsFunc(c.Values, eq)
	case convreport.CondLt:
		return cmp(c.Values[0]) < 0
	case convreport.CondLe:
		return cmp(c.Values[0]) <= 0
	case convreport.CondGt:
		return cmp(c.Values[0]) > 0
	case convreport.CondGe:
		return cmp(c.Values[0]) >= 0
	case convreport.CondRange:
		return cmp(c.Values[0]) >= 0 && cmp(c.Values[1]) < 0
	case convreport.CondContains:
		return strings.Contains(v.(string), c.Values[0].(string))
	case convreport.CondPrefix:
		return strings.HasPrefix(v.(string), c.Values[0].(string))
	case convreport.CondSuffix:
		return strings.HasSuffix(v.(string), c.Values[0].(string))
	}
	panic("op " + string(c.Op))
}

func compare[T int64 | float64 | time.Duration](a, b T) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func TestPushdownThroughPlanResultMatchesTheScan(t *testing.T) {
	var src *pushdown
	sourcetest.RunN(t, func(t *testing.T, cs []convreport.Conversation) convreport.Source {
		src = &pushdown{rowSource: &rowSource{schema: sourcetest.Schema(), rows: cs}}
		return src
	}, corpusRows(800, 500), 4)
	require.Positive(t, src.answered.Load(), "most pushdowns are answered by the source")
	require.Positive(t, src.declined.Load(), "expression filters fall back to the scan")
}

func TestPlanResultRejectsGroupsThatDoNotFit(t *testing.T) {
	var got error
	src := &aggFunc{rowSource: &rowSource{schema: convreport.DefaultSchema(), rows: fixture()}, f: func(p *convreport.Pushdown) ([]convreport.Result, error) {
		_, got = p.Result(0, []convreport.Group{{Values: nil, Count: 1}})
		return nil, convreport.ErrUnsupported
	}}
	_, err := convreport.NewEngine(src).Run(context.Background(), fixtureQuery(), convreport.Report{Dimensions: []string{"Assignee"}})
	require.NoError(t, err)
	require.ErrorIs(t, got, convreport.ErrBadGroups)
	require.EqualError(t, got, "convreport: groups do not fit the report: group 0 has 0 values for 1 dimensions")
}

type aggFunc struct {
	*rowSource
	f func(*convreport.Pushdown) ([]convreport.Result, error)
}

func (a *aggFunc) Aggregate(ctx context.Context, p *convreport.Pushdown) ([]convreport.Result, error) {
	return a.f(p)
}

func TestOneDeclinedReportDoesNotSendTheOthersToTheScan(t *testing.T) {
	cs := sourcetest.Generate(600, 9)
	src := &pushdown{rowSource: &rowSource{schema: sourcetest.Schema(), rows: cs}}
	reports := []convreport.Report{
		{Name: "by rep", Dimensions: []string{"Assignee"}},
		{Name: "expression", Dimensions: []string{"Inbox"}, Filter: `lower(Subject) contains "refund"`},
		{Name: "waits", Dimensions: []string{"Team"}, Measure: convreport.Measure{Agg: convreport.Average, Metric: convreport.WaitTime}},
	}
	q := conformance.Queries()[0].Query
	got, err := convreport.NewEngine(src).Run(context.Background(), q, reports...)
	require.NoError(t, err)
	require.Equal(t, int64(2), src.answered.Load(), "the two plain reports were pushed down on their own")
	require.Equal(t, int64(2), src.declined.Load(), "the dashboard, then the expression report, were declined")
	require.Equal(t, int64(1), src.scanned.Load(), "one scan, for the declined report only")

	// The answers equal a plain scan of everything.
	want, err := convreport.NewEngine(&rowSource{schema: sourcetest.Schema(), rows: cs}).Run(context.Background(), q, reports...)
	require.NoError(t, err)
	for i := range reports {
		require.Equal(t, points(want[i]), points(got[i]), reports[i].Name)
	}
}
