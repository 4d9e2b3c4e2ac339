package library_test

import (
	"context"
	"math/big"
	"slices"
	"testing"
	"time"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/access"
	"github.com/convreport/convreport/library"
	"github.com/convreport/convreport/memory"
	"github.com/convreport/convreport/plan"
	"github.com/convreport/convreport/sample"
	"github.com/stretchr/testify/require"
)

// refPoint is one point of the reference: its value as text ("" for no
// value), the conversations in its measure and those it excludes.
type refPoint struct {
	Value           string
	Count, Excluded int64
}

// measureFn measures one group's conversations: its value, count and
// excluded, and false when the group has no point.
type measureFn func(cs []*convreport.Conversation) (refPoint, bool)

// refPoints groups the conversations keep selects by label and measures
// each group.
func refPoints(cs []convreport.Conversation, keep func(*convreport.Conversation) bool, label func(*convreport.Conversation) string, m measureFn) map[string]refPoint {
	groups := map[string][]*convreport.Conversation{}
	for i := range cs {
		c := &cs[i]
		if keep(c) {
			groups[label(c)] = append(groups[label(c)], c)
		}
	}
	out := map[string]refPoint{}
	for k, g := range groups {
		if p, ok := m(g); ok {
			out[k] = p
		}
	}
	return out
}

func refCount(cs []*convreport.Conversation) (refPoint, bool) {
	return refPoint{Value: big.NewInt(int64(len(cs))).String(), Count: int64(len(cs))}, true
}

// refWait returns the customer wait time of c, and false when no agent
// replied.
func refWait(c *convreport.Conversation) (time.Duration, bool) {
	if c.FirstResponseAt.IsZero() {
		return 0, false
	}
	return c.FirstResponseAt.Sub(c.CreatedAt), true
}

// refRank is the nearest-rank p-th percentile of the waits: the smallest
// rank r with r/n ≥ p/100.
func refRank(p int64) measureFn {
	return func(cs []*convreport.Conversation) (refPoint, bool) {
		var ws []time.Duration
		for _, c := range cs {
			if w, ok := refWait(c); ok {
				ws = append(ws, w)
			}
		}
		if len(ws) == 0 {
			return refPoint{}, false
		}
		slices.Sort(ws)
		r := 1
		for int64(r)*100 < p*int64(len(ws)) {
			r++
		}
		v := millis(roundHalfAway(big.NewInt(int64(ws[r-1])), big.NewInt(1e6)))
		return refPoint{Value: v, Count: int64(len(ws)), Excluded: int64(len(cs) - len(ws))}, true
	}
}

// percent writes num/den as a percentage with three decimals, rounded.
func percent(num, den int64) string {
	return millis(roundHalfAway(big.NewInt(num*100_000), big.NewInt(den)))
}

func refWithinMinute(cs []*convreport.Conversation) (refPoint, bool) {
	var n, within int64
	for _, c := range cs {
		if w, ok := refWait(c); ok {
			n++
			if w <= time.Minute {
				within++
			}
		}
	}
	if n == 0 {
		return refPoint{}, false
	}
	return refPoint{Value: percent(within, n), Count: n, Excluded: int64(len(cs)) - n}, true
}

// refSLA is the state of c under a calendar-time target at now, by the
// documented rules: "met", "breached" or "pending".
func refSLA(c *convreport.Conversation, firstResponse bool, within time.Duration, now time.Time) string {
	if c.CreatedAt.After(now) {
		return "pending"
	}
	var stop time.Time
	if !c.ClosedAt.IsZero() && !c.ClosedAt.After(now) {
		stop = c.ClosedAt
	}
	if firstResponse && !c.FirstResponseAt.IsZero() && !c.FirstResponseAt.After(now) && (stop.IsZero() || c.FirstResponseAt.Before(stop)) {
		stop = c.FirstResponseAt
	}
	end := stop
	if end.IsZero() {
		end = now
	}
	switch {
	case end.Sub(c.CreatedAt) > within:
		return "breached"
	case !stop.IsZero():
		return "met"
	}
	return "pending"
}

