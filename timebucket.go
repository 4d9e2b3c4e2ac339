package convreport

import (
	"time"

	"github.com/convreport/convreport/internal/civil"
)

// Time buckets are the civil package's: calendar units of the query's zone
// that partition its timeline, DST-correct, with hour buckets at every whole
// hour of the wall clock (see civil.BucketStart).

// validBucket reports whether b is one of the six bucket widths. NoBucket is
// not a width: a report without a bucket is checked before bucketing.
func validBucket(b Bucket) bool {
	switch b {
	case Hour, Day, Week, Month, Quarter, Year:
		return true
	}
	return false
}

// unit returns b's civil unit; b must be valid.
func (b Bucket) unit() civil.Unit {
	switch b {
	case Hour:
		return civil.Hour
	case Day:
		return civil.Day
	case Week:
		return civil.Week
	case Month:
		return civil.Month
	case Quarter:
		return civil.Quarter
	}
	return civil.Year
}

// Key labels the bucket starting at t (in the query's zone) as result JSON
// does: an ISO date "2025-03-30" for day buckets and wider, the
// wall-clock hour with its offset "2025-03-30T14:00+02:00" for hour buckets,
// so that the two buckets of a repeated hour keep distinct labels ("Z" stands
// for a zero offset, as in RFC 3339).
func (b Bucket) Key(t time.Time) string {
	if b == Hour {
		return t.Format("2006-01-02T15:04Z07:00")
	}
	return t.Format(time.DateOnly)
}
