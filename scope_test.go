package convreport_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/access"
	"github.com/convreport/convreport/internal/conformance"
	"github.com/convreport/convreport/library"
	"github.com/convreport/convreport/memory"
	"github.com/convreport/convreport/sample"
	"github.com/stretchr/testify/require"
)

// A viewer's Scope restricts every run and drill-down to the conversations
// of some inboxes and teams. These tests run every report of both overview
// dashboards for scoped viewers and compare each point with the reference
// implementation of sourcetest run over the in-scope conversations only:
// what a viewer sees is exactly what they would see if the other
// conversations did not exist.

var scopeData = sync.OnceValue(func() []convreport.Conversation {
	return sample.Generate(sample.Config{N: 4000, Seed: 42})
})

var scopeParis = sync.OnceValue(func() *time.Location {
	loc, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		panic(err)
	}
	return loc
})

func scopeQuery(v access.Viewer) convreport.Query {
	paris := scopeParis()
	return convreport.Query{
		From: time.Date(2025, 5, 1, 0, 0, 0, 0, paris), To: time.Date(2025, 6, 1, 0, 0, 0, 0, paris),
		Zone: paris, Now: time.Date(2025, 5, 30, 15, 0, 0, 0, paris), Viewer: v,
	}
}

var scopes = []struct {
	name  string
	scope access.Scope
}{
	{"sales team", access.Scope{Teams: []string{"Sales"}}},
	{"chat and billing inboxes", access.Scope{Inboxes: []string{"Live chat", "Billing"}}},
	{"inboxes and teams", access.Scope{Inboxes: []string{"Support", "Partners", "Live chat"}, Teams: []string{"Support", "Billing"}}},
	{"nothing", access.Scope{Inboxes: []string{"No such inbox"}}},
}

// inScope is the scope's rule written independently of the engine.
func inScope(s access.Scope, c *convreport.Conversation) bool {
	return (len(s.Inboxes) == 0 || slices.Contains(s.Inboxes, c.Inbox)) &&
		(len(s.Teams) == 0 || slices.Contains(s.Teams, c.Team))
}

// channelOf reads the template's one filter, Channel == "x".
func channelOf(t *testing.T, r convreport.Report) convreport.Channel {
	t.Helper()
	ch, ok := strings.CutPrefix(r.Filter, `Channel == "`)
	require.True(t, ok, "report %q: filter %q", r.Name, r.Filter)
	return convreport.Channel(strings.TrimSuffix(ch, `"`))
}

var visibleCache sync.Map // fmt.Sprint(scope) → []convreport.Conversation

// visibleTo returns the conversations of scopeData in scope s.
func visibleTo(s access.Scope) []convreport.Conversation {
	key := fmt.Sprint(s)
	if v, ok := visibleCache.Load(key); ok {
		return v.([]convreport.Conversation)
	}
	var out []convreport.Conversation
	for _, c := range scopeData() {
		if inScope(s, &c) {
			out = append(out, c)
		}
	}
	visibleCache.Store(key, out)
	return out
}

