package convreport_test

import (
	"fmt"
	"time"

	"github.com/convreport/convreport"
)

func ExampleCompileFilter() {
	f, err := convreport.CompileFilter(nil, `Channel == "chat" && FirstResponseTime > duration("5m")`)
	if err != nil {
		panic(err)
	}
	created := time.Date(2025, 3, 3, 9, 0, 0, 0, time.UTC)
	c := &convreport.Conversation{
		ID: "c1", Channel: convreport.Chat, Status: convreport.Open,
		CreatedAt: created, FirstResponseAt: created.Add(7 * time.Minute),
	}
	ok, err := f.Match(c, convreport.FilterEnv{Now: created.Add(time.Hour)})
	fmt.Println(ok, err)

	// A mistake is reported with its position.
	_, err = convreport.CompileFilter(nil, `Channel == "chat" && Inboxx == "Sales"`)
	fmt.Println(err)
	// Output:
	// true <nil>
	// convreport: filter: unknown property "Inboxx" (did you mean "Inbox"?) at line 1, column 22:
	//  | Channel == "chat" && Inboxx == "Sales"
	//  | .....................^
}

func ExampleCondition_Expr() {
	conditions := []convreport.Condition{
		{Property: "Inbox", Op: convreport.IsAnyOf, Values: []string{"Sales", "Support"}},
		{Property: "Subject", Op: convreport.Contains, Values: []string{`"refund"`}},
		{Property: "FirstResponseTime", Op: convreport.GreaterThan, Values: []string{"5m"}},
		{Property: "CreatedAt", Op: convreport.InLastDays, Values: []string{"7"}},
		{Property: "Assignee", Op: convreport.IsUnknown},
	}
	for _, c := range conditions {
		e, err := c.Expr(nil)
		if err != nil {
			panic(err)
		}
		fmt.Println(e)
	}
	_, err := convreport.Condition{Property: "IncomingMessages", Op: convreport.Contains, Values: []string{"3"}}.Expr(nil)
	fmt.Println(err)
	// Output:
	// Inbox in ["Sales", "Support"]
	// Subject contains "\"refund\""
	// FirstResponseTime > duration("5m")
	// CreatedAt >= daysAgo(7) && CreatedAt < now()
	// Assignee == nil
	// convreport: condition: IncomingMessages contains: contains does not apply to IncomingMessages, which is a number
}
