package convreport_test

import (
	"context"
	"fmt"
	"math"
	"testing"
	"time"
	_ "time/tzdata" // the zones of the test, whatever the machine has

	"github.com/stretchr/testify/require"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/calendar"
	"github.com/convreport/convreport/memory"
)

// The first and last instants a conversation may hold (1677-09-21 to
// 2262-04-11, the nanoseconds of an int64), written out rather than read
// from the package.
var (
	firstInstant = time.Unix(0, math.MinInt64+1).UTC()
	lastInstant  = time.Unix(0, math.MaxInt64).UTC()
)

// A bucketed report over either end of the supported times: every bucket
// width, in zones of odd offsets, counts each conversation in the bucket
// a calendar reference names, and the drill-down of each point lists
// exactly its conversations. The unit holding the first instant began
// before it (its midnight, or whole hour, is earlier): that bucket starts
// at the first instant, and is labelled by it.
func TestBucketsAtTheEndsOfTheSupportedTimes(t *testing.T) {
	lo, hi := firstInstant, lastInstant
	const year = 366 * 24 * time.Hour
	at := func(base time.Time, ds ...time.Duration) []time.Time {
		var out []time.Time
		for _, d := range ds {
			out = append(out, base.Add(d))
		}
		return out
	}
	// Conversations at the first instant and just after, across the
	// first hour, day, week, month and year; and at the last instant and
	// just before it.
	times := append(at(lo, 0, 1, time.Second, 30*time.Minute, 47*time.Minute, time.Hour, 90*time.Minute, 5*time.Hour,
		20*time.Hour, 30*time.Hour, 3*24*time.Hour, 8*24*time.Hour, 12*24*time.Hour, 40*24*time.Hour, 100*24*time.Hour,
		200*24*time.Hour, year, year+50*24*time.Hour, 2*year+7*time.Hour),
		at(hi, 0, -1, -time.Second, -10*time.Minute, -50*time.Minute, -2*time.Hour, -20*time.Hour, -5*24*time.Hour,
			-12*24*time.Hour, -45*24*time.Hour, -120*24*time.Hour, -year, -2*year)...)
	rows := make([]convreport.Conversation, len(times))
	for i, c := range times {
		rows[i] = convreport.Conversation{ID: fmt.Sprintf("c%02d", i), CreatedAt: c}
	}
	src, err := memory.New(rows)
	require.NoError(t, err)
	eng := convreport.NewEngine(src)

	ranges := []struct {
		name     string
		from, to time.Time
	}{
		{"from the first instant", lo, lo.Add(3 * year)},
		{"from a minute after it", lo.Add(time.Minute), lo.Add(3 * year)},
		{"to the last instant", hi.Add(-3 * year), hi},
	}
	buckets := []convreport.Bucket{convreport.Hour, convreport.Day, convreport.Week, convreport.Month, convreport.Quarter, convreport.Year}
	for _, zn := range []string{"UTC", "America/New_York", "Pacific/Apia", "Asia/Kolkata", "Australia/Lord_Howe"} {
		loc, err := time.LoadLocation(zn)
		require.NoError(t, err)
		for _, rg := range ranges {
			for _, b := range buckets {
				weekStarts := []time.Weekday{time.Monday}
				if b == convreport.Week {
					weekStarts = []time.Weekday{time.Sunday, time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday, time.Saturday}
				}
				for _, ws := range weekStarts {
					name := fmt.Sprintf("%s %s %s %s", zn, rg.name, b, ws)
					q := convreport.Query{Zone: loc, From: rg.from, To: rg.to, Now: rg.from, WeekStart: calendar.WeekdayOf(ws)}
					r := convreport.Report{Name: "r", Bucket: b}
					res, err := eng.Run(context.Background(), q, r)
					require.NoError(t, err, name)

					// The reference: each conversation in the range under
					// the label of its bucket.
					want := map[string][]string{}
					n := 0
					for _, c := range rows {
						if c.CreatedAt.Before(rg.from) || !c.CreatedAt.Before(rg.to) {
							continue
						}
						k, ok := refLabel(c.CreatedAt, b, loc, ws)
						if !ok {
							continue // by an hour the zone's offset changed: checked elsewhere
						}
						want[k] = append(want[k], c.ID)
						n++
					}
					require.NotZero(t, n, name)

					pts := res[0].Points
					require.NotEmpty(t, pts, name)
					first := pts[0].Bucket
					require.False(t, first.Before(lo), "%s: the first bucket starts at %s", name, first.Format(time.RFC3339Nano))
					require.False(t, first.After(rg.from), name)
					if rg.from.Before(lo.Add(time.Hour)) {
						// The first instant is no whole hour in any of these
						// zones (UTC reads 00:12:43): the unit holding it,
						// of any width, began before it.
						require.True(t, first.Equal(lo), "%s: first bucket %s", name, first.Format(time.RFC3339Nano))
					}
					require.Equal(t, loc, first.Location(), name)
					got := map[string]int64{}
					var total int64
					for i, p := range pts {
						if i > 0 {
							require.True(t, pts[i-1].Bucket.Before(p.Bucket), name)
						}
						require.False(t, p.Bucket.After(hi), name)
						k := b.Key(p.Bucket)
						_, dup := got[k]
						require.False(t, dup, "%s: label %s twice", name, k)
						got[k] = p.Count
						total += p.Count
					}
					for k, ids := range want {
						require.Equal(t, int64(len(ids)), got[k], "%s: bucket %s", name, k)
					}
					// Rows the reference left out (none here, but for an
					// hour of a change of offset) are still counted once.
					require.Equal(t, int64(refInRange(rows, rg.from, rg.to)), total, name)

					for _, p := range pts {
						if p.Count == 0 {
							continue
						}
						d, err := eng.DrillDown(context.Background(), q, r, p)
						require.NoError(t, err, name)
						require.Equal(t, int(p.Count), d.Len(), "%s: drill-down of %s", name, b.Key(p.Bucket))
						var ids []string
						for c := range d.All() {
							ids = append(ids, c.ID)
						}
						if w, ok := want[b.Key(p.Bucket)]; ok {
							require.ElementsMatch(t, w, ids, "%s: drill-down of %s", name, b.Key(p.Bucket))
						}
					}
				}
			}
		}
	}
}

