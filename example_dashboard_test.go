package convreport_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/access"
	"github.com/convreport/convreport/memory"
	"github.com/convreport/convreport/plan"
)

func ExampleNewDashboard() {
	d, err := convreport.NewDashboard(convreport.DashboardOptions{
		Name:       "Support team",
		Owner:      "ana",
		Visibility: access.SpecificUsersAndTeams,
		Grants:     []access.Grant{{Team: "Support", Allow: access.Edit}},
		Reports: []convreport.Report{
			{Name: "Conversations by rep", Dimensions: []string{"Assignee"}},
			{Name: "Conversations over time", Bucket: convreport.Day},
		},
		Plan: plan.Starter,
	})
	if err != nil {
		panic(err)
	}
	for _, r := range d.Reports {
		fmt.Println(r.ID)
	}
	fmt.Println(d.Can(access.Viewer{UserID: "tom", Teams: []string{"Support"}}, access.Edit))
	fmt.Println(d.Can(access.Viewer{UserID: "eve", Teams: []string{"Sales"}}, access.View))

	_, err = convreport.NewDashboard(convreport.DashboardOptions{Name: "Q1. review", Owner: "ana"})
	fmt.Println(err)
	// Output:
	// conversations-by-rep
	// conversations-over-time
	// true
	// false
	// convreport: dashboard: name: "Q1. review" holds a period; dashboard names hold no period
}

func ExampleDashboard_UpdateReport() {
	d, _ := convreport.NewDashboard(convreport.DashboardOptions{
		Name:    "Support team",
		Owner:   "ana",
		Reports: []convreport.Report{{Name: "Conversations by rep", Dimensions: []string{"Assignee"}}},
	})

	// "Update existing report": an edited copy, same ID, same place.
	r, _ := d.Report("conversations-by-rep")
	r.Name = "Chats per rep"
	r.Chart = convreport.Chart{Type: convreport.PieChart}
	r.Properties = []string{"ID", "Subject"}
	d, err := d.UpdateReport(nil, r)
	if err != nil {
		panic(err)
	}
	// "Save as new report": the copy without its ID gets a new one,
	// counted against the plan.
	r.ID, r.Name, r.Chart = "", "Chats per rep, table", convreport.Chart{Type: convreport.TableChart}
	d, err = d.AddReport(nil, plan.Starter, r)
	if err != nil {
		panic(err)
	}
	for _, r := range d.Reports {
		fmt.Println(r.ID, "|", r.Name, "|", r.Chart.Type, r.Properties)
	}

	r, _ = d.Report("conversations-by-rep")
	r.Properties = append(r.Properties, "Subjet")
	_, err = d.UpdateReport(nil, r)
	fmt.Println(err)
	// Output:
	// conversations-by-rep | Chats per rep | pie [ID Subject]
	// chats-per-rep-table | Chats per rep, table | table [ID Subject]
	// convreport: report "Chats per rep": properties: unknown property "Subjet" (did you mean "Subject"?)
}

func ExampleEngine_RunDashboard() {
	monday := time.Date(2025, 3, 3, 0, 0, 0, 0, time.UTC)
	day := monday.Add(9 * time.Hour)
	src, _ := memory.New([]convreport.Conversation{
		{ID: "c1", Channel: convreport.Chat, Assignee: "ana", Status: convreport.Open, CreatedAt: day},
		{ID: "c2", Channel: convreport.Chat, Assignee: "ana", Status: convreport.Open, CreatedAt: day.Add(time.Hour)},
		{ID: "c3", Channel: convreport.Email, Assignee: "ben", Status: convreport.Open, CreatedAt: day.Add(2 * time.Hour)},
		{ID: "c4", Channel: convreport.Chat, Status: convreport.Open, CreatedAt: day.Add(3 * time.Hour)},
	})
	d, _ := convreport.NewDashboard(convreport.DashboardOptions{
		Name:       "Team",
		Owner:      "ana",
		Visibility: access.EveryoneCanView,
		Reports:    []convreport.Report{{Name: "Conversations by rep", Dimensions: []string{"Assignee"}}},
	})
	eng := convreport.NewEngine(src)
	q := convreport.Query{From: monday, To: monday.AddDate(0, 0, 1), Viewer: access.Viewer{UserID: "ben"}}

	results, err := eng.RunDashboard(context.Background(), q, d)
	if err != nil {
		panic(err)
	}
	for _, p := range results[0].Points {
		fmt.Println(p.Dimensions[0].Label(), p.Value.Decimal)
	}

	q.Viewer = access.Viewer{} // not signed in
	_, err = eng.RunDashboard(context.Background(), q, d)
	fmt.Println(errors.Is(err, access.ErrForbidden), err)
	// Output:
	// ana 2
	// ben 1
	// (no value) 1
	// true convreport: an anonymous viewer may not view dashboard "Team"
}

func ExampleEngine_RunDashboardEach() {
	day := time.Date(2025, 3, 3, 9, 0, 0, 0, time.UTC)
	src, _ := memory.New([]convreport.Conversation{
		{ID: "c1", Channel: convreport.Chat, Assignee: "ana", CreatedAt: day},
		{ID: "c2", Channel: convreport.Email, Assignee: "ben", CreatedAt: day.Add(time.Hour)},
	})
	// A dashboard saved when the schema had a "plan" property.
	d := convreport.Dashboard{ID: "team", Name: "Team", Owner: "ana", Reports: []convreport.Report{
		{ID: "by-plan", Name: "Conversations by plan", Dimensions: []string{"plan"}},
		{ID: "by-rep", Name: "Conversations by rep", Dimensions: []string{"Assignee"}},
	}}
	eng := convreport.NewEngine(src)
	q := convreport.Query{From: day.Truncate(24 * time.Hour), To: day.AddDate(0, 0, 1), Viewer: access.Viewer{UserID: "ana"}}

	results, errs, err := eng.RunDashboardEach(context.Background(), q, d)
	if err != nil {
		panic(err)
	}
	for i, r := range d.Reports {
		if errs[i] != nil {
			fmt.Println(r.Name, "cannot run:", errs[i])
			continue
		}
		for _, p := range results[i].Points {
			fmt.Println(r.Name, p.Dimensions[0].Label(), p.Value.Decimal)
		}
	}
	// Output:
	// Conversations by plan cannot run: convreport: report "Conversations by plan": dimensions: unknown property "plan"
	// Conversations by rep ana 1
	// Conversations by rep ben 1
}
