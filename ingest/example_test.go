package ingest_test

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/ingest"
)

func ExampleReadJSONL() {
	const data = `{"id":"c1","channel":"chat","status":"open","created_at":"2025-03-01T09:00:00+01:00","assignee":"rep-01"}
{"id":"c2","channel":"email","status":"closed","created_at":"2025-03-01T10:00:00Z","closed_at":"2025-03-01T12:30:00Z","properties":{"tier":"pro"}}
{"id":"c3","channel":"chat","status":"closed","created_at":"2025-03-02T10:00:00Z"}
{"id":"c4","channel":"chat","status":"open","created_at":"2025-03-02T11:00:00Z","asignee":"rep-02"}
`
	schema, err := convreport.NewSchema(convreport.Property{Name: "tier", Kind: convreport.KindEnum, Values: []string{"free", "pro"}})
	if err != nil {
		panic(err)
	}
	opt := ingest.Options{Schema: schema, SkipInvalid: true}
	for c, err := range ingest.ReadJSONL(context.Background(), strings.NewReader(data), opt) {
		if err != nil {
			fmt.Println("skipped:", err)
			continue
		}
		fmt.Println(c.ID, c.Channel, c.CreatedAt.UTC().Format(time.RFC3339), c.Properties["tier"])
	}
	// Output:
	// c1 chat 2025-03-01T08:00:00Z <nil>
	// c2 email 2025-03-01T10:00:00Z pro
	// skipped: line 3: conversation "c3": closed_at: is missing but the conversation is closed
	// skipped: line 4: unknown key "asignee" (did you mean "assignee"?)
}

func ExampleWriteCSV() {
	rows := []convreport.Conversation{{
		ID: "c1", Channel: convreport.Chat, Status: convreport.Closed, Assignee: "rep-01",
		CreatedAt: time.Date(2025, 3, 1, 9, 0, 0, 0, time.FixedZone("", 3600)),
		ClosedAt:  time.Date(2025, 3, 1, 9, 42, 0, 0, time.UTC),
		Subject:   `Refund, "order 12"`,
	}}
	if err := ingest.WriteCSV(os.Stdout, nil, slices.Values(rows)); err != nil {
		panic(err)
	}
	// Output:
	// id,channel,inbox,assignee,team,status,created_at,first_assigned_at,first_response_at,closed_at,closed_by,origin_url,chatflow,source,contact_id,subject,incoming_messages,outgoing_messages
	// c1,chat,,rep-01,,closed,2025-03-01T09:00:00+01:00,,,2025-03-01T09:42:00Z,,,,,,"Refund, ""order 12""",0,0
}

func ExampleReadFile() {
	rows, err := ingest.ReadFile(context.Background(), "testdata/excel.csv", ingest.Options{})
	if err != nil {
		panic(err)
	}
	for _, c := range rows {
		fmt.Printf("%s %s %q\n", c.ID, c.Channel, c.Subject)
	}
	// Output:
	// x-1 chat "Hello, world"
	// x-2 email "Line one\r\nLine \"two\""
	// x-3 phone ""
}
