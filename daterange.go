package convreport

import (
	"errors"
	"time"
)

// Range is a date range preset, resolved against the query's Now in its zone.
type Range string

// The presets. "Last N days" means the N complete days before today.
const (
	Today       Range = "today"
	Yesterday   Range = "yesterday"
	ThisWeek    Range = "this_week"
	LastWeek    Range = "last_week"
	ThisMonth   Range = "this_month"
	LastMonth   Range = "last_month"
	ThisQuarter Range = "this_quarter"
	LastQuarter Range = "last_quarter"
	ThisYear    Range = "this_year"
	LastYear    Range = "last_year"
	Last7Days   Range = "last_7_days"
	Last30Days  Range = "last_30_days"
	Last90Days  Range = "last_90_days"
)

// Resolve returns the half-open range [from, to) the preset means at now in loc.
func (r Range) Resolve(now time.Time, loc *time.Location, weekStart time.Weekday) (from, to time.Time, err error) {
	return time.Time{}, time.Time{}, errors.New("TODO")
}
