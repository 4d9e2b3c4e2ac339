package convreport

import (
	"errors"
	"fmt"
	"github.com/convreport/convreport/internal/filter"
	"math"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/expr-lang/expr/vm"
	"github.com/stretchr/testify/require"
)

// testSchema has one custom property of each kind.
func testSchema(t testing.TB) *Schema {
	t.Helper()
	s, err := NewSchema(
		Property{Name: "Plan", Kind: KindEnum, Values: []string{"free", "pro", "enterprise"}},
		Property{Name: "Score", Kind: KindNumber},
		Property{Name: "Vip", Kind: KindBool},
		Property{Name: "Renewal", Kind: KindTime},
		Property{Name: "SLA", Kind: KindDuration},
		Property{Name: "Region", Kind: KindString},
	)
	require.NoError(t, err)
	return s
}

var paris = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		panic(err)
	}
	return loc
}()

// testEnv: a Saturday afternoon in Paris, a week after the switch to
// summer time (2025-03-30).
var testEnv = filterEnv{Now: time.Date(2025, 4, 5, 15, 30, 0, 0, paris), Zone: paris}

// Instants the corpus compares with, so that random rows hit them exactly.
var (
	march10Paris  = time.Date(2025, 3, 10, 0, 0, 0, 0, paris)     // date("2025-03-10")
	march10NoonZ  = time.Date(2025, 3, 10, 12, 0, 0, 0, time.UTC) // date("2025-03-10T12:00:00Z")
	sevenDaysAgo  = time.Date(2025, 3, 29, 0, 0, 0, 0, paris)     // daysAgo(7) at testEnv
	march20At8    = time.Date(2025, 3, 20, 8, 0, 0, 0, paris)     // date("2025-03-20T08:00")
	april1Paris   = time.Date(2025, 4, 1, 0, 0, 0, 0, paris)      // date("2025-04-01")
	seventyTwoAgo = testEnv.Now.Add(-72 * time.Hour)              // now() - duration("72h")
	boundaryTimes = []time.Time{march10Paris, march10NoonZ, sevenDaysAgo, march20At8, april1Paris, seventyTwoAgo, testEnv.Now}
)

// randomConversations returns n valid conversations with many unknown
// values: no inbox, no assignee, never answered, open, custom properties
// absent or the whole map nil.
func randomConversations(n int, seed uint64) []*Conversation {
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	pick := func(xs ...string) string { return xs[r.IntN(len(xs))] }
	upTo := func(d time.Duration) time.Duration { return time.Duration(r.Int64N(int64(d))) }
	base := time.Date(2025, 3, 1, 0, 0, 0, 0, paris)
	out := make([]*Conversation, n)
	for i := range out {
		c := &Conversation{
			ID:               fmt.Sprintf("c%04d", i),
			Channel:          channels[r.IntN(len(channels))],
			Inbox:            pick("", "Sales", "Support", "Billing"),
			Assignee:         pick("", "rep-1", "rep-2", "rep-3"),
			Team:             pick("", "A", "B"),
			Status:           Open,
			Subject:          pick("", "Refund please", "refund", "Re: order 42", "Überweisung", "REFUND now", "hello"),
			OriginURL:        pick("", "https://shop.example/pricing", "https://example.com/help", "https://shop.example/cart"),
			ContactID:        pick("", "k17", "k20"),
			Chatflow:         pick("", "welcome"),
			IncomingMessages: r.IntN(11),
			OutgoingMessages: r.IntN(11),
		}
		if r.IntN(8) == 0 {
			c.CreatedAt = boundaryTimes[r.IntN(len(boundaryTimes))]
		} else {
			c.CreatedAt = base.Add(upTo(40 * 24 * time.Hour))
		}
		start := c.CreatedAt
		if r.IntN(3) > 0 {
			c.FirstAssignedAt = c.CreatedAt.Add(upTo(2 * time.Hour))
			start = c.FirstAssignedAt
		}
		if r.IntN(4) > 0 {
			if r.IntN(6) == 0 {
				c.FirstResponseAt = start.Add(5 * time.Minute) // exactly on duration("5m")
			} else {
				c.FirstResponseAt = start.Add(upTo(3 * time.Hour))
			}
		}
		if r.IntN(2) == 0 {
			c.Status = Closed
			if r.IntN(6) == 0 {
				c.ClosedAt = march20At8
				if c.ClosedAt.Before(c.CreatedAt) {
					c.ClosedAt = c.CreatedAt
				}
			} else {
				c.ClosedAt = c.CreatedAt.Add(upTo(72 * time.Hour))
			}
		}
		if r.IntN(5) > 0 {
			c.Properties = map[string]any{}
			maybe := func(name string, v any) {
				if r.IntN(10) < 7 {
					c.Properties[name] = v
				}
			}
			maybe("Plan", pick("free", "pro", "enterprise"))
			maybe("Score", []any{0.0, 10.0, 20.5, 50.0, 60.0, 90.0, math.NaN(), nil}[r.IntN(8)])
			maybe("Vip", r.IntN(2) == 0)
			maybe("Renewal", base.Add(upTo(60*24*time.Hour)))
			maybe("SLA", []time.Duration{30 * time.Minute, time.Hour, 2 * time.Hour}[r.IntN(3)])
			maybe("Region", pick("EU", "US", " ", "eu", ""))
		}
		out[i] = c
	}
	return out
}

// custom returns a custom property, and false when unknown: absent, nil or
// the empty string.
func custom(c *Conversation, name string) (any, bool) {
	v, ok := c.Properties[name]
	if !ok || v == nil || v == "" {
		return nil, false
	}
	return v, true
}

