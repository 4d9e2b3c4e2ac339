package convreport_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/memory"
)

// A report's Properties may place an SLA point's OverTarget column, by
// name or key, as a drill-down shows it anyway last; a report that is no
// SLA measure has no such column and is told so.
func TestDrillPropertiesPlaceOverTarget(t *testing.T) {
	day := time.Date(2025, 3, 30, 0, 0, 0, 0, time.UTC)
	at := func(h, m int) time.Time { return day.Add(time.Duration(h)*time.Hour + time.Duration(m)*time.Minute) }
	src, err := memory.New([]convreport.Conversation{
		{ID: "late", Channel: convreport.Chat, Inbox: "x", Status: convreport.Closed, CreatedAt: at(10, 0), ClosedAt: at(12, 0)},
		{ID: "on-time", Channel: convreport.Chat, Inbox: "x", Status: convreport.Closed, CreatedAt: at(10, 0), ClosedAt: at(10, 30)},
		{ID: "later", Channel: convreport.Chat, Inbox: "x", Status: convreport.Closed, CreatedAt: at(11, 0), ClosedAt: at(14, 30)},
	})
	require.NoError(t, err)
	set := &convreport.SLASet{Policies: []*convreport.SLAPolicy{{Name: "std", Close: &convreport.SLATarget{Within: convreport.Duration(time.Hour)}}}}
	q := convreport.Query{From: day, To: day.AddDate(0, 0, 1), Now: day.AddDate(0, 0, 2), SLA: set}
	eng := convreport.NewEngine(src)

	for _, name := range []string{convreport.OverTarget, "over_target"} {
		r := convreport.Report{Name: "over", Measure: convreport.Measure{Agg: convreport.SLATotalOver, SLA: "std", Target: convreport.CloseTarget},
			Properties: []string{name, "ID"}}
		res, err := eng.Run(context.Background(), q, r)
		require.NoError(t, err, name)
		d, err := eng.DrillDown(context.Background(), q, r, res[0].Points[0])
		require.NoError(t, err, name)
		// First where named, and not again at the end.
		require.Equal(t, []string{convreport.OverTarget, "ID"}, columnNames(d.Columns), name)
		require.NoError(t, d.SortBy(name, true), name)
		var rows [][]any
		for c := range d.All() {
			rows = append(rows, d.Values(&c))
		}
		// 14:30 is 2h30m after 12:00, the 11:00 one's target; 12:00 is
		// 1h after 11:00, the 10:00 one's.
		require.Equal(t, [][]any{{150 * time.Minute, "later"}, {time.Hour, "late"}}, rows, name)
	}

	r := convreport.Report{Name: "count", Properties: []string{"ID", convreport.OverTarget}}
	_, err = eng.Run(context.Background(), q, r)
	var re *convreport.ReportError
	require.True(t, errors.As(err, &re), "%v", err)
	require.Equal(t, "properties", re.Field)
	require.EqualError(t, err, `convreport: report "count": properties: OverTarget is the time over target of an SLA measure's breaches: the measure is count, not an sla_ aggregation`)
}
