package convreport_test

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/access"
	"github.com/convreport/convreport/memory"
	"github.com/convreport/convreport/sourcetest"
	"github.com/shopspring/decimal"
)

func mustLoc(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// The compared periods, by hand.
func TestQueryPreviousIsCalendarCorrect(t *testing.T) {
	utc := time.UTC
	paris := mustLoc(t, "Europe/Paris")
	saoPaulo := mustLoc(t, "America/Sao_Paulo")
	d := func(loc *time.Location, y int, m time.Month, day int) time.Time {
		return time.Date(y, m, day, 0, 0, 0, 0, loc)
	}
	cases := []struct {
		name             string
		q                convreport.Query
		wantFrom, wantTo time.Time
		label            string
	}{
		{"last month after February", convreport.Query{Range: convreport.LastMonth, Now: d(utc, 2025, 3, 15), Compare: convreport.ComparePrevious},
			d(utc, 2025, 1, 1), d(utc, 2025, 2, 1), "previous month"},
		{"last month is March, compared with February", convreport.Query{Range: convreport.LastMonth, Now: d(utc, 2025, 4, 10), Compare: convreport.ComparePrevious},
			d(utc, 2025, 2, 1), d(utc, 2025, 3, 1), "previous month"},
		{"this month", convreport.Query{Range: convreport.ThisMonth, Now: d(utc, 2024, 3, 31), Compare: convreport.ComparePrevious},
			d(utc, 2024, 2, 1), d(utc, 2024, 3, 1), "previous month"},
		{"last 30 days", convreport.Query{Range: convreport.Last30Days, Now: d(utc, 2025, 3, 15).Add(9 * time.Hour), Compare: convreport.ComparePrevious},
			d(utc, 2025, 1, 14), d(utc, 2025, 2, 13), "previous 30 days"},
		{"last 7 days across the spring change, Paris", convreport.Query{Range: convreport.Last7Days, Zone: paris, Now: d(paris, 2025, 4, 3).Add(10 * time.Hour), Compare: convreport.ComparePrevious},
			d(paris, 2025, 3, 20), d(paris, 2025, 3, 27), "previous 7 days"},
		{"a custom range of 8 dates", convreport.Query{From: d(utc, 2025, 3, 3), To: d(utc, 2025, 3, 11), Now: d(utc, 2025, 4, 1), Compare: convreport.ComparePrevious},
			d(utc, 2025, 2, 23), d(utc, 2025, 3, 3), "previous 8 days"},
		{"a custom quarter", convreport.Query{From: d(utc, 2025, 4, 1), To: d(utc, 2025, 7, 1), Now: d(utc, 2025, 8, 1), Compare: convreport.ComparePrevious},
			d(utc, 2025, 1, 1), d(utc, 2025, 4, 1), "previous quarter"},
		{"hours", convreport.Query{From: d(utc, 2025, 3, 3).Add(10 * time.Hour), To: d(utc, 2025, 3, 3).Add(16 * time.Hour), Now: d(utc, 2025, 4, 1), Compare: convreport.ComparePrevious},
			d(utc, 2025, 3, 3).Add(4 * time.Hour), d(utc, 2025, 3, 3).Add(10 * time.Hour), "previous period"},
		{"February 29 a year before", convreport.Query{From: d(utc, 2024, 2, 29), To: d(utc, 2024, 3, 1), Now: d(utc, 2024, 4, 1), Compare: convreport.CompareYear},
			d(utc, 2023, 2, 28), d(utc, 2023, 3, 1), "same period last year"},
		{"February 2024 a year before", convreport.Query{From: d(utc, 2024, 2, 1), To: d(utc, 2024, 2, 29), Now: d(utc, 2024, 4, 1), Compare: convreport.CompareYear},
			d(utc, 2023, 2, 1), d(utc, 2023, 3, 1), "same period last year"},
		{"last month a year before, Paris", convreport.Query{Range: convreport.LastMonth, Zone: paris, Now: d(paris, 2025, 4, 2), Compare: convreport.CompareYear},
			d(paris, 2024, 3, 1), d(paris, 2024, 4, 1), "same period last year"},
		// 2018-11-04 began at 01:00 in São Paulo (midnight skipped); the
		// same date a year before began at midnight, and its first hour
		// counts.
		{"a day that began at 01:00, a year before", convreport.Query{From: time.Date(2018, 11, 4, 1, 0, 0, 0, saoPaulo), To: d(saoPaulo, 2018, 11, 5), Zone: saoPaulo, Now: d(saoPaulo, 2019, 1, 1), Compare: convreport.CompareYear},
			d(saoPaulo, 2017, 11, 4), d(saoPaulo, 2017, 11, 5), "same period last year"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p, err := c.q.Previous()
			if err != nil {
				t.Fatal(err)
			}
			if !p.From.Equal(c.wantFrom) || !p.To.Equal(c.wantTo) {
				t.Errorf("previous = [%v, %v), want [%v, %v)", p.From, p.To, c.wantFrom, c.wantTo)
			}
			if p.Compare != convreport.NoCompare || p.Range != "" {
				t.Errorf("previous query keeps Compare %q, Range %q", p.Compare, p.Range)
			}
			loc := c.q.Zone
			if loc == nil {
				loc = time.UTC
			}
			cur := c.q
			cur.Compare = ""
			rs, err := cur.Previous()
			if err == nil {
				t.Errorf("Previous of a query that compares nothing: %v", rs)
			}
			// The label reads the current period.
			from, to := c.q.From, c.q.To
			if from.IsZero() {
				from, to, _ = c.q.Range.Resolve(c.q.Now, loc, 0)
			}
			if got := c.q.Compare.Label(from, to, loc); got != c.label {
				t.Errorf("label %q, want %q", got, c.label)
			}
		})
	}
	if _, err := (convreport.Query{Compare: "lastweek"}).Previous(); err == nil {
		t.Error("an unknown Compare is accepted")
	}
	var qe *convreport.QueryError
	if _, err := convreport.NewEngine(mustMemory(t, nil)).Run(context.Background(), convreport.Query{Compare: "x"}, convreport.Report{Name: "n"}); !errors.As(err, &qe) || qe.Field != "Compare" {
		t.Errorf("Run with Compare x: %v, want a QueryError on Compare", err)
	}
}

