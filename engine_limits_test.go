package convreport_test

// The engine's limits (issue 8: "each limit configurable"):
//
//	// Limits bounds what one run or drill-down may ask for. A zero field
//	// means its default (DefaultLimits).
//	type Limits struct {
//		Filter        FilterOptions // length and nodes of each report's filter
//		MaxDimensions int           // per report; default 4
//		MaxBuckets    int           // per report; default 100 000
//		MaxGroups     int           // points (or series) per report; default 10 000
//		MaxPoints     int           // a time series' series × buckets; default 1 000 000
//		MaxPageSize   int           // rows per Drill.Page; default 1000 (MaxPageSize)
//	}
//	func DefaultLimits() Limits
//	func WithLimits(l Limits) Option
//
// A breach is a *ReportError (field "filter", "dimensions", "bucket",
// "limit") wrapping a *FilterLimitError or a *LimitError, or a *LimitError
// from Drill.Page. Groups beyond MaxGroups are not an error: the engine
// folds them into one Other point (or, for a time series, one Other series)
// as Report.Limit does, and says how many it folded in Result.Folded.

import (
	"context"
	"testing"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/memory"
	"github.com/stretchr/testify/require"
)

func TestDefaultLimits(t *testing.T) {
	require.Equal(t, convreport.Limits{
		Filter:        convreport.FilterOptions{MaxLength: convreport.DefaultMaxFilterLength, MaxNodes: convreport.DefaultMaxFilterNodes, MaxPatternSize: convreport.DefaultMaxPatternSize},
		MaxDimensions: 4, MaxBuckets: 100_000, MaxGroups: 10_000, MaxPoints: 1_000_000, MaxPageSize: convreport.MaxPageSize,
	}, convreport.DefaultLimits())
}

func limitedEngine(t *testing.T, l convreport.Limits) *convreport.Engine {
	src, err := memory.New(fixture())
	require.NoError(t, err)
	return convreport.NewEngine(src, convreport.WithLimits(l))
}

func TestEngineFilterLimitsAreConfigurable(t *testing.T) {
	eng := limitedEngine(t, convreport.Limits{Filter: convreport.FilterOptions{MaxNodes: 7}})
	_, err := eng.Run(context.Background(), fixtureQuery(), convreport.Report{Name: "r", Filter: `Channel == "chat" && Inbox == "x"`})
	require.NoError(t, err)
	_, err = eng.Run(context.Background(), fixtureQuery(), convreport.Report{Name: "r", Filter: `Channel == "chat" && Inbox == "x" && Team == "y"`})
	var le *convreport.FilterLimitError
	require.ErrorAs(t, err, &le)
	require.Equal(t, convreport.FilterLimitError{Limit: "nodes", Max: 7, Got: 11}, *le)

	// And the other way: a longer filter than the default allows.
	eng = limitedEngine(t, convreport.Limits{Filter: convreport.FilterOptions{MaxNodes: 1000}})
	_, err = eng.Run(context.Background(), fixtureQuery(), convreport.Report{Name: "r", Filter: orChain(100)})
	require.NoError(t, err)
}

// CheckReport says in advance what a run says of a report's filter: it
// checked the filter under the default limits, whatever the engine's, so
// it passed a filter the engine then refused at every run, and refused one
// the engine ran.
func TestEngineCheckReportFollowsTheFilterLimits(t *testing.T) {
	eng := limitedEngine(t, convreport.Limits{Filter: convreport.FilterOptions{MaxNodes: 7}})
	r := convreport.Report{Name: "r", Filter: `Channel == "chat" && Inbox == "x" && Team == "y"`}
	err := eng.CheckReport(r)
	var le *convreport.FilterLimitError
	require.ErrorAs(t, err, &le)
	require.Equal(t, convreport.FilterLimitError{Limit: "nodes", Max: 7, Got: 11}, *le)
	var re *convreport.ReportError
	require.ErrorAs(t, err, &re)
	require.Equal(t, "filter", re.Field)
	_, runErr := eng.Run(context.Background(), fixtureQuery(), r)
	require.EqualError(t, runErr, err.Error())

	// The structured conditions count with the expression, as in a run.
	r = convreport.Report{Name: "r", Filter: `Channel == "chat"`, Conditions: []convreport.Condition{
		{Property: "Inbox", Op: convreport.IsAnyOf, Values: []string{"x"}}, {Property: "Team", Op: convreport.IsAnyOf, Values: []string{"y"}}}}
	require.ErrorAs(t, eng.CheckReport(r), &le)
	_, runErr = eng.Run(context.Background(), fixtureQuery(), r)
	require.ErrorAs(t, runErr, &le)

	wide := limitedEngine(t, convreport.Limits{Filter: convreport.FilterOptions{MaxNodes: 1000}})
	require.NoError(t, wide.CheckReport(convreport.Report{Name: "r", Filter: orChain(100)}))
	// A dashboard keeps its own check, under the default filter limits.
	_, err = convreport.NewDashboard(convreport.DashboardOptions{Name: "d", Owner: "ana", Reports: []convreport.Report{{Name: "r", Filter: orChain(100)}}})
	require.ErrorAs(t, err, &le)
}