// goCases pair expressions with the same condition written in Go, from
// the rules of the Filter documentation.
var goCases = []struct {
	src  string
	want func(c *Conversation) bool
}{
	{`Channel == "chat"`, func(c *Conversation) bool { return c.Channel == Chat }},
	{`Inbox != "Sales"`, func(c *Conversation) bool { return c.Inbox != "Sales" }},
	{`Inbox in ["Sales", "Support"]`, func(c *Conversation) bool { return c.Inbox == "Sales" || c.Inbox == "Support" }},
	{`Inbox not in ["Sales", "Support"]`, func(c *Conversation) bool { return c.Inbox != "Sales" && c.Inbox != "Support" }},
	{`Assignee == nil`, func(c *Conversation) bool { return c.Assignee == "" }},
	{`IncomingMessages > 3`, func(c *Conversation) bool { return c.IncomingMessages > 3 }},
	{`FirstResponseTime > duration("5m")`, func(c *Conversation) bool {
		d, ok := c.AgentFirstResponseTime()
		return ok && d > 5*time.Minute
	}},
	{`FirstResponseTime <= duration("5m")`, func(c *Conversation) bool {
		d, ok := c.AgentFirstResponseTime()
		return ok && d <= 5*time.Minute
	}},
	{`TimeToClose == nil`, func(c *Conversation) bool { return c.ClosedAt.IsZero() }},
	{`CreatedAt >= daysAgo(7)`, func(c *Conversation) bool { return !c.CreatedAt.Before(sevenDaysAgo) }},
	{`CreatedAt == date("2025-03-10")`, func(c *Conversation) bool { return c.CreatedAt.Equal(march10Paris) }},
	{`ClosedAt < date("2025-03-20T08:00")`, func(c *Conversation) bool {
		return !c.ClosedAt.IsZero() && c.ClosedAt.Before(march20At8)
	}},
	{`CreatedAt > now() - duration("72h")`, func(c *Conversation) bool { return c.CreatedAt.After(seventyTwoAgo) }},
	{`Vip`, func(c *Conversation) bool { v, ok := custom(c, "Vip"); return ok && v.(bool) }},
	{`!Vip`, func(c *Conversation) bool { v, ok := custom(c, "Vip"); return !(ok && v.(bool)) }},
	{`Vip == false`, func(c *Conversation) bool { v, ok := custom(c, "Vip"); return ok && !v.(bool) }},
	{`Score != 10`, func(c *Conversation) bool { v, ok := custom(c, "Score"); return !ok || v.(float64) != 10 }},
	{`Score > 50`, func(c *Conversation) bool { v, ok := custom(c, "Score"); return ok && v.(float64) > 50 }},
	{`lower(Subject) contains "refund"`, func(c *Conversation) bool {
		return c.Subject != "" && strings.Contains(strings.ToLower(c.Subject), "refund")
	}},
	{`(Region ?? "none") == "none"`, func(c *Conversation) bool { _, ok := custom(c, "Region"); return !ok }},
	{`trim(Region) == ""`, func(c *Conversation) bool {
		v, ok := custom(c, "Region")
		return ok && strings.TrimSpace(v.(string)) == ""
	}},
	{`Channel == "chat" && (Inbox == "Sales" || Assignee == nil)`, func(c *Conversation) bool {
		return c.Channel == Chat && (c.Inbox == "Sales" || c.Assignee == "")
	}},
	{`count(["Sales", "Support"], Inbox == #) == 0`, func(c *Conversation) bool { return c.Inbox != "Sales" && c.Inbox != "Support" }},
	{`Renewal < date("2025-04-01")`, func(c *Conversation) bool {
		v, ok := custom(c, "Renewal")
		return ok && v.(time.Time).Before(april1Paris)
	}},
}

// corpus covers every plan shape and every operator; goCases and the
// structured conditions are added to it.
var corpus = []string{
	`"email" == Channel`,
	`Channel != "chat"`,
	`not (Inbox in ["Sales"])`,
	`!(Inbox == "Sales")`,
	`Assignee != nil`,
	`nil == Team`,
	`Subject contains "efund"`,
	`Subject startsWith "Re:"`,
	`OriginURL endsWith "/pricing"`,
	`Subject matches "(?i)refund"`,
	`IncomingMessages >= 3 && IncomingMessages <= 6`,
	`1 < IncomingMessages < 5`,
	`3 < IncomingMessages`,
	`IncomingMessages in [0, 2, 4]`,
	`IncomingMessages > OutgoingMessages`,
	`IncomingMessages + OutgoingMessages >= 10`,
	`IncomingMessages > 2 * 3`,
	`!(IncomingMessages > 3)`,
	`-IncomingMessages < -3`,
	`duration("10m") > WaitTime`,
	`TimeToClose < duration("2h") || Status == "open"`,
	`FirstResponseTime == duration("5m")`,
	`FirstResponseTime in [duration("5m"), duration("1h")]`,
	`CreatedAt in [date("2025-03-10"), date("2025-03-10T12:00:00Z")]`,
	`Vip in [true]`,
	`WaitTime >= FirstResponseTime`,
	`CreatedAt >= date("2025-03-10")`,
	`CreatedAt < date("2025-03-10T12:00:00Z")`,
	`CreatedAt <= date("2025-03-10T13:00:00+01:00")`,
	`CreatedAt >= daysAgo(7) && CreatedAt < now()`,
	`CreatedAt == now()`,
	`date("2025-03-10") < CreatedAt`,
	`ClosedAt > date("2025-03-20T08:00") - duration("1h")`,
	`FirstResponseAt - CreatedAt > duration("30m")`,
	`Plan == "pro"`,
	`Plan in ["pro", "enterprise"]`,
	`Plan not in ["free"]`,
	`Score in [10, 20.5]`,
	`Score * 2 > IncomingMessages`,
	`Vip != true`,
	`Vip == nil`,
	`SLA > duration("1h")`,
	`Renewal != nil && Renewal >= daysAgo(30)`,
	`Region == nil || Region == "EU"`,
	`Region != "EU"`,
	`Channel == "chat" or Channel == "email" and not Vip`,
	`true && Channel == "email"`,
	`false || Inbox == "Support"`,
	`Inbox == "Sales" || true`,
	`true`,
	`Inbox in []`,
	`Inbox not in []`,
	`Channel == "chat" && lower(Subject) contains "refund"`,
	`any(["refund", "order"], lower(Subject) contains #)`,
	`all(["Sales", "Support"], Inbox != #)`,
	`none(["Sales"], Inbox == #)`,
	`len(Subject) > 10`,
	`upper(Inbox) == "SALES"`,
	`Status == "closed" ? TimeToClose < duration("1h") : IncomingMessages > 2`,
	`Inbox < "S"`,
	`Team == "A" || Team == nil`,
	`assignee == "rep-1" && origin_url startsWith "https://shop."`,
	`ContactID endsWith "7" && !(Chatflow == nil)`,
	`now() > date("2025-04-01")`,
	`1 == 1 && Inbox == "Billing"`,
}

// conditionCorpus holds a condition of every operator, on every kind it
// applies to.
var conditionCorpus = []Condition{
	{Property: "Inbox", Op: IsAnyOf, Values: []string{"Sales", "Support"}},
	{Property: "Inbox", Op: IsNoneOf, Values: []string{"Sales"}},
	{Property: "IncomingMessages", Op: IsAnyOf, Values: []string{"1", "3"}},
	{Property: "Vip", Op: IsNoneOf, Values: []string{"true"}},
	{Property: "Assignee", Op: IsKnown},
	{Property: "TimeToClose", Op: IsUnknown},
	{Property: "Channel", Op: Equals, Values: []string{"chat"}},
	{Property: "Channel", Op: NotEquals, Values: []string{"email"}},
	{Property: "Score", Op: Equals, Values: []string{"20.5"}},
	{Property: "SLA", Op: NotEquals, Values: []string{"1h"}},
	{Property: "CreatedAt", Op: Equals, Values: []string{"2025-03-10"}},
	{Property: "CreatedAt", Op: NotEquals, Values: []string{"2025-03-10"}},
	{Property: "CreatedAt", Op: Equals, Values: []string{"2025-03-10T12:00:00Z"}},
	{Property: "Subject", Op: Contains, Values: []string{"efund"}},
	{Property: "OriginURL", Op: StartsWith, Values: []string{"https://shop."}},
	{Property: "IncomingMessages", Op: GreaterThan, Values: []string{"3"}},
	{Property: "FirstResponseTime", Op: LessThan, Values: []string{"5m"}},
	{Property: "CreatedAt", Op: GreaterThan, Values: []string{"2025-03-10"}},
	{Property: "IncomingMessages", Op: Between, Values: []string{"2", "6"}},
	{Property: "WaitTime", Op: Between, Values: []string{"1m", "1h"}},
	{Property: "CreatedAt", Op: Between, Values: []string{"2025-03-05", "2025-03-15"}},
	{Property: "CreatedAt", Op: InLastDays, Values: []string{"7"}},
	{Property: "ClosedAt", Op: Before, Values: []string{"2025-03-20"}},
	{Property: "ClosedAt", Op: After, Values: []string{"2025-03-20T08:00:00+01:00"}},
	{Property: "Renewal", Op: Before, Values: []string{"2025-04-01"}},
}

