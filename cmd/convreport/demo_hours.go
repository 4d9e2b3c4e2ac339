package main

import (
	"github.com/convreport/convreport/calendar"
	"time"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/library"
)

// demoCalendars are the sample business's hours: its Paris office, open
// on weekdays but French public holidays, and the live chat, staffed
// longer and on Saturdays, which keeps the "Live chat" inbox.
func demoCalendars(loc *time.Location) *calendar.Set {
	office := calendar.OfficeHours(loc, calendar.At(9, 0), calendar.At(18, 0),
		calendar.Monday, calendar.Tuesday, calendar.Wednesday, calendar.Thursday, calendar.Friday)
	office.Name = "paris-office"
	office.Holidays = []calendar.Date{{Year: 2025, Month: time.May, Day: 1}, {Year: 2025, Month: time.May, Day: 8},
		{Year: 2025, Month: time.May, Day: 29}, {Year: 2025, Month: time.June, Day: 9}}
	chat := calendar.OfficeHours(loc, calendar.At(8, 0), calendar.At(20, 0),
		calendar.Monday, calendar.Tuesday, calendar.Wednesday, calendar.Thursday, calendar.Friday, calendar.Saturday)
	chat.Name = "live-chat"
	return &calendar.Set{Calendars: []*calendar.Calendar{office, chat}, Inboxes: map[string]string{"Live chat": "live-chat"}}
}

// businessHoursDashboard compares waits and closes in business hours with
// the same numbers in calendar time.
func businessHoursDashboard() convreport.Dashboard {
	wait := convreport.Measure{Agg: convreport.Average, Metric: convreport.WaitTime}
	ttc := convreport.Measure{Agg: convreport.Median, Metric: convreport.TimeToClose}
	return convreport.Dashboard{Name: "Business hours", Owner: "demo", Reports: []convreport.Report{
		{ID: "wait-business", Name: "Customer wait time by inbox, business hours", Calendar: "paris-office", Measure: wait, Dimensions: []string{"Inbox"}},
		{ID: "wait-calendar", Name: "Customer wait time by inbox, calendar time", Measure: wait, Dimensions: []string{"Inbox"}},
		{ID: "close-business", Name: "Median time to close by inbox, business hours", Calendar: "paris-office", Measure: ttc, Dimensions: []string{"Inbox"}, DateProperty: "ClosedAt"},
		{ID: "chat-sla-business", Name: "Chats answered within 2 business minutes, by inbox", Dimensions: []string{"Inbox"},
			Measure: convreport.Measure{Agg: convreport.SLAMet, SLA: "live-chat", Target: convreport.FirstResponseTarget}},
	}}
}

// demoSLA are the sample business's SLA policies: the SLA template's
// "standard", and a live-chat policy whose first reply is due within two
// minutes of the chat desk's open hours.
func demoSLA() *convreport.SLASet {
	return &convreport.SLASet{Policies: []*convreport.SLAPolicy{library.StandardSLA(), {
		Name: "live-chat", Filter: `Channel == "chat"`,
		FirstResponse: &convreport.SLATarget{Within: convreport.Duration(2 * time.Minute), Calendar: "live-chat"},
	}}}
}