func mustMemory(t testing.TB, cs []convreport.Conversation) *memory.Source {
	t.Helper()
	src, err := memory.New(cs, memory.WithSchema(sourcetest.Schema()))
	if err != nil {
		t.Fatal(err)
	}
	return src
}

// refKey is a conversation's group for the reports of the tests below,
// read from its fields.
func refGroup(c *convreport.Conversation, dim string) (string, bool) {
	switch dim {
	case "Inbox":
		return c.Inbox, c.Inbox != ""
	case "Assignee":
		return c.Assignee, c.Assignee != ""
	case "Channel":
		ch := c.Channel
		if ch == "" {
			ch = convreport.Other
		}
		return string(ch), true
	}
	panic(dim)
}

// Every point's Previous equals a plain loop over the compared period:
// counts by group, counts by day (day 1 against day 1) and the largest
// wait time, with its excluded conversations.
func TestCompareAgainstReferenceLoop(t *testing.T) {
	cs := sourcetest.Generate(3000, 7)
	eng := convreport.NewEngine(mustMemory(t, cs))
	paris := mustLoc(t, "Europe/Paris")
	now := time.Date(2025, 7, 15, 12, 0, 0, 0, paris)
	reports := []convreport.Report{
		{Name: "By inbox", Dimensions: []string{"Inbox"}},
		{Name: "By day", Bucket: convreport.Day},
		{Name: "Channels by week", Dimensions: []string{"Channel"}, Bucket: convreport.Week},
		{Name: "Longest wait", Dimensions: []string{"Assignee"}, Measure: convreport.Measure{Agg: convreport.Max, Metric: convreport.WaitTime}},
		{Name: "Top 2 assignees", Dimensions: []string{"Assignee"}, Limit: 2},
		// Top and bottom N of time series, by booleans and unknown
		// values among others: each Previous drills to its count.
		{Name: "Top 3 by VIP and priority, weekly", Dimensions: []string{"VIP", "Priority"}, Bucket: convreport.Week, Limit: 3},
		{Name: "Bottom 2 assignees, daily", Dimensions: []string{"Assignee"}, Bucket: convreport.Day, Limit: 2, Sort: convreport.ByValueAsc},
	}
	type window struct{ from, to time.Time }
	for _, tc := range []struct {
		name string
		q    convreport.Query
		prev window
	}{
		// June has 30 days, May 31: day 31 of May has no counterpart the
		// other way, and every day of June has one.
		{"last month", convreport.Query{Range: convreport.LastMonth, Zone: paris, Now: now, Compare: convreport.ComparePrevious},
			window{time.Date(2025, 5, 1, 0, 0, 0, 0, paris), time.Date(2025, 6, 1, 0, 0, 0, 0, paris)}},
		{"last 45 days", convreport.Query{Range: convreport.LastNDays(45), Zone: paris, Now: now, Compare: convreport.ComparePrevious},
			window{time.Date(2025, 4, 16, 0, 0, 0, 0, paris), time.Date(2025, 5, 31, 0, 0, 0, 0, paris)}},
		{"custom, a year before", convreport.Query{From: time.Date(2026, 3, 10, 0, 0, 0, 0, paris), To: time.Date(2026, 4, 20, 0, 0, 0, 0, paris), Zone: paris, Now: now, Compare: convreport.CompareYear},
			window{time.Date(2025, 3, 10, 0, 0, 0, 0, paris), time.Date(2025, 4, 20, 0, 0, 0, 0, paris)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			res, err := eng.Run(ctx, tc.q, reports...)
			if err != nil {
				t.Fatal(err)
			}
			pq, err := tc.q.Previous()
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range res {
				if !r.PreviousFrom.Equal(tc.prev.from) || !r.PreviousTo.Equal(tc.prev.to) || r.Compare != tc.q.Compare {
					t.Fatalf("%s: previous range [%v, %v) %q, want [%v, %v)", r.Report.Name, r.PreviousFrom, r.PreviousTo, r.Compare, tc.prev.from, tc.prev.to)
				}
			}
			in := func(c *convreport.Conversation) bool {
				return !c.CreatedAt.Before(tc.prev.from) && c.CreatedAt.Before(tc.prev.to)
			}
			// By inbox: the count of the same inbox in the earlier period.
			checked := 0
			for _, p := range res[0].Points {
				want := int64(0)
				for i := range cs {
					if g, ok := refGroup(&cs[i], "Inbox"); in(&cs[i]) && ok == p.Dimensions[0].Known && g == p.Dimensions[0].Value {
						want++
					}
				}
				if p.Previous == nil || p.Previous.Count != want || !p.Previous.Value.Valid || !p.Previous.Value.Decimal.Equal(decimal.NewFromInt(want)) {
					t.Errorf("by inbox %s: previous %+v, want count %d", p.Dimensions[0].Label(), p.Previous, want)
				}
				checked++
			}
			// By day and channels by week: the bucket at the same position.
			dayOf := func(c *convreport.Conversation) int {
				lt := c.CreatedAt.In(paris)
				d0 := tc.prev.from
				n := 0
				for d := d0; !d.After(lt); d = time.Date(d.Year(), d.Month(), d.Day()+1, 0, 0, 0, 0, paris) {
					n++
				}
				return n - 1
			}
			for i, p := range res[1].Points {
				want := int64(0)
				for j := range cs {
					if in(&cs[j]) && dayOf(&cs[j]) == i {
						want++
					}
				}
				prevDays := int(tc.prev.to.Sub(tc.prev.from).Round(24*time.Hour) / (24 * time.Hour))
				if i >= prevDays {
					if p.Previous != nil {
						t.Errorf("day %d is past the earlier period of %d days but has a previous %+v", i, prevDays, p.Previous)
					}
					continue
				}
				wantBucket := time.Date(tc.prev.from.Year(), tc.prev.from.Month(), tc.prev.from.Day()+i, 0, 0, 0, 0, paris)
				if p.Previous == nil || p.Previous.Count != want || !p.Previous.Bucket.Equal(wantBucket) {
					t.Errorf("day %d: previous %+v, want count %d in bucket %v", i, p.Previous, want, wantBucket)
				}
				checked++
			}
			// The largest wait by assignee, and the conversations left out.
			for _, p := range res[3].Points {
				var n, excluded int64
				var top time.Duration
				for i := range cs {
					c := &cs[i]
					if g, ok := refGroup(c, "Assignee"); !in(c) || ok != p.Dimensions[0].Known || g != p.Dimensions[0].Value {
						continue
					}
					if c.FirstResponseAt.IsZero() {
						excluded++
						continue
					}
					if w := c.FirstResponseAt.Sub(c.CreatedAt); n == 0 || w > top {
						top = w
					}
					n++
				}
				if p.Previous == nil || p.Previous.Count != n || p.Previous.Excluded != excluded {
					t.Errorf("wait %s: previous %+v, want count %d, excluded %d", p.Dimensions[0].Label(), p.Previous, n, excluded)
					continue
				}
				if n == 0 {
					if p.Previous.Value.Valid {
						t.Errorf("wait %s: previous value %v over no conversation", p.Dimensions[0].Label(), p.Previous.Value)
					}
					continue
				}
				want := decimal.NewFromInt(int64(top)).Shift(-9).Round(3)
				if !p.Previous.Value.Valid || !p.Previous.Value.Decimal.Equal(want) {
					t.Errorf("wait %s: previous value %v, want %s", p.Dimensions[0].Label(), p.Previous.Value, want)
				}
				checked++
			}
			if checked < 20 {
				t.Fatalf("only %d points checked: the fixture does not reach the compared period", checked)
			}
			// Every previous point drills down to its count, Other too.
			for _, r := range res {
				drilled := 0
				defer func() {
					now := slices.ContainsFunc(r.Points, func(p convreport.Point) bool { return p.Count > 0 })
					if drilled == 0 && now && slices.ContainsFunc(cs, func(c convreport.Conversation) bool { return in(&c) }) {
						t.Errorf("%s: no earlier conversation to drill to", r.Report.Name)
					}
				}()
				for _, p := range r.Points {
					if p.Previous == nil {
						continue
					}
					drilled += int(p.Previous.Count)
					if p.Other {
						t.Errorf("%s: the Other point has a previous %+v", r.Report.Name, p.Previous)
					}
					dr, err := eng.DrillDown(ctx, pq, r.Report, *p.Previous)
					if err != nil {
						t.Fatalf("%s: drill previous: %v", r.Report.Name, err)
					}
					if int64(dr.Len()) != p.Previous.Count {
						t.Errorf("%s %v: previous drills to %d, count %d", r.Report.Name, p.Dimensions, dr.Len(), p.Previous.Count)
					}
				}
			}
		})
	}
}

