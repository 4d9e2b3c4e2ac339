// Package conformance is the machinery behind sourcetest: the corpus of
// queries, reports and filters, the generated conversations, and the
// reference that computes every point with a plain loop over them, reading
// the conversations' fields itself and never the library code under test.
// sourcetest exposes what a Source author calls; convreport's own tests
// (sqlsource's pushdown and decline tests, the engine's) use the corpus and
// Check directly.
package conformance

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"github.com/convreport/convreport/calendar"
	"math"
	"math/big"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // the corpus's zones load on any machine, with or without zone files

	"github.com/convreport/convreport"
)

// NewSource builds the source under test holding exactly cs.
type NewSource func(t *testing.T, cs []convreport.Conversation) convreport.Source

// RunN checks the source newSource builds on n generated conversations
// (seeded): every query of the corpus with every case, each point against
// the reference and each point's drill-down against the point.
func RunN(t *testing.T, newSource NewSource, n int, seed uint64) {
	t.Helper()
	run(t, newSource, Generate(n, seed))
}

// RunWholeSeconds is RunN on conversations whose times are whole seconds,
// as most helpdesk exports write them: a column store may keep such times
// in another form than times with nanoseconds, and both must agree with
// the reference.
func RunWholeSeconds(t *testing.T, newSource NewSource, n int, seed uint64) {
	t.Helper()
	cs := Generate(n, seed)
	for i := range cs {
		c := &cs[i]
		for _, at := range []*time.Time{&c.CreatedAt, &c.FirstAssignedAt, &c.FirstResponseAt, &c.ClosedAt} {
			*at = at.Truncate(time.Second) // keeps their order: Truncate never reorders
		}
	}
	run(t, newSource, cs)
}

func run(t *testing.T, newSource NewSource, cs []convreport.Conversation) {
	t.Helper()
	qs, err := queries()
	if err != nil {
		t.Fatal(err)
	}
	src := newSource(t, cs)
	eng := convreport.NewEngine(src)
	for _, q := range qs {
		for _, c := range Cases() {
			t.Run(q.Name+"/"+c.Name, func(t *testing.T) {
				if err := Check(context.Background(), eng, cs, q.Query, c); err != nil {
					t.Error(err)
				}
			})
		}
	}
}

// NamedQuery is a query of the corpus.
type NamedQuery struct {
	Name  string
	Query convreport.Query
}

// Queries returns the queries every case runs under: plain UTC, a
// European zone across both DST changes of 2025, and a zone with a
// 30-minute DST shift, with Sunday weeks. The zones come from the time zone
// database this package embeds (time/tzdata), so they load on any machine;
// Queries panics if one does not.
func Queries() []NamedQuery {
	qs, err := queries()
	if err != nil {
		panic(err)
	}
	return qs
}

func queries() ([]NamedQuery, error) {
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		return nil, fmt.Errorf("sourcetest: %w", err)
	}
	lordHowe, err := time.LoadLocation("Australia/Lord_Howe")
	if err != nil {
		return nil, fmt.Errorf("sourcetest: %w", err)
	}
	return []NamedQuery{
		{"utc-march", convreport.Query{From: time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2025, 4, 1, 0, 0, 0, 0, time.UTC), Now: time.Date(2025, 3, 20, 12, 0, 0, 0, time.UTC)}},
		{"paris-quarter", convreport.Query{From: time.Date(2025, 3, 1, 0, 0, 0, 0, paris), To: time.Date(2025, 11, 1, 0, 0, 0, 0, paris), Zone: paris, Now: time.Date(2025, 10, 26, 2, 30, 0, 0, paris)}},
		{"lordhowe-sunday", convreport.Query{From: time.Date(2025, 3, 30, 0, 0, 0, 0, lordHowe), To: time.Date(2025, 4, 20, 0, 0, 0, 0, lordHowe), Zone: lordHowe, WeekStart: calendar.Sunday, Now: time.Date(2025, 4, 6, 1, 45, 0, 0, lordHowe)}},
		{"paris-business-hours", businessHoursQuery(paris, lordHowe)},
	}, nil
}

// businessHoursQuery counts business hours: a Paris office with a holiday
// on the autumn DST day and a special day on the spring one, and the
// "Billing" inbox on Lord Howe's half-hour DST.
func businessHoursQuery(paris, lordHowe *time.Location) convreport.Query {
	office := calendar.OfficeHours(paris, calendar.At(9, 0), calendar.At(18, 0),
		calendar.Monday, calendar.Tuesday, calendar.Wednesday, calendar.Thursday, calendar.Friday)
	office.Name = "office"
	office.Holidays = []calendar.Date{{Year: 2025, Month: time.October, Day: 26}, {Year: 2025, Month: time.May, Day: 1}}
	office.Special = []calendar.SpecialDay{{Date: calendar.Date{Year: 2025, Month: time.March, Day: 30},
		Hours: []calendar.Hours{{Start: calendar.At(1, 0), End: calendar.At(4, 0)}}}}
	billing := &calendar.Calendar{Name: "billing", Zone: lordHowe}
	for d := calendar.Monday; d <= calendar.Sunday; d++ {
		billing.Week.SetDay(d, []calendar.Hours{{Start: calendar.At(1, 0), End: calendar.At(3, 0)}, {Start: calendar.At(8, 0), End: calendar.At(16, 0)}})
	}
	return convreport.Query{From: time.Date(2025, 3, 1, 0, 0, 0, 0, paris), To: time.Date(2025, 11, 1, 0, 0, 0, 0, paris), Zone: paris,
		Now: time.Date(2025, 10, 26, 2, 30, 0, 0, paris), Calendar: office,
		Calendars: &calendar.Set{Calendars: []*calendar.Calendar{office, billing}, Inboxes: map[string]string{"Billing": "billing"}}}
}

// Case is one report of the corpus, with the reference filter that means
// the same as its expression or conditions.
type Case struct {
	Name   string
	Report convreport.Report
	// Keep is the filter in plain Go; nil keeps every conversation.
	Keep func(c *convreport.Conversation, now time.Time, loc *time.Location) bool
}

