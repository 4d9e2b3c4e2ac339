// Command fixtures-test shows how an embedder tests their own reports
// with in-memory fixtures: a handful of hand-written conversations in a
// memory.Source, a fixed query, and expected values worked out by hand.
// main runs the report once and prints it; main_test.go is the pattern to
// copy.
//
//	go run ./examples/fixtures-test
//	go test ./examples/fixtures-test
package main

import (
	"context"
	"fmt"
	"log"
	"time"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/memory"
)

// responseTimeByRep is the report under test: the kind of definition an
// embedder keeps in their own code and wants pinned down by tests.
var responseTimeByRep = convreport.Report{
	Name:       "Chat first response time by rep",
	Filter:     `Channel == "chat"`,
	Dimensions: []string{"Assignee"},
	Measure:    convreport.Measure{Agg: convreport.Average, Metric: convreport.FirstResponseTime},
}

// week is the period every run reports on. Explicit From and To (rather
// than a preset such as Last7Days, which resolves against the clock) make
// the result depend on the fixtures alone.
var week = convreport.Query{
	From: time.Date(2025, 3, 3, 0, 0, 0, 0, time.UTC),
	To:   time.Date(2025, 3, 10, 0, 0, 0, 0, time.UTC),
}

// run computes responseTimeByRep over cs for week.
func run(ctx context.Context, cs []convreport.Conversation) (convreport.Result, error) {
	src, err := memory.New(cs) // rejects invalid fixtures, naming the field
	if err != nil {
		return convreport.Result{}, err
	}
	res, err := convreport.NewEngine(src).Run(ctx, week, responseTimeByRep)
	if err != nil {
		return convreport.Result{}, err
	}
	return res[0], nil
}

// chat returns an open chat created at created, first assigned at assigned
// and first answered at replied, any of the last two possibly never.
func chat(id, assignee string, created, assigned, replied time.Time) convreport.Conversation {
	return convreport.Conversation{
		ID: id, Channel: convreport.Chat, Status: convreport.Open, Assignee: assignee,
		CreatedAt: created, FirstAssignedAt: assigned, FirstResponseAt: replied,
	}
}

// never is the zero time: the event has not happened.
var never time.Time

// monday returns 2025-03-03 at h:m:s UTC, the first day of week.
func monday(h, m, s int) time.Time { return time.Date(2025, 3, 3, h, m, s, 0, time.UTC) }

func main() {
	cs := []convreport.Conversation{
		chat("1", "Ana", monday(9, 0, 0), monday(9, 1, 0), monday(9, 3, 0)),
		chat("2", "Ana", monday(10, 0, 0), never, monday(10, 0, 30)),
		chat("3", "Ben", monday(11, 0, 0), monday(11, 0, 0), monday(11, 1, 0)),
		chat("4", "Ben", monday(12, 0, 0), monday(12, 0, 0), never),
	}
	res, err := run(context.Background(), cs)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(res.Report.Name)
	for _, p := range res.Points {
		fmt.Printf("  %-4s %6s s over %d answered, %d unanswered\n",
			p.Dimensions[0].Label(), p.Value.Decimal, p.Count, p.Excluded)
	}
}
