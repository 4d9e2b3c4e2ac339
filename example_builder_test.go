package convreport_test

import (
	"fmt"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/plan"
)

// The report builder's "create report": an empty report, then one edit
// per control; what makes no sense together is refused with the field to
// change.
func ExampleNewReport() {
	r, err := convreport.NewReport(nil,
		convreport.Rename("Wait p90 by inbox, per team"),
		convreport.SetMeasure(convreport.Measure{Agg: convreport.Percentile, P: 90, Metric: convreport.WaitTime}),
		convreport.SetDimensions("Inbox", "Team"), // a grouping, then a breakdown
		convreport.SetLimit(5), // top 5 inboxes, the rest as "Other"
		convreport.SetChart(convreport.Chart{Type: convreport.ColumnChart}),
	)
	fmt.Println(r.Measure.Key(), r.Dimensions, err)

	_, err = convreport.NewReport(nil, convreport.Rename("Pie"),
		convreport.SetDimensions("Inbox", "Team"),
		convreport.SetChart(convreport.Chart{Type: convreport.PieChart}))
	fmt.Println(err)
	// Output:
	// p90_wait_time [Inbox Team] <nil>
	// convreport: report "Pie": chart: a pie chart shows one grouping; remove the breakdown or choose a bar, column or table chart
}

// "Save a copy as" and the other changes of the "manage dashboard" menu
// return a new dashboard; a Store saves it and checks who made it.
func ExampleDashboard_CopyAs() {
	d, _ := convreport.NewDashboard(convreport.DashboardOptions{
		Name:  "Support team",
		Owner: "ana",
		Reports: []convreport.Report{
			{Name: "Conversations by rep", Dimensions: []string{"Assignee"}},
			{Name: "Conversations by inbox", Dimensions: []string{"Inbox"}},
		},
	})
	d, _ = d.Rename("Support desk")
	d, _ = d.OrderReports("conversations-by-inbox", "conversations-by-rep")
	mine, err := d.CopyAs(convreport.DashboardOptions{Name: "Ben's support desk", Owner: "ben", Plan: plan.Free})
	fmt.Println(mine.Name, mine.Owner, mine.Visibility, mine.Reports[0].ID, err)
	// Output:
	// Ben's support desk ben private conversations-by-inbox <nil>
}