// refInRange counts the rows created in [from, to).
func refInRange(rows []convreport.Conversation, from, to time.Time) int {
	n := 0
	for _, c := range rows {
		if !c.CreatedAt.Before(from) && c.CreatedAt.Before(to) {
			n++
		}
	}
	return n
}

// refLabel is the label of the bucket of width b holding t in loc, by
// calendar arithmetic on t's wall clock: the hour or the unit's first
// date, or, when that began before the first supported instant, the first
// instant's. An hour t's zone changed its offset in (or since the hour
// began) is left to the civil tests: false.
func refLabel(t time.Time, b convreport.Bucket, loc *time.Location, ws time.Weekday) (string, bool) {
	w := t.In(loc)
	y, m, d := w.Date()
	var start time.Time
	switch b {
	case convreport.Hour:
		start = w.Add(-time.Duration(w.Minute())*time.Minute - time.Duration(w.Second())*time.Second - time.Duration(w.Nanosecond()))
		_, off := w.Zone()
		if _, so := start.Zone(); so != off || start.Hour() != w.Hour() {
			return "", false
		}
		if start.Before(firstInstant) {
			return firstInstant.In(loc).Format("2006-01-02T15:04Z07:00"), true
		}
		return start.Format("2006-01-02T15:04Z07:00"), true
	case convreport.Day:
	case convreport.Week:
		d -= (int(w.Weekday()) - int(ws) + 7) % 7
	case convreport.Month:
		d = 1
	case convreport.Quarter:
		m, d = (m-1)/3*3+1, 1
	case convreport.Year:
		m, d = 1, 1
	}
	if b != convreport.Hour {
		// Midnight exists on every date of these zones at these ends.
		start = time.Date(y, m, d, 0, 0, 0, 0, loc)
		if start.Hour() != 0 {
			return "", false
		}
	}
	if start.Before(firstInstant) {
		return firstInstant.In(loc).Format(time.DateOnly), true
	}
	return start.Format(time.DateOnly), true
}
