package convreport_test

import (
	"context"
	"errors"
	"fmt"
	"github.com/convreport/convreport/calendar"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/memory"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

func slaMeasure(agg convreport.Aggregation, target convreport.SLATargetKind) convreport.Measure {
	return convreport.Measure{Agg: agg, SLA: "std", Target: target}
}

// TestSLAEdges checks the documented edges on a fixture small enough to
// compute by hand, in calendar time, with Now at 12:00.
func TestSLAEdges(t *testing.T) {
	day := time.Date(2026, 2, 2, 0, 0, 0, 0, time.UTC)
	at := func(h, m int) time.Time { return day.Add(time.Duration(h)*time.Hour + time.Duration(m)*time.Minute) }
	now := at(12, 0)
	cs := []convreport.Conversation{
		// Answered exactly at the 10-minute target: met. Closed after 2h
		// exactly at the close target: met.
		{ID: "exact", Channel: convreport.Chat, Inbox: "a", CreatedAt: at(8, 0), FirstResponseAt: at(8, 10), ClosedAt: at(10, 0)},
		// Answered a minute late (1m over); closed 30m late.
		{ID: "late", Channel: convreport.Chat, Inbox: "a", CreatedAt: at(8, 0), FirstResponseAt: at(8, 11), ClosedAt: at(10, 30)},
		// Open and unanswered at Now, created 3h before: both breached,
		// by 2h50m and 1h so far.
		{ID: "waiting", Channel: convreport.Chat, Inbox: "b", CreatedAt: at(9, 0)},
		// Open, created 5 minutes before Now: pending for both.
		{ID: "fresh", Channel: convreport.Chat, Inbox: "b", CreatedAt: at(11, 55)},
		// Closed without a reply after 5 minutes: the close stops the
		// first-response clock (met), and the close target is met.
		{ID: "abandoned", Channel: convreport.Chat, Inbox: "b", CreatedAt: at(11, 0), ClosedAt: at(11, 5)},
		// Answered after Now: at Now it was still waiting, 20 minutes in
		// (10m over); its close, after Now too, is pending (20m < 2h).
		{ID: "future-reply", Channel: convreport.Chat, Inbox: "a", CreatedAt: at(11, 40), FirstResponseAt: at(12, 30), ClosedAt: at(13, 0)},
		// Created after Now: pending.
		{ID: "after-now", Channel: convreport.Chat, Inbox: "a", CreatedAt: at(12, 30)},
		// An email: not covered by the policy.
		{ID: "email", Channel: convreport.Email, Inbox: "a", CreatedAt: at(8, 0)},
	}
	src, err := memory.New(cs)
	require.NoError(t, err)
	eng := convreport.NewEngine(src)
	set := &convreport.SLASet{Policies: []*convreport.SLAPolicy{{
		Name: "std", Filter: `Channel == "chat"`,
		FirstResponse: &convreport.SLATarget{Within: convreport.Duration(10 * time.Minute)},
		Close:         &convreport.SLATarget{Within: convreport.Duration(2 * time.Hour)},
	}}}
	q := convreport.Query{From: day, To: day.AddDate(0, 0, 1), Now: now, SLA: set}
	run := func(r convreport.Report) convreport.Result {
		t.Helper()
		res, err := eng.Run(context.Background(), q, r)
		require.NoError(t, err)
		return res[0]
	}
	fr, cl := convreport.FirstResponseTarget, convreport.CloseTarget

	// First response: decided exact, late, waiting, abandoned,
	// future-reply (5); met exact and abandoned (2); breaches late (1m),
	// waiting (2h50m), future-reply (10m); pending fresh, after-now.
	res := run(convreport.Report{Name: "met", Measure: slaMeasure(convreport.SLAMet, fr)})
	require.Equal(t, []pt{{"", "40", 5, 2}}, points(res))
	require.Equal(t, int64(3), res.Points[0].Breaches)
	require.Equal(t, "sla_met_std_first_response", res.Report.Measure.Key())
	require.Equal(t, []pt{{"", "3", 5, 2}}, points(run(convreport.Report{Name: "b", Measure: slaMeasure(convreport.SLABreaches, fr)})))
	require.Equal(t, []pt{{"", "10860", 5, 2}}, points(run(convreport.Report{Name: "t", Measure: slaMeasure(convreport.SLATotalOver, fr)})))
	require.Equal(t, []pt{{"", "3620", 5, 2}}, points(run(convreport.Report{Name: "a", Measure: slaMeasure(convreport.SLAAvgOver, fr)})))

	// Close: decided exact (met), late (30m over), waiting (3h > 2h: 1h
	// over), abandoned (met); pending fresh, future-reply, after-now.
	res = run(convreport.Report{Name: "met", Measure: slaMeasure(convreport.SLAMet, cl), Dimensions: []string{"Inbox"}, Sort: convreport.ByLabelAsc})
	require.Equal(t, []pt{{"a", "50", 2, 2}, {"b", "50", 2, 1}}, points(res))
	require.Equal(t, []pt{{"", "2700", 4, 3}}, points(run(convreport.Report{Name: "a", Measure: slaMeasure(convreport.SLAAvgOver, cl)})))

	// The report's filter narrows the policy's: inbox b only (waiting
	// breached, abandoned met, fresh pending).
	require.Equal(t, []pt{{"", "1", 2, 1}}, points(run(convreport.Report{Name: "b", Filter: `Inbox == "b"`, Measure: slaMeasure(convreport.SLABreaches, fr)})))

	// No breaches: the average over has no value, the total is 0, the
	// share is 100.
	r := convreport.Report{Name: "none", Filter: `ID == "exact"`}
	r.Measure = slaMeasure(convreport.SLAAvgOver, fr)
	require.Equal(t, []pt{{"", "", 1, 0}}, points(run(r)))
	r.Measure = slaMeasure(convreport.SLATotalOver, fr)
	require.Equal(t, []pt{{"", "0", 1, 0}}, points(run(r)))
	r.Measure = slaMeasure(convreport.SLAMet, fr)
	require.Equal(t, []pt{{"", "100", 1, 0}}, points(run(r)))
	// Nothing decided: no point, as a duration measure has none for a
	// group whose conversations are all excluded.
	r.Filter = `ID == "fresh"`
	res = run(r)
	require.Empty(t, res.Points)
	require.Equal(t, int64(1), res.Excluded)
	r.Measure = slaMeasure(convreport.SLABreaches, fr)
	require.Empty(t, run(r).Points)

	// The drill-down of a point lists its breaches.
	r = convreport.Report{Name: "met", Measure: slaMeasure(convreport.SLAMet, fr), Dimensions: []string{"Inbox"}, Sort: convreport.ByLabelAsc}
	res = run(r)
	var ids []string
	for _, p := range res.Points {
		d, err := eng.DrillDown(context.Background(), q, r, p)
		require.NoError(t, err)
		require.Equal(t, int(p.Breaches), d.Len())
		for c := range d.All() {
			ids = append(ids, c.ID)
		}
	}
	require.Equal(t, []string{"late", "future-reply", "waiting"}, ids)
}

// slaRef is the reference for one conversation: its state under a target
// and the time over it, computed from the documented rules with the
// minute walk for business time (cal nil: calendar time).
// slaRefs is slaRef for one target, limit, calendar choice and Now,
// remembered for each conversation's times and inbox, all slaRef reads
// of it: a business-time answer walks the clock a minute at a time, for
// months when a conversation is still pending, and the drill-downs and
// the daily report ask again about the conversations the per-inbox
// reference has walked.
func slaRefs(kind convreport.SLATargetKind, within time.Duration, calOf func(convreport.Conversation) *calendar.Calendar, now time.Time) func(convreport.Conversation) (string, time.Duration) {
	type key struct {
		created, response, closed time.Time
		inbox                     string
	}
	type answer struct {
		state string
		over  time.Duration
	}
	seen := map[key]answer{}
	return func(c convreport.Conversation) (string, time.Duration) {
		k := key{c.CreatedAt.UTC(), c.FirstResponseAt.UTC(), c.ClosedAt.UTC(), c.Inbox}
		a, ok := seen[k]
		if !ok {
			a.state, a.over = slaRef(c, kind, within, calOf(c), now)
			seen[k] = a
		}
		return a.state, a.over
	}
}

func slaRef(c convreport.Conversation, kind convreport.SLATargetKind, within time.Duration, cal *calendar.Calendar, now time.Time) (state string, over time.Duration) {
	if c.CreatedAt.After(now) {
		return "pending", 0
	}
	var stop time.Time
	if !c.ClosedAt.IsZero() && !c.ClosedAt.After(now) {
		stop = c.ClosedAt
	}
	if kind == convreport.FirstResponseTarget && !c.FirstResponseAt.IsZero() && !c.FirstResponseAt.After(now) && (stop.IsZero() || c.FirstResponseAt.Before(stop)) {
		stop = c.FirstResponseAt
	}
	end := stop
	if end.IsZero() {
		end = now
	}
	elapsed := end.Sub(c.CreatedAt)
	if cal != nil {
		elapsed = minuteWalk(cal, c.CreatedAt, end)
	}
	switch {
	case elapsed > within:
		return "breached", elapsed - within
	case !stop.IsZero():
		return "met", 0
	}
	return "pending", 0
}

// TestSLAAgainstReference runs every SLA measure, by inbox and by day, in
// business time over the DST changes of Paris and New York (with holidays
// on DST days and per-inbox calendars) and in calendar time, against the
// reference loop; and checks that each point's drill-down lists exactly
// its breaches, whose recomputed values equal the point's.
func TestSLAAgainstReference(t *testing.T) {
	paris, ny := zone(t, "Europe/Paris"), zone(t, "America/New_York")
	pa := &calendar.Calendar{Name: "paris", Zone: paris, Holidays: []calendar.Date{{Year: 2025, Month: time.October, Day: 26}, {Year: 2025, Month: time.March, Day: 30}}}
	for _, d := range workweek {
		pa.Week.SetDay(d, []calendar.Hours{{Start: calendar.At(8, 30), End: calendar.At(12, 0)}, {Start: calendar.At(13, 0), End: calendar.At(18, 0)}})
	}
	pa.Week.SetDay(calendar.Sunday, []calendar.Hours{{Start: calendar.At(1, 0), End: calendar.At(4, 0)}})
	us := &calendar.Calendar{Name: "us", Zone: ny, Holidays: []calendar.Date{{Year: 2025, Month: time.March, Day: 9}}}
	for d := calendar.Monday; d <= calendar.Sunday; d++ {
		us.Week.SetDay(d, []calendar.Hours{{Start: calendar.At(0, 0), End: calendar.At(3, 30)}, {Start: calendar.At(9, 0), End: calendar.At(17, 0)}})
	}
	cals := &calendar.Set{Calendars: []*calendar.Calendar{pa, us}, Inboxes: map[string]string{"US": "us"}}

	rng := rand.New(rand.NewPCG(18, 2))
	centres := []time.Time{
		time.Date(2025, 3, 30, 1, 0, 0, 0, time.UTC), time.Date(2025, 10, 26, 1, 0, 0, 0, time.UTC),
		time.Date(2025, 3, 9, 7, 0, 0, 0, time.UTC),
	}
	// Now falls among the October conversations, so some are still open
	// or unanswered at Now, some answered after it, some created after it.
	now := time.Date(2025, 10, 26, 9, 0, 0, 0, time.UTC)
	var cs []convreport.Conversation
	inboxes := []string{"US", "EU", ""}
	channels := []convreport.Channel{convreport.Chat, convreport.Chat, convreport.Email}
	for i := range 120 {
		created := centres[i%len(centres)].Add(time.Duration(rng.IntN(4*24*60)-2*24*60) * time.Minute)
		c := convreport.Conversation{ID: fmt.Sprintf("c%03d", i), Inbox: inboxes[i%3], Channel: channels[i%len(channels)], CreatedAt: created}
		if rng.IntN(5) > 0 {
			c.FirstResponseAt = created.Add(time.Duration(rng.IntN(2*24*60)) * time.Minute)
		}
		if rng.IntN(4) > 0 {
			from := created
			if !c.FirstResponseAt.IsZero() && rng.IntN(3) > 0 {
				from = c.FirstResponseAt
			}
			c.ClosedAt = from.Add(time.Duration(rng.IntN(3*24*60)) * time.Minute)
		}
		cs = append(cs, c)
	}
	src, err := memory.New(cs)
	require.NoError(t, err)
	eng := convreport.NewEngine(src)

	for _, business := range []bool{true, false} {
		calName := ""
		var refCal func(c convreport.Conversation) *calendar.Calendar
		refCal = func(convreport.Conversation) *calendar.Calendar { return nil }
		if business {
			calName = "paris"
			refCal = func(c convreport.Conversation) *calendar.Calendar {
				if c.Inbox == "US" {
					return us
				}
				return pa
			}
		}
		targets := map[convreport.SLATargetKind]time.Duration{convreport.FirstResponseTarget: 3 * time.Hour, convreport.CloseTarget: 20 * time.Hour}
		pol := &convreport.SLAPolicy{Name: "std", Filter: `Channel == "chat"`,
			FirstResponse: &convreport.SLATarget{Within: convreport.Duration(targets[convreport.FirstResponseTarget]), Calendar: calName},
			Close:         &convreport.SLATarget{Within: convreport.Duration(targets[convreport.CloseTarget]), Calendar: calName}}
		set := &convreport.SLASet{Policies: []*convreport.SLAPolicy{pol}}
		require.NoError(t, set.Check(src.Schema(), cals, convreport.FilterOptions{}))
		q := convreport.Query{From: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), Now: now, Zone: paris, Calendars: cals, SLA: set}

		for kind, within := range targets {
			ref := slaRefs(kind, within, refCal, now)
			// The reference per inbox: decided, met, breaches, total over.
			type acc struct {
				n, met int64
				over   time.Duration
				breach []string
				pend   int64
			}
			byInbox := map[string]*acc{}
			for _, c := range cs {
				if c.Channel != convreport.Chat {
					continue
				}
				label := c.Inbox
				if label == "" {
					label = "(no value)"
				}
				a := byInbox[label]
				if a == nil {
					a = &acc{}
					byInbox[label] = a
				}
				st, over := ref(c)
				switch st {
				case "met":
					a.n++
					a.met++
				case "breached":
					a.n++
					a.over += over
					a.breach = append(a.breach, c.ID)
				default:
					a.pend++
				}
			}
			// The fixture has every state, so that each rule is exercised.
			var met, breached, pending int
			for _, a := range byInbox {
				met += int(a.met)
				breached += len(a.breach)
				pending += int(a.pend)
			}
			require.Positive(t, met, "met")
			require.Positive(t, breached, "breached")
			require.Positive(t, pending, "pending")
			seconds := func(d time.Duration, n int64) string {
				return decimal.NewFromInt(int64(d/time.Millisecond)).DivRound(decimal.NewFromInt(n*1000), 3).String()
			}
			for _, agg := range []convreport.Aggregation{convreport.SLAMet, convreport.SLABreaches, convreport.SLAAvgOver, convreport.SLATotalOver} {
				r := convreport.Report{Name: "r", Dimensions: []string{"Inbox"}, Measure: convreport.Measure{Agg: agg, SLA: "std", Target: kind},
					Properties: []string{"ID"}}
				res, err := eng.Run(context.Background(), q, r)
				require.NoError(t, err)
				var exp []pt
				for label, a := range byInbox {
					v := ""
					breaches := int64(len(a.breach))
					switch agg {
					case convreport.SLAMet:
						if a.n > 0 {
							v = decimal.NewFromInt(a.met*100).DivRound(decimal.NewFromInt(a.n), 3).String()
						}
					case convreport.SLABreaches:
						v = fmt.Sprint(breaches)
					case convreport.SLAAvgOver:
						if breaches > 0 {
							v = seconds(a.over, breaches)
						}
					case convreport.SLATotalOver:
						v = seconds(a.over, 1)
					}
					exp = append(exp, pt{label, v, a.n, a.pend})
				}
				name := fmt.Sprintf("business=%v %s %s", business, kind, agg)
				require.ElementsMatch(t, exp, points(res[0]), name)
				require.Equal(t, business, res[0].BusinessHours, name)
				require.Equal(t, calName, res[0].Calendar, name)

				// Drill-down: the breaches, and the measure recomputed
				// over them equals the point's (for the over measures).
				for _, p := range res[0].Points {
					a := byInbox[p.Dimensions[0].Label()]
					d, err := eng.DrillDown(context.Background(), q, r, p)
					require.NoError(t, err)
					require.Equal(t, int(p.Breaches), d.Len(), name)
					// The last column is each breach's time over the
					// target, the reference's to the nanosecond; sorted by
					// it, the rows come longest first.
					require.Equal(t, []string{"ID", convreport.OverTarget}, columnNames(d.Columns), name)
					require.NoError(t, d.SortBy(convreport.OverTarget, true))
					var got []string
					var over, listed time.Duration
					prev := time.Duration(1 << 62)
					for c := range d.All() {
						got = append(got, c.ID)
						_, o := ref(c)
						over += o
						v := d.Values(&c)[1]
						require.Equal(t, o, v, "%s: %s", name, c.ID)
						require.LessOrEqual(t, v.(time.Duration), prev, name)
						prev = v.(time.Duration)
						listed += v.(time.Duration)
					}
					require.ElementsMatch(t, a.breach, got, name)
					if agg == convreport.SLATotalOver {
						require.Equal(t, p.Value.Decimal.String(), seconds(over, 1), name)
						require.Equal(t, p.Value.Decimal.String(), seconds(listed, 1), name)
					}
					if agg == convreport.SLAAvgOver {
						if len(got) == 0 {
							require.False(t, p.Value.Valid, name)
						} else {
							require.Equal(t, p.Value.Decimal.String(), seconds(listed, int64(len(got))), name)
						}
					}
					// The pending conversations are no breaches: no
					// time over the target to list.
					ex, err := eng.DrillExcluded(context.Background(), q, r, p)
					require.NoError(t, err)
					require.Equal(t, []string{"ID"}, columnNames(ex.Columns), name)
				}
			}

			// Met % over time, by day: each day's reference share.
			r := convreport.Report{Name: "daily", Bucket: convreport.Day, Measure: convreport.Measure{Agg: convreport.SLAMet, SLA: "std", Target: kind}}
			res, err := eng.Run(context.Background(), q, r)
			require.NoError(t, err)
			days := map[string][2]int64{}
			for _, c := range cs {
				if c.Channel != convreport.Chat {
					continue
				}
				st, _ := ref(c)
				k := c.CreatedAt.In(paris).Format("2006-01-02")
				v := days[k]
				if st == "met" {
					v[0]++
				}
				if st != "pending" {
					v[1]++
				}
				days[k] = v
			}
			for _, p := range res[0].Points {
				v := days[p.Bucket.Format("2006-01-02")]
				if v[1] == 0 {
					require.False(t, p.Value.Valid, p.Bucket)
					continue
				}
				require.Equal(t, decimal.NewFromInt(v[0]*100).DivRound(decimal.NewFromInt(v[1]), 3).String(), p.Value.Decimal.String(), p.Bucket)
			}
		}
	}
}