// A filter as long as the engine's MaxLength runs: the engine joined it
// with the conditions in parentheses even when it had none, and counted
// two bytes its author never wrote.
func TestFilterOfTheMaxLengthRuns(t *testing.T) {
	const f = `Channel == "chat"` // 17 bytes
	eng := limitedEngine(t, convreport.Limits{Filter: convreport.FilterOptions{MaxLength: len(f)}})
	r := convreport.Report{Name: "r", Filter: f}
	require.NoError(t, eng.CheckReport(r))
	res, err := eng.Run(context.Background(), fixtureQuery(), r)
	require.NoError(t, err)
	q := fixtureQuery()
	var chats int64
	for _, c := range fixture() {
		if c.Channel == convreport.Chat && !c.CreatedAt.Before(q.From) && c.CreatedAt.Before(q.To) {
			chats++
		}
	}
	require.Positive(t, chats)
	require.Equal(t, chats, res[0].Points[0].Count)

	r.Filter += " "
	var le *convreport.FilterLimitError
	require.ErrorAs(t, eng.CheckReport(r), &le)
}

func TestEngineDimensionLimitIsConfigurable(t *testing.T) {
	eng := limitedEngine(t, convreport.Limits{MaxDimensions: 2})
	_, err := eng.Run(context.Background(), fixtureQuery(), convreport.Report{Name: "r", Dimensions: []string{"Channel", "Inbox"}})
	require.NoError(t, err)
	_, err = eng.Run(context.Background(), fixtureQuery(), convreport.Report{Name: "r", Dimensions: []string{"Channel", "Inbox", "Team"}})
	require.EqualError(t, err, `convreport: report "r": dimensions: dimensions per report 3 is over the limit of 2`)
	var re *convreport.ReportError
	require.ErrorAs(t, err, &re)
	require.Equal(t, "dimensions", re.Field)
	var le *convreport.LimitError
	require.ErrorAs(t, err, &le)
	require.Equal(t, convreport.LimitError{Limit: "dimensions per report", Max: 2, Got: 3}, *le)
}

func TestEngineBucketLimitIsConfigurable(t *testing.T) {
	eng := limitedEngine(t, convreport.Limits{MaxBuckets: 24})
	_, err := eng.Run(context.Background(), fixtureQuery(), convreport.Report{Name: "r", Bucket: convreport.Hour})
	var le *convreport.LimitError
	require.ErrorAs(t, err, &le)
	require.Equal(t, convreport.LimitError{Limit: "buckets per report", Max: 24, Got: 168}, *le)
	_, err = eng.Run(context.Background(), fixtureQuery(), convreport.Report{Name: "r", Bucket: convreport.Day})
	require.NoError(t, err)
}

func TestEngineFoldsGroupsOverTheCap(t *testing.T) {
	eng := limitedEngine(t, convreport.Limits{MaxGroups: 3})
	r := convreport.Report{Name: "by rep", Dimensions: []string{"Assignee"}}
	res, err := eng.Run(context.Background(), fixtureQuery(), r)
	require.NoError(t, err)
	// A 2, B 2, C 1, unassigned 1: two kept, two folded.
	require.Equal(t, []pt{{"A", "2", 2, 0}, {"B", "2", 2, 0}, {"Other", "2", 2, 0}}, points(res[0]))
	require.Equal(t, 2, res[0].Folded)
	d, err := eng.DrillDown(context.Background(), fixtureQuery(), r, res[0].Points[2])
	require.NoError(t, err)
	require.Equal(t, 2, d.Len())

	// A report's own Limit under the cap applies as before; over it, it is
	// an error rather than silently lowered.
	r.Limit = 1
	res, err = eng.Run(context.Background(), fixtureQuery(), r)
	require.NoError(t, err)
	require.Len(t, res[0].Points, 2)
	r.Limit = 5
	_, err = eng.Run(context.Background(), fixtureQuery(), r)
	var le *convreport.LimitError
	require.ErrorAs(t, err, &le)
	require.Equal(t, convreport.LimitError{Limit: "groups per report", Max: 3, Got: 5}, *le)

	// A time series keeps every bucket and folds series instead.
	series := convreport.Report{Name: "daily by rep", Dimensions: []string{"Assignee"}, Bucket: convreport.Day}
	res, err = eng.Run(context.Background(), fixtureQuery(), series)
	require.NoError(t, err)
	names := map[string]bool{}
	for _, p := range res[0].Points {
		names[p.Dimensions[0].Label()] = true
	}
	require.Len(t, names, 3, "two series and Other")
	require.Len(t, res[0].Points, 3*7)
}

func TestEnginePageLimitIsConfigurable(t *testing.T) {
	eng := limitedEngine(t, convreport.Limits{MaxPageSize: 2})
	r := convreport.Report{Name: "all"}
	res, err := eng.Run(context.Background(), fixtureQuery(), r)
	require.NoError(t, err)
	d, err := eng.DrillDown(context.Background(), fixtureQuery(), r, res[0].Points[0])
	require.NoError(t, err)
	_, err = d.Page(0, 2)
	require.NoError(t, err)
	_, err = d.Page(0, 3)
	var le *convreport.LimitError
	require.ErrorAs(t, err, &le)
	require.Equal(t, convreport.LimitError{Limit: "drill-down page size", Max: 2, Got: 3}, *le)
}