// Cases returns the corpus of reports.
func Cases() []Case {
	avg := func(m convreport.Metric) convreport.Measure {
		return convreport.Measure{Agg: convreport.Average, Metric: m}
	}
	isChat := func(c *convreport.Conversation, _ time.Time, _ *time.Location) bool {
		return c.Channel == convreport.Chat
	}
	cases := []Case{
		{Name: "count", Report: convreport.Report{}},
		{Name: "count by assignee", Report: convreport.Report{Dimensions: []string{"Assignee"}}},
		{Name: "chat count by url", Report: convreport.Report{Dimensions: []string{"OriginURL"}, Filter: `Channel == "chat"`}, Keep: isChat},
		{Name: "count by channel and inbox", Report: convreport.Report{Dimensions: []string{"Channel", "Inbox"}}},
		{Name: "count by vip", Report: convreport.Report{Dimensions: []string{"VIP"}}},
		{Name: "avg first response by assignee", Report: convreport.Report{Dimensions: []string{"Assignee"}, Measure: avg(convreport.FirstResponseTime)}},
		{Name: "avg wait by team", Report: convreport.Report{Dimensions: []string{"Team"}, Measure: avg(convreport.WaitTime)}},
		{Name: "avg close by assignee on close date", Report: convreport.Report{Dimensions: []string{"Assignee"}, DateProperty: "ClosedAt", Measure: avg(convreport.TimeToClose)}},
		{Name: "closed count by assignee", Report: convreport.Report{Dimensions: []string{"Assignee"}, DateProperty: "ClosedAt"}},
		{Name: "median first response", Report: convreport.Report{Dimensions: []string{"Channel"}, Measure: convreport.Measure{Agg: convreport.Median, Metric: convreport.FirstResponseTime}}},
		{Name: "p90 wait", Report: convreport.Report{Measure: convreport.Measure{Agg: convreport.Percentile, P: 90, Metric: convreport.WaitTime}}},
		{Name: "p99.9 close", Report: convreport.Report{Measure: convreport.Measure{Agg: convreport.Percentile, P: 99.9, Metric: convreport.TimeToClose}}},
		{Name: "min and max", Report: convreport.Report{Dimensions: []string{"Inbox"}, Measure: convreport.Measure{Agg: convreport.Min, Metric: convreport.WaitTime}}},
		{Name: "max close", Report: convreport.Report{Dimensions: []string{"Inbox"}, Measure: convreport.Measure{Agg: convreport.Max, Metric: convreport.TimeToClose}}},
		{Name: "share within 5m", Report: convreport.Report{Dimensions: []string{"Assignee"}, Measure: convreport.Measure{Agg: convreport.ShareWithin, Metric: convreport.FirstResponseTime, Threshold: convreport.Duration(5 * time.Minute)}}},
		{Name: "open snapshot by inbox", Report: convreport.Report{Dimensions: []string{"Inbox"}, Snapshot: true}},
		{Name: "top 3 assignees", Report: convreport.Report{Dimensions: []string{"Assignee"}, Limit: 3}},
		{Name: "sorted by label", Report: convreport.Report{Dimensions: []string{"Assignee"}, Sort: convreport.ByLabelAsc}},
	}
	for _, b := range []convreport.Bucket{convreport.Hour, convreport.Day, convreport.Week, convreport.Month, convreport.Quarter, convreport.Year} {
		cases = append(cases,
			Case{Name: "count by " + string(b), Report: convreport.Report{Bucket: b}},
			Case{Name: "avg wait by " + string(b), Report: convreport.Report{Bucket: b, Measure: avg(convreport.WaitTime)}},
		)
	}
	cases = append(cases,
		Case{Name: "daily chats by channel", Report: convreport.Report{Bucket: convreport.Day, Dimensions: []string{"Channel"}}},
		Case{Name: "weekly closes", Report: convreport.Report{Bucket: convreport.Week, DateProperty: "ClosedAt"}},
		Case{Name: "weekly top 3 assignees", Report: convreport.Report{Bucket: convreport.Week, Dimensions: []string{"Assignee"}, Limit: 3,
			Measure: convreport.Measure{Agg: convreport.Median, Metric: convreport.WaitTime}}},
	)
	for _, f := range Filters() {
		cases = append(cases, Case{Name: "filter " + f.Expr, Report: convreport.Report{Dimensions: []string{"Assignee"}, Filter: f.Expr, Measure: avg(convreport.WaitTime)}, Keep: f.Keep})
	}
	cases = append(cases, Case{
		Name: "conditions",
		Report: convreport.Report{Dimensions: []string{"Inbox"}, Conditions: []convreport.Condition{
			{Property: "Inbox", Op: convreport.IsNoneOf, Values: []string{"Sales"}},
			{Property: "Assignee", Op: convreport.IsKnown},
			{Property: "IncomingMessages", Op: convreport.GreaterThan, Values: []string{"2"}},
		}},
		Keep: func(c *convreport.Conversation, _ time.Time, _ *time.Location) bool {
			return c.Inbox != "Sales" && c.Assignee != "" && c.IncomingMessages > 2
		},
	})
	return cases
}

// Filter is an expression and the same condition in Go.
type Filter struct {
	Expr string
	Keep func(c *convreport.Conversation, now time.Time, loc *time.Location) bool
}

