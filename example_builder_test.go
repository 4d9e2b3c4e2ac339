package convreport_test

import (
	"fmt"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/plan"
)

// The report builder's "create report": a Report is a plain value, set
// field by field as the controls change, and Check refuses what makes no
// sense together with the field to change.
func ExampleReport_Check() {
	r := convreport.Report{
		Name:       "Wait p90 by inbox, per team",
		Measure:    convreport.Measure{Agg: convreport.Percentile, P: 90, Metric: convreport.WaitTime},
		Dimensions: []string{"Inbox", "Team"}, // a grouping, then a breakdown
		Limit:      5,                         // top 5 inboxes, the rest as "Other"
		Chart:      convreport.Chart{Type: convreport.ColumnChart},
	}
	fmt.Println(r.Measure.Key(), r.Check(nil))

	r.Name, r.Chart = "Pie", convreport.Chart{Type: convreport.PieChart}
	fmt.Println(r.Check(nil))
	// Output:
	// p90_wait_time <nil>
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
	d.Name = "Support desk"
	d, _ = d.OrderReports("conversations-by-inbox", "conversations-by-rep")
	mine, err := d.CopyAs(convreport.DashboardOptions{Name: "Ben's support desk", Owner: "ben", Plan: plan.Free})
	fmt.Println(mine.Name, mine.Owner, mine.Visibility, mine.Reports[0].ID, err)
	// Output:
	// Ben's support desk ben private conversations-by-inbox <nil>
}