// Dashboard filters apply to every report, and every point's drill-down
// (through Runnable, as the dashboard ran it) lists exactly its count.
func TestDashboardFiltersReconcile(t *testing.T) {
	cs := sourcetest.Generate(2500, 11)
	eng := convreport.NewEngine(mustMemory(t, cs))
	d, err := convreport.NewDashboard(convreport.DashboardOptions{Name: "Filtered", Owner: "ann", Schema: sourcetest.Schema(), Reports: []convreport.Report{
		{Name: "By assignee", Dimensions: []string{"Assignee"}},
		{Name: "Wait by inbox", Dimensions: []string{"Inbox"}, Measure: convreport.Measure{Agg: convreport.Average, Metric: convreport.WaitTime}},
		{Name: "Per week", Bucket: convreport.Week, Conditions: []convreport.Condition{{Property: "Inbox", Op: convreport.IsKnown}}},
		{Name: "Top 3", Dimensions: []string{"Assignee"}, Limit: 3},
	}})
	if err != nil {
		t.Fatal(err)
	}
	filters := []convreport.Condition{
		{Property: "Channel", Op: convreport.IsAnyOf, Values: []string{"chat", "email"}},
		{Property: "Team", Op: convreport.IsNoneOf, Values: []string{"Sales"}},
	}
	if d, err = d.SetFilters(sourcetest.Schema(), filters); err != nil {
		t.Fatal(err)
	}
	pass := func(c *convreport.Conversation, inboxToo bool) bool {
		return (c.Channel == convreport.Chat || c.Channel == convreport.Email) && c.Team != "Sales" && (!inboxToo || c.Inbox == "Billing")
	}
	q := convreport.Query{From: time.Date(2025, 4, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2025, 7, 1, 0, 0, 0, 0, time.UTC),
		Now: time.Date(2025, 8, 1, 0, 0, 0, 0, time.UTC), Viewer: access.Viewer{UserID: "ann"}}
	for _, view := range []struct {
		name      string
		d         func() (convreport.Dashboard, error)
		inboxOnly bool
	}{
		{"saved", func() (convreport.Dashboard, error) { return d, nil }, false},
		{"saved and this view's", func() (convreport.Dashboard, error) {
			return d.WithFilters(sourcetest.Schema(), convreport.Condition{Property: "Inbox", Op: convreport.Equals, Values: []string{"Billing"}})
		}, true},
	} {
		t.Run(view.name, func(t *testing.T) {
			vd, err := view.d()
			if err != nil {
				t.Fatal(err)
			}
			for _, cmp := range []convreport.Compare{convreport.NoCompare, convreport.ComparePrevious} {
				q := q
				q.Compare = cmp
				res, err := eng.RunDashboard(context.Background(), q, vd)
				if err != nil {
					t.Fatal(err)
				}
				// The count by assignee, from the fields.
				for _, p := range res[0].Points {
					var want int64
					for i := range cs {
						c := &cs[i]
						if g, ok := refGroup(c, "Assignee"); pass(c, view.inboxOnly) && !c.CreatedAt.Before(q.From) && c.CreatedAt.Before(q.To) &&
							ok == p.Dimensions[0].Known && g == p.Dimensions[0].Value {
							want++
						}
					}
					if p.Count != want {
						t.Errorf("assignee %s: %d, want %d", p.Dimensions[0].Label(), p.Count, want)
					}
				}
				total := 0
				for ri, r := range res {
					rep := vd.Runnable(vd.Reports[ri])
					for _, p := range r.Points {
						dr, err := eng.DrillDown(context.Background(), q, rep, p)
						if err != nil {
							t.Fatalf("%s: %v", r.Report.Name, err)
						}
						if int64(dr.Len()) != p.Count {
							t.Errorf("%s %v: drills to %d, count %d", r.Report.Name, p.Dimensions, dr.Len(), p.Count)
						}
						for c := range dr.All() {
							if !pass(&c, view.inboxOnly) {
								t.Fatalf("%s: drill lists %s, which the dashboard filters leave out", r.Report.Name, c.ID)
							}
						}
						total++
					}
				}
				if total < 10 {
					t.Fatalf("only %d points", total)
				}
			}
		})
	}
	// Bad filters are refused with their position.
	_, err = d.SetFilters(sourcetest.Schema(), []convreport.Condition{{Property: "Inbox", Op: convreport.IsKnown}, {Property: "Nope", Op: convreport.IsKnown}})
	var ce *convreport.ConditionError
	if !errors.As(err, &ce) || ce.Index != 1 {
		t.Errorf("an unknown property: %v, want a ConditionError at #1", err)
	}
	many := make([]convreport.Condition, convreport.MaxDashboardFilters+1)
	for i := range many {
		many[i] = convreport.Condition{Property: "Inbox", Op: convreport.IsKnown}
	}
	var de *convreport.DashboardError
	if _, err := d.SetFilters(nil, many); !errors.As(err, &de) || de.Field != "filters" {
		t.Errorf("too many filters: %v", err)
	}
	// A dashboard read from a store with too many filters is refused
	// before it is written; a copy's filters are its own.
	over := d.Clone()
	over.Filters = many
	if err := over.Validate(); !errors.As(err, &de) || de.Field != "filters" {
		t.Errorf("Validate with %d filters: %v", len(many), err)
	}
	c := d.Clone()
	c.Filters[0].Values[0] = "phone"
	if d.Filters[0].Values[0] != "chat" {
		t.Error("Clone shares the filters' values")
	}
	// Runnable leaves the saved report as it was.
	if got := d.Reports[2].Conditions; len(got) != 1 {
		t.Errorf("Runnable changed the saved report: %v", got)
	}
}