// Filters returns the filter shapes of the corpus: equality, membership,
// ranges, known/unknown, string operators, custom properties, and
// residual expressions the engine cannot run natively.
func Filters() []Filter {
	type C = convreport.Conversation
	type L = *time.Location
	frt := func(c *C) (time.Duration, bool) { return metricOf(c, convreport.FirstResponseTime) }
	return []Filter{
		{`Channel == "email"`, func(c *C, _ time.Time, _ L) bool { return c.Channel == convreport.Email }},
		{`Channel != "email"`, func(c *C, _ time.Time, _ L) bool { return c.Channel != convreport.Email }},
		{`Inbox in ["Sales", "Billing"]`, func(c *C, _ time.Time, _ L) bool { return c.Inbox == "Sales" || c.Inbox == "Billing" }},
		{`Assignee not in ["rep-1", "rep-2"]`, func(c *C, _ time.Time, _ L) bool { return c.Assignee != "rep-1" && c.Assignee != "rep-2" }},
		{`Assignee == nil`, func(c *C, _ time.Time, _ L) bool { return c.Assignee == "" }},
		{`Assignee != nil && Team == "Support"`, func(c *C, _ time.Time, _ L) bool { return c.Assignee != "" && c.Team == "Support" }},
		{`OriginURL startsWith "https://example.com/docs"`, func(c *C, _ time.Time, _ L) bool { return strings.HasPrefix(c.OriginURL, "https://example.com/docs") }},
		{`Subject contains "refund" || Subject endsWith "?"`, func(c *C, _ time.Time, _ L) bool {
			return strings.Contains(c.Subject, "refund") || strings.HasSuffix(c.Subject, "?")
		}},
		{`FirstResponseTime > duration("5m")`, func(c *C, _ time.Time, _ L) bool { d, ok := frt(c); return ok && d > 5*time.Minute }},
		{`FirstResponseTime <= duration("1m") || FirstResponseTime == nil`, func(c *C, _ time.Time, _ L) bool { d, ok := frt(c); return !ok || d <= time.Minute }},
		{`ClosedAt < date("2025-03-15")`, func(c *C, _ time.Time, loc L) bool {
			return !c.ClosedAt.IsZero() && c.ClosedAt.Before(time.Date(2025, 3, 15, 0, 0, 0, 0, loc))
		}},
		{`CreatedAt >= daysAgo(7)`, func(c *C, now time.Time, loc L) bool {
			n := now.In(loc)
			return !c.CreatedAt.Before(time.Date(n.Year(), n.Month(), n.Day()-7, 0, 0, 0, 0, loc))
		}},
		{`IncomingMessages >= 3 && OutgoingMessages < 2`, func(c *C, _ time.Time, _ L) bool { return c.IncomingMessages >= 3 && c.OutgoingMessages < 2 }},
		{`!(Status == "open")`, func(c *C, _ time.Time, _ L) bool { return c.Status != convreport.Open }},
		{`VIP == true`, func(c *C, _ time.Time, _ L) bool { v, ok := c.Properties["VIP"].(bool); return ok && v }},
		{`Priority in ["high", "urgent"]`, func(c *C, _ time.Time, _ L) bool {
			p, _ := c.Properties["Priority"].(string)
			return p == "high" || p == "urgent"
		}},
		{`Score > 7.5`, func(c *C, _ time.Time, _ L) bool { s, ok := c.Properties["Score"].(float64); return ok && s > 7.5 }},
		{`lower(Subject) contains "refund"`, func(c *C, _ time.Time, _ L) bool { return strings.Contains(strings.ToLower(c.Subject), "refund") }},
		{`Channel == "chat" && IncomingMessages > OutgoingMessages`, func(c *C, _ time.Time, _ L) bool {
			return c.Channel == convreport.Chat && c.IncomingMessages > c.OutgoingMessages
		}},
	}
}

// Schema is the schema of the generated data: the built-in properties plus
// VIP (bool), Priority (enum) and Score (number).
func Schema() *convreport.Schema {
	s, err := convreport.NewSchema(
		convreport.Property{Name: "VIP", Kind: convreport.KindBool},
		convreport.Property{Name: "Priority", Kind: convreport.KindEnum, Values: []string{"low", "normal", "high", "urgent"}},
		convreport.Property{Name: "Score", Kind: convreport.KindNumber},
	)
	if err != nil {
		panic(err)
	}
	return s
}

