package convreport

import "time"

// Calendar holds business hours: weekly opening hours in a zone, and holidays.
type Calendar struct{}

// Between returns the business time in [a, b).
func (c *Calendar) Between(a, b time.Time) time.Duration { return 0 }
