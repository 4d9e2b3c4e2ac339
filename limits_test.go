package convreport_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/memory"
	"github.com/convreport/convreport/plan"
	"github.com/stretchr/testify/require"
)

// Every limit on what a user may ask for is a typed error with a message
// that names the limit and the value over it. These tests pin each one,
// through the API a user reaches it by.

// orChain returns n comparisons joined by ||: 3n + (n-1) syntax nodes.
func orChain(n int) string {
	terms := make([]string, n)
	for i := range terms {
		terms[i] = fmt.Sprintf("IncomingMessages == %d", i)
	}
	return strings.Join(terms, " || ")
}

func TestFilterLimitsThroughTheEngine(t *testing.T) {
	src, err := memory.New(fixture())
	require.NoError(t, err)
	eng := convreport.NewEngine(src)
	long := `Inbox == "` + strings.Repeat("x", 4087) + `"` // 4098 bytes
	cases := []struct {
		name   string
		report convreport.Report
		limit  convreport.FilterLimitError
		want   string
	}{
		{"length", convreport.Report{Name: "r", Filter: long},
			convreport.FilterLimitError{Limit: "length", Max: convreport.DefaultMaxFilterLength, Got: 4098},
			`convreport: report "r": filter: expression is 4098 bytes long, over the limit of 4096 bytes`},
		{"nodes", convreport.Report{Name: "r", Filter: orChain(65)}, // 259 nodes
			convreport.FilterLimitError{Limit: "nodes", Max: convreport.DefaultMaxFilterNodes, Got: 259},
			`convreport: report "r": filter: expression has 259 nodes, over the limit of 256 nodes`},
		// The limits apply to the report's expression and conditions joined:
		// each alone is within them, together they are not.
		{"filter and conditions joined", convreport.Report{Name: "r", Filter: orChain(60), // 239 nodes
			Conditions: []convreport.Condition{
				// Inbox in [20 strings]: 23 nodes, 1 more for &&.
				{Property: "Inbox", Op: convreport.IsAnyOf, Values: strings.Fields("a b c d e f g h i j k l m n o p q r s t")},
			}},
			convreport.FilterLimitError{Limit: "nodes", Max: 256, Got: 263},
			`convreport: report "r": filter: expression has 263 nodes, over the limit of 256 nodes`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res, err := eng.Run(context.Background(), fixtureQuery(), tc.report)
			require.Nil(t, res)
			require.EqualError(t, err, tc.want)
			var re *convreport.ReportError
			require.ErrorAs(t, err, &re)
			require.Equal(t, "filter", re.Field)
			var le *convreport.FilterLimitError
			require.ErrorAs(t, err, &le)
			require.Equal(t, tc.limit, *le)
		})
	}
	// Within the limits: 64 comparisons are 255 nodes.
	_, err = eng.Run(context.Background(), fixtureQuery(), convreport.Report{Name: "r", Filter: orChain(64)})
	require.NoError(t, err)
}

func TestFilterLimitsAreConfigurable(t *testing.T) {
	opts := convreport.FilterOptions{MaxLength: 10_000, MaxNodes: 1000}
	_, err := opts.Compile(nil, orChain(200)) // 799 nodes, 4 590 bytes
	require.NoError(t, err)
	_, err = convreport.CompileFilter(nil, orChain(200))
	var le *convreport.FilterLimitError
	require.ErrorAs(t, err, &le)

	opts = convreport.FilterOptions{MaxNodes: 7}
	_, err = opts.Compile(nil, `Channel == "chat" && Inbox == "x"`) // 7 nodes
	require.NoError(t, err)
	_, err = opts.Compile(nil, `Channel == "chat" && Inbox == "x" && Team == "y"`)
	require.EqualError(t, err, "convreport: filter: expression has 11 nodes, over the limit of 7 nodes")
	require.ErrorAs(t, err, &le)
	require.Equal(t, convreport.FilterLimitError{Limit: "nodes", Max: 7, Got: 11}, *le)
}

func TestFilterLimitThroughTheReportEditor(t *testing.T) {
	d := newDash(t, byRepReport("By rep"))
	r := d.Reports[0].Clone()
	r.Filter = orChain(65)
	_, err := d.UpdateReport(nil, r)
	require.EqualError(t, err, `convreport: report "By rep": filter: expression has 259 nodes, over the limit of 256 nodes`)
	var le *convreport.FilterLimitError
	require.ErrorAs(t, err, &le)
	var re *convreport.ReportError
	require.ErrorAs(t, err, &re)
}

