package convreport_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/memory"
)

// For an SLA measure the pending conversations are a point's Excluded,
// and DrillExcluded lists them; it used to refuse every SLA point, as
// ExcludedReason knew only duration metrics.
func TestDrillExcludedListsAnSLAPointsPending(t *testing.T) {
	day := time.Date(2025, 3, 10, 0, 0, 0, 0, time.UTC)
	cs := []convreport.Conversation{
		{ID: "met", Channel: convreport.Chat, CreatedAt: day.Add(9 * time.Hour), FirstResponseAt: day.Add(9*time.Hour + time.Minute)},
		{ID: "pending", Channel: convreport.Chat, CreatedAt: day.Add(11 * time.Hour)},
	}
	src, err := memory.New(cs)
	if err != nil {
		t.Fatal(err)
	}
	eng := convreport.NewEngine(src)
	set := &convreport.SLASet{Policies: []*convreport.SLAPolicy{{Name: "std", FirstResponse: &convreport.SLATarget{Within: convreport.Duration(time.Hour)}}}}
	q := convreport.Query{From: day, To: day.Add(24 * time.Hour), Now: day.Add(11*time.Hour + 30*time.Minute), SLA: set}
	r := convreport.Report{Name: "met", Measure: convreport.Measure{Agg: convreport.SLAMet, SLA: "std", Target: convreport.FirstResponseTarget}}
	res, err := eng.Run(context.Background(), q, r)
	if err != nil {
		t.Fatal(err)
	}
	p := res[0].Points[0]
	if p.Count != 1 || p.Excluded != 1 {
		t.Fatalf("point %+v, want count 1 (met) and excluded 1 (pending)", p)
	}
	d, err := eng.DrillExcluded(context.Background(), q, r, p)
	if err != nil {
		t.Fatalf("DrillExcluded of an SLA point: %v", err)
	}
	if d.Len() != 1 {
		t.Fatalf("DrillExcluded lists %d, want the 1 pending conversation", d.Len())
	}
}

// A bucket with no decided conversation has no SLA value, as a group with
// none has no point; sla_breaches and sla_total_over read 0 there.
func TestSLAMeasuresHaveNoValueWithNothingDecided(t *testing.T) {
	day := time.Date(2025, 3, 10, 0, 0, 0, 0, time.UTC)
	cs := []convreport.Conversation{
		// day 1: answered after 2h, a breach of the 1h target
		{ID: "late", Channel: convreport.Chat, CreatedAt: day.Add(9 * time.Hour), FirstResponseAt: day.Add(11 * time.Hour)},
		// day 2: nothing; day 3: created after Now, pending
		{ID: "future", Channel: convreport.Chat, CreatedAt: day.Add(50 * time.Hour)},
	}
	src, err := memory.New(cs)
	if err != nil {
		t.Fatal(err)
	}
	eng := convreport.NewEngine(src)
	set := &convreport.SLASet{Policies: []*convreport.SLAPolicy{{Name: "std", FirstResponse: &convreport.SLATarget{Within: convreport.Duration(time.Hour)}}}}
	q := convreport.Query{From: day, To: day.Add(72 * time.Hour), Now: day.Add(30 * time.Hour), SLA: set}
	for _, agg := range []convreport.Aggregation{convreport.SLABreaches, convreport.SLATotalOver, convreport.SLAMet, convreport.SLAAvgOver} {
		r := convreport.Report{Name: "daily", Bucket: convreport.Day, Measure: convreport.Measure{Agg: agg, SLA: "std", Target: convreport.FirstResponseTarget}}
		res, err := eng.Run(context.Background(), q, r)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range res[0].Points[1:] {
			if p.Count == 0 && p.Value.Valid {
				t.Errorf("%s: bucket %s has no decided conversation (count 0, excluded %d) but value %s", agg, p.Bucket.Format("2006-01-02"), p.Excluded, p.Value.Decimal)
			}
		}
	}
}

// Point.Previous of a group whose earlier period holds only conversations
// the measure leaves out has their number in Excluded, as DrillExcluded
// of it with Query.Previous lists them (it read 0).
func TestPreviousKeepsTheExcludedOfAGroupWithNoValue(t *testing.T) {
	utc := time.UTC
	cs := []convreport.Conversation{
		// March: inbox X answered
		{ID: "now", Inbox: "X", CreatedAt: time.Date(2025, 3, 5, 9, 0, 0, 0, utc), FirstResponseAt: time.Date(2025, 3, 5, 9, 10, 0, 0, utc)},
		// February: inbox X never answered
		{ID: "then", Inbox: "X", CreatedAt: time.Date(2025, 2, 5, 9, 0, 0, 0, utc)},
	}
	src, err := memory.New(cs)
	if err != nil {
		t.Fatal(err)
	}
	eng := convreport.NewEngine(src)
	q := convreport.Query{Range: convreport.LastMonth, Now: time.Date(2025, 4, 2, 0, 0, 0, 0, utc), Compare: convreport.ComparePrevious}
	r := convreport.Report{Name: "wait", Dimensions: []string{"Inbox"}, Measure: convreport.Measure{Agg: convreport.Average, Metric: convreport.WaitTime}}
	res, err := eng.Run(context.Background(), q, r)
	if err != nil {
		t.Fatal(err)
	}
	p := res[0].Points[0]
	if p.Previous == nil {
		t.Fatal("no previous")
	}
	pq, err := q.Previous()
	if err != nil {
		t.Fatal(err)
	}
	d, err := eng.DrillExcluded(context.Background(), pq, r, *p.Previous)
	if err != nil {
		t.Fatal(err)
	}
	if int64(d.Len()) != p.Previous.Excluded {
		t.Errorf("Previous %+v: Excluded %d, but DrillExcluded with Query.Previous lists %d (February's unanswered conversation of inbox X)", *p.Previous, p.Previous.Excluded, d.Len())
	}
}