func TestFilterMatchesGoPredicates(t *testing.T) {
	s := testSchema(t)
	rows := randomConversations(3000, 1)
	for _, tc := range goCases {
		t.Run(tc.src, func(t *testing.T) {
			f, err := compileFilter(s, tc.src)
			require.NoError(t, err)
			hits := 0
			for _, c := range rows {
				want := tc.want(c)
				got, err := f.Match(c, testEnv)
				require.NoError(t, err)
				require.Equal(t, want, got, "Match, conversation %+v", c)
				got, err = f.tree().Eval(convRow{c}, filter.Env(testEnv))
				require.NoError(t, err)
				require.Equal(t, want, got, "plan %s, conversation %+v", f.tree(), c)
				if want {
					hits++
				}
			}
			require.True(t, hits > 0 && hits < len(rows), "degenerate case: %d of %d rows match", hits, len(rows))
		})
	}
}

// TestFilterPlanAgreesWithExpr is the differential test: the expr program
// (Filter.Match) and the plan's reference evaluator agree on every row.
func TestFilterPlanAgreesWithExpr(t *testing.T) {
	s := testSchema(t)
	rows := randomConversations(3000, 2)
	srcs := append([]string(nil), corpus...)
	for _, tc := range goCases {
		srcs = append(srcs, tc.src)
	}
	for _, c := range conditionCorpus {
		e, err := c.Expr(s)
		require.NoError(t, err, "%+v", c)
		srcs = append(srcs, e)
	}
	all, err := ConditionsExpr(s, conditionCorpus[:6])
	require.NoError(t, err)
	srcs = append(srcs, all)

	ops := map[filter.Op]bool{}
	for _, src := range srcs {
		t.Run(src, func(t *testing.T) {
			f, err := compileFilter(s, src)
			require.NoError(t, err)
			p := f.tree()
			collectOps(p, ops)
			hits := 0
			for _, c := range rows {
				m, err := f.Match(c, testEnv)
				require.NoError(t, err)
				e, err := p.Eval(convRow{c}, filter.Env(testEnv))
				require.NoError(t, err)
				require.Equal(t, m, e, "plan %s disagrees with expr on %+v", p, c)
				if m {
					hits++
				}
			}
			switch src {
			case `true`, `Inbox not in []`, `Inbox == "Sales" || true`, `now() > date("2025-04-01")`:
				require.Equal(t, len(rows), hits)
			case `Inbox in []`:
				require.Zero(t, hits)
			default:
				require.True(t, hits > 0 && hits < len(rows), "degenerate case: %d of %d rows match (plan %s)", hits, len(rows), p)
			}
		})
	}
	for op := filter.True; op <= filter.Expr; op++ {
		require.True(t, ops[op], "no expression of the corpus plans to %v", op)
	}
}

func collectOps(p *filter.Pred, ops map[filter.Op]bool) {
	ops[p.Op] = true
	for _, k := range p.Kids {
		collectOps(k, ops)
	}
}

func TestFilterPlanShapes(t *testing.T) {
	s := testSchema(t)
	for _, tc := range []struct{ src, plan string }{
		{`Channel == "chat" && lower(Subject) contains "refund"`, `and(eq(Channel, "chat"), expr(lower(Subject) contains "refund"))`},
		{`"chat" == Channel`, `eq(Channel, "chat")`},
		{`3 < IncomingMessages`, `gt(IncomingMessages, 3)`},
		{`duration("10m") >= WaitTime`, `le(WaitTime, duration("10m0s"))`},
		{`Inbox not in ["a", "b"]`, `notin(Inbox, ["a", "b"])`},
		{`!(Inbox in ["a"])`, `notin(Inbox, ["a"])`},
		{`not (Inbox == "a")`, `ne(Inbox, "a")`},
		{`!!(Inbox == "a")`, `eq(Inbox, "a")`},
		{`!(Assignee == nil)`, `known(Assignee)`},
		{`!(IncomingMessages > 3)`, `not(gt(IncomingMessages, 3))`},
		{`Inbox == nil`, `unknown(Inbox)`},
		{`nil != Inbox`, `known(Inbox)`},
		{`Subject startsWith "Re:" || OriginURL endsWith "/x"`, `or(prefix(Subject, "Re:"), suffix(OriginURL, "/x"))`},
		{`Subject contains "a"`, `contains(Subject, "a")`},
		{`Subject matches "^a"`, `expr(Subject matches "^a")`},
		{`true`, `true`},
		{`false || Inbox == "a"`, `eq(Inbox, "a")`},
		{`true && false`, `false`},
		{`Inbox == "a" || true`, `true`},
		{`Inbox in []`, `false`},
		{`Inbox not in []`, `true`},
		{`Channel == "chat" && (Inbox == "a" && Team == "b")`, `and(eq(Channel, "chat"), eq(Inbox, "a"), eq(Team, "b"))`},
		{`Inbox == "a" || (Inbox == "b" || Inbox == "c")`, `or(eq(Inbox, "a"), eq(Inbox, "b"), eq(Inbox, "c"))`},
		{`1 < IncomingMessages < 5`, `and(gt(IncomingMessages, 1), lt(IncomingMessages, 5))`},
		{`IncomingMessages > 2 * 3`, `gt(IncomingMessages, 6)`},
		{`IncomingMessages > -2.5`, `gt(IncomingMessages, -2.5)`},
		{`IncomingMessages > OutgoingMessages`, `expr(IncomingMessages > OutgoingMessages)`},
		{`CreatedAt >= daysAgo(7) && CreatedAt < now()`, `and(ge(CreatedAt, daysAgo(7)), lt(CreatedAt, now()))`},
		{`CreatedAt > now() - duration("1h30m")`, `gt(CreatedAt, now() - duration("1h30m0s"))`},
		{`CreatedAt < date("2025-03-01")`, `lt(CreatedAt, date("2025-03-01"))`},
		{`CreatedAt < date("2025-03-01T10:00")`, `lt(CreatedAt, date("2025-03-01T10:00:00"))`},
		{`CreatedAt < date("2025-03-01T10:00:00+01:00")`, `lt(CreatedAt, date("2025-03-01T10:00:00+01:00"))`},
		{`Vip`, `eq(Vip, true)`},
		{`!Vip`, `ne(Vip, true)`},
		{`Score in [1, 2.5]`, `in(Score, [1, 2.5])`},
		{`SLA in [duration("1h")]`, `in(SLA, [duration("1h0m0s")])`},
		{`origin_url == "x"`, `eq(OriginURL, "x")`},
		{`Plan != "pro"`, `ne(Plan, "pro")`},
		{`1 == 1`, `true`},
		{`"a" in ["b"]`, `false`},
		{`now() > date("2025-01-01")`, `expr(now() > date("2025-01-01"))`},
		{`Inbox < "M"`, `expr(Inbox < "M")`},
	} {
		t.Run(tc.src, func(t *testing.T) {
			f, err := compileFilter(s, tc.src)
			require.NoError(t, err)
			require.Equal(t, tc.plan, f.tree().String())
			require.Equal(t, tc.src, f.String())
		})
	}
}

