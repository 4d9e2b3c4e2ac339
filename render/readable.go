package render

import (
	"slices"
	"time"

	"github.com/convreport/convreport"
)

// Readable returns r as the renderers should show it at the instant now.
// It makes two changes, both on a copy (r is not modified), so that every
// output drawn from the returned result (text, CSV, JSON, SVG, PNG,
// Vega-Lite, HTML) agrees point for point:
//
//   - A time series drops its trailing empty buckets after now: the
//     buckets that start after now and come after the last bucket holding
//     a conversation (in any series, counted or left out of the measure).
//     "This month" on the 12th has 12 daily points, not 31 of which 19
//     read 0: a zero drawn for a day still to come reads as a collapse of
//     the volume. The bucket that holds now stays (it is partly counted).
//     A bucket after now that holds conversations stays, with every bucket
//     before it: a report by a date property of its own (a renewal or due
//     date) has data in the future, and no output may hide it.
//     Result.From and Result.To keep the whole period: a drill-down or a
//     rerun later in the month still covers it all.
//   - The group of conversations without a value of the first dimension
//     ("(no value)") goes after every named group, whatever the sort, and
//     before Other, which stays the last point as everywhere. It is often
//     the largest group (unassigned conversations, pages with no URL) and
//     says nothing about any one rep or page: first, it pushes the groups
//     one compares off the top of the chart.
//
// A zero now leaves the time series whole.
func Readable(r convreport.Result, now time.Time) convreport.Result {
	pts := r.Points
	if r.Report.Bucket != convreport.NoBucket && !now.IsZero() {
		// The end of what is shown: now, or the last bucket after it
		// that holds a conversation.
		end := now
		for _, p := range pts {
			if (p.Count > 0 || p.Excluded > 0) && p.Bucket.After(end) {
				end = p.Bucket
			}
		}
		kept := make([]convreport.Point, 0, len(pts))
		for _, p := range pts {
			if !p.Bucket.IsZero() && p.Bucket.After(end) {
				continue
			}
			kept = append(kept, p)
		}
		pts = kept
	}
	if r.Report.Bucket == convreport.NoBucket && len(r.Report.Dimensions) > 0 {
		pts = slices.Clone(pts)
		// A stable sort keeps the report's own order among the others.
		slices.SortStableFunc(pts, func(a, b convreport.Point) int {
			return displayRank(a) - displayRank(b)
		})
	}
	r.Points = pts
	return r
}

// ReadableAll is [Readable] for each result of a dashboard's run.
func ReadableAll(rs []convreport.Result, now time.Time) []convreport.Result {
	out := make([]convreport.Result, len(rs))
	for i, r := range rs {
		out[i] = Readable(r, now)
	}
	return out
}

// noValue reports whether p is the group without a value of its first
// dimension.
func noValue(p convreport.Point) bool {
	return !p.Other && len(p.Dimensions) > 0 && !p.Dimensions[0].Known
}

// displayRank orders the points of a grouped report for display: named
// groups, then the group with no value, then Other.
func displayRank(p convreport.Point) int {
	switch {
	case p.Other:
		return 2
	case noValue(p):
		return 1
	}
	return 0
}

func boolRank(b bool) int {
	if b {
		return 1
	}
	return 0
}