// The conversations a duration point leaves out are listed, and they are
// exactly its Excluded.
func TestDrillExcluded(t *testing.T) {
	cs := sourcetest.Generate(1500, 3)
	eng := convreport.NewEngine(mustMemory(t, cs))
	q := convreport.Query{From: time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2025, 9, 1, 0, 0, 0, 0, time.UTC), Now: time.Date(2025, 10, 1, 0, 0, 0, 0, time.UTC)}
	for _, m := range []convreport.Measure{
		{Agg: convreport.Average, Metric: convreport.FirstResponseTime},
		{Agg: convreport.Median, Metric: convreport.TimeToClose},
	} {
		r := convreport.Report{Name: "By inbox " + string(m.Metric), Dimensions: []string{"Inbox"}, Bucket: convreport.Month, Measure: m}
		res, err := eng.Run(context.Background(), q, r)
		if err != nil {
			t.Fatal(err)
		}
		var sum int64
		for _, p := range res[0].Points {
			dr, err := eng.DrillExcluded(context.Background(), q, r, p)
			if err != nil {
				t.Fatal(err)
			}
			if int64(dr.Len()) != p.Excluded {
				t.Errorf("%s %v: lists %d left out, Excluded %d", r.Name, p.Dimensions, dr.Len(), p.Excluded)
			}
			for c := range dr.All() {
				left := c.FirstResponseAt.IsZero()
				if m.Metric == convreport.TimeToClose {
					left = c.ClosedAt.IsZero()
				}
				if !left {
					t.Fatalf("%s: %s is listed as left out but has the metric", r.Name, c.ID)
				}
			}
			sum += p.Excluded
		}
		if sum == 0 || sum != res[0].Excluded {
			t.Errorf("%s: points exclude %d, result %d", r.Name, sum, res[0].Excluded)
		}
		if reason := m.ExcludedReason(); reason == "" {
			t.Errorf("%s: no reason", m.Key())
		}
	}
	if _, err := eng.DrillExcluded(context.Background(), q, convreport.Report{Name: "count"}, convreport.Point{}); err == nil {
		t.Error("a count has left-out conversations")
	}
}