func refSLAMeasure(firstResponse bool, within time.Duration, now time.Time, breaches bool) measureFn {
	return func(cs []*convreport.Conversation) (refPoint, bool) {
		var met, breached, pending int64
		for _, c := range cs {
			switch refSLA(c, firstResponse, within, now) {
			case "met":
				met++
			case "breached":
				breached++
			default:
				pending++
			}
		}
		n := met + breached
		if n == 0 {
			return refPoint{}, false
		}
		if breaches {
			return refPoint{Value: big.NewInt(breached).String(), Count: n, Excluded: pending}, true
		}
		return refPoint{Value: percent(met, n), Count: n, Excluded: pending}, true
	}
}

// series keeps, as a time series does, a bucket whose conversations are
// all excluded: a point with no value.
func series(m measureFn) measureFn {
	return func(cs []*convreport.Conversation) (refPoint, bool) {
		if p, ok := m(cs); ok {
			return p, true
		}
		return refPoint{Excluded: int64(len(cs))}, true
	}
}

// TestNewTemplatesMatchReference runs the Chatflow performance and SLA
// templates, and the chat overview's extra report, on generated data
// and compares every point with reference loops over the conversations.
func TestNewTemplatesMatchReference(t *testing.T) {
	paris, err := time.LoadLocation("Europe/Paris")
	require.NoError(t, err)
	from := time.Date(2025, 3, 24, 0, 0, 0, 0, paris)
	to := time.Date(2025, 4, 7, 0, 0, 0, 0, paris)
	now := time.Date(2025, 4, 2, 15, 30, 0, 0, paris)
	cs := sample.Generate(sample.Config{Seed: 11, N: 8000})
	src, err := memory.New(cs)
	require.NoError(t, err)
	eng := convreport.NewEngine(src)
	sla := library.SLA()
	q := convreport.Query{From: from, To: to, Zone: paris, Now: now, Viewer: access.Viewer{UserID: "ana"},
		SLA: &convreport.SLASet{Policies: []*convreport.SLAPolicy{sla.SLA}}}

	type C = *convreport.Conversation
	created := func(c C) bool { return !c.CreatedAt.Before(from) && c.CreatedAt.Before(to) }
	chat := func(c C) bool { return created(c) && c.Channel == convreport.Chat }
	all := created
	openAtNow := func(c C) bool {
		return !c.CreatedAt.After(now) && !(!c.ClosedAt.IsZero() && !c.ClosedAt.After(now))
	}
	label := func(s string) string {
		if s == "" {
			return noValue
		}
		return s
	}
	flow := func(c C) string { return label(c.Chatflow) }
	day := func(c C) string { return c.CreatedAt.In(paris).Format("2006-01-02") }
	fr, cl := time.Duration(sla.SLA.FirstResponse.Within), time.Duration(sla.SLA.Close.Within)
	want := map[string]map[string]refPoint{
		"chats-by-chatflow":                     refPoints(cs, chat, flow, refCount),
		"median-customer-wait-time-by-chatflow": refPoints(cs, chat, flow, refRank(50)),
		"p90-customer-wait-time-by-chatflow":    refPoints(cs, chat, flow, refRank(90)),
		"answered-within-a-minute-by-chatflow":  refPoints(cs, chat, flow, refWithinMinute),
		"chats-without-agent-reply-by-chatflow": refPoints(cs, func(c C) bool { return chat(c) && c.FirstResponseAt.IsZero() && !c.ClosedAt.IsZero() }, flow, refCount),
		"chatflow-volume-over-time":             refPoints(cs, chat, func(c C) string { return flow(c) + "@" + day(c) }, refCount),

		"first-response-sla-met-by-inbox":     refPoints(cs, all, func(c C) string { return label(c.Inbox) }, refSLAMeasure(true, fr, now, false)),
		"close-sla-met-by-inbox":              refPoints(cs, all, func(c C) string { return label(c.Inbox) }, refSLAMeasure(false, cl, now, false)),
		"first-response-sla-breaches-by-rep":  refPoints(cs, all, func(c C) string { return label(c.Assignee) }, refSLAMeasure(true, fr, now, true)),
		"first-response-sla-met-over-time":    refPoints(cs, all, day, series(refSLAMeasure(true, fr, now, false))),
		"current-close-sla-breaches-by-inbox": refPoints(cs, openAtNow, func(c C) string { return label(c.Inbox) }, refSLAMeasure(false, cl, now, true)),
	}
	// The data exercises what the reports are about.
	require.GreaterOrEqual(t, len(want["chats-by-chatflow"]), 3)
	require.NotEmpty(t, want["chats-without-agent-reply-by-chatflow"])
	var breaches int
	for _, p := range want["current-close-sla-breaches-by-inbox"] {
		breaches += int(p.Count)
	}
	require.Positive(t, breaches, "conversations open past their close target now")

	got := func(r convreport.Result) map[string]refPoint {
		out := map[string]refPoint{}
		for _, p := range r.Points {
			var k string
			if len(p.Dimensions) > 0 {
				k = p.Dimensions[0].Label()
			}
			if !p.Bucket.IsZero() {
				if k != "" {
					k += "@"
				}
				k += p.Bucket.In(r.Zone).Format("2006-01-02")
			}
			if p.Count == 0 && p.Excluded == 0 {
				continue // a gap-filled bucket: the reference has no group
			}
			v := ""
			if p.Value.Valid {
				v = p.Value.Decimal.String()
			}
			out[k] = refPoint{Value: v, Count: p.Count, Excluded: p.Excluded}
		}
		return out
	}
	chatOverview := library.ChatOverview()
	extra, err := chatOverview.Report("chat-customer-wait-time")
	require.NoError(t, err)
	want["chat-customer-wait-time"] = refPoints(cs, chat, day, series(func(g []*convreport.Conversation) (refPoint, bool) {
		sum, n := new(big.Int), int64(0)
		for _, c := range g {
			if w, ok := refWait(c); ok {
				sum.Add(sum, big.NewInt(int64(w)))
				n++
			}
		}
		if n == 0 {
			return refPoint{}, false
		}
		return refPoint{Value: millis(roundHalfAway(sum, big.NewInt(n*1e6))), Count: n, Excluded: int64(len(g)) - n}, true
	}))

	for _, tpl := range []library.Template{library.ChatflowPerformance(), sla} {
		d, err := tpl.NewDashboard(convreport.DashboardOptions{Name: tpl.Name, Owner: "ana"})
		require.NoError(t, err)
		d.Reports = append(d.Reports, extra)
		res, err := eng.RunDashboard(context.Background(), q, d)
		require.NoError(t, err)
		for i, r := range res {
			id := d.Reports[i].ID
			t.Run(tpl.ID+"/"+id, func(t *testing.T) {
				w, ok := want[id]
				require.True(t, ok, "no reference for %s", id)
				require.Equal(t, w, got(r))
			})
		}
	}
}