func TestFilterResidualReadsItsProperties(t *testing.T) {
	f, err := compileFilter(nil, `Channel == "chat" && lower(Subject) contains "refund"`)
	require.NoError(t, err)
	p := f.tree()
	require.Equal(t, filter.And, p.Op)
	r := p.Kids[1].Res
	require.Equal(t, []string{"Subject"}, fieldNames(r.Fields()))
	ok, err := r.Match(convRow{&Conversation{Subject: "REFUND!"}}, filter.Env(testEnv))
	require.NoError(t, err)
	require.True(t, ok)
	ok, err = r.Match(convRow{&Conversation{}}, filter.Env(testEnv))
	require.NoError(t, err)
	require.False(t, ok)
}

func fieldNames(ps []filter.Field) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.Name
	}
	return out
}

func TestEmptyFilterMatchesEverything(t *testing.T) {
	for _, src := range []string{"", "  \n\t "} {
		f, err := compileFilter(nil, src)
		require.NoError(t, err)
		require.Equal(t, src, f.String())
		require.Equal(t, "true", f.tree().String())
		ok, err := f.Match(&Conversation{}, filterEnv{})
		require.NoError(t, err)
		require.True(t, ok)
	}
}

func TestFilterUnknownValues(t *testing.T) {
	s := testSchema(t)
	empty := &Conversation{ID: "empty"} // everything unknown but the counts
	for _, tc := range []struct {
		src  string
		want bool
	}{
		{`Inbox == "Sales"`, false},
		{`Inbox != "Sales"`, true},
		{`Inbox in ["Sales"]`, false},
		{`Inbox not in ["Sales"]`, true},
		{`Inbox < "Z"`, false},
		{`Inbox contains ""`, false},
		{`Inbox startsWith ""`, false},
		{`Inbox endsWith ""`, false},
		{`Inbox matches ".*"`, false},
		{`Inbox == nil`, true},
		{`Inbox != nil`, false},
		{`CreatedAt < now()`, false},
		{`CreatedAt >= date("2000-01-01")`, false},
		{`FirstResponseTime < duration("1h")`, false},
		{`FirstResponseTime >= duration("0s")`, false},
		{`Score <= 0`, false},
		{`Score != 0`, true},
		{`Vip == false`, false},
		{`Vip`, false},
		{`!Vip`, true},
		{`len(Subject) == 0`, false},
		{`lower(Subject) != "x"`, true},
		{`(Inbox ?? "none") == "none"`, true},
		{`IncomingMessages == 0`, true},
		{`IncomingMessages == nil`, false},
	} {
		t.Run(tc.src, func(t *testing.T) {
			f, err := compileFilter(s, tc.src)
			require.NoError(t, err)
			got, err := f.Match(empty, testEnv)
			require.NoError(t, err)
			require.Equal(t, tc.want, got, "Match")
			got, err = f.tree().Eval(convRow{empty}, filter.Env(testEnv))
			require.NoError(t, err)
			require.Equal(t, tc.want, got, "plan %s", f.tree())
		})
	}
}

func TestFilterTimesInQueryZone(t *testing.T) {
	// 2025-03-31 10:00 in Paris, the day after the switch to summer time:
	// today began at 00:00+02:00, yesterday at 00:00+01:00.
	env := filterEnv{Now: time.Date(2025, 3, 31, 10, 0, 0, 0, paris), Zone: paris}
	utc := func(s string) time.Time {
		tm, err := time.Parse(time.RFC3339, s)
		require.NoError(t, err)
		return tm
	}
	for _, tc := range []struct {
		src  string
		want time.Time
	}{
		{`daysAgo(0)`, utc("2025-03-30T22:00:00Z")},
		{`daysAgo(1)`, utc("2025-03-29T23:00:00Z")},
		{`daysAgo(2)`, utc("2025-03-28T23:00:00Z")},
		{`date("2025-03-30")`, utc("2025-03-29T23:00:00Z")},
		{`date("2025-03-30T12:00")`, utc("2025-03-30T10:00:00Z")},
		{`date("2025-03-30T12:00:00Z")`, utc("2025-03-30T12:00:00Z")},
		{`now()`, utc("2025-03-31T08:00:00Z")},
		{`now() - duration("90m")`, utc("2025-03-31T06:30:00Z")},
		{`duration("1h") + daysAgo(1)`, utc("2025-03-30T00:00:00Z")},
	} {
		t.Run(tc.src, func(t *testing.T) {
			f, err := compileFilter(nil, `CreatedAt >= `+tc.src)
			require.NoError(t, err)
			p := f.tree()
			require.Equal(t, filter.Ge, p.Op, "plan %s", p)
			require.True(t, tc.want.Equal(p.Vals[0].(filter.TimeLit).At(filter.Env(env))), "at: %v", p.Vals[0].(filter.TimeLit).At(filter.Env(env)))
			for _, c := range []struct {
				at   time.Time
				want bool
			}{{tc.want, true}, {tc.want.Add(-time.Nanosecond), false}} {
				got, err := f.Match(&Conversation{CreatedAt: c.at}, env)
				require.NoError(t, err)
				require.Equal(t, c.want, got, "Match at %v", c.at)
			}
		})
	}
	// A nil zone is UTC.
	f, err := compileFilter(nil, `CreatedAt >= date("2025-03-30")`)
	require.NoError(t, err)
	ok, err := f.Match(&Conversation{CreatedAt: utc("2025-03-30T00:00:00Z")}, filterEnv{Now: env.Now})
	require.NoError(t, err)
	require.True(t, ok)
}

func TestFilterWrongCustomValueType(t *testing.T) {
	s := testSchema(t)
	f, err := compileFilter(s, `Channel == "chat" && Score > 1`)
	require.NoError(t, err)
	c := &Conversation{ID: "bad", Channel: Chat, Properties: map[string]any{"Score": "high"}}
	want := `convreport: filter: conversation "bad": property Score holds string, want float64 (number property)`
	_, err = f.Match(c, testEnv)
	require.EqualError(t, err, want)
	_, err = f.tree().Eval(convRow{c}, filter.Env(testEnv))
	require.EqualError(t, err, want)
}