// The earlier period keeps to the groups shown now, so the engine's
// MaxGroups does not fold one of them away there: each keeps its earlier
// value, however many other groups the earlier period holds.
func TestComparePreviousOfGroupsShownNow(t *testing.T) {
	day := func(d int) time.Time { return time.Date(2025, 6, d, 10, 0, 0, 0, time.UTC) }
	var cs []convreport.Conversation
	add := func(id, assignee string, created time.Time) {
		cs = append(cs, convreport.Conversation{ID: id, Channel: convreport.Chat, Assignee: assignee, CreatedAt: created})
	}
	// Now: a, b, c. Before: a (4), d (3), e (3), b (2), c (1): MaxGroups 3
	// over every group of the earlier period would keep a, d and e, and
	// fold b and c into Other.
	add("n1", "a", day(20))
	add("n2", "b", day(21))
	add("n3", "c", day(22))
	for i, who := range []string{"a", "a", "a", "a", "d", "d", "d", "e", "e", "e", "b", "b", "c"} {
		add("p"+string(rune('a'+i)), who, day(1+i))
	}
	lim := convreport.DefaultLimits()
	lim.MaxGroups = 3
	eng := convreport.NewEngine(mustMemory(t, cs), convreport.WithLimits(lim))
	q := convreport.Query{From: day(16).Truncate(24 * time.Hour), To: day(31).Truncate(24 * time.Hour), Zone: time.UTC, Now: day(30), Compare: convreport.ComparePrevious}
	res, err := eng.Run(context.Background(), q, convreport.Report{Name: "By rep", Dimensions: []string{"Assignee"}})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int64{}
	for _, p := range res[0].Points {
		if p.Other || p.Previous == nil {
			t.Fatalf("every group is shown and compared: %+v", p)
		}
		got[p.Dimensions[0].Label()] = p.Previous.Count
	}
	if want := map[string]int64{"a": 4, "b": 2, "c": 1}; !maps.Equal(got, want) {
		t.Fatalf("earlier counts %v, want %v", got, want)
	}
}

