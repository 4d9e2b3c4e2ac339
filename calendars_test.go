package convreport_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/convreport/convreport/access"
	"github.com/convreport/convreport/calendar"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/memory"
	"github.com/stretchr/testify/require"
)

var workweek = []calendar.Weekday{calendar.Monday, calendar.Tuesday, calendar.Wednesday, calendar.Thursday, calendar.Friday}

func zone(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	require.NoError(t, err)
	return loc
}

// minuteWalk is the reference business time: it steps from a to b a minute
// at a time and counts the minutes whose wall clock, in the calendar's
// zone, is in an opening of a day that is not a holiday. a and b are whole
// minutes. It shares no code with Calendar.Between.
func minuteWalk(c *calendar.Calendar, a, b time.Time) time.Duration {
	var open time.Duration
	for u := a; u.Before(b); u = u.Add(time.Minute) {
		lt := u.In(c.Zone)
		y, m, d := lt.Date()
		closed := false
		for _, h := range c.Holidays {
			closed = closed || h == calendar.Date{Year: y, Month: m, Day: d}
		}
		if closed {
			continue
		}
		hours := c.Week.Day(calendar.WeekdayOf(lt.Weekday()))
		for _, s := range c.Special {
			if s.Date == (calendar.Date{Year: y, Month: m, Day: d}) {
				hours = s.Hours
			}
		}
		minute := calendar.Clock(lt.Hour()*60 + lt.Minute())
		for _, h := range hours {
			if h.Start <= minute && minute < h.End {
				open += time.Minute
				break
			}
		}
	}
	return open
}

func TestDashboardCalendarTheKnownWeek(t *testing.T) {
	paris := zone(t, "Europe/Paris")
	office := calendar.OfficeHours(paris, calendar.At(9, 0), calendar.At(17, 0), workweek...)
	office.Name = "office"
	set := &calendar.Set{Calendars: []*calendar.Calendar{office}}
	// 2025-06-01 is a Sunday; no DST change that week.
	sun := time.Date(2025, 6, 1, 0, 0, 0, 0, paris)
	cs := []convreport.Conversation{
		{ID: "week", Inbox: "Support", Status: convreport.Closed, CreatedAt: sun, FirstResponseAt: sun.Add(time.Hour),
			ClosedAt: time.Date(2025, 6, 7, 23, 59, 0, 0, paris)},
		// Saturday 10:00 to 12:00: wholly outside the hours.
		{ID: "saturday", Inbox: "Support", Status: convreport.Closed, CreatedAt: sun.AddDate(0, 0, 6).Add(10 * time.Hour),
			FirstResponseAt: sun.AddDate(0, 0, 6).Add(11 * time.Hour), ClosedAt: sun.AddDate(0, 0, 6).Add(12 * time.Hour)},
	}
	src, err := memory.New(cs)
	require.NoError(t, err)
	q := convreport.Query{From: sun, To: sun.AddDate(0, 0, 7), Zone: paris, Calendars: set}
	ttc := convreport.Measure{Agg: convreport.Max, Metric: convreport.TimeToClose}
	d := convreport.Dashboard{Name: "Hours", Owner: "me", Calendar: "office", Reports: []convreport.Report{
		{ID: "max", Name: "Longest", Measure: ttc},
		{ID: "min", Name: "Shortest", Measure: convreport.Measure{Agg: convreport.Min, Metric: convreport.TimeToClose}},
		{ID: "by", Name: "By conversation", Measure: convreport.Measure{Agg: convreport.Average, Metric: convreport.TimeToClose}, Dimensions: []string{"Source"}, Filter: `ID == "saturday"`},
	}}
	q.Viewer = access.Viewer{UserID: "me"}
	res, err := convreport.NewEngine(src).RunDashboard(context.Background(), q, d)
	require.NoError(t, err)
	require.Equal(t, []pt{{"", "144000", 2, 0}}, points(res[0]), "5 × 8 h, where calendar time is 604740 s")
	require.Equal(t, []pt{{"", "0", 2, 0}}, points(res[1]), "wholly outside the hours is 0, not excluded")
	require.Equal(t, []pt{{"(no value)", "0", 1, 0}}, points(res[2]))
	require.True(t, res[0].BusinessHours)
	require.Equal(t, "office", res[0].Calendar)

	// The same dashboard without its calendar counts calendar time.
	d.Calendar = ""
	res, err = convreport.NewEngine(src).RunDashboard(context.Background(), q, d)
	require.NoError(t, err)
	require.Equal(t, []pt{{"", "604740", 2, 0}}, points(res[0]))
	require.False(t, res[0].BusinessHours)
}

