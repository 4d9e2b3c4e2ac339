package convreport_test

import (
	"fmt"

	"github.com/convreport/convreport"
)

// A filter being typed is checked against the schema; a mistake is
// reported with its position.
func ExampleSchema_CheckFilter() {
	s := convreport.DefaultSchema()
	fmt.Println(s.CheckFilter(`Channel == "chat" && FirstResponseTime > duration("5m")`))
	fmt.Println(s.CheckFilter(`Channel == "chat" && Inboxx == "Sales"`))
	// Output:
	// <nil>
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