// The pending conversations of an SLA point are listed whatever its
// group, and with a previous period too: each DrillExcluded lists
// exactly the point's Excluded, and they are those a hand count finds.
func TestDrillExcludedSLAByGroupAndPrevious(t *testing.T) {
	day := time.Date(2025, 3, 10, 0, 0, 0, 0, time.UTC)
	at := func(h float64) time.Time { return day.Add(time.Duration(h * float64(time.Hour))) }
	cs := []convreport.Conversation{
		// Inbox A, today: met, breached, pending (30 min old, unanswered).
		{ID: "a-met", Inbox: "A", Channel: convreport.Chat, CreatedAt: at(8), FirstResponseAt: at(8.5)},
		{ID: "a-late", Inbox: "A", Channel: convreport.Chat, CreatedAt: at(8), FirstResponseAt: at(10)},
		{ID: "a-pend", Inbox: "A", Channel: convreport.Chat, CreatedAt: at(11.5)},
		// Inbox B, today: two pending only, so no point today.
		{ID: "b-pend1", Inbox: "B", Channel: convreport.Chat, CreatedAt: at(11.2)},
		{ID: "b-pend2", Inbox: "B", Channel: convreport.Chat, CreatedAt: at(11.9)},
		// Inbox A, the day before: one breach (never answered).
		{ID: "a-old", Inbox: "A", Channel: convreport.Chat, CreatedAt: at(-20)},
	}
	src, err := memory.New(cs)
	require.NoError(t, err)
	eng := convreport.NewEngine(src)
	set := &convreport.SLASet{Policies: []*convreport.SLAPolicy{{Name: "std", FirstResponse: &convreport.SLATarget{Within: convreport.Duration(time.Hour)}}}}
	q := convreport.Query{From: day, To: day.Add(24 * time.Hour), Now: at(12), SLA: set, Compare: convreport.ComparePrevious}
	r := convreport.Report{Name: "met", Dimensions: []string{"Inbox"}, Measure: convreport.Measure{Agg: convreport.SLAMet, SLA: "std", Target: convreport.FirstResponseTarget}}
	res, err := eng.Run(context.Background(), q, r)
	require.NoError(t, err)
	require.Len(t, res[0].Points, 1, "inbox B decided nothing today: no point")
	p := res[0].Points[0]
	require.Equal(t, "A", p.Dimensions[0].Value)
	require.EqualValues(t, 2, p.Count)
	require.EqualValues(t, 1, p.Excluded)
	require.Equal(t, "50", p.Value.Decimal.String())
	ids := func(d *convreport.Drill) []string {
		var out []string
		for c := range d.All() {
			out = append(out, c.ID)
		}
		return out
	}
	d, err := eng.DrillExcluded(context.Background(), q, r, p)
	require.NoError(t, err)
	require.Equal(t, []string{"a-pend"}, ids(d))
	d, err = eng.DrillDown(context.Background(), q, r, p)
	require.NoError(t, err)
	require.Equal(t, []string{"a-late"}, ids(d), "the drill-down still lists the breaches")
	// The group with no point: its pending ones are listed by naming it.
	d, err = eng.DrillExcluded(context.Background(), q, r, convreport.Point{Dimensions: []convreport.DimensionValue{{Property: "Inbox", Value: "B", Known: true}}})
	require.NoError(t, err)
	require.Equal(t, []string{"b-pend1", "b-pend2"}, ids(d))
	// The day before: one breach, nothing pending.
	require.NotNil(t, p.Previous)
	require.EqualValues(t, 1, p.Previous.Count)
	require.EqualValues(t, 0, p.Previous.Excluded)
	pq, err := q.Previous()
	require.NoError(t, err)
	d, err = eng.DrillExcluded(context.Background(), pq, r, *p.Previous)
	require.NoError(t, err)
	require.Empty(t, ids(d))
	require.Equal(t, "not yet decided", r.Measure.ExcludedReason())
	_, err = convreport.ExcludedReport(r)
	require.ErrorContains(t, err, "Engine.DrillExcluded lists them")
}