// TestInboxCalendarsAgainstMinuteWalk runs random conversations around the
// DST changes of Paris and New York through named and per-inbox calendars,
// with a holiday on a DST day, and checks each conversation's business
// time, by the scan and by the drill-down, against the minute walk.
func TestInboxCalendarsAgainstMinuteWalk(t *testing.T) {
	paris, ny := zone(t, "Europe/Paris"), zone(t, "America/New_York")
	// Paris: split days and a Sunday shift over the spring change at 02:00;
	// 2025-10-26 (autumn change) is a holiday.
	pa := &calendar.Calendar{Name: "paris", Zone: paris, Holidays: []calendar.Date{{Year: 2025, Month: time.October, Day: 26}}}
	for _, d := range workweek {
		pa.Week.SetDay(d, []calendar.Hours{{Start: calendar.At(8, 30), End: calendar.At(12, 0)}, {Start: calendar.At(13, 0), End: calendar.At(18, 0)}})
	}
	pa.Week.SetDay(calendar.Sunday, []calendar.Hours{{Start: calendar.At(1, 0), End: calendar.At(4, 0)}})
	// Special days: a Saturday open across nothing special, a short Monday
	// after the spring change, and the spring change Sunday itself open
	// 00:00-24:00 (23 real hours); and one closed weekday.
	pa.Special = []calendar.SpecialDay{
		{Date: calendar.Date{Year: 2025, Month: time.March, Day: 29}, Hours: []calendar.Hours{{Start: calendar.At(10, 0), End: calendar.At(14, 0)}}},
		{Date: calendar.Date{Year: 2025, Month: time.March, Day: 31}, Hours: []calendar.Hours{{Start: calendar.At(9, 0), End: calendar.At(11, 0)}}},
		{Date: calendar.Date{Year: 2025, Month: time.March, Day: 30}, Hours: []calendar.Hours{{Start: 0, End: calendar.At(24, 0)}}},
		{Date: calendar.Date{Year: 2025, Month: time.October, Day: 24}, Hours: []calendar.Hours{}},
	}
	// New York: nights across the change at 02:00, and a holiday on the
	// spring change day, 2025-03-09.
	us := &calendar.Calendar{Name: "us", Zone: ny, Holidays: []calendar.Date{{Year: 2025, Month: time.March, Day: 9}},
		// The autumn change day, 01:00-02:00 happening twice.
		Special: []calendar.SpecialDay{{Date: calendar.Date{Year: 2025, Month: time.November, Day: 2}, Hours: []calendar.Hours{{Start: calendar.At(1, 0), End: calendar.At(2, 0)}}}}}
	for d := calendar.Monday; d <= calendar.Sunday; d++ {
		us.Week.SetDay(d, []calendar.Hours{{Start: calendar.At(0, 0), End: calendar.At(3, 30)}, {Start: calendar.At(9, 0), End: calendar.At(17, 0)}})
	}
	set := &calendar.Set{Calendars: []*calendar.Calendar{pa, us}, Inboxes: map[string]string{"US": "us"}}
	require.NoError(t, set.Validate())

	rng := rand.New(rand.NewPCG(18, 1))
	centres := []time.Time{
		time.Date(2025, 3, 30, 1, 0, 0, 0, time.UTC), time.Date(2025, 10, 26, 1, 0, 0, 0, time.UTC),
		time.Date(2025, 3, 9, 7, 0, 0, 0, time.UTC), time.Date(2025, 11, 2, 6, 0, 0, 0, time.UTC),
	}
	var cs []convreport.Conversation
	inboxes := []string{"US", "EU", ""}
	for i := range 90 {
		created := centres[i%len(centres)].Add(time.Duration(rng.IntN(4*24*60)-2*24*60) * time.Minute)
		c := convreport.Conversation{ID: fmt.Sprintf("c%02d", i), Inbox: inboxes[i%3], Channel: convreport.Chat, CreatedAt: created,
			FirstResponseAt: created.Add(time.Duration(rng.IntN(3*24*60)) * time.Minute), Status: convreport.Closed}
		c.ClosedAt = c.FirstResponseAt.Add(time.Duration(rng.IntN(5*24*60)) * time.Minute)
		if i%5 == 0 {
			c.FirstAssignedAt = created.Add(time.Duration(rng.IntN(600)) * time.Minute)
		}
		cs = append(cs, c)
	}
	src, err := memory.New(cs)
	require.NoError(t, err)
	eng := convreport.NewEngine(src)
	q := convreport.Query{From: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), Calendars: set}

	ref := func(c convreport.Conversation, m convreport.Metric) time.Duration {
		cal := pa
		if c.Inbox == "US" {
			cal = us
		}
		switch m {
		case convreport.FirstResponseTime:
			start := c.CreatedAt
			if !c.FirstAssignedAt.IsZero() && c.FirstAssignedAt.Before(c.FirstResponseAt) {
				start = c.FirstAssignedAt
			}
			return minuteWalk(cal, start, c.FirstResponseAt)
		case convreport.WaitTime:
			return minuteWalk(cal, c.CreatedAt, c.FirstResponseAt)
		}
		return minuteWalk(cal, c.CreatedAt, c.ClosedAt)
	}
	metrics := []convreport.Metric{convreport.FirstResponseTime, convreport.WaitTime, convreport.TimeToClose}
	// One report per conversation and metric, each the Max over one
	// conversation: the scan's value for that conversation. Run together,
	// they also check that reports share calendars without mixing them.
	var reports []convreport.Report
	var want []string
	for _, c := range cs {
		for _, m := range metrics {
			reports = append(reports, convreport.Report{Name: c.ID + string(m), Calendar: "paris", Filter: fmt.Sprintf("ID == %q", c.ID),
				Measure: convreport.Measure{Agg: convreport.Max, Metric: m}})
			want = append(want, fmt.Sprint(int64(ref(c, m)/time.Second)))
		}
	}
	res, err := eng.Run(context.Background(), q, reports...)
	require.NoError(t, err)
	for i, r := range res {
		require.Equal(t, []pt{{"", want[i], 1, 0}}, points(r), r.Report.Name)
	}

	// An average by inbox, against the reference's own average.
	for _, m := range metrics {
		r := convreport.Report{Name: "avg", Calendar: "paris", Dimensions: []string{"Inbox"}, Sort: convreport.ByLabelAsc,
			Measure: convreport.Measure{Agg: convreport.Average, Metric: m}}
		got := runWith(t, eng, q, r)
		sums, counts := map[string]time.Duration{}, map[string]int64{}
		for _, c := range cs {
			sums[c.Inbox] += ref(c, m)
			counts[c.Inbox]++
		}
		var exp []pt
		for _, in := range []string{"EU", "US", ""} {
			label := in
			if in == "" {
				label = "(no value)"
			}
			// Whole minutes: the average of n values is exact to the
			// millisecond when printed with three decimals at most.
			avg := float64(sums[in]/time.Second) / float64(counts[in])
			exp = append(exp, pt{label, trimDecimal(fmt.Sprintf("%.3f", avg)), counts[in], 0})
		}
		require.ElementsMatch(t, exp, points(got), m)
	}

	// The drill-down lists business time too, as the number counted it.
	r := convreport.Report{Name: "all", Calendar: "paris", Measure: convreport.Measure{Agg: convreport.Count},
		Properties: []string{"ID", "Inbox", "FirstResponseTime", "WaitTime", "TimeToClose"}}
	dr, err := eng.DrillDown(context.Background(), q, r, convreport.Point{})
	require.NoError(t, err)
	byID := map[string]convreport.Conversation{}
	for _, c := range cs {
		byID[c.ID] = c
	}
	n := 0
	for c := range dr.All() {
		v := dr.Values(&c)
		orig := byID[v[0].(string)]
		for j, m := range metrics {
			require.Equal(t, ref(orig, m), v[2+j], "%s %s", orig.ID, m)
		}
		n++
	}
	require.Equal(t, len(cs), n)
	// A page lists them the same way.
	pg, err := eng.DrillPage(context.Background(), q, r, convreport.Point{}, "ID", false, 0, len(cs))
	require.NoError(t, err)
	require.Len(t, pg.Rows, len(cs))
	for _, c := range pg.Rows {
		v := pg.Values(&c)
		for j, m := range metrics {
			require.Equal(t, ref(byID[c.ID], m), v[2+j], "page: %s %s", c.ID, m)
		}
	}

	// Sorted by a duration, the rows are in the order of the business
	// time they list (calendar time would order them otherwise).
	for j, m := range []string{"FirstResponseTime", "WaitTime", "TimeToClose"} {
		require.NoError(t, dr.SortBy(m, false))
		var prev time.Duration
		for c := range dr.All() {
			v := dr.Values(&c)[2+j].(time.Duration)
			require.GreaterOrEqual(t, v, prev, m)
			prev = v
		}
	}
}

