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
	"github.com/convreport/convreport/ingest"
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

// ImportAll writes a file too large to hold in memory, read as a
// sequence: checked whole first (CheckOnly), so that a bad line writes
// nothing, then written a batch at a time.
func ExampleImportAll() {
	dir, _ := os.MkdirTemp("", "convreport")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "conversations.jsonl")
	if err := os.WriteFile(path, []byte(
		`{"id":"1","channel":"chat","status":"open","created_at":"2025-03-03T09:00:00Z"}`+"\n"+
			`{"id":"2","channel":"email","status":"open","created_at":"2025-03-03T10:00:00Z"}`+"\n"), 0o644); err != nil {
		log.Fatal(err)
	}
	db, err := sql.Open("sqlite", filepath.Join(dir, "helpdesk.db"))
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	if err := sqlsource.CreateTable(ctx, db, sqlsource.SQLite, sqlsource.Mapping{}, nil); err != nil {
		log.Fatal(err)
	}
	// Each read opens the file again: the rows are never all in memory.
	read := func(opt sqlsource.ImportOptions) (sqlsource.ImportProgress, error) {
		f, err := os.Open(path)
		if err != nil {
			return sqlsource.ImportProgress{}, err
		}
		defer f.Close()
		opt.UniqueIDs = true // ingest's reader refuses a repeated ID
		rows := ingest.ReadJSONL(ctx, f, ingest.Options{File: path})
		return sqlsource.ImportAll(ctx, db, sqlsource.SQLite, sqlsource.Mapping{}, nil, rows, opt)
	}
	if _, err := read(sqlsource.ImportOptions{CheckOnly: true}); err != nil {
		log.Fatal(err) // nothing written
	}
	prog, err := read(sqlsource.ImportOptions{BatchSize: 1000})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%d written, %d already there\n", prog.Inserted, prog.Skipped)
	prog, _ = read(sqlsource.ImportOptions{})
	fmt.Printf("again: %d written, %d already there\n", prog.Inserted, prog.Skipped)
	// Output:
	// 2 written, 0 already there
	// again: 0 written, 2 already there
}
