package render_test

import (
	"os"
	"time"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/render"
	"github.com/shopspring/decimal"
)

func ExampleText() {
	utc := time.UTC
	from, to := time.Date(2025, 3, 1, 0, 0, 0, 0, utc), time.Date(2025, 3, 4, 0, 0, 0, 0, utc)
	rep := func(name string) []convreport.DimensionValue {
		return []convreport.DimensionValue{{Property: "Assignee", Value: name, Known: name != ""}}
	}
	seconds := func(s string) decimal.NullDecimal { return decimal.NewNullDecimal(decimal.RequireFromString(s)) }

	byRep := convreport.Result{
		Report: convreport.Report{Name: "Average first response time by rep", Dimensions: []string{"Assignee"},
			Measure: convreport.Measure{Agg: convreport.Average, Metric: convreport.FirstResponseTime}},
		Points: []convreport.Point{
			{Dimensions: rep("Ana"), Value: seconds("3780"), Count: 4},
			{Dimensions: rep("Bo"), Value: seconds("312.5"), Count: 1250},
			{Dimensions: rep(""), Value: seconds("95"), Count: 2},
		},
	}
	overTime := convreport.Result{Report: convreport.Report{Name: "Conversations over time", Bucket: convreport.Day}}
	for i, n := range []int64{1200, 450, 2600} {
		overTime.Points = append(overTime.Points, convreport.Point{
			Bucket: from.AddDate(0, 0, i), Value: decimal.NewNullDecimal(decimal.NewFromInt(n)), Count: n})
	}

	render.Text(os.Stdout, render.Dashboard{Name: "Support", From: from, To: to, Zone: utc,
		Results: []convreport.Result{byRep, overTime}}, render.TextOptions{Width: 60})
	// Output:
	// Support
	// 2025-03-01 – 2025-03-03 · UTC
	//
	// Average first response time by rep
	//   Assignee      Time  Conversations
	//   Ana         1h 03m              4  ███████████████████████
	//   Bo          5m 13s          1,250  █▉
	//   (no value)  1m 35s              2  ▋
	//
	// Conversations over time
	//   ▄▂█
	//   2025-03-01 … 2025-03-03 · first 1,200 · last 2,600
	//   total 4,250 · peak 2,600 (2025-03-03)
}