func runWith(t *testing.T, eng *convreport.Engine, q convreport.Query, r convreport.Report) convreport.Result {
	t.Helper()
	res, err := eng.Run(context.Background(), q, r)
	require.NoError(t, err)
	return res[0]
}

func trimDecimal(s string) string {
	for len(s) > 0 && s[len(s)-1] == '0' {
		s = s[:len(s)-1]
	}
	return trimDot(s)
}

func trimDot(s string) string {
	if len(s) > 0 && s[len(s)-1] == '.' {
		return s[:len(s)-1]
	}
	return s
}

func TestQueryCalendarUsesInboxCalendars(t *testing.T) {
	// A Go caller's Query.Calendar is the default; Calendars.Inboxes still
	// give an inbox its own.
	always := &calendar.Calendar{Name: "always", Zone: time.UTC}
	for d := calendar.Monday; d <= calendar.Sunday; d++ {
		always.Week.SetDay(d, []calendar.Hours{{Start: 0, End: calendar.At(24, 0)}})
	}
	never := &calendar.Calendar{Name: "never", Zone: time.UTC}
	day := time.Date(2025, 6, 2, 10, 0, 0, 0, time.UTC)
	cs := []convreport.Conversation{
		{ID: "a", Inbox: "Open", CreatedAt: day, FirstResponseAt: day.Add(time.Hour)},
		{ID: "b", Inbox: "Shut", CreatedAt: day, FirstResponseAt: day.Add(time.Hour)},
	}
	q := convreport.Query{From: day.AddDate(0, 0, -1), To: day.AddDate(0, 0, 1), Calendar: always,
		Calendars: &calendar.Set{Calendars: []*calendar.Calendar{always, never}, Inboxes: map[string]string{"Shut": "never"}}}
	r := convreport.Report{Name: "wait", Dimensions: []string{"Inbox"}, Sort: convreport.ByLabelAsc, Measure: convreport.Measure{Agg: convreport.Average, Metric: convreport.WaitTime}}
	require.Equal(t, []pt{{"Open", "3600", 1, 0}, {"Shut", "0", 1, 0}}, points(runOne(t, cs, q, r)))
}