// Generate returns n conversations (seeded) covering 2025-02-20 to
// 2025-11-05, with unknown values of every kind, instants near DST changes
// and sub-second times. They are valid against [Schema].
func Generate(n int, seed uint64) []convreport.Conversation {
	rng := rand.New(rand.NewPCG(seed, 0x5eed))
	start := time.Date(2025, 2, 20, 0, 0, 0, 0, time.UTC)
	span := time.Date(2025, 11, 5, 0, 0, 0, 0, time.UTC).Sub(start)
	// DST instants: a fifth of the rows fall within hours of one.
	dst := []time.Time{
		time.Date(2025, 3, 30, 1, 0, 0, 0, time.UTC),  // Europe, spring
		time.Date(2025, 10, 26, 1, 0, 0, 0, time.UTC), // Europe, autumn
		time.Date(2025, 4, 5, 15, 0, 0, 0, time.UTC),  // Lord Howe, autumn
		time.Date(2025, 10, 4, 15, 30, 0, 0, time.UTC),
	}
	pick := func(xs ...string) string { return xs[rng.IntN(len(xs))] }
	dur := func(max time.Duration) time.Duration {
		// log-uniform between 100 ms and max, at millisecond precision or finer
		f := rng.Float64()
		d := time.Duration(float64(100*time.Millisecond) * pow(float64(max)/float64(100*time.Millisecond), f))
		if rng.IntN(3) == 0 {
			d = d.Truncate(time.Second)
		}
		return d
	}
	out := make([]convreport.Conversation, n)
	for i := range out {
		c := &out[i]
		c.ID = fmt.Sprintf("conv-%05d", i)
		if rng.IntN(5) == 0 {
			c.CreatedAt = dst[rng.IntN(len(dst))].Add(time.Duration(rng.Int64N(int64(6*time.Hour))) - 3*time.Hour)
		} else {
			c.CreatedAt = start.Add(time.Duration(rng.Int64N(int64(span))))
		}
		c.Channel = convreport.Channels()[rng.IntN(len(convreport.Channels()))]
		if rng.IntN(2) == 0 {
			c.Channel = convreport.Chat
		} else if rng.IntN(2) == 0 {
			c.Channel = convreport.Email
		}
		c.Inbox = pick("Sales", "Support", "Billing", "Live chat", "")
		if rng.IntN(8) != 0 {
			c.Assignee = fmt.Sprintf("rep-%d", rng.IntN(9))
			c.Team = pick("Support", "Sales", "")
		}
		if c.Channel == convreport.Chat && rng.IntN(10) != 0 {
			c.OriginURL = pick("https://example.com/", "https://example.com/pricing", "https://example.com/docs/a", "https://example.com/docs/b?x=1", "https://example.com/blog/é")
		}
		c.Subject = pick("Refund please", "Question?", "REFUND now", "hello", "", "naïve \"quotes\"")
		c.IncomingMessages = rng.IntN(6)
		c.OutgoingMessages = rng.IntN(4)
		if rng.IntN(3) != 0 {
			c.FirstAssignedAt = c.CreatedAt.Add(dur(2 * time.Hour))
		}
		if rng.IntN(5) != 0 {
			base := c.CreatedAt
			if !c.FirstAssignedAt.IsZero() {
				base = c.FirstAssignedAt
			}
			c.FirstResponseAt = base.Add(dur(48 * time.Hour))
			// A rep who answers an unassigned conversation and is assigned
			// by or after the reply: the agent clock must run from
			// creation, never go negative.
			switch {
			case c.FirstAssignedAt.IsZero():
			case rng.IntN(8) == 0:
				c.FirstResponseAt = c.CreatedAt.Add((c.FirstAssignedAt.Sub(c.CreatedAt)) / 2)
			case rng.IntN(8) == 0:
				c.FirstResponseAt = c.FirstAssignedAt
			}
		}
		c.Status = convreport.Open
		if rng.IntN(4) != 0 {
			c.Status = convreport.Closed
			c.ClosedAt = c.CreatedAt.Add(dur(40 * 24 * time.Hour))
			if c.ClosedAt.Before(c.FirstResponseAt) {
				c.ClosedAt = c.FirstResponseAt.Add(time.Second)
			}
		}
		c.Properties = map[string]any{}
		if rng.IntN(3) == 0 {
			c.Properties["VIP"] = rng.IntN(2) == 0
		}
		if rng.IntN(2) == 0 {
			c.Properties["Priority"] = pick("low", "normal", "high", "urgent")
		}
		if rng.IntN(2) == 0 {
			c.Properties["Score"] = float64(rng.IntN(100)) / 10
		}
	}
	return out
}

func pow(x, y float64) float64 { return math.Pow(x, y) }

// Check runs case c for q through eng and compares every point with the
// reference computed from cs, then checks each point's drill-down. It
// returns every violation joined.
func Check(ctx context.Context, eng *convreport.Engine, cs []convreport.Conversation, q convreport.Query, c Case) error {
	res, err := eng.Run(ctx, q, c.Report)
	if err != nil {
		return fmt.Errorf("run: %w", err)
	}
	want, err := Reference(cs, q, c)
	if err != nil {
		return err
	}
	var errs []error
	if err := Compare(res[0], want); err != nil {
		errs = append(errs, err)
	}
	// Drill-downs reconcile with their points: same count, same value.
	step := max(1, len(res[0].Points)/16) // a sample of points keeps the corpus fast
	for i, p := range res[0].Points {
		if i%step != 0 && !p.Other && i != len(res[0].Points)-1 {
			continue
		}
		d, err := eng.DrillDown(ctx, q, c.Report, p)
		if err != nil {
			errs = append(errs, fmt.Errorf("drill %s: %w", keyOf(p), err))
			continue
		}
		var rows []convreport.Conversation
		for r := range d.All() {
			rows = append(rows, r)
		}
		if int64(len(rows)) != p.Count || int64(d.Len()) != p.Count {
			errs = append(errs, fmt.Errorf("drill %s: %d rows, point counts %d", keyOf(p), len(rows), p.Count))
			continue
		}
		v := measure(c.Report.Measure, rows, calendarsOf(q, c.Report))
		if p.Count > 0 && v != valueString(p) {
			errs = append(errs, fmt.Errorf("drill %s: measure over rows %s, point value %s", keyOf(p), v, valueString(p)))
		}
		// Pages of the first and last points: a source that declines
		// them re-reads the range through Scan for each.
		if !p.Other && (i == 0 || i == len(res[0].Points)-1) {
			if err := checkDrillPage(ctx, eng, q, c, p, rows); err != nil {
				errs = append(errs, fmt.Errorf("drill page %s: %w", keyOf(p), err))
			}
		}
	}
	return errors.Join(errs...)
}

// Compare checks a report's result against the reference's: the same
// points with the same counts and values, in the same order, and the same
// matched and excluded totals. It returns every difference joined.
func Compare(res convreport.Result, want RefResult) error {
	var errs []error
	got := map[string]RefPoint{}
	var order []string
	for _, p := range res.Points {
		k := keyOf(p)
		got[k] = RefPoint{Count: p.Count, Excluded: p.Excluded, Value: valueString(p)}
		order = append(order, k)
	}
	if len(got) != len(want.Points) {
		errs = append(errs, fmt.Errorf("%d points, want %d", len(got), len(want.Points)))
	}
	for k, w := range want.Points {
		g, ok := got[k]
		switch {
		case !ok:
			errs = append(errs, fmt.Errorf("point %s missing (want %+v)", k, w))
		case g != w:
			errs = append(errs, fmt.Errorf("point %s = %+v, want %+v", k, g, w))
		}
	}
	for k := range got {
		if _, ok := want.Points[k]; !ok {
			errs = append(errs, fmt.Errorf("unexpected point %s = %+v", k, got[k]))
		}
	}
	if !slices.Equal(order, want.Order) && len(errs) == 0 {
		errs = append(errs, fmt.Errorf("point order %q, want %q", order, want.Order))
	}
	if res.Matched != want.Matched || res.Excluded != want.Excluded {
		errs = append(errs, fmt.Errorf("matched/excluded = %d/%d, want %d/%d", res.Matched, res.Excluded, want.Matched, want.Excluded))
	}
	return errors.Join(errs...)
}