func TestSLAPolicyErrors(t *testing.T) {
	field := func(err error) string {
		var se *convreport.SLAError
		require.True(t, errors.As(err, &se), "%v", err)
		return se.Field
	}
	_, err := convreport.ParseSLA([]byte(`{"name": "std", "first_response": {"within": "0s"}}`))
	require.Equal(t, "first_response.within", field(err))
	_, err = convreport.ParseSLA([]byte(`{"policies": [{"name": "std", "close": {"within": "-5m"}}]}`))
	require.Equal(t, "policies[0].close.within", field(err))
	_, err = convreport.ParseSLA([]byte(`{"name": "std"}`))
	require.ErrorContains(t, err, "set first_response, close or both")
	_, err = convreport.ParseSLA([]byte(`{"name": "Bad Name", "close": {"within": "1h"}}`))
	require.Equal(t, "name", field(err))
	_, err = convreport.ParseSLA([]byte(`{"name": "std", "close": {"within": "soon"}}`))
	require.ErrorContains(t, err, "bad duration")
	_, err = convreport.ParseSLA([]byte(`{"name": "std", "clsoe": {"within": "1h"}}`))
	require.EqualError(t, err, `convreport: sla: clsoe: unknown key (want name, description, filter, conditions, first_response, close)`)
	// Each mistake is named where it is, index and all.
	two := func(second string) []byte {
		return []byte(`{"policies": [{"name": "a", "first_response": {"within": "1h"}}, {"name": "b", ` + second + `}]}`)
	}
	for _, c := range []struct {
		in          []byte
		field, want string
	}{
		{two(`"close": {"within": "2d"}`), "policies[1].close.within", `bad duration "2d": want a number and a unit, like 90s, 5m or 1h30m`},
		{two(`"close": {"within": 90}`), "policies[1].close.within", `want a duration written as text, like "5m" or "1h30m", got 90`},
		{two(`"close": {"whithin": "2h"}`), "policies[1].close.whithin", `unknown key (want within, calendar)`},
		{two(`"name2": "x"`), "policies[1].name2", `unknown key (want name, description, filter, conditions, first_response, close)`},
		{[]byte(`{"policies": [], "polices": []}`), "polices", `unknown key (want policies)`},
		{two(`"filter": 5`), "policies[1].filter", `want a string, got a JSON number`},
		{two(`"conditions": {}`), "policies[1].conditions", `want an array, got a JSON object`},
		{[]byte(`{"name": "b", "close": {"within": "2d"}}`), "close.within", `bad duration "2d": want a number and a unit, like 90s, 5m or 1h30m`},
		{[]byte(`{"policies": {}}`), "policies", `want an array, got a JSON object`},
		// Written as a duration, but over time.Duration's 2^63-1 ns.
		{[]byte(`{"name": "b", "close": {"within": "2562048h"}}`), "close.within", `bad duration "2562048h": longer than the longest duration allowed, 2562047h47m16.854775807s (about 292 years)`},
		{two(`"conditions": [{"property": "Inbox", "op": "is_known"}, {"property": "Inbox", "op": "is_known", "bogus": 1}]`), "policies[1].conditions[1].bogus", `unknown key (want property, op, values)`},
		{two(`"conditions": [{"property": "Inbox", "op": "is_any_of", "values": "Sales"}]`), "policies[1].conditions[0].values", `want an array, got a JSON string`},
		{[]byte(`{"name": "b", "conditions": [{"property": "Inbox", "Op": "is_known"}], "close": {"within": "1h"}}`), "conditions[0].Op", `keys are case-sensitive: want "op"`},
		{[]byte(`{"Policies": []}`), "Policies", `keys are case-sensitive: want "policies"`},
	} {
		_, err := convreport.ParseSLA(c.in)
		require.Equal(t, c.field, field(err), "%s: %v", c.in, err)
		require.EqualError(t, err, "convreport: sla: "+c.field+": "+c.want)
	}
	// The longest duration that fits, and a fraction, are read.
	_, err = convreport.ParseSLA([]byte(`{"name": "b", "close": {"within": "2562047h"}, "first_response": {"within": "1.5h"}}`))
	require.NoError(t, err)
	_, err = convreport.ParseSLA([]byte(`{"policies": [{"name": "a", "close": {"within": "1h"}}, {"name": "a", "close": {"within": "1h"}}]}`))
	require.Equal(t, "policies[1].name", field(err))
	// encoding/json would take "Close" for close and keep the last of two
	// "within" keys: the file would say one target and mean another.
	_, err = convreport.ParseSLA([]byte(`{"name": "std", "Close": {"within": "1h"}}`))
	require.Equal(t, "Close", field(err))
	require.ErrorContains(t, err, `keys are case-sensitive: want "close"`)
	_, err = convreport.ParseSLA([]byte(`{"policies": [{"name": "std", "close": {"within": "1h", "within": "4h"}}]}`))
	require.Equal(t, "policies[0].close.within", field(err))
	require.ErrorContains(t, err, "the key appears twice")

	set, err := convreport.ParseSLA([]byte(`{"name": "std", "filter": "Chanel == \"chat\"", "close": {"within": "1h", "calendar": "paris"}}`))
	require.NoError(t, err)
	err = set.Check(convreport.DefaultSchema(), nil, convreport.FilterOptions{})
	var fields []string
	for _, e := range err.(interface{ Unwrap() []error }).Unwrap() {
		fields = append(fields, field(e))
	}
	require.Equal(t, []string{"filter", "close.calendar"}, fields)

	// A report naming a policy the query lacks, or a target the policy
	// does not set, is a ReportError on "measure".
	src, err := memory.New(nil)
	require.NoError(t, err)
	eng := convreport.NewEngine(src)
	ok := &convreport.SLASet{Policies: []*convreport.SLAPolicy{{Name: "std", Close: &convreport.SLATarget{Within: convreport.Duration(time.Hour)}}}}
	for _, c := range []struct {
		m    convreport.Measure
		want string
	}{
		{convreport.Measure{Agg: convreport.SLAMet, SLA: "gold", Target: convreport.CloseTarget}, `no SLA policy "gold" (have std)`},
		{convreport.Measure{Agg: convreport.SLAMet, SLA: "std", Target: convreport.FirstResponseTarget}, `policy "std" sets no first_response target`},
		{convreport.Measure{Agg: convreport.SLAMet, SLA: "std", Target: "reply"}, `sla_met: unknown target "reply" (want first_response or close)`},
		{convreport.Measure{Agg: convreport.SLAMet, SLA: "std"}, `sla_met needs target first_response or close`},
		{convreport.Measure{Agg: convreport.SLAMet, Target: convreport.CloseTarget}, `sla_met needs sla, the name of a policy`},
		{convreport.Measure{Agg: convreport.SLAMet, SLA: "std", Target: convreport.CloseTarget, Metric: convreport.WaitTime}, `not a metric`},
		{convreport.Measure{Agg: convreport.Average, Metric: convreport.WaitTime, SLA: "std"}, `apply to the sla_ aggregations`},
	} {
		_, err := eng.Run(context.Background(), convreport.Query{SLA: ok}, convreport.Report{Name: "r", Measure: c.m})
		var re *convreport.ReportError
		require.True(t, errors.As(err, &re), "%v", err)
		require.Equal(t, "measure", re.Field)
		require.ErrorContains(t, err, c.want)
	}

	// A dashboard checked against policies before it runs: a measure
	// naming no policy, or an unknown target, is the measure's error,
	// naming what it may give.
	pair := &convreport.SLASet{Policies: []*convreport.SLAPolicy{ok.Policies[0], {Name: "gold", Close: &convreport.SLATarget{Within: convreport.Duration(time.Hour)}}}}
	for _, c := range []struct {
		set  *convreport.SLASet
		m    convreport.Measure
		want string
	}{
		{pair, convreport.Measure{Agg: convreport.SLAMet, Target: convreport.CloseTarget}, `report "r": measure: sla_met names no policy: set sla to one of std, gold`},
		{&convreport.SLASet{}, convreport.Measure{Agg: convreport.SLABreaches, Target: convreport.CloseTarget}, `report "r": measure: sla_breaches names no policy: set sla to a policy's name (there are no policies)`},
		{pair, convreport.Measure{Agg: convreport.SLAMet, SLA: "std", Target: "closing"}, `report "r": measure: sla_met: unknown target "closing" (want first_response or close)`},
		{pair, convreport.Measure{Agg: convreport.SLAMet, SLA: "std", Target: convreport.FirstResponseTarget}, `report "r": measure: policy "std" sets no first_response target`},
	} {
		err := convreport.Dashboard{Name: "d", Reports: []convreport.Report{{Name: "r", Measure: c.m}}}.CheckSLA(c.set)
		var re *convreport.ReportError
		require.True(t, errors.As(err, &re), "%v", err)
		require.Equal(t, "measure", re.Field)
		require.EqualError(t, err, "convreport: "+c.want)
	}
}

