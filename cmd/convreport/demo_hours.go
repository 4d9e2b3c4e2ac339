package main

import (
	"time"

	"github.com/convreport/convreport"
)

// demoCalendars are the sample business's hours: its Paris office, open
// on weekdays but French public holidays, and the live chat, staffed
// longer and on Saturdays, which keeps the "Live chat" inbox.
func demoCalendars(loc *time.Location) *convreport.CalendarSet {
	office := convreport.OfficeHours(loc, convreport.At(9, 0), convreport.At(18, 0),
		convreport.Monday, convreport.Tuesday, convreport.Wednesday, convreport.Thursday, convreport.Friday)
	office.Name = "paris-office"
	office.Holidays = []convreport.Date{{Year: 2025, Month: time.May, Day: 1}, {Year: 2025, Month: time.May, Day: 8},
		{Year: 2025, Month: time.May, Day: 29}, {Year: 2025, Month: time.June, Day: 9}}
	chat := convreport.OfficeHours(loc, convreport.At(8, 0), convreport.At(20, 0),
		convreport.Monday, convreport.Tuesday, convreport.Wednesday, convreport.Thursday, convreport.Friday, convreport.Saturday)
	chat.Name = "live-chat"
	return &convreport.CalendarSet{Calendars: []*convreport.Calendar{office, chat}, Inboxes: map[string]string{"Live chat": "live-chat"}}
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
	}}
}
