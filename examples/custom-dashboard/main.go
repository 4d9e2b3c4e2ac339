// Command custom-dashboard builds a dashboard in code (a grouped count, a
// filtered average, a weekly time series and a snapshot of what is open
// now), runs all four reports in one scan with Engine.RunDashboard, prints
// them, then drills into one point to list the conversations behind it.
//
//	go run ./examples/custom-dashboard
package main

import (
	"context"
	"fmt"
	"io"
	"log"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/convreport/convreport/access"
	"github.com/convreport/convreport/calendar"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/memory"
	"github.com/convreport/convreport/render"
	"github.com/convreport/convreport/sample"
)

// owner is the user the dashboard belongs to and the reports run for.
var owner = access.Viewer{UserID: "ana"}

// supportWeekly returns the dashboard. NewDashboard checks it as a Store
// would (name, access setting, report IDs) and each report against the
// schema, so a typo in a property or a filter fails here, not at run time.
func supportWeekly() (convreport.Dashboard, error) {
	return convreport.NewDashboard(convreport.DashboardOptions{
		Name:       "Support weekly",
		Owner:      owner.UserID,
		Visibility: access.EveryoneCanView,
		Reports: []convreport.Report{{
			ID:         "by-channel",
			Name:       "Conversations by channel",
			Dimensions: []string{"Channel"},
			Chart:      convreport.Chart{Type: convreport.PieChart},
		}, {
			ID:         "email-response-by-team",
			Name:       "Email first response time by team",
			Filter:     `Channel == "email" && Inbox != "Partners"`,
			Dimensions: []string{"Team"},
			Measure:    convreport.Measure{Agg: convreport.Average, Metric: convreport.FirstResponseTime},
			// What a drill-down lists for each conversation.
			Properties: []string{"ID", "CreatedAt", "Inbox", "Assignee", "FirstResponseTime"},
		}, {
			ID:     "chats-per-week",
			Name:   "Chats per week",
			Filter: `Channel == "chat"`,
			Bucket: convreport.Week,
		}, {
			ID:         "open-by-inbox",
			Name:       "Open conversations by inbox",
			Dimensions: []string{"Inbox"},
			// Ignores the date range: what is open at the query's Now.
			Snapshot: true,
		}},
	})
}

// query is the last four weeks of the sample data, Sunday to Saturday in
// Paris: sample.Generate's data ends at 2025-06-01 00:00 UTC, a Sunday,
// so the 28 days before it are exactly four Sunday weeks.
func query() (convreport.Query, error) {
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		return convreport.Query{}, err
	}
	return convreport.Query{
		Range:     convreport.LastNDays(28),
		Now:       time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC),
		Zone:      paris,
		WeekStart: calendar.Sunday,
		Viewer:    owner,
	}, nil
}

// run builds and runs the dashboard over cs, prints it to w, and drills
// into the team with the slowest email first response time. It returns
// that point and its drill-down.
func run(ctx context.Context, w io.Writer, cs []convreport.Conversation) (convreport.Point, *convreport.Drill, error) {
	d, err := supportWeekly()
	if err != nil {
		return convreport.Point{}, nil, err
	}
	q, err := query()
	if err != nil {
		return convreport.Point{}, nil, err
	}
	src, err := memory.New(cs)
	if err != nil {
		return convreport.Point{}, nil, err
	}
	eng := convreport.NewEngine(src)
	results, err := eng.RunDashboard(ctx, q, d)
	if err != nil {
		return convreport.Point{}, nil, err
	}
	if err := render.Text(w, render.Dashboard{Name: d.Name, Results: results}, render.TextOptions{}); err != nil {
		return convreport.Point{}, nil, err
	}

	// Points are sorted by value, largest first: the slowest team.
	byTeam := results[1]
	if len(byTeam.Points) == 0 {
		return convreport.Point{}, nil, fmt.Errorf("%s: no points to drill into", byTeam.Report.Name)
	}
	p := byTeam.Points[0]
	drill, err := eng.DrillDown(ctx, q, byTeam.Report, p)
	if err != nil {
		return convreport.Point{}, nil, err
	}
	if err := drill.SortBy("FirstResponseTime", true); err != nil {
		return convreport.Point{}, nil, err
	}
	fmt.Fprintf(w, "\n%s, %s: the 5 slowest of %d answered emails\n", byTeam.Report.Name, p.Dimensions[0].Label(), drill.Len())
	table := render.NewDrillTable(drill, q.Zone, 5) // rows as text, times in q.Zone
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, row := range append([][]string{table.Columns}, table.Rows...) {
		fmt.Fprintln(tw, "  "+strings.Join(row, "\t"))
	}
	return p, drill, tw.Flush()
}

func main() {
	if _, _, err := run(context.Background(), os.Stdout, sample.Generate(sample.Config{Seed: 1, N: 20_000})); err != nil {
		log.Fatal(err)
	}
}
