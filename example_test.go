package convreport_test

import (
	"context"
	"fmt"
	"time"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/memory"
)

// Average agent first response time by rep over a slice of conversations.
func ExampleEngine_Run() {
	t0 := time.Date(2025, 3, 3, 9, 0, 0, 0, time.UTC)
	conversations := []convreport.Conversation{
		{ID: "1", Channel: convreport.Chat, Assignee: "ana", Status: convreport.Open,
			CreatedAt: t0, FirstResponseAt: t0.Add(90 * time.Second)},
		{ID: "2", Channel: convreport.Chat, Assignee: "ana", Status: convreport.Open,
			CreatedAt: t0.Add(time.Hour), FirstResponseAt: t0.Add(time.Hour + 30*time.Second)},
		{ID: "3", Channel: convreport.Chat, Assignee: "bo", Status: convreport.Open,
			CreatedAt: t0.Add(2 * time.Hour)}, // never answered: excluded, not zero
	}
	src, err := memory.New(conversations)
	if err != nil {
		panic(err)
	}
	eng := convreport.NewEngine(src)
	report := convreport.Report{
		Name:       "Average first response time by rep",
		Measure:    convreport.Measure{Agg: convreport.Average, Metric: convreport.FirstResponseTime},
		Dimensions: []string{"Assignee"},
	}
	q := convreport.Query{From: t0.Truncate(24 * time.Hour), To: t0.Add(24 * time.Hour)}
	results, err := eng.Run(context.Background(), q, report)
	if err != nil {
		panic(err)
	}
	for _, p := range results[0].Points {
		fmt.Printf("%s: %s s over %d conversations\n", p.Dimensions[0].Label(), p.Value.Decimal, p.Count)
	}
	fmt.Println("unanswered:", results[0].Excluded)
	// Output:
	// ana: 60 s over 2 conversations
	// unanswered: 1
}

// The conversations behind one data point.
func ExampleEngine_DrillDown() {
	t0 := time.Date(2025, 3, 3, 9, 0, 0, 0, time.UTC)
	src, _ := memory.New([]convreport.Conversation{
		{ID: "a", Channel: convreport.Email, Inbox: "Billing", Status: convreport.Open, CreatedAt: t0},
		{ID: "b", Channel: convreport.Email, Inbox: "Billing", Status: convreport.Open, CreatedAt: t0.Add(time.Minute)},
		{ID: "c", Channel: convreport.Email, Inbox: "Sales", Status: convreport.Open, CreatedAt: t0},
	})
	eng := convreport.NewEngine(src)
	report := convreport.Report{Name: "Open by inbox", Dimensions: []string{"Inbox"}, Snapshot: true}
	q := convreport.Query{Now: t0.Add(time.Hour)}
	results, err := eng.Run(context.Background(), q, report)
	if err != nil {
		panic(err)
	}
	billing := results[0].Points[0]
	drill, err := eng.DrillDown(context.Background(), q, report, billing)
	if err != nil {
		panic(err)
	}
	if err := drill.SortBy("CreatedAt", true); err != nil {
		panic(err)
	}
	for c := range drill.All() {
		fmt.Println(c.ID, c.Inbox)
	}
	// Output:
	// b Billing
	// a Billing
}
