package render_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/memory"
	"github.com/convreport/convreport/render"
	"github.com/stretchr/testify/require"
)

func at(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

// engineFixture runs a report through the engine: three answered chats,
// two by <b>A</b>, one unassigned.
func engineFixture(t *testing.T) (*convreport.Engine, convreport.Query, convreport.Result) {
	t.Helper()
	cs := []convreport.Conversation{
		{ID: "c1", Channel: convreport.Chat, Assignee: "<b>A</b>", Inbox: "Chat", Status: convreport.Open,
			CreatedAt: at("2025-03-29T23:30:00Z"), FirstResponseAt: at("2025-03-29T23:35:12Z")},
		{ID: "c2", Channel: convreport.Chat, Assignee: "<b>A</b>", Inbox: "Chat", Status: convreport.Open,
			CreatedAt: at("2025-03-30T08:00:00Z"), FirstAssignedAt: at("2025-03-30T08:10:00Z"), FirstResponseAt: at("2025-03-30T09:13:00Z")},
		{ID: "c3", Channel: convreport.Chat, Inbox: "Chat", Status: convreport.Open,
			CreatedAt: at("2025-03-30T10:00:00Z"), FirstResponseAt: at("2025-03-30T10:00:04Z")},
	}
	src, err := memory.New(cs)
	require.NoError(t, err)
	eng := convreport.NewEngine(src)
	q := convreport.Query{From: rangeFrom, To: rangeTo, Zone: paris, Now: rangeTo}
	rep := convreport.Report{Name: "First response by rep", Dimensions: []string{"Assignee"},
		Measure: convreport.Measure{Agg: convreport.Average, Metric: convreport.FirstResponseTime}}
	res, err := eng.Run(context.Background(), q, rep)
	require.NoError(t, err)
	return eng, q, res[0]
}

func TestNewDrillTable(t *testing.T) {
	eng, q, res := engineFixture(t)
	require.Equal(t, "<b>A</b>", res.Points[0].Dimensions[0].Value)
	d, err := eng.DrillDown(context.Background(), q, res.Report, res.Points[0])
	require.NoError(t, err)

	tbl := render.NewDrillTable(d, paris, 0)
	require.Equal(t, []string{"Conversation ID", "Created", "Channel", "Inbox", "Assignee", "Status", "Agent first response time"}, tbl.Columns)
	require.Equal(t, 2, tbl.Total)
	require.Equal(t, [][]string{
		// 23:30 UTC on the 29th is 00:30 in Paris on the 30th (UTC+1).
		{"c1", "2025-03-30 00:30:00", "chat", "Chat", "<b>A</b>", "open", "5m 12s"},
		// After the jump Paris is UTC+2; agent time counts from assignment.
		{"c2", "2025-03-30 10:00:00", "chat", "Chat", "<b>A</b>", "open", "1h 03m"},
	}, tbl.Rows)

	first := render.NewDrillTable(d, paris, 1)
	require.Len(t, first.Rows, 1)
	require.Equal(t, 2, first.Total)

	unassigned, err := eng.DrillDown(context.Background(), q, res.Report, res.Points[1])
	require.NoError(t, err)
	tbl = render.NewDrillTable(unassigned, paris, 0)
	require.Equal(t, "", tbl.Rows[0][4], "an unknown value is an empty cell")
}

// TestHTMLWithEngineDrillDown wires the page to the engine the way an
// embedder does, and finds each point's conversations behind its link.
func TestHTMLWithEngineDrillDown(t *testing.T) {
	eng, q, res := engineFixture(t)
	d := render.Dashboard{Name: "Drill", Results: []convreport.Result{res}}
	var b bytes.Buffer
	err := render.HTML(&b, d, render.HTMLOptions{Drill: func(ref render.PointRef) *render.DrillTable {
		dd, err := eng.DrillDown(context.Background(), q, d.Results[ref.Report].Report, ref.Point)
		require.NoError(t, err)
		tbl := render.NewDrillTable(dd, q.Zone, 100)
		return &tbl
	}})
	require.NoError(t, err)
	out := b.String()
	doc := parseHTML(t, b.Bytes())
	require.True(t, doc.ids["drill-0-0"])
	require.True(t, doc.ids["drill-0-1"])
	section := out[strings.Index(out, `id="drill-0-0"`):strings.Index(out, `id="drill-0-1"`)]
	require.Contains(t, section, "<bdi>c1</bdi>")
	require.Contains(t, section, "<bdi>c2</bdi>")
	require.NotContains(t, section, "c3")
	require.Contains(t, section, "&lt;b&gt;A&lt;/b&gt;")
	require.Equal(t, "2025-03-28 – 2025-04-01", strings.TrimSpace(strings.Split(strings.Split(out, `<p class="range">`)[1], "·")[0]), "range from the result")
}
