package convreport_test

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/sourcetest"
	"github.com/shopspring/decimal"
)

// TestCountsBesideMeasuredReports runs counts beside measured reports
// that keep the same rows under the same keys (the scan reads such a
// count from the measured report's groups), beside a twin count, and
// over a key space too large for dense groups. Every count is held to a
// loop over the conversations, and every report to the same report run
// alone. It runs on times as generated, which the table keeps as they
// are, and on times in whole seconds, kept as offsets from creation.
func TestCountsBesideMeasuredReports(t *testing.T) {
	cs := sourcetest.Generate(4000, 11)
	for i := range cs {
		cs[i].ContactID = fmt.Sprintf("contact-%d", i/2) // 2,000 values: keys past dense groups
	}
	t.Run("sub-second times", func(t *testing.T) { countsBeside(t, cs) })
	whole := slices.Clone(cs)
	for i := range whole {
		c := &whole[i]
		for _, tm := range []*time.Time{&c.CreatedAt, &c.FirstAssignedAt, &c.FirstResponseAt, &c.ClosedAt} {
			*tm = tm.Truncate(time.Second)
		}
	}
	t.Run("whole seconds", func(t *testing.T) { countsBeside(t, whole) })
}

func countsBeside(t *testing.T, cs []convreport.Conversation) {
	eng := convreport.NewEngine(mustMemory(t, cs))
	paris := mustLoc(t, "Europe/Paris")
	q := convreport.Query{
		From: time.Date(2025, 3, 1, 0, 0, 0, 0, paris), To: time.Date(2025, 10, 1, 0, 0, 0, 0, paris),
		Zone: paris, Now: time.Date(2025, 11, 1, 0, 0, 0, 0, paris),
	}
	chat := func(c *convreport.Conversation) bool { return c.Channel == convreport.Chat }
	email := func(c *convreport.Conversation) bool { return c.Channel == convreport.Email }
	all := func(*convreport.Conversation) bool { return true }
	rep := []string{"Assignee"}
	wide := []string{"ContactID", "Assignee", "Channel"}
	measure := func(agg convreport.Aggregation, m convreport.Metric) convreport.Measure {
		return convreport.Measure{Agg: agg, Metric: m}
	}
	replied := (*convreport.Conversation).AgentFirstResponseTime
	waited := (*convreport.Conversation).CustomerWaitTime
	closed := (*convreport.Conversation).TimeToClose
	type tc struct {
		r     convreport.Report
		match func(*convreport.Conversation) bool
		// metric is a measured report's metric, false where it does not
		// apply; nil for a count.
		metric func(*convreport.Conversation) (time.Duration, bool)
	}
	cases := []tc{
		{convreport.Report{Name: "chats by rep", Filter: `Channel == "chat"`, Dimensions: rep}, chat, nil},
		{convreport.Report{Name: "chat response by rep", Filter: `Channel == "chat"`, Dimensions: rep, Measure: measure(convreport.Average, convreport.FirstResponseTime)}, chat, replied},
		{convreport.Report{Name: "chats by rep, again", Filter: `Channel == "chat"`, Dimensions: rep}, chat, nil},
		{convreport.Report{Name: "chats by inbox", Filter: `Channel == "chat"`, Dimensions: []string{"Inbox"}}, chat, nil},
		{convreport.Report{Name: "closed by day", DateProperty: "ClosedAt", Bucket: convreport.Day}, all, nil},
		{convreport.Report{Name: "time to close by day", DateProperty: "ClosedAt", Bucket: convreport.Day, Measure: measure(convreport.Median, convreport.TimeToClose)}, all, closed},
		{convreport.Report{Name: "chats by rep by day", Filter: `Channel == "chat"`, Dimensions: rep, Bucket: convreport.Day}, chat, nil},
		{convreport.Report{Name: "chat wait by rep by day", Filter: `Channel == "chat"`, Dimensions: rep, Bucket: convreport.Day, Measure: measure(convreport.Average, convreport.WaitTime)}, chat, waited},
		{convreport.Report{Name: "wide count", Dimensions: wide}, all, nil},
		{convreport.Report{Name: "wide wait", Dimensions: wide, Measure: measure(convreport.Max, convreport.WaitTime)}, all, waited},
		{convreport.Report{Name: "emails by rep", Filter: `Channel == "email"`, Dimensions: rep}, email, nil},
		{convreport.Report{Name: "emails by rep, twice", Filter: `Channel == "email"`, Dimensions: rep}, email, nil},
		{convreport.Report{Name: "emails by rep, created", Filter: `Channel == "email"`, Dimensions: rep, DateProperty: "CreatedAt"}, email, nil},
	}
	reports := make([]convreport.Report, len(cases))
	for i, c := range cases {
		reports[i] = c.r
	}
	ctx := context.Background()
	res, err := eng.Run(ctx, q, reports...)
	if err != nil {
		t.Fatal(err)
	}
	group := func(c *convreport.Conversation, dim string) (string, bool) {
		if dim == "ContactID" {
			return c.ContactID, true
		}
		return refGroup(c, dim)
	}
	for i, c := range cases {
		r := res[i]
		alone, err := eng.Run(ctx, q, c.r)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(r.Points, alone[0].Points) {
			t.Errorf("%s: points beside the others differ from the report run alone", c.r.Name)
		}
		date := func(cv *convreport.Conversation) time.Time {
			if c.r.DateProperty == "ClosedAt" {
				return cv.ClosedAt
			}
			return cv.CreatedAt
		}
		in := func(cv *convreport.Conversation, from, to time.Time) bool {
			d := date(cv)
			return !d.IsZero() && !d.Before(from) && d.Before(to) && c.match(cv)
		}
		// The reference: each conversation's key, its group's values and
		// day, counted in a map.
		key := func(vals []string, known []bool, day time.Time) string {
			return fmt.Sprint(vals, known, day.Unix())
		}
		want, durs := map[string]int64{}, map[string][]int64{}
		var total, excluded, sum int64
		for j := range cs {
			cv := &cs[j]
			if !in(cv, q.From, q.To) {
				continue
			}
			total++
			var d time.Duration
			if c.metric != nil {
				var ok bool
				if d, ok = c.metric(cv); !ok {
					excluded++
					continue
				}
			}
			var vals []string
			var known []bool
			for _, dim := range c.r.Dimensions {
				g, ok := group(cv, dim)
				vals, known = append(vals, g), append(known, ok)
			}
			var day time.Time
			if c.r.Bucket == convreport.Day {
				local := date(cv).In(paris)
				day = time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, paris)
			}
			want[key(vals, known, day)]++
			durs[key(vals, known, day)] = append(durs[key(vals, known, day)], int64(d))
		}
		if r.Matched != total || r.Excluded != excluded {
			t.Errorf("%s: matched %d, excluded %d; want %d and %d", c.r.Name, r.Matched, r.Excluded, total, excluded)
		}
		for _, p := range r.Points {
			var vals []string
			var known []bool
			for _, d := range p.Dimensions {
				vals, known = append(vals, d.Value), append(known, d.Known)
			}
			k := key(vals, known, p.Bucket)
			n := want[k]
			// A count's value is its count; a duration's, in seconds to
			// the millisecond: the mean, the largest, or the nearest-rank
			// median (rank ⌈n/2⌉ of the sorted durations).
			wantValue := decimal.NewFromInt(n)
			if ds := slices.Sorted(slices.Values(durs[k])); c.metric != nil && n > 0 {
				var ns decimal.Decimal
				switch c.r.Measure.Agg {
				case convreport.Average:
					var sum int64
					for _, d := range ds {
						sum += d
					}
					ns = decimal.NewFromInt(sum).Div(decimal.NewFromInt(n))
				case convreport.Max:
					ns = decimal.NewFromInt(ds[len(ds)-1])
				case convreport.Median:
					ns = decimal.NewFromInt(ds[(len(ds)+1)/2-1])
				default:
					t.Fatalf("%s: no reference for %s", c.r.Name, c.r.Measure.Agg)
				}
				wantValue = ns.Shift(-9).Round(3)
			}
			if p.Count != n || (c.metric == nil && p.Excluded != 0) || (n > 0 || c.metric == nil) && (!p.Value.Valid || !p.Value.Decimal.Equal(wantValue)) {
				t.Errorf("%s %v %v: count %d, value %v, excluded %d; want %d and %s", c.r.Name, p.Dimensions, p.Bucket, p.Count, p.Value, p.Excluded, n, wantValue)
			}
			sum += p.Count
		}
		if sum != total-excluded || total == 0 {
			t.Errorf("%s: points count %d conversations, want %d (and more than none)", c.r.Name, sum, total-excluded)
		}
	}
}