// scopeKey names a point as the reference does.
func scopeKey(p convreport.Point) string {
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

// checkScoped compares a scoped result with the reference over the
// in-scope conversations kept by keep, then drills into about drills of
// its points and checks that each row is in scope and kept.
func checkScoped(t *testing.T, eng *convreport.Engine, q convreport.Query, r convreport.Report, res convreport.Result,
	keep func(*convreport.Conversation) bool, drills int) {
	t.Helper()
	visible := visibleTo(q.Viewer.Scope)
	want, err := conformance.Reference(visible, q, conformance.Case{Name: r.Name, Report: r,
		Keep: func(c *convreport.Conversation, _ time.Time, _ *time.Location) bool { return keep(c) }})
	require.NoError(t, err)
	var order []string
	for _, p := range res.Points {
		k := scopeKey(p)
		order = append(order, k)
		w, ok := want.Points[k]
		require.True(t, ok, "%s: point %s is not in the reference", r.Name, k)
		v := "null"
		if p.Value.Valid {
			v = p.Value.Decimal.String()
		}
		require.Equal(t, w, conformance.RefPoint{Count: p.Count, Excluded: p.Excluded, Value: v}, "%s: point %s", r.Name, k)
	}
	require.Equal(t, want.Order, order, "%s: points", r.Name)
	require.Equal(t, want.Matched, res.Matched, "%s: matched", r.Name)
	require.Equal(t, want.Excluded, res.Excluded, "%s: excluded", r.Name)

	// A sample of the points (every one when there are few) keeps this quick;
	// the reference comparison above covers them all.
	step := max(1, len(res.Points)/drills)
	for i, p := range res.Points {
		if p.Count == 0 || i%step != 0 && i != len(res.Points)-1 {
			continue
		}
		d, err := eng.DrillDown(context.Background(), q, r, p)
		require.NoError(t, err)
		require.Equal(t, int(p.Count), d.Len(), "%s: drill-down of %s", r.Name, scopeKey(p))
		for c := range d.All() {
			require.True(t, inScope(q.Viewer.Scope, &c), "%s: drill-down of %s shows %s (inbox %q, team %q)",
				r.Name, scopeKey(p), c.ID, c.Inbox, c.Team)
			require.True(t, keep(&c), "%s: drill-down of %s shows %s, which the filter drops", r.Name, scopeKey(p), c.ID)
		}
	}
}

func TestScopeAppliesToEveryOverviewReport(t *testing.T) {
	src, err := memory.New(scopeData())
	require.NoError(t, err)
	eng := convreport.NewEngine(src)
	for _, tpl := range []library.Template{library.ChatOverview(), library.EmailOverview()} { // the overviews: one Channel filter each
		d, err := tpl.NewDashboard(convreport.DashboardOptions{Name: tpl.Name, Owner: "ana"})
		require.NoError(t, err)
		for _, sc := range scopes {
			t.Run(tpl.ID+"/"+sc.name, func(t *testing.T) {
				q := scopeQuery(access.Viewer{UserID: "ana", Scope: sc.scope})
				results, err := eng.RunDashboard(context.Background(), q, d)
				require.NoError(t, err)
				require.Len(t, results, len(d.Reports))
				for i, r := range d.Reports {
					ch := channelOf(t, r)
					checkScoped(t, eng, q, r, results[i], func(c *convreport.Conversation) bool { return c.Channel == ch }, 8)
				}
			})
		}
	}
}

func TestScopedRunsSeeSomethingAndLessThanAll(t *testing.T) {
	// Guards the test data: each scope but "nothing" leaves some
	// conversations of both channels out and keeps some in.
	for _, sc := range scopes[:3] {
		var in, out int
		for _, c := range scopeData() {
			if inScope(sc.scope, &c) {
				in++
			} else {
				out++
			}
		}
		require.Positive(t, in, sc.name)
		require.Positive(t, out, sc.name)
	}
}

// TestNoFilterWidensTheScope runs each overview report with filters that
// try to reach out-of-scope conversations: through the report's filter, its
// conditions, or both. The scope wins every time.
func TestNoFilterWidensTheScope(t *testing.T) {
	src, err := memory.New(scopeData())
	require.NoError(t, err)
	eng := convreport.NewEngine(src)
	sc := access.Scope{Inboxes: []string{"Live chat", "Billing"}, Teams: []string{"Sales", "Billing"}}
	q := scopeQuery(access.Viewer{UserID: "ana", Scope: sc})
	attacks := []struct {
		name       string
		filter     string
		conditions []convreport.Condition
		keep       func(*convreport.Conversation) bool
	}{
		{"always true", `true || Inbox != nil`, nil, func(*convreport.Conversation) bool { return true }},
		{"an out-of-scope inbox", `Inbox == "Support" || Inbox == "Other"`, nil,
			func(c *convreport.Conversation) bool { return c.Inbox == "Support" || c.Inbox == "Other" }},
		{"outside the scope's inboxes", `Inbox not in ["Live chat", "Billing"]`, nil,
			func(c *convreport.Conversation) bool { return c.Inbox != "Live chat" && c.Inbox != "Billing" }},
		{"unknown or known team", `Team == nil || Team != nil`, nil, func(*convreport.Conversation) bool { return true }},
		{"negated scope", `!(Team in ["Sales", "Billing"]) or Channel != nil`, nil, func(*convreport.Conversation) bool { return true }},
		{"conditions", "", []convreport.Condition{{Property: "Team", Op: convreport.IsNoneOf, Values: []string{"Sales", "Billing"}}},
			func(c *convreport.Conversation) bool { return c.Team != "Sales" && c.Team != "Billing" }},
		{"conditions and filter", `Inbox != "Billing" || true`, []convreport.Condition{{Property: "Inbox", Op: convreport.IsKnown}},
			func(c *convreport.Conversation) bool { return c.Inbox != "" }},
	}
	for _, tpl := range []library.Template{library.ChatOverview(), library.EmailOverview()} { // the overviews: one Channel filter each
		for _, r := range tpl.Reports {
			ch := channelOf(t, r)
			for _, a := range attacks {
				t.Run(r.ID+"/"+a.name, func(t *testing.T) {
					hostile := r
					hostile.Filter = fmt.Sprintf(`(%s) && (%s)`, r.Filter, cmpOr(a.filter, "true"))
					hostile.Conditions = a.conditions
					res, err := eng.Run(context.Background(), q, hostile)
					require.NoError(t, err)
					checkScoped(t, eng, q, hostile, res[0], func(c *convreport.Conversation) bool { return c.Channel == ch && a.keep(c) }, 2)
				})
			}
		}
	}
}

func cmpOr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// TestDrillDownOfACraftedPointStaysInScope asks for the conversations of
// points the scoped viewer never got: other teams' reps, other inboxes. A
// caller can build any Point; the scope still holds.
func TestDrillDownOfACraftedPointStaysInScope(t *testing.T) {
	src, err := memory.New(scopeData())
	require.NoError(t, err)
	eng := convreport.NewEngine(src)
	sc := access.Scope{Teams: []string{"Billing"}}
	q := scopeQuery(access.Viewer{UserID: "ana", Scope: sc})
	email := library.EmailOverview().Reports
	byOwner, byInbox := email[0], email[5]
	require.Equal(t, []string{"Assignee"}, byOwner.Dimensions)
	require.Equal(t, []string{"Inbox"}, byInbox.Dimensions)

	values := map[string]map[string]bool{"Assignee": {}, "Inbox": {}}
	for _, c := range scopeData() {
		values["Assignee"][c.Assignee] = true
		values["Inbox"][c.Inbox] = true
	}
	for _, r := range []convreport.Report{byOwner, byInbox} {
		prop := r.Dimensions[0]
		unscoped := scopeQuery(access.Viewer{UserID: "ana"})
		for v := range values[prop] {
			p := convreport.Point{Dimensions: []convreport.DimensionValue{{Property: prop, Value: v, Known: v != ""}}}
			d, err := eng.DrillDown(context.Background(), q, r, p)
			require.NoError(t, err)
			all, err := eng.DrillDown(context.Background(), unscoped, r, p)
			require.NoError(t, err)
			want := 0
			for c := range all.All() {
				if inScope(sc, &c) {
					want++
				}
			}
			require.Equal(t, want, d.Len(), "%s = %q", prop, v)
			for c := range d.All() {
				require.Equal(t, "Billing", c.Team, "%s = %q shows %s", prop, v, c.ID)
			}
		}
	}
}
