package parquetio_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/ingest"
	"github.com/convreport/convreport/parquetio"
)

// A Parquet file written once loads into a ready memory source at the
// next start, column by column.
func ExampleLoadFile() {
	dir, err := os.MkdirTemp("", "parquetio")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "conversations.parquet")

	day := time.Date(2025, 3, 3, 9, 0, 0, 0, time.UTC)
	rows := []convreport.Conversation{
		{ID: "c1", Channel: convreport.Chat, Assignee: "rep-01", CreatedAt: day},
		{ID: "c2", Channel: convreport.Chat, Assignee: "rep-02", CreatedAt: day.Add(time.Hour)},
		{ID: "c3", Channel: convreport.Email, Assignee: "rep-01", CreatedAt: day.Add(2 * time.Hour),
			ClosedAt: day.Add(5 * time.Hour)}, // no status: closed, as ClosedAt says
	}
	if err := parquetio.WriteFile(path, nil, rows); err != nil {
		panic(err)
	}

	src, err := parquetio.LoadFile(context.Background(), path, ingest.Options{})
	if err != nil {
		panic(err)
	}
	eng := convreport.NewEngine(src)
	byRep := convreport.Report{Name: "Conversations by rep", Dimensions: []string{"Assignee"}}
	q := convreport.Query{From: day, To: day.AddDate(0, 0, 1)}
	res, err := eng.Run(context.Background(), q, byRep)
	if err != nil {
		panic(err)
	}
	fmt.Println(src.Len(), "conversations")
	for _, p := range res[0].Points {
		fmt.Println(p.Dimensions[0].Value, p.Count)
	}
	// Output:
	// 3 conversations
	// rep-01 2
	// rep-02 1
}

// A file larger than memory is read a row group at a time; a bad row's
// error comes in its place, and with SkipInvalid the rows go on.
func ExampleAllFile() {
	dir, err := os.MkdirTemp("", "parquetio")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "conversations.parquet")

	day := time.Date(2025, 3, 3, 9, 0, 0, 0, time.UTC)
	rows := []convreport.Conversation{
		{ID: "c1", Channel: convreport.Chat, CreatedAt: day},
		{ID: "c2", Channel: convreport.Chat, Status: convreport.Closed, CreatedAt: day}, // closed, but when?
		{ID: "c3", Channel: convreport.Email, CreatedAt: day.Add(time.Hour)},
	}
	if err := parquetio.WriteFile(path, nil, rows); err != nil {
		panic(err)
	}

	for c, err := range parquetio.AllFile(context.Background(), path, ingest.Options{SkipInvalid: true, File: "conversations.parquet"}) {
		if err != nil {
			fmt.Println("skipped:", err)
			continue
		}
		fmt.Println(c.ID, c.Channel)
	}
	// Output:
	// c1 chat
	// skipped: conversations.parquet: row 2: conversation "c2": closed_at: is missing but the conversation is closed
	// c3 email
}
