package convreport

import "time"

// Plan is what the engine hands an [Aggregator]: the resolved query and the
// reports to compute, already validated against the source's schema.
type Plan struct {
	From, To  time.Time
	Zone      *time.Location
	Now       time.Time
	WeekStart time.Weekday
	// Calendar is non-nil when durations count business hours only.
	Calendar *Calendar
	Reports  []Report
}