func TestFilterErrors(t *testing.T) {
	s := testSchema(t)
	for _, tc := range []struct {
		name, src    string
		line, column int
		want         string // the whole Error() text
	}{
		{"unknown property with suggestion", `Channel == "chat" && Inboxx == "Sales"`, 1, 22, `` +
			`convreport: filter: unknown property "Inboxx" (did you mean "Inbox"?) at line 1, column 22:
 | Channel == "chat" && Inboxx == "Sales"
 | .....................^`},
		{"unknown property without suggestion", `Colour == "red"`, 1, 1, `` +
			`convreport: filter: unknown property "Colour" at line 1, column 1:
 | Colour == "red"
 | ^`},
		{"column counts runes", `Subject == "héllo" && Inboxx == "x"`, 1, 23, `` +
			`convreport: filter: unknown property "Inboxx" (did you mean "Inbox"?) at line 1, column 23:
 | Subject == "héllo" && Inboxx == "x"
 | ......................^`},
		{"second line", "Channel == \"chat\" &&\n  Inboxx == \"x\"", 2, 3, `` +
			`convreport: filter: unknown property "Inboxx" (did you mean "Inbox"?) at line 2, column 3:
 |   Inboxx == "x"
 | ..^`},
		{"string compared with number", `Channel == 5`, 1, 9, `` +
			`convreport: filter: cannot compare Channel (a string) with 5 (a number) at line 1, column 9:
 | Channel == 5
 | ........^`},
		{"number compared with string", `Score > "high"`, 1, 7, `` +
			`convreport: filter: cannot compare Score (a number) with "high" (a string) at line 1, column 7:
 | Score > "high"
 | ......^`},
		{"duration compared with number", `FirstResponseTime > 300`, 1, 19, `` +
			`convreport: filter: cannot compare FirstResponseTime (a duration) with 300 (a number): write a duration like duration("5m") at line 1, column 19:
 | FirstResponseTime > 300
 | ..................^`},
		{"time compared with string", `CreatedAt > "2025-01-01"`, 1, 11, `` +
			`convreport: filter: cannot compare CreatedAt (a time) with "2025-01-01" (a string): write date("2025-01-01") at line 1, column 11:
 | CreatedAt > "2025-01-01"
 | ..........^`},
		{"list element of the wrong type", `Inbox in ["Sales", 2]`, 1, 7, `` +
			`convreport: filter: cannot compare Inbox (a string) with 2 (a number) at line 1, column 7:
 | Inbox in ["Sales", 2]
 | ......^`},
		{"enum value that does not exist", `Plan == "gold"`, 1, 9, `` +
			`convreport: filter: Plan has no value "gold" (want one of "free", "pro", "enterprise") at line 1, column 9:
 | Plan == "gold"
 | ........^`},
		{"empty string is unknown", `Inbox != ""`, 1, 10, `` +
			`convreport: filter: an empty Inbox is unknown: test it with Inbox == nil or Inbox != nil at line 1, column 10:
 | Inbox != ""
 | .........^`},
		{"bool has no order", `Vip > true`, 1, 5, `` +
			`convreport: filter: Vip is a bool: it can only be compared with == or != at line 1, column 5:
 | Vip > true
 | ....^`},
		{"contains on a number", `IncomingMessages contains "5"`, 1, 18, `` +
			`convreport: filter: contains needs a string, but IncomingMessages is a number at line 1, column 18:
 | IncomingMessages contains "5"
 | .................^`},
		{"type error found by expr", `Subject contains 5`, 1, 9, `` +
			`convreport: filter: invalid operation: contains (mismatched types string and number) at line 1, column 9:
 | Subject contains 5
 | ........^`},
		{"not a condition", `Subject`, 1, 1, `` +
			`convreport: filter: the filter must be a condition (true or false), but it is a string at line 1, column 1:
 | Subject
 | ^`},
		{"a number is not a condition", `IncomingMessages + 1`, 1, 18, `` +
			`convreport: filter: the filter must be a condition (true or false), but it is a number at line 1, column 18:
 | IncomingMessages + 1
 | .................^`},
		// expr places these at the token after the literal.
		{"integer too large", `IncomingMessages > 99999999999999999999 && Channel == "chat"`, 1, 20, `` +
			`convreport: filter: 99999999999999999999 is too large for an integer (at most 9223372036854775807; write a decimal like 1e20 for a larger number) at line 1, column 20:
 | IncomingMessages > 99999999999999999999 && Channel == "chat"
 | ...................^`},
		{"integer too large, with underscores, the second of two", `IncomingMessages > 1_000 ||
  OutgoingMessages > 1_000_000_000_000_000_000_000`, 2, 22, `` +
			`convreport: filter: 1000000000000000000000 is too large for an integer (at most 9223372036854775807; write a decimal like 1e20 for a larger number) at line 2, column 22:
 |   OutgoingMessages > 1_000_000_000_000_000_000_000
 | .....................^`},
		{"number too large", `len(Subject) > 1e400`, 1, 16, `` +
			`convreport: filter: 1e400 is too large for a number (at most about 1.8e308) at line 1, column 16:
 | len(Subject) > 1e400
 | ...............^`},
		{"syntax error", `Channel = "chat"`, 1, 9, `` +
			`convreport: filter: = is not a comparison: write == to compare, like Channel == "chat" at line 1, column 9:
 | Channel = "chat"
 | ........^`},
		{"unexpected end", `Channel ==`, 1, 10, `` +
			`convreport: filter: unexpected token EOF at line 1, column 10:
 | Channel ==
 | .........^`},
		{"bad duration", `duration("5 minutes") < WaitTime`, 1, 10, `` +
			`convreport: filter: bad duration "5 minutes": want a number and a unit, like 90s, 5m or 1h30m at line 1, column 10:
 | duration("5 minutes") < WaitTime
 | .........^`},
		{"duration too long", `duration("9999999h") < WaitTime`, 1, 10, `` +
			`convreport: filter: bad duration "9999999h": longer than the longest duration allowed, 2562047h47m16.854775807s (about 292 years) at line 1, column 10:
 | duration("9999999h") < WaitTime
 | .........^`},
		{"bad date", `CreatedAt < date("2025-13-01")`, 1, 18, `` +
			`convreport: filter: bad date "2025-13-01": want a date like 2025-03-01, a local time like 2025-03-01T10:00, or RFC 3339 like 2025-03-01T10:00:00Z at line 1, column 18:
 | CreatedAt < date("2025-13-01")
 | .................^`},
		{"date of a property", `CreatedAt > date(Subject)`, 1, 18, `` +
			`convreport: filter: date() takes a constant string, like date("2025-03-01") at line 1, column 18:
 | CreatedAt > date(Subject)
 | .................^`},
		{"negative daysAgo", `CreatedAt > daysAgo(-1)`, 1, 21, `` +
			`convreport: filter: daysAgo() takes a whole number of days from 0 to 100000 at line 1, column 21:
 | CreatedAt > daysAgo(-1)
 | ....................^`},
		{"helper without call", `CreatedAt < now`, 1, 13, `` +
			`convreport: filter: now is a function: write now(…) at line 1, column 13:
 | CreatedAt < now
 | ............^`},
		{"nil compared with a computed value", `lower(Inbox) == nil`, 1, 14, `` +
			`convreport: filter: nil can only be compared with a property (Inbox == nil) at line 1, column 14:
 | lower(Inbox) == nil
 | .............^`},
		{"range", `IncomingMessages in 1..3`, 1, 22, `` +
			`convreport: filter: ranges (..) are not supported in filters: write X >= a && X <= b at line 1, column 22:
 | IncomingMessages in 1..3
 | .....................^`},
		{"remainder", `len(Subject) % 2 == 0`, 1, 14, `` +
			`convreport: filter: % is not supported in filters at line 1, column 14:
 | len(Subject) % 2 == 0
 | .............^`},
		{"method", `Subject.Len() > 0`, 1, 9, `` +
			`convreport: filter: fields and methods are not supported in filters at line 1, column 9:
 | Subject.Len() > 0
 | ........^`},
		{"matches a property", `Subject matches Inbox`, 1, 9, `` +
			`convreport: filter: matches needs a constant pattern, like Subject matches "^re:" at line 1, column 9:
 | Subject matches Inbox
 | ........^`},
		{"bad pattern", `Subject matches "[a"`, 1, 17, "" +
			"convreport: filter: bad pattern: error parsing regexp: missing closing ]: `[a` at line 1, column 17:\n" +
			" | Subject matches \"[a\"\n" +
			" | ................^"},
		{"one = for a comparison", `Channel == "chat" && Inbox = "Sales"`, 1, 28, "" +
			"convreport: filter: = is not a comparison: write == to compare, like Channel == \"chat\" at line 1, column 28:\n" +
			" | Channel == \"chat\" && Inbox = \"Sales\"\n" +
			" | ...........................^"},
		{"costly pattern", `Subject matches "[a-z ]{1,1000}"`, 1, 17, "" +
			"convreport: filter: the pattern is too costly to match: 2001 instructions, over the limit of 1000 (each repeat of a counted repetition such as {1,1000} adds some) at line 1, column 17:\n" +
			" | Subject matches \"[a-z ]{1,1000}\"\n" +
			" | ................^"},
		{"predicate over a property", `any([Inbox], # == "x")`, 1, 6, `` +
			`convreport: filter: the list of any must hold constants only at line 1, column 6:
 | any([Inbox], # == "x")
 | .....^`},
		{"nested predicates", `any(["a"], any(["b"], Subject contains #))`, 1, 12, `` +
			`convreport: filter: any cannot be used inside all, any, none, one or count at line 1, column 12:
 | any(["a"], any(["b"], Subject contains #))
 | ...........^`},
		{"two expressions", `Inbox == "a"; true`, 1, 7, `` +
			`convreport: filter: a filter is one expression: ; is not supported at line 1, column 7:
 | Inbox == "a"; true
 | ......^`},
		{"tab in the line", "Channel == \"chat\" &&\tInboxx", 1, 22, "" +
			"convreport: filter: unknown property \"Inboxx\" (did you mean \"Inbox\"?) at line 1, column 22:\n" +
			" | Channel == \"chat\" && Inboxx\n" +
			" | .....................^"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := compileFilter(s, tc.src)
			var fe *FilterError
			require.ErrorAs(t, err, &fe)
			require.Equal(t, tc.src, fe.Expr)
			require.Equal(t, tc.line, fe.Line, "line")
			require.Equal(t, tc.column, fe.Column, "column")
			require.Equal(t, tc.want, err.Error())
		})
	}
}