// The first-response clock stops at whichever comes first of the first
// reply and the close: a reply written after the close (a note on a
// closed chat, say) answers nobody, and does not turn a conversation
// closed within the target into a breach.
func TestSLAReplyAfterTheCloseDoesNotRestartTheClock(t *testing.T) {
	day := time.Date(2025, 3, 30, 0, 0, 0, 0, time.UTC)
	at := func(h, m int) time.Time { return day.Add(time.Duration(h)*time.Hour + time.Duration(m)*time.Minute) }
	src, err := memory.New([]convreport.Conversation{
		{ID: "closed-then-replied", Channel: convreport.Chat, Inbox: "x", CreatedAt: at(10, 0), ClosedAt: at(10, 30), FirstResponseAt: at(13, 0)},
		{ID: "replied-late-then-closed", Channel: convreport.Chat, Inbox: "x", CreatedAt: at(10, 0), FirstResponseAt: at(11, 30), ClosedAt: at(12, 0)},
	})
	require.NoError(t, err)
	set := &convreport.SLASet{Policies: []*convreport.SLAPolicy{{
		Name:          "std",
		FirstResponse: &convreport.SLATarget{Within: convreport.Duration(time.Hour)},
	}}}
	q := convreport.Query{From: day, To: day.AddDate(0, 0, 1), Now: day.AddDate(0, 0, 2), SLA: set}
	r := convreport.Report{Name: "b", Measure: slaMeasure(convreport.SLABreaches, convreport.FirstResponseTarget)}
	eng := convreport.NewEngine(src)
	res, err := eng.Run(context.Background(), q, r)
	require.NoError(t, err)
	// Decided: both; breached: only the one answered 1h30m in (30m over).
	require.Equal(t, []pt{{"", "1", 2, 0}}, points(res[0]))
	d, err := eng.DrillDown(context.Background(), q, r, res[0].Points[0])
	require.NoError(t, err)
	var ids []string
	for c := range d.All() {
		ids = append(ids, c.ID)
	}
	require.Equal(t, []string{"replied-late-then-closed"}, ids)
}

