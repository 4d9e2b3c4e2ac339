package render_test

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/memory"
	"github.com/convreport/convreport/render"
)

// A count of renewals by day, this month: the renewal date is a custom
// time property, so two of the three renewals lie after now. Their days
// are shown, with every day before them; only the empty days after the
// last renewal go.
func TestReadableKeepsFutureBucketsThatHoldConversations(t *testing.T) {
	schema, err := convreport.ParseSchema([]byte(`{"properties": [{"name": "renewal", "kind": "time"}]}`))
	require.NoError(t, err)
	now := time.Date(2025, 6, 12, 9, 0, 0, 0, paris)
	var cs []convreport.Conversation
	for i, d := range []int{5, 20, 25} {
		cs = append(cs, convreport.Conversation{ID: string(rune('a' + i)), Channel: convreport.Chat, Status: convreport.Open,
			CreatedAt:  time.Date(2025, 6, 1, 10, 0, 0, 0, paris),
			Properties: map[string]any{"renewal": time.Date(2025, 6, d, 12, 0, 0, 0, paris)}})
	}
	src, err := memory.New(cs, memory.WithSchema(schema))
	require.NoError(t, err)
	rep := convreport.Report{Name: "Renewals this month", Bucket: convreport.Day, DateProperty: "renewal"}
	res, err := convreport.NewEngine(src).Run(context.Background(), convreport.Query{Range: convreport.ThisMonth, Zone: paris, Now: now}, rep)
	require.NoError(t, err)
	require.Len(t, res[0].Points, 30, "the engine fills every day of June")

	shown := render.Readable(res[0], now)
	// June 1 to June 25: the 25th is the last day with a renewal.
	require.Len(t, shown.Points, 25)
	require.Equal(t, time.Date(2025, 6, 25, 0, 0, 0, 0, paris), shown.Points[24].Bucket)
	var total int64
	for _, p := range shown.Points {
		total += p.Count
	}
	require.Equal(t, int64(3), total)

	var text bytes.Buffer
	require.NoError(t, render.Text(&text, render.Dashboard{Results: []convreport.Result{shown}}, render.TextOptions{}))
	require.Contains(t, text.String(), "total 3")
	require.Contains(t, text.String(), "2025-06-01 … 2025-06-25")
}

// In a series by a dimension, a future bucket stays when any series has
// a conversation there, and a bucket whose conversations the measure
// leaves out (Count 0, Excluded 1) holds conversations too.
func TestReadableFutureBucketsOfAnySeries(t *testing.T) {
	rep := convreport.Report{Name: "Due by inbox", Bucket: convreport.Day, Dimensions: []string{"Inbox"},
		Measure: convreport.Measure{Agg: convreport.Average, Metric: convreport.FirstResponseTime}}
	pt := func(d int, inbox string, count, excluded int64) convreport.Point {
		p := convreport.Point{Bucket: day(d), Dimensions: []convreport.DimensionValue{known("Inbox", inbox)}, Count: count, Excluded: excluded}
		if count > 0 {
			p.Value = num("60")
		}
		return p
	}
	r := convreport.Result{Report: rep, From: day(1), To: day(8), Zone: paris, Points: []convreport.Point{
		pt(1, "Sales", 1, 0), pt(1, "Support", 0, 0),
		pt(2, "Sales", 0, 0), pt(2, "Support", 0, 0),
		pt(3, "Sales", 0, 0), pt(3, "Support", 2, 0),
		pt(4, "Sales", 0, 0), pt(4, "Support", 0, 0),
		pt(5, "Sales", 0, 1), pt(5, "Support", 0, 0),
		pt(6, "Sales", 0, 0), pt(6, "Support", 0, 0),
		pt(7, "Sales", 0, 0), pt(7, "Support", 0, 0),
	}}
	now := day(1).Add(12 * time.Hour)
	got := render.Readable(r, now)
	// Days 1 to 5: the 5th holds Sales' conversation left out of the
	// average; the 6th and 7th are empty.
	require.Len(t, got.Points, 10)
	require.Equal(t, day(5), got.Points[9].Bucket)

	// Nothing after now: the series stops at the bucket holding now.
	for i := 2; i < len(r.Points); i++ {
		r.Points[i].Count, r.Points[i].Excluded, r.Points[i].Value = 0, 0, null
	}
	require.Len(t, render.Readable(r, now).Points, 2)
}
