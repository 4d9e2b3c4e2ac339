package sqlsource_test

import (
	"context"
	"testing"
	"time"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/calendar"
	"github.com/convreport/convreport/sqlsource"
	"github.com/stretchr/testify/require"
)

// pagedSource counts the drill-down pages a source lists itself.
type pagedSource struct {
	*sqlsource.Source
	pages int
}

func (p *pagedSource) DrillPage(ctx context.Context, req *convreport.DrillRequest) (int, []convreport.Conversation, error) {
	p.pages++
	return p.Source.DrillPage(ctx, req)
}

// A page the database lists gives a business-hours report's durations in
// business time, as the report counted them, not the calendar time
// between the stored instants.
func TestDrillPageValuesInBusinessHours(t *testing.T) {
	ctx := context.Background()
	cal := &calendar.Calendar{Name: "office", Zone: time.UTC}
	for d := calendar.Monday; d <= calendar.Friday; d++ {
		cal.Week.SetDay(d, []calendar.Hours{{Start: calendar.At(9, 0), End: calendar.At(17, 0)}})
	}
	set := &calendar.Set{Calendars: []*calendar.Calendar{cal}}
	require.NoError(t, set.Validate())
	at := func(day, hour, min int) time.Time { return time.Date(2025, 3, day, hour, min, 0, 0, time.UTC) }
	rows := []convreport.Conversation{
		// Friday 16:00, answered Monday 10:00, closed Monday 12:00: one
		// office hour on Friday, then one and three on Monday.
		{ID: "a", Channel: convreport.Chat, Status: convreport.Closed, CreatedAt: at(7, 16, 0), FirstResponseAt: at(10, 10, 0), ClosedAt: at(10, 12, 0)},
		// Tuesday 08:00, answered before opening, closed at 09:30.
		{ID: "b", Channel: convreport.Chat, Status: convreport.Closed, CreatedAt: at(11, 8, 0), FirstResponseAt: at(11, 8, 30), ClosedAt: at(11, 9, 30)},
	}
	want := map[string][2]time.Duration{"a": {2 * time.Hour, 4 * time.Hour}, "b": {0, 30 * time.Minute}}
	q := convreport.Query{From: at(1, 0, 0), To: at(20, 0, 0), Now: at(25, 0, 0), Calendars: set}
	report := convreport.Report{Name: "all", Calendar: "office", Properties: []string{"ID", "FirstResponseTime", "TimeToClose"}}
	for _, d := range dialects {
		t.Run(d.String(), func(t *testing.T) {
			db := openDB(t, d)
			m := sqlsource.Mapping{Table: tableName(t, db, d, "drillvalues")}
			require.NoError(t, sqlsource.CreateTable(ctx, db, d, m, nil))
			require.NoError(t, sqlsource.Insert(ctx, db, d, m, nil, rows))
			s, err := sqlsource.New(db, d, sqlsource.WithMapping(m))
			require.NoError(t, err)
			src := &pagedSource{Source: s}
			eng := convreport.NewEngine(src)
			res, err := eng.Run(ctx, q, report)
			require.NoError(t, err)
			require.Len(t, res[0].Points, 1)
			page, err := eng.DrillPage(ctx, q, report, res[0].Points[0], "ID", false, 0, 10)
			require.NoError(t, err)
			require.Equal(t, 1, src.pages, "the database lists the page")
			require.Len(t, page.Rows, 2)
			for _, c := range page.Rows {
				v := page.Values(&c)
				require.Equal(t, c.ID, v[0])
				require.Equal(t, want[c.ID][0], v[1], "%s first response", c.ID)
				require.Equal(t, want[c.ID][1], v[2], "%s time to close", c.ID)
			}
		})
	}
}