func TestFilterErrorWithoutPosition(t *testing.T) {
	_, err := compileFilter(nil, "Inbox == \"\xff\"")
	var fe *FilterError
	require.ErrorAs(t, err, &fe)
	require.Zero(t, fe.Line)
	require.EqualError(t, err, "convreport: filter: expression is not valid UTF-8")
}

func TestFilterUnknownFunction(t *testing.T) {
	_, err := compileFilter(nil, `repeat("x", 3) == "xxx"`)
	var fe *FilterError
	require.ErrorAs(t, err, &fe)
	require.Equal(t, 1, fe.Column)
	require.Equal(t, "unknown function repeat (filters can use duration, date, now, daysAgo, abs, all, any, ceil, count, "+
		"floor, indexOf, lastIndexOf, len, lower, max, min, none, one, round, trim, trimPrefix, trimSuffix, upper)", fe.Msg)
}

func TestFilterLimits(t *testing.T) {
	long := `Inbox == "` + strings.Repeat("x", 4087) + `"` // 9 + 1 + 4087 + 1 = 4098 bytes
	_, err := compileFilter(nil, long)
	var le *FilterLimitError
	require.ErrorAs(t, err, &le)
	require.Equal(t, FilterLimitError{Limit: "length", Max: 4096, Got: 4098}, *le)
	require.EqualError(t, err, "convreport: filter: expression is 4098 bytes long, over the limit of 4096 bytes")

	// Each comparison is 3 nodes (property, literal, operator), each || one
	// more: 65 comparisons are 65*3 + 64 = 259 nodes.
	terms := make([]string, 65)
	for i := range terms {
		terms[i] = fmt.Sprintf("IncomingMessages == %d", i)
	}
	_, err = compileFilter(nil, strings.Join(terms, " || "))
	require.ErrorAs(t, err, &le)
	require.Equal(t, FilterLimitError{Limit: "nodes", Max: 256, Got: 259}, *le)
	require.EqualError(t, err, "convreport: filter: expression has 259 nodes, over the limit of 256 nodes")

	// 64 comparisons are 64*3 + 63 = 255 nodes: within the limit.
	_, err = compileFilter(nil, strings.Join(terms[:64], " || "))
	require.NoError(t, err)

	opts := FilterOptions{MaxLength: 20, MaxNodes: 10}
	_, err = opts.compile(nil, `Channel == "chat" && Inbox == "x"`)
	require.EqualError(t, err, "convreport: filter: expression is 33 bytes long, over the limit of 20 bytes")
	opts.MaxLength = 0
	_, err = opts.compile(nil, `Channel == "chat" && Inbox == "x" && Team == "y"`) // 3*3 + 2 = 11 nodes
	require.EqualError(t, err, "convreport: filter: expression has 11 nodes, over the limit of 10 nodes")
}