func valueString(p convreport.Point) string {
	if !p.Value.Valid {
		return "null"
	}
	return p.Value.Decimal.String()
}

func keyOf(p convreport.Point) string {
	var parts []string
	for _, d := range p.Dimensions {
		parts = append(parts, d.Label())
	}
	if p.Other {
		parts = []string{"Other"}
	}
	if !p.Bucket.IsZero() {
		parts = append(parts, p.Bucket.Format(time.RFC3339))
	}
	return strings.Join(parts, "|")
}

// RefPoint is a point as the reference computes it.
type RefPoint struct {
	Count, Excluded int64
	Value           string // decimal text, or "null"
}

// RefResult is a report as the reference computes it.
type RefResult struct {
	Points            map[string]RefPoint
	Order             []string
	Matched, Excluded int64
}

// Reference computes case c for q over cs with plain loops, independently
// of the engine.
func Reference(cs []convreport.Conversation, q convreport.Query, c Case) (RefResult, error) {
	r := c.Report
	loc := q.Zone
	if loc == nil {
		loc = time.UTC
	}
	from, to, now := q.From, q.To, q.Now
	dateOf := func(cv *convreport.Conversation) time.Time {
		switch r.DateProperty {
		case "ClosedAt":
			return cv.ClosedAt
		}
		return cv.CreatedAt
	}
	groups := map[string]*grp{}
	var matched, excluded int64
	for i := range cs {
		cv := &cs[i]
		if r.Snapshot {
			if cv.CreatedAt.After(now) || (!cv.ClosedAt.IsZero() && !cv.ClosedAt.After(now)) {
				continue
			}
		} else {
			d := dateOf(cv)
			if d.IsZero() || d.Before(from) || !d.Before(to) {
				continue
			}
		}
		if c.Keep != nil && !c.Keep(cv, now, loc) {
			continue
		}
		var dims []string
		var known []bool
		for _, name := range r.Dimensions {
			s, ok := refValue(cv, name)
			dims = append(dims, s)
			known = append(known, ok)
		}
		var b time.Time
		if r.Bucket != "" {
			b = refBucket(dateOf(cv), r.Bucket, loc, q.WeekStart.Std())
		}
		k := fmt.Sprint(dims, known, b.Unix())
		g := groups[k]
		if g == nil {
			g = &grp{dims: dims, known: known, bucket: b}
			groups[k] = g
		}
		matched++
		if _, ok := metricOf(cv, r.Measure.Metric); r.Measure.Metric != "" && !ok {
			g.excl++
			excluded++
			continue
		}
		g.rows = append(g.rows, *cv)
	}
	out := RefResult{Points: map[string]RefPoint{}, Matched: matched, Excluded: excluded}
	if r.Bucket == "" {
		var gs []*grp
		for _, g := range groups {
			if len(g.rows) > 0 {
				gs = append(gs, g)
			}
		}
		// Each group's value once: the sort compares it many times, and a
		// measure is exact arithmetic over every row of the group.
		values := make(map[*grp]string, len(gs))
		rats := make(map[*grp]*big.Rat, len(gs))
		for _, g := range gs {
			values[g] = measure(r.Measure, g.rows, calendarsOf(q, r))
			rats[g] = decimalRat(values[g])
		}
		value := func(g *grp) string { return values[g] }
		sort.SliceStable(gs, func(i, j int) bool {
			a, b := gs[i], gs[j]
			lc := compareLabels(a, b)
			switch r.Sort {
			case convreport.ByLabelAsc:
				return lc < 0
			case convreport.ByLabelDesc:
				return lc > 0
			}
			vc := rats[a].Cmp(rats[b])
			if r.Sort != convreport.ByValueAsc {
				vc = -vc
			}
			if vc != 0 {
				return vc < 0
			}
			return lc < 0
		})
		var other []convreport.Conversation
		var otherExcl int64
		for i, g := range gs {
			if r.Limit > 0 && i >= r.Limit {
				other = append(other, g.rows...)
				otherExcl += g.excl
				continue
			}
			k := label(g)
			out.Points[k] = RefPoint{Count: int64(len(g.rows)), Excluded: g.excl, Value: value(g)}
			out.Order = append(out.Order, k)
		}
		if r.Limit > 0 && len(gs) > r.Limit {
			out.Points["Other"] = RefPoint{Count: int64(len(other)), Excluded: otherExcl, Value: measure(r.Measure, other, calendarsOf(q, r))}
			out.Order = append(out.Order, "Other")
		}
		return out, nil
	}
	// Time series: every bucket of the range for every series with data.
	var starts []time.Time
	for b := refBucket(from, r.Bucket, loc, q.WeekStart.Std()); b.Before(to); b = refNext(b, r.Bucket, loc) {
		starts = append(starts, b)
	}
	series := map[string]*grp{}
	var skeys []string
	for _, g := range groups {
		sk := label(g)
		if _, ok := series[sk]; !ok {
			series[sk] = g
			skeys = append(skeys, sk)
		}
	}
	if len(r.Dimensions) == 0 && len(series) == 0 {
		series[""] = &grp{}
		skeys = append(skeys, "")
	}
	var live []string
	for _, sk := range skeys {
		has := len(r.Dimensions) == 0
		for _, g := range groups {
			if label(g) == sk && len(g.rows) > 0 {
				has = true
			}
		}
		if has {
			live = append(live, sk)
		}
	}
	sortLabels(live, series)
	// Series beyond the Limit, ranked by conversations then label, fold
	// into one "Other" series.
	var folded []string
	if r.Limit > 0 && len(r.Dimensions) > 0 && len(live) > r.Limit {
		total := map[string]int{}
		for _, g := range groups {
			total[label(g)] += len(g.rows)
		}
		ranked := slices.Clone(live)
		slices.SortStableFunc(ranked, func(a, b string) int { return cmp.Compare(total[b], total[a]) }) // live is in label order
		keep := map[string]bool{}
		for _, sk := range ranked[:r.Limit] {
			keep[sk] = true
		}
		var kept []string
		for _, sk := range live {
			if keep[sk] {
				kept = append(kept, sk)
			} else {
				folded = append(folded, sk)
			}
		}
		live = kept
	}
	byKey := map[string]*grp{}
	for _, g := range groups {
		byKey[label(g)+"@"+g.bucket.Format(time.RFC3339)] = g
	}
	for _, b := range starts {
		for _, sk := range live {
			var rows []convreport.Conversation
			var excl int64
			if g := byKey[sk+"@"+b.Format(time.RFC3339)]; g != nil {
				rows, excl = g.rows, g.excl
			}
			k := b.Format(time.RFC3339)
			if sk != "" {
				k = sk + "|" + k
			}
			v := measure(r.Measure, rows, calendarsOf(q, r))
			if len(rows) == 0 && r.Measure.Agg != "" && r.Measure.Agg != convreport.Count {
				v = "null"
			}
			out.Points[k] = RefPoint{Count: int64(len(rows)), Excluded: excl, Value: v}
			out.Order = append(out.Order, k)
		}
		if len(folded) > 0 {
			var rows []convreport.Conversation
			var excl int64
			for _, sk := range folded {
				if g := byKey[sk+"@"+b.Format(time.RFC3339)]; g != nil {
					rows = append(rows, g.rows...)
					excl += g.excl
				}
			}
			v := measure(r.Measure, rows, calendarsOf(q, r))
			if len(rows) == 0 && r.Measure.Agg != "" && r.Measure.Agg != convreport.Count {
				v = "null"
			}
			k := "Other|" + b.Format(time.RFC3339)
			out.Points[k] = RefPoint{Count: int64(len(rows)), Excluded: excl, Value: v}
			out.Order = append(out.Order, k)
		}
	}
	return out, nil
}