func TestNewTemplateShapes(t *testing.T) {
	for _, tpl := range []library.Template{library.ChatflowPerformance(), library.SLA()} {
		require.NotEmpty(t, tpl.FrenchName)
		require.NotEmpty(t, tpl.Keywords)
		for _, r := range tpl.Reports {
			require.NotEmpty(t, r.Description, r.ID)
			require.NotEmpty(t, r.Properties, r.ID)
			// Every template report is an ordinary report: a save's
			// own check accepts it.
			require.NoError(t, r.Check(convreport.DefaultSchema()), r.ID)
		}
	}
	// The chat overview offers its wait-time report without starting
	// with it.
	chat := library.ChatOverview()
	d, err := chat.NewDashboard(convreport.DashboardOptions{Name: "Chat", Owner: "ana"})
	require.NoError(t, err)
	require.Len(t, d.Reports, 6)
	r, err := chat.Report("chat-customer-wait-time")
	require.NoError(t, err)
	d, err = d.AddReport(nil, plan.Plan{}, r)
	require.NoError(t, err)
	require.Equal(t, "chat-customer-wait-time", d.Reports[6].ID)
	// The SLA template's policy is valid and its reports measure it.
	sla := library.SLA()
	set := &convreport.SLASet{Policies: []*convreport.SLAPolicy{sla.SLA}}
	require.NoError(t, set.Check(convreport.DefaultSchema(), nil, convreport.FilterOptions{}))
	dd, err := sla.NewDashboard(convreport.DashboardOptions{Name: "SLA", Owner: "ana"})
	require.NoError(t, err)
	require.NoError(t, dd.CheckSLA(set))
	require.True(t, dd.UsesSLA())
}