func TestFilterConcurrentMatch(t *testing.T) {
	s := testSchema(t)
	f, err := compileFilter(s, `Channel == "chat" && lower(Subject) contains "refund" || Score > 50`)
	require.NoError(t, err)
	rows := randomConversations(500, 3)
	want := make([]bool, len(rows))
	for i, c := range rows {
		want[i], err = f.Match(c, testEnv)
		require.NoError(t, err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i, c := range rows {
				got, err := f.Match(c, testEnv)
				if err == nil && got != want[i] {
					err = fmt.Errorf("row %d: got %v, want %v", i, got, want[i])
				}
				if err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func TestConditionExpr(t *testing.T) {
	s := testSchema(t)
	for _, tc := range []struct {
		c    Condition
		want string
	}{
		{Condition{"Inbox", IsAnyOf, []string{"Sales", "Support"}}, `Inbox in ["Sales", "Support"]`},
		{Condition{"inbox", IsNoneOf, []string{"Sales"}}, `Inbox not in ["Sales"]`},
		{Condition{"Assignee", IsKnown, nil}, `Assignee != nil`},
		{Condition{"Team", IsUnknown, nil}, `Team == nil`},
		{Condition{"Channel", Equals, []string{"chat"}}, `Channel == "chat"`},
		{Condition{"Channel", NotEquals, []string{"email"}}, `Channel != "email"`},
		{Condition{"Subject", Contains, []string{"refund"}}, `Subject contains "refund"`},
		{Condition{"OriginURL", StartsWith, []string{"https://shop."}}, `OriginURL startsWith "https://shop."`},
		{Condition{"IncomingMessages", GreaterThan, []string{"3"}}, `IncomingMessages > 3`},
		{Condition{"IncomingMessages", LessThan, []string{" 2.5 "}}, `IncomingMessages < 2.5`},
		{Condition{"IncomingMessages", GreaterThan, []string{"-1e20"}}, `IncomingMessages > -1e+20`},
		{Condition{"FirstResponseTime", GreaterThan, []string{"5m"}}, `FirstResponseTime > duration("5m")`},
		{Condition{"CreatedAt", LessThan, []string{"2025-03-01"}}, `CreatedAt < date("2025-03-01")`},
		{Condition{"IncomingMessages", Between, []string{"2", "6"}}, `IncomingMessages >= 2 && IncomingMessages < 6`},
		{Condition{"CreatedAt", InLastDays, []string{"7"}}, `CreatedAt >= daysAgo(7) && CreatedAt < now()`},
		{Condition{"ClosedAt", Before, []string{"2025-03-01T10:00:00Z"}}, `ClosedAt < date("2025-03-01T10:00:00Z")`},
		{Condition{"ClosedAt", After, []string{"2025-03-01"}}, `ClosedAt >= date("2025-03-01")`},
		{Condition{"CreatedAt", Equals, []string{"2025-03-31"}}, `CreatedAt >= date("2025-03-31") && CreatedAt < date("2025-04-01")`},
		{Condition{"CreatedAt", NotEquals, []string{"2025-12-31"}}, `not (CreatedAt >= date("2025-12-31") && CreatedAt < date("2026-01-01"))`},
		{Condition{"CreatedAt", Equals, []string{"2025-03-01T10:00:00Z"}}, `CreatedAt == date("2025-03-01T10:00:00Z")`},
		{Condition{"Vip", Equals, []string{"true"}}, `Vip == true`},
		{Condition{"Score", IsAnyOf, []string{"1", "2.5"}}, `Score in [1, 2.5]`},
		{Condition{"Subject", Equals, []string{"say \"hi\"\n"}}, `Subject == "say \"hi\"\n"`},
	} {
		t.Run(tc.want, func(t *testing.T) {
			got, err := tc.c.Expr(s)
			require.NoError(t, err)
			require.Equal(t, tc.want, got)
			_, err = compileFilter(s, got)
			require.NoError(t, err)
		})
	}

	all, err := ConditionsExpr(s, []Condition{
		{"Channel", Equals, []string{"chat"}},
		{"CreatedAt", Equals, []string{"2025-03-31"}},
		{"Inbox", IsKnown, nil},
	})
	require.NoError(t, err)
	require.Equal(t, `Channel == "chat" && CreatedAt >= date("2025-03-31") && CreatedAt < date("2025-04-01") && Inbox != nil`, all)
	f, err := compileFilter(s, all)
	require.NoError(t, err)
	require.Equal(t, `and(eq(Channel, "chat"), ge(CreatedAt, date("2025-03-31")), lt(CreatedAt, date("2025-04-01")), known(Inbox))`, f.tree().String())

	none, err := ConditionsExpr(s, nil)
	require.NoError(t, err)
	require.Equal(t, "", none)
}

func TestConditionExprErrors(t *testing.T) {
	s := testSchema(t)
	for _, tc := range []struct {
		c    Condition
		want string
	}{
		{Condition{"Inboxx", IsAnyOf, []string{"a"}}, `convreport: condition: Inboxx is_any_of: unknown property "Inboxx" (did you mean "Inbox"?)`},
		{Condition{"IncomingMessages", GreaterThan, []string{"many"}}, `convreport: condition: IncomingMessages greater_than "many": not a number`},
		{Condition{"IncomingMessages", Contains, []string{"5"}}, `convreport: condition: IncomingMessages contains: contains does not apply to IncomingMessages, which is a number`},
		{Condition{"CreatedAt", IsAnyOf, []string{"2025-03-01"}}, `convreport: condition: CreatedAt is_any_of: is_any_of does not apply to CreatedAt, which is a time`},
		{Condition{"Channel", Equals, []string{"chta"}}, `convreport: condition: Channel equals "chta": not a value of Channel (want one of "chat", "email", "form", "messenger", "whatsapp", "phone", "other")`},
		{Condition{"Inbox", IsKnown, []string{"x"}}, `convreport: condition: Inbox is_known: takes no values, got 1`},
		{Condition{"Inbox", Equals, nil}, `convreport: condition: Inbox equals: takes 1 value, got 0`},
		{Condition{"Inbox", IsAnyOf, nil}, `convreport: condition: Inbox is_any_of: needs at least one value`},
		{Condition{"Inbox", Equals, []string{""}}, `convreport: condition: Inbox equals: empty value (use is_unknown for a missing value)`},
		{Condition{"IncomingMessages", Between, []string{"1"}}, `convreport: condition: IncomingMessages between: takes 2 values, got 1`},
		{Condition{"FirstResponseTime", Between, []string{"1h", "5m"}}, `convreport: condition: FirstResponseTime between "5m": the second value must be greater than the first, "1h"`},
		{Condition{"CreatedAt", InLastDays, []string{"week"}}, `convreport: condition: CreatedAt in_last_days "week": want a whole number of days from 0 to 100000`},
		{Condition{"CreatedAt", Before, []string{"yesterday"}}, `convreport: condition: CreatedAt before "yesterday": want a date like 2025-03-01 or an RFC 3339 time like 2025-03-01T10:00:00Z`},
		{Condition{"SLA", GreaterThan, []string{"2d"}}, `convreport: condition: SLA greater_than "2d": want a duration like 90s, 5m or 1h30m`},
		{Condition{"Vip", Equals, []string{"yes"}}, `convreport: condition: Vip equals "yes": want true or false`},
		{Condition{"Subject", Contains, []string{"\xff"}}, `convreport: condition: Subject contains "\xff": not valid UTF-8`},
		{Condition{"Inbox", "like", []string{"x"}}, `convreport: condition: Inbox like: unknown operator (want one of is_any_of, is_none_of, is_known, is_unknown, equals, not_equals, contains, starts_with, greater_than, less_than, between, in_last_days, before, after)`},
	} {
		t.Run(tc.want, func(t *testing.T) {
			_, err := tc.c.Expr(s)
			var ce *ConditionError
			require.ErrorAs(t, err, &ce)
			require.Equal(t, -1, ce.Index)
			require.EqualError(t, err, tc.want)
		})
	}

	_, err := ConditionsExpr(s, []Condition{
		{"Channel", Equals, []string{"chat"}},
		{"IncomingMessages", GreaterThan, []string{"many"}},
		{"Inboxx", IsKnown, nil},
	})
	require.EqualError(t, err, `convreport: condition #1: IncomingMessages greater_than "many": not a number`+"\n"+
		`convreport: condition #2: Inboxx is_known: unknown property "Inboxx" (did you mean "Inbox"?)`)
	var ce *ConditionError
	require.ErrorAs(t, err, &ce)
	require.Equal(t, 1, ce.Index)
}

// Strings survive the trip to expression text and back, whatever they
// hold.
func TestConditionStringRoundTrip(t *testing.T) {
	for _, v := range []string{
		`plain`,
		`"quoted"`,
		`back\slash`,
		`trailing backslash\`,
		"new\nline and\r\ncarriage",
		"tab\tand\vvertical\fform\bback\aalert",
		"nul\x00byte",
		"unicode: héllo, 日本語, emoji 🎉, combining e\u0301",
		"line separator \u2028 and BOM \ufeff",
		"'single' and `backtick` and ${dollar}",
		"#pointer and // comment /* block */",
		`\u0041 not an escape`,
	} {
		t.Run(fmt.Sprintf("%q", v), func(t *testing.T) {
			e, err := Condition{"Subject", Equals, []string{v}}.Expr(nil)
			require.NoError(t, err)
			f, err := compileFilter(nil, e)
			require.NoError(t, err)
			require.Equal(t, filter.Eq, f.tree().Op)
			require.Equal(t, v, f.tree().Vals[0])
			for _, c := range []struct {
				subject string
				want    bool
			}{{v, true}, {v + "x", false}} {
				got, err := f.Match(&Conversation{Subject: c.subject}, testEnv)
				require.NoError(t, err)
				require.Equal(t, c.want, got)
			}
			e, err = Condition{"Subject", Contains, []string{v}}.Expr(nil)
			require.NoError(t, err)
			f, err = compileFilter(nil, e)
			require.NoError(t, err)
			require.Equal(t, []any{v}, f.tree().Vals)
		})
	}
}

func FuzzCompileFilter(f *testing.F) {
	for _, src := range corpus {
		f.Add(src)
	}
	for _, tc := range goCases {
		f.Add(tc.src)
	}
	for _, src := range []string{
		``, `Channel ==`, `Inboxx == "x"`, `Channel == 5`, `Subject`, `5 % 0 == 1`, `len(Subject) % 0 == 1`,
		`Inbox ?? "x" == "x"`, `let x = 1; x > 0`, `$env.Inbox`, `{a: 1}.a == 1`,
		`any(["a"], # == "a")`, `date("2025-03-01T25:00") < CreatedAt`, `"\xff" == Inbox`,
		`IncomingMessages / 0 > 1`, `round(Score) == 10`, `max(IncomingMessages, 3) > 2`,
	} {
		f.Add(src)
	}
	s := testSchema(f)
	rows := randomConversations(40, 9)
	f.Fuzz(func(t *testing.T, src string) {
		flt, err := compileFilter(s, src)
		if err != nil {
			var fe *FilterError
			var le *FilterLimitError
			switch {
			case errors.As(err, &fe):
				if fe.Line > 0 {
					require.GreaterOrEqual(t, fe.Column, 1)
					require.LessOrEqual(t, fe.Line, strings.Count(src, "\n")+1)
				}
			case errors.As(err, &le):
			default:
				t.Fatalf("compileFilter(%q): error of type %T: %v", src, err, err)
			}
			require.NotEmpty(t, err.Error())
			return
		}
		require.Equal(t, src, flt.String())
		// Every evaluation is bounded by the expression's size, counted in
		// instructions rather than timed, so the bound holds on any machine.
		size, nested := filterWork(flt)
		require.False(t, nested, "compileFilter(%q) nests loops", src)
		require.LessOrEqual(t, size, maxFilterWorkPerByte*(len(src)+1), "compileFilter(%q) compiles to %d instructions", src, size)
		for _, c := range rows {
			// Valid rows never make a filter fail.
			m, err := flt.Match(c, testEnv)
			require.NoError(t, err)
			p, err := flt.tree().Eval(convRow{c}, filter.Env(testEnv))
			require.NoError(t, err)
			require.Equal(t, m, p, "Match and plan %s disagree on %s", flt.tree(), c.ID)
		}
	})
}

// maxFilterWorkPerByte bounds what a filter compiles to, per byte of its
// source: filters of the tests and the fuzz corpus stay under 2, and a
// guard or a subexpression copied at each level of nesting (work that
// doubles with each level) goes far over it within a few levels.
const maxFilterWorkPerByte = 16

// filterWork measures, without a clock, the most work one evaluation of f
// can do: size is the number of VM instructions of its program and of the
// residual programs of its plan, plus the plan's nodes and constants.
// Each instruction runs at most once per evaluation, or once per element of
// a written-out list inside all, any, none, one or count; nested is true
// when such loops nest, which would multiply those counts.
func filterWork(f *compiledFilter) (size int, nested bool) {
	for _, p := range f.f.Programs() {
		size += len(p.Bytecode)
		depth := 0
		for _, op := range p.Bytecode {
			switch op {
			case vm.OpBegin:
				depth++
				nested = nested || depth > 1
			case vm.OpEnd:
				depth--
			}
		}
	}
	var walk func(p *filter.Pred)
	walk = func(p *filter.Pred) {
		if p == nil {
			return
		}
		size += 1 + len(p.Vals)
		for _, k := range p.Kids {
			walk(k)
		}
	}
	walk(f.tree())
	return size, nested
}

func BenchmarkFilter(b *testing.B) {
	s := testSchema(b)
	rows := randomConversations(1000, 4)
	for _, src := range []string{
		`Channel == "chat" && Inbox in ["Sales", "Support"] && FirstResponseTime > duration("5m")`,
		`Channel == "chat" && lower(Subject) contains "refund"`,
	} {
		f, err := compileFilter(s, src)
		require.NoError(b, err)
		b.Run("Match/"+src, func(b *testing.B) {
			for i := 0; b.Loop(); i++ {
				if _, err := f.Match(rows[i%len(rows)], testEnv); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run("tree.Eval/"+src, func(b *testing.B) {
			p := f.tree()
			for i := 0; b.Loop(); i++ {
				if _, err := p.Eval(convRow{rows[i%len(rows)]}, filter.Env(testEnv)); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// The root's kinds convert to the filter compiler's by number: each must
// name the same kind.
func TestKindsMatchTheFilterCompilers(t *testing.T) {
	pairs := map[Kind]filter.Kind{
		KindString: filter.KindString, KindNumber: filter.KindNumber, KindBool: filter.KindBool,
		KindTime: filter.KindTime, KindDuration: filter.KindDuration, KindEnum: filter.KindEnum,
	}
	require.Len(t, pairs, len(kindNames))
	for k, fk := range pairs {
		require.Equal(t, fk, filter.Kind(k), "%s", k)
		require.Equal(t, k.zero(), fk.Zero(), "%s", k)
	}
}

// An enum value may hold a comma. A condition names it as one value, and
// an error lists each value quoted, so that "Enterprise, EU" reads as one
// value of the list, not as two.
func TestEnumValueWithAComma(t *testing.T) {
	s, err := NewSchema(Property{Name: "Plan", Kind: KindEnum, Values: []string{"free", "Enterprise, EU"}})
	require.NoError(t, err)
	expr, err := Condition{"Plan", IsAnyOf, []string{"Enterprise, EU"}}.Expr(s)
	require.NoError(t, err)
	require.Equal(t, `Plan in ["Enterprise, EU"]`, expr)

	_, err = Condition{"Plan", IsAnyOf, []string{"Enterprise"}}.Expr(s)
	require.EqualError(t, err, `convreport: condition: Plan is_any_of "Enterprise": not a value of Plan (want one of "free", "Enterprise, EU")`)
	err = s.CheckFilter(`Plan == "EU"`)
	require.ErrorContains(t, err, `Plan has no value "EU" (want one of "free", "Enterprise, EU")`)
}