type grp struct {
	dims   []string
	known  []bool
	bucket time.Time
	rows   []convreport.Conversation
	excl   int64
}

func label(g *grp) string {
	parts := make([]string, len(g.dims))
	for i := range g.dims {
		parts[i] = g.dims[i]
		if !g.known[i] {
			parts[i] = "(no value)"
		}
	}
	return strings.Join(parts, "|")
}

// compareLabels orders groups by their dimension values, the group with no
// value after every named one.
func compareLabels(a, b *grp) int {
	for i := range a.dims {
		if a.known[i] != b.known[i] {
			if a.known[i] {
				return -1
			}
			return 1
		}
		if c := cmp.Compare(a.dims[i], b.dims[i]); c != 0 {
			return c
		}
	}
	return 0
}

func sortLabels(keys []string, series map[string]*grp) {
	slices.SortFunc(keys, func(a, b string) int { return compareLabels(series[a], series[b]) })
}

func metricOf(c *convreport.Conversation, m convreport.Metric) (time.Duration, bool) {
	switch m {
	case convreport.FirstResponseTime:
		if c.FirstResponseAt.IsZero() {
			return 0, false
		}
		// The rep's clock starts at an assignment strictly before the
		// reply, else at creation.
		start := c.CreatedAt
		if !c.FirstAssignedAt.IsZero() && c.FirstAssignedAt.Before(c.FirstResponseAt) {
			start = c.FirstAssignedAt
		}
		return c.FirstResponseAt.Sub(start), true
	case convreport.WaitTime:
		if c.FirstResponseAt.IsZero() {
			return 0, false
		}
		return c.FirstResponseAt.Sub(c.CreatedAt), true
	case convreport.TimeToClose:
		if c.ClosedAt.IsZero() {
			return 0, false
		}
		return c.ClosedAt.Sub(c.CreatedAt), true
	}
	return 0, false
}

// calendarsOf returns the reference's calendar of each conversation of
// report r under q: nil for calendar time; else the inbox's calendar in
// q.Calendars.Inboxes, or the calendar r names in q.Calendars, or
// q.Calendar.
func calendarsOf(q convreport.Query, r convreport.Report) func(*convreport.Conversation) *calendar.Calendar {
	named := func(name string) *calendar.Calendar {
		if q.Calendars != nil {
			for _, c := range q.Calendars.Calendars {
				if c.Name == name {
					return c
				}
			}
		}
		return nil
	}
	def := q.Calendar
	if r.Calendar != "" {
		def = named(r.Calendar)
	}
	return func(c *convreport.Conversation) *calendar.Calendar {
		if def == nil {
			return nil
		}
		if q.Calendars != nil {
			if name, ok := q.Calendars.Inboxes[c.Inbox]; ok {
				return named(name)
			}
		}
		return def
	}
}

// measure computes m over rows with exact rational arithmetic, as decimal
// text rounded half away from zero to thousandths ("null" when a duration
// aggregate has no rows).
//
// Like the rest of the reference, it reads the conversations' fields itself
// and computes business time by its own method, never through the library
// code a source is checked against.
// countedMetric is the metric of cv as a report counts it: in business
// time when cv's calendar (from calendarOf, which may be nil) says so.
func countedMetric(cv *convreport.Conversation, metric convreport.Metric, calendarOf func(*convreport.Conversation) *calendar.Calendar) (time.Duration, bool) {
	d, ok := metricOf(cv, metric)
	if !ok || calendarOf == nil {
		return d, ok
	}
	if cal := calendarOf(cv); cal != nil {
		start, end := cv.FirstResponseAt.Add(-d), cv.FirstResponseAt
		if metric == convreport.TimeToClose {
			start, end = cv.CreatedAt, cv.ClosedAt
		}
		d = businessTime(cal, start, end)
	}
	return d, true
}

