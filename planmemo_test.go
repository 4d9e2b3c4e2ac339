package convreport_test

import (
	"context"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/memory"
)

// drillIDs returns the IDs of the conversations behind the point of
// Assignee a, in creation order.
func drillIDs(t *testing.T, e *convreport.Engine, q convreport.Query, r convreport.Report, a string) []string {
	t.Helper()
	ids, err := assigneeRows(e, q, r, a)
	require.NoError(t, err)
	return ids
}

func assigneeRows(e *convreport.Engine, q convreport.Query, r convreport.Report, a string) ([]string, error) {
	p := convreport.Point{Dimensions: []convreport.DimensionValue{{Property: "Assignee", Value: a, Known: true}}}
	d, err := e.DrillDown(context.Background(), q, r, p)
	if err != nil {
		return nil, err
	}
	ids := []string{}
	for c := range d.All() {
		ids = append(ids, c.ID)
	}
	return ids, nil
}

// TestDrillDownFollowsItsReportAndQuery drills again and again with one
// engine while the caller changes its report and query in place, as a
// report editor does: each drill-down lists the rows of the report and
// query as they are then, never those of a plan kept from before.
func TestDrillDownFollowsItsReportAndQuery(t *testing.T) {
	src, err := memory.New(fixture())
	require.NoError(t, err)
	e := convreport.NewEngine(src)
	q := fixtureQuery()
	r := convreport.Report{ID: "by-rep", Name: "By rep", Dimensions: []string{"Assignee"},
		Conditions: []convreport.Condition{{Property: "Channel", Op: convreport.IsAnyOf, Values: []string{"chat"}}}}

	// B's chats and emails of the range, by hand: c3 is a chat in the Chat
	// inbox, c4 an email in Billing.
	require.Equal(t, []string{"c3"}, drillIDs(t, e, q, r, "B"))
	require.Equal(t, []string{"c3"}, drillIDs(t, e, q, r, "B"))
	r.Conditions[0].Values[0] = "email"
	require.Equal(t, []string{"c4"}, drillIDs(t, e, q, r, "B"))
	q.Viewer.Scope.Inboxes = []string{"Billing"}
	require.Equal(t, []string{"c4"}, drillIDs(t, e, q, r, "B"))
	q.Viewer.Scope.Inboxes[0] = "Chat"
	require.Equal(t, []string{}, drillIDs(t, e, q, r, "B"))
	r.Conditions[0].Values[0] = "chat"
	require.Equal(t, []string{"c3"}, drillIDs(t, e, q, r, "B"))
	// A's chats: c1 and c2; c6 was created before the range.
	require.Equal(t, []string{"c1", "c2"}, drillIDs(t, e, q, r, "A"))
	r.Dimensions[0] = "Inbox"
	p := convreport.Point{Dimensions: []convreport.DimensionValue{{Property: "Inbox", Value: "Chat", Known: true}}}
	d, err := e.DrillDown(context.Background(), q, r, p)
	require.NoError(t, err)
	require.Equal(t, 4, d.Len(), "c1, c2, c3 and c5")
}

// TestDrillDownsShareAPlan drills from many goroutines into two reports
// that differ only in their filter, under one ID and name: each
// drill-down lists its own report's rows.
func TestDrillDownsShareAPlan(t *testing.T) {
	src, err := memory.New(fixture())
	require.NoError(t, err)
	e := convreport.NewEngine(src)
	q := fixtureQuery()
	report := func(channel string) convreport.Report {
		return convreport.Report{ID: "by-rep", Name: "By rep", Dimensions: []string{"Assignee"},
			Conditions: []convreport.Condition{{Property: "Channel", Op: convreport.IsAnyOf, Values: []string{channel}}}}
	}
	want := map[string][]string{"chat": {"c3"}, "email": {"c4"}}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 50 {
				ch := []string{"chat", "email"}[(g+i)%2]
				ids, err := assigneeRows(e, q, report(ch), "B")
				assert.NoError(t, err)
				assert.Equal(t, want[ch], ids)
			}
		})
	}
	wg.Wait()
}