func columnNames(cols []convreport.Property) []string {
	out := make([]string, len(cols))
	for i, c := range cols {
		out[i] = c.Name
	}
	return out
}

// The errors about a file's policies name paths as the file is written:
// a file of one policy has no "policies[0]", a set has its indexes.
func TestSLACheckNamesPathsAsTheFileHasThem(t *testing.T) {
	fields := func(err error) []string {
		require.Error(t, err)
		var out []string
		for _, e := range err.(interface{ Unwrap() []error }).Unwrap() {
			var se *convreport.SLAError
			require.True(t, errors.As(e, &se), "%v", e)
			out = append(out, se.Field)
		}
		return out
	}
	office := &calendar.Set{Calendars: []*calendar.Calendar{{Name: "office"}}}
	schema := convreport.DefaultSchema()

	one, err := convreport.ParseSLA([]byte(`{"name": "std", "filter": "Inbox == \"Sales\"",
		"conditions": [{"property": "Nope", "op": "is_known"}],
		"first_response": {"within": "1h", "calendar": "office"}, "close": {"within": "8h", "calendar": "paris"}}`))
	require.NoError(t, err)
	err = one.Check(schema, office, convreport.FilterOptions{})
	require.Equal(t, []string{"conditions", "close.calendar"}, fields(err))
	require.ErrorContains(t, err, `convreport: sla: close.calendar: no calendar "paris" (have office)`)
	require.Equal(t, []string{"close.calendar"}, fields(one.CheckCalendars(office)))
	require.Equal(t, []string{"first_response.calendar", "close.calendar"}, fields(one.CheckCalendars(nil)))
	require.EqualError(t, one.CheckCalendars(nil), "convreport: sla: first_response.calendar: no calendar \"office\": there are no calendars\n"+
		"convreport: sla: close.calendar: no calendar \"paris\": there are no calendars")

	set, err := convreport.ParseSLA([]byte(`{"policies": [{"name": "a", "close": {"within": "1h"}},
		{"name": "std", "filter": "Chanel == \"chat\"", "close": {"within": "8h", "calendar": "paris"}}]}`))
	require.NoError(t, err)
	err = set.Check(schema, office, convreport.FilterOptions{})
	require.Equal(t, []string{"policies[1].filter", "policies[1].close.calendar"}, fields(err))
	require.Equal(t, []string{"policies[1].close.calendar"}, fields(set.CheckCalendars(office)))
	// A set of one written as a set keeps its index.
	set, err = convreport.ParseSLA([]byte(`{"policies": [{"name": "std", "close": {"within": "8h", "calendar": "paris"}}]}`))
	require.NoError(t, err)
	require.Equal(t, []string{"policies[0].close.calendar"}, fields(set.Check(schema, office, convreport.FilterOptions{})))

	// A policy added to a file's one is a set of two: the paths have
	// indexes again.
	one.Policies = append(one.Policies, &convreport.SLAPolicy{Name: "std", Close: &convreport.SLATarget{Within: convreport.Duration(time.Hour)}})
	require.Equal(t, []string{"policies[1].name"}, fields(one.Validate()))
	require.Equal(t, []string{"policies[0].close.calendar"}, fields(one.CheckCalendars(office)))
}