func TestUnknownCalendarNames(t *testing.T) {
	office := calendar.OfficeHours(time.UTC, calendar.At(9, 0), calendar.At(17, 0), workweek...)
	office.Name = "office"
	set := &calendar.Set{Calendars: []*calendar.Calendar{office}}
	src, err := memory.New(fixture())
	require.NoError(t, err)
	eng := convreport.NewEngine(src)
	q := fixtureQuery()
	r := convreport.Report{Name: "Wait", Calendar: "ofice", Measure: convreport.Measure{Agg: convreport.Average, Metric: convreport.WaitTime}}

	_, err = eng.Run(context.Background(), q, r)
	var re *convreport.ReportError
	require.ErrorAs(t, err, &re)
	require.Equal(t, "calendar", re.Field)
	require.EqualError(t, err, `convreport: report "Wait": calendar: no calendar "ofice": the query has no Calendars`)

	q.Calendars = set
	_, err = eng.Run(context.Background(), q, r)
	require.EqualError(t, err, `convreport: report "Wait": calendar: no calendar "ofice" (have office)`)

	d := convreport.Dashboard{ID: "d", Name: "D", Owner: "me", Calendar: "nope"}
	var de *convreport.DashboardError
	require.ErrorAs(t, d.CheckCalendars(set), &de)
	require.Equal(t, "calendar", de.Field)
	d.Calendar = "office"
	d.Reports = []convreport.Report{r}
	require.ErrorAs(t, d.CheckCalendars(set), &re)
	require.Equal(t, "calendar", re.Field)
	d.Reports[0].Calendar = "office"
	require.NoError(t, d.CheckCalendars(set))

	// RunDashboard blames the dashboard for its own unknown calendar, not
	// the first report, which names none.
	wait := convreport.Report{ID: "w", Name: "Wait by rep", Measure: r.Measure}
	d2 := convreport.Dashboard{ID: "d", Name: "D", Owner: "me", Calendar: "nope", Reports: []convreport.Report{wait}}
	q.Viewer.UserID = "me"
	_, err = eng.RunDashboard(context.Background(), q, d2)
	require.ErrorAs(t, err, &de)
	require.Equal(t, "calendar", de.Field)
	require.ErrorContains(t, err, `no calendar "nope" (have office)`)
	q.Calendars = nil
	_, err = eng.RunDashboard(context.Background(), q, d2)
	require.ErrorAs(t, err, &de)
	require.ErrorContains(t, err, `no calendar "nope": the query has no Calendars`)
	q.Calendars = set
	// A calendar no report inherits is not looked up: the dashboard runs.
	d2.Reports[0].Calendar = "office"
	_, err = eng.RunDashboard(context.Background(), q, d2)
	require.NoError(t, err)

	// A calendar name must be an ID: it names a file and appears in URLs.
	d.Calendar = "Paris office"
	require.ErrorAs(t, d.Validate(), &de)
	require.Equal(t, "calendar", de.Field)
	_, err = convreport.NewDashboard(convreport.DashboardOptions{Name: "X", Owner: "me", Reports: []convreport.Report{{Name: "R", Calendar: "../x", Measure: convreport.Measure{Agg: convreport.Count}}}})
	require.ErrorAs(t, err, &re)
	require.Equal(t, "calendar", re.Field)
}

