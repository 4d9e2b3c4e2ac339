package convreport

import "time"

// TEMPORARY until timebucket.go lands.
func validBucket(b Bucket) bool { return b == Day }
func bucketStarts(from, to time.Time, b Bucket, loc *time.Location, weekStart time.Weekday) []time.Time {
	var out []time.Time
	for d := time.Date(from.In(loc).Year(), from.In(loc).Month(), from.In(loc).Day(), 0, 0, 0, 0, loc); d.Before(to); d = d.AddDate(0, 0, 1) {
		out = append(out, d)
	}
	return out
}
func bucketIndexNanos(starts []int64, t int64) int {
	i := searchAfter(starts, t)
	return i - 1
}
func formatBucket(t time.Time, b Bucket) string { return t.Format("2006-01-02") }