func measure(m convreport.Measure, rows []convreport.Conversation, calendarOf func(*convreport.Conversation) *calendar.Calendar) string {
	if m.Agg == "" || m.Agg == convreport.Count {
		return fmt.Sprint(len(rows))
	}
	if len(rows) == 0 {
		return "null"
	}
	var ds []*big.Rat // seconds
	for i := range rows {
		d, ok := countedMetric(&rows[i], m.Metric, calendarOf)
		if !ok {
			return "metric missing on a drilled row"
		}
		ds = append(ds, new(big.Rat).SetFrac64(int64(d), 1e9))
	}
	sorted := slices.Clone(ds)
	slices.SortFunc(sorted, func(a, b *big.Rat) int { return a.Cmp(b) })
	n := len(ds)
	var v *big.Rat
	switch m.Agg {
	case convreport.Average:
		v = new(big.Rat)
		for _, d := range ds {
			v.Add(v, d)
		}
		v.Quo(v, new(big.Rat).SetInt64(int64(n)))
	case convreport.Min:
		v = sorted[0]
	case convreport.Max:
		v = sorted[n-1]
	case convreport.Median, convreport.Percentile:
		p := 50.0
		if m.Agg == convreport.Percentile {
			p = m.P
		}
		// nearest rank: the smallest r with r/n >= p/100
		// P is read to a millionth, as the engine does: 99.9 means 99.9,
		// not the float64 just above it.
		pr := big.NewRat(int64(p*1e6+0.5), 1e6)
		r := 1
		for ; r < n; r++ {
			lhs := new(big.Rat).SetFrac64(int64(r)*100, int64(n))
			if lhs.Cmp(pr) >= 0 {
				break
			}
		}
		v = sorted[r-1]
	case convreport.ShareWithin:
		th := new(big.Rat).SetFrac64(int64(m.Threshold), 1e9)
		k := 0
		for _, d := range ds {
			if d.Cmp(th) <= 0 {
				k++
			}
		}
		v = new(big.Rat).SetFrac64(int64(k)*100, int64(n))
	default:
		return "unknown aggregation"
	}
	return roundMillis(v)
}

// roundMillis writes v rounded half away from zero to three decimals, in
// the shortest form (as decimal.Decimal.String does).
func roundMillis(v *big.Rat) string {
	x := new(big.Rat).Mul(v, big.NewRat(1000, 1))
	neg := x.Sign() < 0
	x.Abs(x)
	x.Add(x, big.NewRat(1, 2))
	q := new(big.Int).Quo(x.Num(), x.Denom())
	if neg {
		q.Neg(q)
	}
	out := new(big.Rat).SetFrac(q, big.NewInt(1000)).FloatString(3)
	out = strings.TrimRight(out, "0")
	return strings.TrimSuffix(out, ".")
}

func decimalRat(s string) *big.Rat {
	r, ok := new(big.Rat).SetString(s)
	if !ok {
		return new(big.Rat)
	}
	return r
}

// refBucket is the start of t's bucket, from calendar arithmetic in loc.
func refBucket(t time.Time, b convreport.Bucket, loc *time.Location, weekStart time.Weekday) time.Time {
	l := t.In(loc)
	y, m, d := l.Date()
	switch b {
	case convreport.Hour:
		// The latest instant at or before t whose wall clock reads hh:00.
		// Every offset in use is a multiple of 15 minutes.
		h := t.Truncate(15 * time.Minute)
		for h.In(loc).Minute() != 0 {
			h = h.Add(-15 * time.Minute)
		}
		return h.In(loc)
	case convreport.Day:
		return time.Date(y, m, d, 0, 0, 0, 0, loc)
	case convreport.Week:
		back := (int(l.Weekday()) - int(weekStart) + 7) % 7
		return time.Date(y, m, d-back, 0, 0, 0, 0, loc)
	case convreport.Month:
		return time.Date(y, m, 1, 0, 0, 0, 0, loc)
	case convreport.Quarter:
		return time.Date(y, m-(m-1)%3, 1, 0, 0, 0, 0, loc)
	case convreport.Year:
		return time.Date(y, 1, 1, 0, 0, 0, 0, loc)
	}
	panic("bucket " + string(b))
}

func refNext(t time.Time, b convreport.Bucket, loc *time.Location) time.Time {
	l := t.In(loc)
	y, m, d := l.Date()
	switch b {
	case convreport.Hour:
		u := t.Add(15 * time.Minute)
		for u.In(loc).Minute() != 0 {
			u = u.Add(15 * time.Minute)
		}
		return u.In(loc)
	case convreport.Day:
		return time.Date(y, m, d+1, 0, 0, 0, 0, loc)
	case convreport.Week:
		return time.Date(y, m, d+7, 0, 0, 0, 0, loc)
	case convreport.Month:
		return time.Date(y, m+1, 1, 0, 0, 0, 0, loc)
	case convreport.Quarter:
		return time.Date(y, m+3, 1, 0, 0, 0, 0, loc)
	case convreport.Year:
		return time.Date(y+1, 1, 1, 0, 0, 0, 0, loc)
	}
	panic("bucket " + string(b))
}

// refValue is the text of a dimension of cv and whether it is known, read
// from the fields directly: the built-in string properties, with the
// documented defaults of an empty Channel and Status, and the custom
// properties of [Schema].
func refValue(cv *convreport.Conversation, name string) (string, bool) {
	var s string
	switch name {
	case "Channel":
		s = string(cv.Channel)
		if s == "" {
			s = string(convreport.Other)
		}
	case "Status":
		switch {
		case cv.Status != "":
			s = string(cv.Status)
		case cv.ClosedAt.IsZero():
			s = string(convreport.Open)
		default:
			s = string(convreport.Closed)
		}
	case "Inbox":
		s = cv.Inbox
	case "Assignee":
		s = cv.Assignee
	case "Team":
		s = cv.Team
	case "ClosedBy":
		s = cv.ClosedBy
	case "OriginURL":
		s = cv.OriginURL
	case "Chatflow":
		s = cv.Chatflow
	case "Source":
		s = cv.Source
	case "ContactID":
		s = cv.ContactID
	case "Subject":
		s = cv.Subject
	default:
		v, ok := cv.Properties[name]
		if !ok || v == nil {
			return "", false
		}
		return fmt.Sprint(v), true
	}
	return s, s != ""
}