func TestCalendarSetJSON(t *testing.T) {
	in := `{"calendars": [
		{"name": "paris", "zone": "Europe/Paris", "week": {"monday": [{"start": "09:00", "end": "12:00"}, {"start": "13:00", "end": "17:00"}]}, "holidays": ["2025-12-25"]},
		{"name": "us", "zone": "America/New_York", "week": {"friday": [{"start": "09:00", "end": "17:00"}]}}],
		"default": "paris", "inboxes": {"US support": "us"}}`
	set, err := calendar.Parse([]byte(in))
	require.NoError(t, err)
	require.Equal(t, []string{"paris", "us"}, set.Names())
	require.Equal(t, "paris", set.DefaultCalendar().Name)
	require.Equal(t, []calendar.Hours{{Start: calendar.At(13, 0), End: calendar.At(17, 0)}}, set.Calendars[0].Week.Day(calendar.Monday)[1:])
	out, err := json.Marshal(set)
	require.NoError(t, err)
	var back calendar.Set
	require.NoError(t, json.Unmarshal(out, &back))
	require.Equal(t, set.Names(), back.Names())
	require.Equal(t, set.Inboxes, back.Inboxes)
	require.Equal(t, set.Calendars[1].Zone.String(), back.Calendars[1].Zone.String())

	// A file with a single calendar is a set of one, its default.
	one, err := calendar.Parse([]byte(`{"zone": "UTC", "week": {"monday": [{"start": "09:00", "end": "17:00"}]}}`))
	require.NoError(t, err)
	require.Equal(t, []string{"default"}, one.Names())
	require.Equal(t, "default", one.Default)

	bad := []struct{ name, json, field, msg string }{
		{"overlap", `{"calendars": [{"name": "a", "week": {"monday": [{"start": "09:00", "end": "13:00"}, {"start": "12:00", "end": "17:00"}]}}]}`,
			"calendars[0].week.monday[1]", "convreport: calendar: calendars[0].week.monday[1]: 12:00-17:00 overlaps 09:00-13:00"},
		{"unknown zone", `{"calendars": [{"name": "a"}, {"name": "b", "zone": "Mars/Olympus"}]}`,
			"calendars[1].zone", `convreport: calendar: calendars[1].zone: unknown time zone "Mars/Olympus": want an IANA name such as "Europe/Paris"`},
		{"bad holiday", `{"calendars": [{"name": "a", "holidays": ["2025-01-01", "2025-02-30"]}]}`,
			"calendars[0].holidays[1]", `convreport: calendar: calendars[0].holidays[1]: bad date "2025-02-30": want an existing date written YYYY-MM-DD`},
		{"no name", `{"calendars": [{"zone": "UTC"}]}`, "calendars[0].name", "convreport: calendar: calendars[0].name: is required: the set's dashboards, reports and inboxes refer to calendars by name"},
		{"twice", `{"calendars": [{"name": "a"}, {"name": "a"}]}`, "calendars[1].name", `convreport: calendar: calendars[1].name: "a" names two calendars`},
		{"bad name", `{"calendars": [{"name": "A b"}]}`, "calendars[0].name", `convreport: calendar: calendars[0].name: "A b" is not a calendar name: use 1 to 64 of a-z, 0-9, - and _`},
		{"unknown inbox calendar", `{"calendars": [{"name": "a"}], "inboxes": {"US": "us"}}`, `inboxes["US"]`, `convreport: calendar: inboxes["US"]: no calendar "us" (have a)`},
		{"unknown default", `{"calendars": [{"name": "a"}], "default": "b"}`, "default", `convreport: calendar: default: no calendar "b" (have a)`},
		{"unknown key", `{"calendars": [], "inbox": {}}`, "inbox", `convreport: calendar: inbox: unknown key (want calendars, default, inboxes)`},
		{"unknown key of a calendar", `{"calendars": [{"name": "a"}, {"name": "b", "timezon": "UTC"}]}`, "calendars[1].timezon", `convreport: calendar: calendars[1].timezon: unknown key (want name, zone, week, holidays, special)`},
		{"wrong type in an array", `{"calendars": [{"name": "a", "special": [{"date": "2025-12-24", "hours": [{"start": "09:00", "end": 12}]}]}]}`,
			"calendars[0].special[0].hours[0].end", `convreport: calendar: calendars[0].special[0].hours[0].end: want a string, got a JSON number`},
		{"wrong type of an inbox", `{"calendars": [{"name": "a"}], "inboxes": {"US": 1}}`, "inboxes.US", `convreport: calendar: inboxes.US: want a string, got a JSON number`},
		{"single calendar's zone", `{"zone": "Europe/Pariss"}`, "zone", `convreport: calendar: zone: unknown time zone "Europe/Pariss": want an IANA name such as "Europe/Paris"`},
	}
	for _, c := range bad {
		t.Run(c.name, func(t *testing.T) {
			_, err := calendar.Parse([]byte(c.json))
			var ce *calendar.Error
			require.True(t, errors.As(err, &ce), "%T %v", err, err)
			require.Equal(t, c.field, ce.Field)
			require.EqualError(t, err, c.msg)
		})
	}

	// A bad set in a query is a QueryError on Calendars.
	src, err := memory.New(fixture())
	require.NoError(t, err)
	q := fixtureQuery()
	q.Calendars = &calendar.Set{Calendars: []*calendar.Calendar{{Name: "x"}}, Default: "y"}
	_, err = convreport.NewEngine(src).Run(context.Background(), q, convreport.Report{Name: "n", Measure: convreport.Measure{Agg: convreport.Count}})
	var qe *convreport.QueryError
	require.ErrorAs(t, err, &qe)
	require.Equal(t, "Calendars", qe.Field)
}