// With two dimensions, the earlier period keeps the values each shows
// now, and may hold more groups than the current one: when the engine's
// MaxGroups folds groups of it into Other, a group missing from its points
// may be among them, so its earlier value is unknown (nil), never a
// made-up zero. A group the earlier period shows keeps its value.
func TestComparePreviousUnknownWhenFolded(t *testing.T) {
	day := func(d int) time.Time { return time.Date(2025, 6, d, 10, 0, 0, 0, time.UTC) }
	var cs []convreport.Conversation
	n := 0
	add := func(assignee string, ch convreport.Channel, created time.Time, times int) {
		for range times {
			n++
			cs = append(cs, convreport.Conversation{ID: fmt.Sprint("c", n), Channel: ch, Assignee: assignee, CreatedAt: created})
		}
	}
	// Now: (a, chat), (b, email). Before, of the four pairs of a or b and
	// chat or email: (a, chat) 4, (a, email) 3, (b, chat) 2, (b, email) 1.
	// MaxGroups 3 keeps the first two and folds the others into Other.
	add("a", convreport.Chat, day(20), 1)
	add("b", convreport.Email, day(21), 1)
	add("a", convreport.Chat, day(2), 4)
	add("a", convreport.Email, day(3), 3)
	add("b", convreport.Chat, day(4), 2)
	add("b", convreport.Email, day(5), 1)
	lim := convreport.DefaultLimits()
	lim.MaxGroups = 3
	eng := convreport.NewEngine(mustMemory(t, cs), convreport.WithLimits(lim))
	q := convreport.Query{From: day(16).Truncate(24 * time.Hour), To: day(31).Truncate(24 * time.Hour), Zone: time.UTC, Now: day(30), Compare: convreport.ComparePrevious}
	res, err := eng.Run(context.Background(), q, convreport.Report{Name: "By rep and channel", Dimensions: []string{"Assignee", "Channel"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(res[0].Points) != 2 {
		t.Fatalf("points %+v, want (a, chat) and (b, email)", res[0].Points)
	}
	for _, p := range res[0].Points {
		switch who := p.Dimensions[0].Value; {
		case who == "a" && (p.Previous == nil || p.Previous.Count != 4):
			t.Fatalf("(a, chat) keeps its earlier count 4: %+v", p.Previous)
		case who == "b" && p.Previous != nil:
			t.Fatalf("(b, email) was folded in the earlier period: its value is unknown, got %+v", p.Previous)
		}
	}
}

// Where the earlier period is over its points, or folds groups, under
// tight limits, the engine runs it kept to the series shown now: each
// Previous then equals the same series in a plain run of the earlier
// period under the default limits, which neither folds nor refuses.
func TestCompareNarrowedEqualsPlain(t *testing.T) {
	cs := sourcetest.Generate(3000, 7)
	paris := mustLoc(t, "Europe/Paris")
	now := time.Date(2025, 7, 15, 12, 0, 0, 0, paris)
	q := convreport.Query{Range: convreport.LastMonth, Zone: paris, Now: now, Compare: convreport.ComparePrevious}
	pq, err := q.Previous()
	if err != nil {
		t.Fatal(err)
	}
	reports := []convreport.Report{
		{Name: "VIP and priority by week, top 3", Dimensions: []string{"VIP", "Priority"}, Bucket: convreport.Week, Limit: 3},
		{Name: "VIP and priority, top 3", Dimensions: []string{"VIP", "Priority"}, Limit: 3},
		{Name: "Assignees by day, bottom 2", Dimensions: []string{"Assignee"}, Bucket: convreport.Day, Limit: 2, Sort: convreport.ByValueAsc},
		{Name: "Inbox by longest wait, top 2", Dimensions: []string{"Inbox"}, Limit: 2, Measure: convreport.Measure{Agg: convreport.Max, Metric: convreport.WaitTime}},
		{Name: "Inbox and VIP", Dimensions: []string{"Inbox", "VIP"}},
	}
	ctx := context.Background()
	plain := convreport.NewEngine(mustMemory(t, cs))
	narrowed := 0
	for _, lim := range []convreport.Limits{{MaxGroups: 3}, {MaxGroups: 2}, {MaxPoints: 100}, {MaxPoints: 40}} {
		tight := convreport.NewEngine(mustMemory(t, cs), convreport.WithLimits(lim))
		res, errs, err := tight.RunEach(ctx, q, reports...)
		if err != nil {
			t.Fatal(err)
		}
		for i, r := range reports {
			// With one dimension, the earlier run kept to the series shown
			// now holds no more than they: never refused nor folded where
			// the current run is not.
			single := len(r.Dimensions) == 1
			if errs[i] != nil {
				cq := q
				cq.Compare = convreport.NoCompare
				if _, err := tight.Run(ctx, cq, r); err == nil && single {
					t.Errorf("%+v %s: refused compared, though it runs now: %v", lim, r.Name, errs[i])
				}
				continue
			}
			pr := r
			pr.Limit = 0
			// Would the plain earlier run under these limits have folded
			// or been refused? Then this compared run was narrowed.
			if was, err := tight.Run(ctx, pq, pr); err != nil || was[0].Folded > 0 {
				narrowed++
			}
			want, err := plain.Run(ctx, pq, pr)
			if err != nil {
				t.Fatal(err)
			}
			if want[0].Folded > 0 {
				t.Fatalf("%s: the plain earlier run folds under the default limits", r.Name)
			}
			byKey := map[string]convreport.Point{}
			for _, p := range want[0].Points {
				byKey[fmt.Sprint(p.Dimensions, p.Bucket.Unix())] = p
			}
			for _, p := range res[i].Points {
				if p.Previous == nil {
					if !p.Other && single {
						t.Errorf("%+v %s %v: no earlier value", lim, r.Name, p.Dimensions)
					}
					continue
				}
				w, ok := byKey[fmt.Sprint(p.Previous.Dimensions, p.Previous.Bucket.Unix())]
				if !ok {
					w = convreport.Point{Count: 0} // no conversation then
				}
				pv, wv := p.Previous.Value, w.Value
				if p.Previous.Count != w.Count || p.Previous.Excluded != w.Excluded || ok && (pv.Valid != wv.Valid || !pv.Decimal.Equal(wv.Decimal)) {
					t.Errorf("%+v %s %v: earlier %+v, want %+v", lim, r.Name, p.Dimensions, *p.Previous, w)
				}
			}
		}
	}
	if narrowed < 4 {
		t.Fatalf("only %d runs needed the earlier period narrowed: the limits are not tight enough to test it", narrowed)
	}
}