// A run measuring SLA targets with no policies in its query says which
// policies its reports measure and where a Go program gives them; a
// drill-down of such a report too.
func TestSLAMeasureWithoutPolicies(t *testing.T) {
	src, err := memory.New(nil)
	require.NoError(t, err)
	eng := convreport.NewEngine(src)
	met := convreport.Report{Name: "Met", Measure: convreport.Measure{Agg: convreport.SLAMet, SLA: "standard", Target: convreport.CloseTarget}}
	count := convreport.Report{Name: "Count", Measure: convreport.Measure{Agg: convreport.Count}}
	gold := convreport.Report{Name: "Gold", Measure: convreport.Measure{Agg: convreport.SLABreaches, SLA: "gold", Target: convreport.FirstResponseTarget}}
	again := convreport.Report{Name: "Again", Measure: convreport.Measure{Agg: convreport.SLATotalOver, SLA: "standard", Target: convreport.FirstResponseTarget}}
	vip := convreport.Report{Name: "VIP", Measure: convreport.Measure{Agg: convreport.SLAAvgOver, SLA: "vip", Target: convreport.CloseTarget}}

	for _, c := range []struct {
		reports []convreport.Report
		want    string
	}{
		{[]convreport.Report{met}, `report "Met": measure: no SLA policy "standard": the query has no SLA policies: set Query.SLA to an SLASet holding policy "standard"`},
		{[]convreport.Report{count, gold, met, again}, `report "Gold": measure: no SLA policy "gold": the query has no SLA policies: set Query.SLA to an SLASet holding policies "gold" and "standard"`},
		{[]convreport.Report{met, vip, gold, again}, `report "Met": measure: no SLA policy "standard": the query has no SLA policies: set Query.SLA to an SLASet holding policies "standard", "vip" and "gold"`},
	} {
		_, err := eng.Run(context.Background(), convreport.Query{}, c.reports...)
		var re *convreport.ReportError
		require.True(t, errors.As(err, &re), "%v", err)
		require.Equal(t, "measure", re.Field)
		require.EqualError(t, err, "convreport: "+c.want)
	}
	_, err = eng.DrillDown(context.Background(), convreport.Query{}, met, convreport.Point{})
	require.EqualError(t, err, `convreport: report "Met": measure: no SLA policy "standard": the query has no SLA policies: set Query.SLA to an SLASet holding policy "standard"`)
	// An empty set holds no policies either.
	_, err = eng.Run(context.Background(), convreport.Query{SLA: &convreport.SLASet{}}, met)
	require.EqualError(t, err, `convreport: report "Met": measure: no SLA policy "standard": the query has no SLA policies: set Query.SLA to an SLASet holding policy "standard"`)
	// A query with policies, none of them the one measured, lists those
	// it has instead.
	_, err = eng.Run(context.Background(), convreport.Query{SLA: &convreport.SLASet{Policies: []*convreport.SLAPolicy{
		{Name: "gold", Close: &convreport.SLATarget{Within: convreport.Duration(time.Hour)}}}}}, met)
	require.EqualError(t, err, `convreport: report "Met": measure: no SLA policy "standard" (have gold)`)
}