// BenchmarkBusinessHours runs an average wait by inbox over sample-like
// data in calendar time, with one calendar, and with a calendar per inbox:
// compare the three in one run (go test -bench BusinessHours).
func BenchmarkBusinessHours(b *testing.B) {
	paris, err := time.LoadLocation("Europe/Paris")
	require.NoError(b, err)
	rng := rand.New(rand.NewPCG(1, 2))
	start := time.Date(2025, 1, 1, 0, 0, 0, 0, paris)
	inboxes := []string{"Support", "Sales", "Billing", "US"}
	cs := make([]convreport.Conversation, 100_000)
	for i := range cs {
		created := start.Add(time.Duration(rng.IntN(150*24*3600)) * time.Second)
		cs[i] = convreport.Conversation{ID: fmt.Sprint(i), Inbox: inboxes[i%4], CreatedAt: created,
			FirstResponseAt: created.Add(time.Duration(rng.IntN(3*24*3600)) * time.Second)}
	}
	src, err := memory.New(cs)
	require.NoError(b, err)
	eng := convreport.NewEngine(src)
	office := calendar.OfficeHours(paris, calendar.At(9, 0), calendar.At(18, 0), workweek...)
	office.Name = "office"
	us := calendar.OfficeHours(zone(&testing.T{}, "America/New_York"), calendar.At(9, 0), calendar.At(17, 0), workweek...)
	us.Name = "us"
	r := convreport.Report{Name: "wait", Dimensions: []string{"Inbox"}, Measure: convreport.Measure{Agg: convreport.Average, Metric: convreport.WaitTime}}
	q := convreport.Query{From: start, To: start.AddDate(1, 0, 0)}
	for _, c := range []struct {
		name string
		set  *calendar.Set
		cal  string
	}{
		{"calendar-time", nil, ""},
		{"one-calendar", &calendar.Set{Calendars: []*calendar.Calendar{office}}, "office"},
		{"inbox-calendars", &calendar.Set{Calendars: []*calendar.Calendar{office, us}, Inboxes: map[string]string{"US": "us"}}, "office"},
	} {
		b.Run(c.name, func(b *testing.B) {
			q.Calendars = c.set
			r.Calendar = c.cal
			for b.Loop() {
				if _, err := eng.Run(context.Background(), q, r); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func TestSpecialDays(t *testing.T) {
	in := `{"name": "office", "zone": "Europe/Paris", "week": {"wednesday": [{"start": "09:00", "end": "17:00"}]},
		"holidays": ["2025-12-25"],
		"special": [{"date": "2025-12-24", "hours": [{"start": "09:00", "end": "12:00"}, {"start": "13:00", "end": "14:00"}]},
		            {"date": "2025-12-27", "hours": [{"start": "10:00", "end": "16:00"}]},
		            {"date": "2025-12-31", "hours": []}]}`
	set, err := calendar.Parse([]byte(in))
	require.NoError(t, err)
	c := set.Calendars[0]
	paris := c.Zone
	// 2025-12-22 (Monday) to 2026-01-01: Wednesday the 24th is special (4
	// hours), Saturday the 27th is special (6 hours), Wednesday the 31st is
	// closed: 10 hours where the weekdays alone give 16.
	from, to := time.Date(2025, 12, 22, 0, 0, 0, 0, paris), time.Date(2026, 1, 1, 0, 0, 0, 0, paris)
	require.Equal(t, 10*time.Hour, c.Between(from, to))
	require.Equal(t, minuteWalk(c, from, to), c.Between(from, to))
	require.Equal(t, 2*time.Hour, c.Between(time.Date(2025, 12, 24, 11, 0, 0, 0, paris), time.Date(2025, 12, 24, 18, 0, 0, 0, paris)))
	out, err := json.Marshal(c)
	require.NoError(t, err)
	var back calendar.Calendar
	require.NoError(t, json.Unmarshal(out, &back))
	require.Equal(t, c.Special, back.Special)

	bad := []struct{ json, field string }{
		{`{"special": [{"date": "2025-12-32", "hours": []}]}`, "special[0].date"},
		{`{"special": [{"date": "2025-12-24", "hours": [{"start": "9", "end": "12:00"}]}]}`, "special[0].hours[0].start"},
		{`{"special": [{"date": "2025-12-24", "hours": [{"start": "09:00", "end": "12:00"}, {"start": "11:00", "end": "13:00"}]}]}`, "special[0].hours[1]"},
		{`{"special": [{"date": "2025-12-24", "hours": []}, {"date": "2025-12-24", "hours": []}]}`, "special[1].date"},
		{`{"holidays": ["2025-12-24"], "special": [{"date": "2025-12-24", "hours": []}]}`, "special[0].date"},
	}
	for _, b := range bad {
		var c calendar.Calendar
		err := json.Unmarshal([]byte(b.json), &c)
		var ce *calendar.Error
		require.ErrorAs(t, err, &ce, b.json)
		require.Equal(t, b.field, ce.Field, "%s: %v", b.json, err)
	}
}
