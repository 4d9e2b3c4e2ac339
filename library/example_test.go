package library_test

import (
	"fmt"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/access"
	"github.com/convreport/convreport/library"
	"github.com/convreport/convreport/plan"
)

func ExampleSearch() {
	for _, q := range []string{"chat", "vue d’ensemble des E-MAILS", "boite de reception", "overview"} {
		fmt.Printf("%q:", q)
		for _, t := range library.Search(q) {
			fmt.Printf(" %s (%s)", t.Name, t.FrenchName)
		}
		fmt.Println()
	}
	// Output:
	// "chat": Chat overview (Vue d'ensemble du chat) Chatflow performance (Performance des chatflows)
	// "vue d’ensemble des E-MAILS": Email overview (Vue d'ensemble des e-mails)
	// "boite de reception": Email overview (Vue d'ensemble des e-mails)
	// "overview": Chat overview (Vue d'ensemble du chat) Email overview (Vue d'ensemble des e-mails)
}

// Creating a dashboard from a template: pick it, leave out the reports you
// do not want, name it and say who sees it.
func ExampleTemplate_NewDashboard() {
	t, _ := library.Lookup("chat-overview")
	d, err := t.NewDashboard(convreport.DashboardOptions{
		Name:       "Chat team",
		Owner:      "ana",
		Visibility: access.EveryoneCanView,
		Plan:       plan.Starter,
	}, "chat-conversations-by-page-url")
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, r := range d.Reports {
		fmt.Printf("%-40s %-7s %s\n", r.ID, r.Chart.Type, r.Filter)
	}
	// Output:
	// conversations-by-rep                     bar     Channel == "chat"
	// average-chat-first-response-time-by-rep  bar     Channel == "chat"
	// average-chat-time-to-close-by-rep        bar     Channel == "chat"
	// closed-conversations-by-rep              column  Channel == "chat"
	// chat-conversations-over-time             line    Channel == "chat"
}