func TestDrillDownPageSizeLimit(t *testing.T) {
	cs := make([]convreport.Conversation, 1500)
	for i := range cs {
		cs[i] = convreport.Conversation{ID: fmt.Sprintf("c%04d", i), Channel: convreport.Chat, Status: convreport.Open,
			CreatedAt: at("2025-03-01T00:00:00Z").Add(time.Duration(i) * time.Minute)}
	}
	src, err := memory.New(cs)
	require.NoError(t, err)
	eng := convreport.NewEngine(src)
	q := fixtureQuery()
	r := convreport.Report{Name: "all"}
	res, err := eng.Run(context.Background(), q, r)
	require.NoError(t, err)
	d, err := eng.DrillDown(context.Background(), q, r, res[0].Points[0])
	require.NoError(t, err)
	require.Equal(t, 1500, d.Len(), "All and Len are not paged")

	page, err := d.Page(0, convreport.MaxPageSize+1)
	require.Nil(t, page)
	require.EqualError(t, err, "convreport: drill-down page size 1001 is over the limit of 1000")
	var le *convreport.LimitError
	require.ErrorAs(t, err, &le)
	require.Equal(t, convreport.LimitError{Limit: "drill-down page size", Max: 1000, Got: 1001}, *le)

	page, err = d.Page(1000, convreport.MaxPageSize)
	require.NoError(t, err)
	n := 0
	for range page {
		n++
	}
	require.Equal(t, 500, n, "the last page holds the rest")

	_, err = d.Page(-1, 10)
	require.EqualError(t, err, "convreport: drill-down page: offset -1 and limit 10 must not be negative")
}

func TestDimensionLimit(t *testing.T) {
	src, err := memory.New(fixture())
	require.NoError(t, err)
	eng := convreport.NewEngine(src)
	four := []string{"Channel", "Inbox", "Assignee", "Team"}
	_, err = eng.Run(context.Background(), fixtureQuery(), convreport.Report{Name: "r", Dimensions: four})
	require.NoError(t, err)

	_, err = eng.Run(context.Background(), fixtureQuery(), convreport.Report{Name: "r", Dimensions: append(four, "Status")})
	require.EqualError(t, err, `convreport: report "r": dimensions: dimensions per report 5 is over the limit of 4`)
	var re *convreport.ReportError
	require.ErrorAs(t, err, &re)
	require.Equal(t, "dimensions", re.Field)

	// The engine says so before any run.
	require.EqualError(t, eng.CheckReport(convreport.Report{Name: "r", Dimensions: append(four, "Status")}),
		`convreport: report "r": dimensions: dimensions per report 5 is over the limit of 4`)
}

// Limits belong to the engine: a report an engine built WithLimits runs is
// saved in a dashboard, whose own check knows no engine and applies only
// the ceilings (it used to apply the default limits, so a five-dimension
// report that ran could not be saved).
func TestSavingFollowsTheEngineNotHiddenDefaults(t *testing.T) {
	src, err := memory.New(fixture())
	require.NoError(t, err)
	wide := convreport.NewEngine(src, convreport.WithLimits(convreport.Limits{MaxDimensions: 6}))
	five := convreport.Report{Name: "r", Dimensions: []string{"Channel", "Inbox", "Assignee", "Team", "Status"}}
	require.NoError(t, wide.CheckReport(five))
	_, err = wide.Run(context.Background(), fixtureQuery(), five)
	require.NoError(t, err)
	d, err := convreport.NewDashboard(convreport.DashboardOptions{Name: "d", Owner: "ana", Reports: []convreport.Report{five}})
	require.NoError(t, err)
	copied := d.Reports[0]
	copied.ID, copied.Name = "", "copy"
	_, err = d.AddReport(nil, plan.Plan{}, copied)
	require.NoError(t, err)

	// An engine cannot be set past the ceilings, and saving stops there.
	ceil := convreport.MaxLimits().MaxDimensions
	many := make([]string, ceil+1)
	for i := range many {
		many[i] = "Channel"
	}
	huge := convreport.NewEngine(src, convreport.WithLimits(convreport.Limits{MaxDimensions: 1000}))
	var re *convreport.ReportError
	require.ErrorAs(t, huge.CheckReport(convreport.Report{Name: "r", Dimensions: many}), &re)
	_, err = convreport.NewDashboard(convreport.DashboardOptions{Name: "d", Owner: "ana", Reports: []convreport.Report{{Name: "r", Dimensions: many}}})
	require.ErrorAs(t, err, &re)
	require.Equal(t, "dimensions", re.Field)
}

func TestBucketLimit(t *testing.T) {
	src, err := memory.New(fixture())
	require.NoError(t, err)
	eng := convreport.NewEngine(src)
	q := convreport.Query{From: at("2000-01-01T00:00:00Z"), To: at("2012-01-01T00:00:00Z")}
	_, err = eng.Run(context.Background(), q, convreport.Report{Name: "r", Bucket: convreport.Hour})
	require.EqualError(t, err, `convreport: report "r": bucket: buckets per report 105192 is over the limit of 100000`)
	var re *convreport.ReportError
	require.ErrorAs(t, err, &re)

	q = convreport.Query{From: at("1700-01-01T00:00:00Z"), To: at("2000-01-01T00:00:00Z")}
	_, err = eng.Run(context.Background(), q, convreport.Report{Name: "r", Bucket: convreport.Day})
	require.EqualError(t, err, `convreport: report "r": bucket: buckets per report 109572 is over the limit of 100000`)
	require.ErrorAs(t, err, &re)

	// The longest preset fits in day buckets.
	q = convreport.Query{Range: convreport.LastNDays(100000), Now: at("2025-03-05T00:00:00Z")}
	res, err := eng.Run(context.Background(), q, convreport.Report{Name: "r", Bucket: convreport.Day})
	require.NoError(t, err)
	require.Len(t, res[0].Points, 100000)
}

