package convreport_test

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"sync/atomic"
	"testing"
	"time"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/sourcetest"
	"github.com/stretchr/testify/require"
)

// rowSource is the smallest Source: a slice, scanned row by row, honouring
// the creation-time hint.
type rowSource struct {
	schema *convreport.Schema
	rows   []convreport.Conversation
	failAt int // fail after this many rows when > 0
	seen   atomic.Int64
}

func (s *rowSource) Schema() *convreport.Schema { return s.schema }

func (s *rowSource) Scan(ctx context.Context, hint convreport.ScanHint) iter.Seq2[*convreport.Conversation, error] {
	return func(yield func(*convreport.Conversation, error) bool) {
		for i := range s.rows {
			c := &s.rows[i]
			if s.failAt > 0 && i == s.failAt {
				yield(nil, errors.New("disk on fire"))
				return
			}
			if err := ctx.Err(); err != nil {
				yield(nil, err)
				return
			}
			if (!hint.CreatedFrom.IsZero() && c.CreatedAt.Before(hint.CreatedFrom)) ||
				(!hint.CreatedTo.IsZero() && !c.CreatedAt.Before(hint.CreatedTo)) {
				continue
			}
			s.seen.Add(1)
			if !yield(c, nil) {
				return
			}
		}
	}
}

// decliner is an Aggregator that declines every pushdown.
type decliner struct {
	*rowSource
	calls atomic.Int64
}

func (d *decliner) Aggregate(ctx context.Context, p *convreport.Pushdown) ([]convreport.Result, error) {
	d.calls.Add(1)
	return nil, fmt.Errorf("no GROUP BY here: %w", convreport.ErrUnsupported)
}

// corpusRows is n, or under the race detector small, which still leaves
// every query and case of the conformance corpus conversations to count
// but the one no data can reach (Lord Howe's weeks from March 30 hold no
// close before March 15), at most two of them with fewer than five.
func corpusRows(n, small int) int {
	if raceEnabled {
		return small
	}
	return n
}

func TestRowSourceConformance(t *testing.T) {
	// A plain Source goes through the engine's row-encoding path, which
	// re-reads the source on every run: fewer rows keep this quick.
	sourcetest.RunN(t, func(t *testing.T, cs []convreport.Conversation) convreport.Source {
		return &rowSource{schema: sourcetest.Schema(), rows: cs}
	}, corpusRows(1200, 500), 3)
}

func TestDecliningAggregatorFallsBackToScan(t *testing.T) {
	var d *decliner
	sourcetest.RunN(t, func(t *testing.T, cs []convreport.Conversation) convreport.Source {
		d = &decliner{rowSource: &rowSource{schema: sourcetest.Schema(), rows: cs}}
		return d
	}, corpusRows(500, 300), 2)
	require.Positive(t, d.calls.Load(), "the engine asked the aggregator first")
}

func TestScanHintPrunesRows(t *testing.T) {
	src := &rowSource{schema: convreport.DefaultSchema(), rows: fixture()}
	eng := convreport.NewEngine(src)
	q := convreport.Query{From: at("2025-03-02T00:00:00Z"), To: at("2025-03-03T00:00:00Z")}
	res, err := eng.Run(context.Background(), q, convreport.Report{})
	require.NoError(t, err)
	require.Equal(t, "2", res[0].Points[0].Value.Decimal.String())
	require.Equal(t, int64(2), src.seen.Load(), "only rows created in the range reach the engine")
}

func TestSourceFailureIsWrapped(t *testing.T) {
	src := &rowSource{schema: convreport.DefaultSchema(), rows: fixture(), failAt: 3}
	_, err := convreport.NewEngine(src).Run(context.Background(), fixtureQuery(), convreport.Report{})
	require.EqualError(t, err, "convreport: reading source *convreport_test.rowSource: disk on fire")
	var se *convreport.SourceError
	require.ErrorAs(t, err, &se)
}

func TestRunStopsOnCancel(t *testing.T) {
	src := &rowSource{schema: convreport.DefaultSchema(), rows: fixture()}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	res, err := convreport.NewEngine(src).Run(ctx, fixtureQuery(), convreport.Report{})
	require.ErrorIs(t, err, context.Canceled)
	require.Nil(t, res)
	require.Zero(t, src.seen.Load())
}

func TestBadReportsAndQueries(t *testing.T) {
	src := &rowSource{schema: convreport.DefaultSchema(), rows: fixture()}
	eng := convreport.NewEngine(src)
	q := fixtureQuery()
	cases := []struct {
		name string
		r    convreport.Report
		want string
	}{
		{"unknown dimension", convreport.Report{Name: "r", Dimensions: []string{"Asignee"}},
			`convreport: report "r": dimensions: unknown property "Asignee" (did you mean "Assignee"?)`},
		{"time dimension", convreport.Report{Name: "r", Dimensions: []string{"CreatedAt"}},
			`convreport: report "r": dimensions: CreatedAt is a time property; group by string, enum or bool properties, and by time with a bucket`},
		{"average without metric", convreport.Report{Name: "r", Measure: convreport.Measure{Agg: convreport.Average}},
			`convreport: report "r": measure: avg needs a metric: first_response_time, wait_time or time_to_close (got "")`},
		{"bad percentile", convreport.Report{Name: "r", Measure: convreport.Measure{Agg: convreport.Percentile, Metric: convreport.WaitTime, P: 120}},
			`convreport: report "r": measure: percentile P must be in (0, 100], got 120`},
		{"percentile finer than a millionth", convreport.Report{Name: "r", Measure: convreport.Measure{Agg: convreport.Percentile, Metric: convreport.WaitTime, P: 50.0000004}},
			`convreport: report "r": measure: percentile P 50.0000004 has more than six decimals`},
		{"date property not a time", convreport.Report{Name: "r", DateProperty: "Inbox"},
			`convreport: report "r": date_property: Inbox is a string, not a time`},
		{"unknown bucket", convreport.Report{Name: "r", Bucket: "fortnight"},
			`convreport: report "r": bucket: unknown bucket "fortnight" (want hour, day, week, month, quarter or year)`},
		{"unknown display property", convreport.Report{Name: "r", Properties: []string{"Colour"}},
			`convreport: report "r": properties: unknown property "Colour"`},
		{"negative limit", convreport.Report{Name: "r", Limit: -1}, `convreport: report "r": limit: -1 is negative`},
		{"limit on a plain series", convreport.Report{Name: "r", Bucket: convreport.Day, Limit: 5},
			`convreport: report "r": limit: a report without dimensions has nothing to fold; a time series keeps every bucket`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := eng.Run(context.Background(), q, tc.r)
			require.EqualError(t, err, tc.want)
			var re *convreport.ReportError
			require.ErrorAs(t, err, &re)
		})
	}
	_, err := eng.Run(context.Background(), convreport.Query{From: q.To, To: q.From}, convreport.Report{})
	require.EqualError(t, err, "convreport: query: From/To: From 2025-03-08T00:00:00Z is not before To 2025-03-01T00:00:00Z")
	_, err = eng.Run(context.Background(), convreport.Query{From: q.From.Add(time.Millisecond), To: q.From}, convreport.Report{})
	require.EqualError(t, err, "convreport: query: From/To: From 2025-03-01T00:00:00.001Z is not before To 2025-03-01T00:00:00Z")
	_, err = eng.Run(context.Background(), convreport.Query{From: q.From}, convreport.Report{})
	require.EqualError(t, err, "convreport: query: From/To: set both bounds of the range, or neither and a Range preset")
}