// businessTime is the open time of cal within [a, b), found date by date
// in the calendar's zone: each opening interval of a date that is not a
// holiday becomes two instants through time.Date, clipped to [a, b). The
// library walks the zone's periods of constant offset instead; the two
// agree wherever no opening or closing time falls in an hour the clock
// skips, which holds for the zones and hours of this suite.
func businessTime(cal *calendar.Calendar, a, b time.Time) time.Duration {
	if !a.Before(b) {
		return 0
	}
	loc := cal.Zone
	if loc == nil {
		loc = time.UTC
	}
	holiday := map[calendar.Date]bool{}
	for _, h := range cal.Holidays {
		holiday[h] = true
	}
	special := map[calendar.Date][]calendar.Hours{}
	for _, s := range cal.Special {
		special[s.Date] = s.Hours
	}
	var total time.Duration
	// From the day before a's date to the day after b's: a wall clock may
	// read another date than the instant's UTC one.
	first := a.In(loc).AddDate(0, 0, -1)
	last := b.In(loc).AddDate(0, 0, 1)
	day := time.Date(first.Year(), first.Month(), first.Day(), 12, 0, 0, 0, time.UTC)
	end := time.Date(last.Year(), last.Month(), last.Day(), 12, 0, 0, 0, time.UTC)
	for ; !day.After(end); day = day.AddDate(0, 0, 1) {
		y, m, d := day.Date()
		if holiday[calendar.Date{Year: y, Month: m, Day: d}] {
			continue
		}
		hours, isSpecial := special[calendar.Date{Year: y, Month: m, Day: d}]
		if !isSpecial {
			hours = cal.Week.Day(calendar.WeekdayOf(day.Weekday()))
		}
		for _, h := range hours {
			s := time.Date(y, m, d, 0, int(h.Start), 0, 0, loc)
			e := time.Date(y, m, d, 0, int(h.End), 0, 0, loc)
			if s.Before(a) {
				s = a
			}
			if e.After(b) {
				e = b
			}
			if e.After(s) {
				total += e.Sub(s)
			}
		}
	}
	return total
}

// checkDrillPage checks Engine.DrillPage for point p against the rows of
// its drill-down: the same total, the same rows in the order of
// Drill.SortBy, the measure over them equal to the point's value, and a
// page from the middle equal to that slice.
func checkDrillPage(ctx context.Context, eng *convreport.Engine, q convreport.Query, c Case, p convreport.Point, drilled []convreport.Conversation) error {
	// By inbox, or the slowest first, as a user would look at a metric.
	sort, desc, metric := "Inbox", false, c.Report.Measure.Metric
	switch metric {
	case convreport.FirstResponseTime:
		sort, desc = "FirstResponseTime", true
	case convreport.WaitTime:
		sort, desc = "WaitTime", true
	case convreport.TimeToClose:
		sort, desc = "TimeToClose", true
	}
	// Sorted by the metric as the report counts it, business time included.
	want := sortedIDs(drilled, sort, metric, desc, calendarsOf(q, c.Report))
	if len(want) > convreport.MaxPageSize {
		return nil // the page cap: the drill-down above covers such points
	}
	all, err := eng.DrillPage(ctx, q, c.Report, p, sort, desc, 0, len(want))
	if err != nil {
		return err
	}
	if int64(all.Total) != p.Count || len(all.Rows) != len(want) {
		return fmt.Errorf("total %d and %d rows, point counts %d", all.Total, len(all.Rows), p.Count)
	}
	for i, r := range all.Rows {
		if r.ID != want[i] {
			return fmt.Errorf("row %d is %q, want %q (sorted by %s, desc %v)", i, r.ID, want[i], sort, desc)
		}
	}
	if v := measure(c.Report.Measure, all.Rows, calendarsOf(q, c.Report)); p.Count > 0 && v != valueString(p) {
		return fmt.Errorf("measure over the page %s, point value %s", v, valueString(p))
	}
	mid := len(want) / 2
	page, err := eng.DrillPage(ctx, q, c.Report, p, sort, desc, mid, 3)
	if err != nil {
		return err
	}
	if page.Total != len(want) || len(page.Rows) != min(3, len(want)-mid) {
		return fmt.Errorf("page at %d: total %d, %d rows", mid, page.Total, len(page.Rows))
	}
	for i, r := range page.Rows {
		if r.ID != want[mid+i] {
			return fmt.Errorf("page at %d: row %d is %q, want %q", mid, i, r.ID, want[mid+i])
		}
	}
	return nil
}

// sortedIDs orders the rows as the reference sorts a drill-down: known
// values of the sort key first, in order (reversed when desc), ties and
// unknown values by ID. The key is the metric's duration, or without one
// the string property, read from the fields as the rest of the reference
// reads them.
func sortedIDs(rows []convreport.Conversation, property string, metric convreport.Metric, desc bool, calendarOf func(*convreport.Conversation) *calendar.Calendar) []string {
	type kv struct {
		id    string
		d     time.Duration
		s     string
		known bool
	}
	keyed := make([]kv, len(rows))
	for i := range rows {
		k := kv{id: rows[i].ID}
		if metric != "" {
			k.d, k.known = countedMetric(&rows[i], metric, calendarOf)
		} else {
			k.s, k.known = refValue(&rows[i], property)
		}
		keyed[i] = k
	}
	slices.SortFunc(keyed, func(a, b kv) int {
		if a.known != b.known {
			if a.known {
				return -1
			}
			return 1
		}
		r := 0
		if a.known {
			r = cmp.Or(cmp.Compare(a.d, b.d), strings.Compare(a.s, b.s))
			if desc {
				r = -r
			}
		}
		return cmp.Or(r, strings.Compare(a.id, b.id))
	})
	out := make([]string, len(keyed))
	for i, k := range keyed {
		out[i] = k.id
	}
	return out
}