func TestRangePresetLimit(t *testing.T) {
	_, err := convreport.ParseRange("last_100001_days")
	require.EqualError(t, err, `convreport: unknown date range "last_100001_days" (want last_N_days with N from 1 to 100000, without leading zeros)`)
	var re *convreport.RangeError
	require.ErrorAs(t, err, &re)
}

// TestOtherFoldsTheTail pins Report.Limit, the engine's group folding: the
// first Limit points stay, every other group is summed into one Other
// point, and its drill-down lists exactly the folded conversations.
func TestOtherFoldsTheTail(t *testing.T) {
	var cs []convreport.Conversation
	for rep := range 6 { // rep r has r+1 conversations
		for i := range rep + 1 {
			cs = append(cs, convreport.Conversation{ID: fmt.Sprintf("r%d-%d", rep, i), Channel: convreport.Chat,
				Status: convreport.Open, Assignee: fmt.Sprintf("rep-%d", rep),
				CreatedAt: at("2025-03-02T10:00:00Z").Add(time.Duration(rep*10+i) * time.Minute)})
		}
	}
	src, err := memory.New(cs)
	require.NoError(t, err)
	eng := convreport.NewEngine(src)
	r := convreport.Report{Name: "top reps", Dimensions: []string{"Assignee"}, Limit: 2}
	res, err := eng.Run(context.Background(), fixtureQuery(), r)
	require.NoError(t, err)
	// rep-5: 6, rep-4: 5, then Other: 4 + 3 + 2 + 1.
	require.Equal(t, []pt{{"rep-5", "6", 6, 0}, {"rep-4", "5", 5, 0}, {"Other", "10", 10, 0}}, points(res[0]))
	other := res[0].Points[2]
	require.True(t, other.Other)
	d, err := eng.DrillDown(context.Background(), fixtureQuery(), r, other)
	require.NoError(t, err)
	require.Equal(t, 10, d.Len())
	for c := range d.All() {
		require.NotContains(t, []string{"rep-5", "rep-4"}, c.Assignee)
	}

	// A time series keeps every bucket: a Limit without dimensions has
	// nothing to fold and is refused.
	r = convreport.Report{Name: "daily", Bucket: convreport.Day, Limit: 1}
	_, err = eng.Run(context.Background(), fixtureQuery(), r)
	require.EqualError(t, err, `convreport: report "daily": limit: a report without dimensions has nothing to fold; a time series keeps every bucket`)

	// An Other point needs a report with a Limit.
	_, err = eng.DrillDown(context.Background(), fixtureQuery(), convreport.Report{Name: "all reps", Dimensions: []string{"Assignee"}}, other)
	require.EqualError(t, err, `convreport: drill-down: report "all reps" folds nothing into Other for this query`)
}

func TestPlanLimitErrors(t *testing.T) {
	err := plan.Starter.CheckReports(11)
	require.EqualError(t, err, `convreport: plan "starter" allows 10 reports per dashboard`)
	var pe *plan.Error
	require.ErrorAs(t, err, &pe)
	require.Equal(t, plan.Error{Plan: "starter", Limit: plan.ReportsPerDashboard, Max: 10}, *pe)
	require.NoError(t, plan.Starter.CheckReports(10))

	err = plan.Plan{DashboardsPerAccount: 2}.CheckDashboards(3)
	require.EqualError(t, err, `convreport: the plan allows 2 dashboards per account`)
	require.True(t, errors.As(err, &pe))
	require.NoError(t, plan.Plan{}.CheckDashboards(1<<30), "the zero plan caps nothing")
}

// An engine says its limits, defaults filled in and ceilings applied, for
// an editor to say a bound before the run refuses it.
func TestEngineLimits(t *testing.T) {
	src, err := memory.New(fixture())
	require.NoError(t, err)
	require.Equal(t, 10_000, convreport.NewEngine(src).Limits().MaxGroups)
	l := convreport.NewEngine(src, convreport.WithLimits(convreport.Limits{MaxGroups: 50, MaxDimensions: 1000})).Limits()
	require.Equal(t, 50, l.MaxGroups)
	require.Equal(t, 16, l.MaxDimensions, "the ceiling")
	require.Equal(t, 100_000, l.MaxBuckets, "a default")
	var none *convreport.Engine
	require.Equal(t, convreport.DefaultLimits(), none.Limits())
}
