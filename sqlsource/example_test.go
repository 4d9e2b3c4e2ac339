package sqlsource_test

import (
	"context"
	"database/sql"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"time"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/sqlsource"
	_ "modernc.org/sqlite"
)

func ExampleNew() {
	dir, _ := os.MkdirTemp("", "convreport")
	defer os.RemoveAll(dir)
	db, err := sql.Open("sqlite", filepath.Join(dir, "helpdesk.db"))
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()

	// A table in the default layout, with three chats.
	at := func(h, m int) time.Time { return time.Date(2025, 3, 3, h, m, 0, 0, time.UTC) }
	cs := []convreport.Conversation{
		{ID: "1", Channel: convreport.Chat, Assignee: "Ana", Status: convreport.Open, CreatedAt: at(9, 0), FirstResponseAt: at(9, 2)},
		{ID: "2", Channel: convreport.Chat, Assignee: "Ana", Status: convreport.Open, CreatedAt: at(10, 0), FirstResponseAt: at(10, 5)},
		{ID: "3", Channel: convreport.Chat, Assignee: "Ben", Status: convreport.Open, CreatedAt: at(11, 0)},
	}
	if err := sqlsource.CreateTable(ctx, db, sqlsource.SQLite, sqlsource.Mapping{}, nil); err != nil {
		log.Fatal(err)
	}
	if err := sqlsource.Insert(ctx, db, sqlsource.SQLite, sqlsource.Mapping{}, nil, cs); err != nil {
		log.Fatal(err)
	}

	src, err := sqlsource.New(db, sqlsource.SQLite)
	if err != nil {
		log.Fatal(err)
	}
	q := convreport.Query{From: at(0, 0), To: at(24, 0)}
	res, err := convreport.NewEngine(src).Run(ctx, q, convreport.Report{
		Filter:     `Channel == "chat"`,
		Dimensions: []string{"Assignee"},
		Measure:    convreport.Measure{Agg: convreport.Average, Metric: convreport.WaitTime},
	})
	if err != nil {
		log.Fatal(err)
	}
	for _, p := range res[0].Points {
		fmt.Println(p.Dimensions[0].Label(), p.Value.Decimal, "s over", p.Count, "answered,", p.Excluded, "unanswered")
	}
	// The conversations behind Ana's point, the longest wait first: one
	// sorted, paged SELECT.
	page, err := convreport.NewEngine(src).DrillPage(ctx, q, res[0].Report, res[0].Points[0], "WaitTime", true, 0, 10)
	if err != nil {
		log.Fatal(err)
	}
	for _, c := range page.Rows {
		fmt.Println("conversation", c.ID, "waited", c.FirstResponseAt.Sub(c.CreatedAt))
	}
	fmt.Printf("%+v\n", src.Stats())
	// Output:
	// Ana 210 s over 2 answered, 0 unanswered
	// conversation 2 waited 5m0s
	// conversation 1 waited 2m0s
	// {Answered:1 Declined:0 DrillsAnswered:1 DrillsDeclined:0}
}
