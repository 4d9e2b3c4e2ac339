package convreport_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/calendar"
	"github.com/convreport/convreport/memory"
)

// A rep who answers an unassigned chat and is assigned by or after the reply
// used to get a negative first response time (-2400 s seen in an average):
// the clock ran from the assignment. It runs from the assignment only when
// that came strictly before the reply, otherwise from creation. The values
// below are worked out by hand.
func TestAgentClockNeverRunsBackwards(t *testing.T) {
	created := at("2025-03-03T10:00:00Z")
	min := func(m int) time.Time { return created.Add(time.Duration(m) * time.Minute) }
	cs := []convreport.Conversation{
		// Assigned at 10:05, answered at 10:15: 10 minutes from assignment.
		{ID: "normal", Channel: convreport.Chat, Status: convreport.Open, Assignee: "ana", CreatedAt: created, FirstAssignedAt: min(5), FirstResponseAt: min(15)},
		// Answered at 10:20, assigned at 11:00: 20 minutes from creation
		// (it was -40 minutes, -2400 s).
		{ID: "late", Channel: convreport.Chat, Status: convreport.Open, Assignee: "ana", CreatedAt: created, FirstAssignedAt: min(60), FirstResponseAt: min(20)},
		// Assigned by the reply itself at 10:30: 30 minutes from creation.
		{ID: "same", Channel: convreport.Chat, Status: convreport.Open, Assignee: "ana", CreatedAt: created, FirstAssignedAt: min(30), FirstResponseAt: min(30)},
		// Never assigned, answered at 10:08: 8 minutes from creation.
		{ID: "never", Channel: convreport.Chat, Status: convreport.Open, CreatedAt: created, FirstResponseAt: min(8)},
	}
	want := map[string]time.Duration{"normal": 10 * time.Minute, "late": 20 * time.Minute, "same": 30 * time.Minute, "never": 8 * time.Minute}
	for _, c := range cs {
		got, ok := c.AgentFirstResponseTime()
		require.True(t, ok)
		require.Equal(t, want[c.ID], got, c.ID)
	}

	src, err := memory.New(cs)
	require.NoError(t, err)
	eng := convreport.NewEngine(src)
	q := convreport.Query{From: at("2025-03-01T00:00:00Z"), To: at("2025-04-01T00:00:00Z")}
	frt := func(agg convreport.Aggregation) convreport.Measure {
		return convreport.Measure{Agg: agg, Metric: convreport.FirstResponseTime}
	}
	res, err := eng.Run(context.Background(), q,
		convreport.Report{Name: "avg", Measure: frt(convreport.Average)},
		convreport.Report{Name: "min", Measure: frt(convreport.Min)},
		convreport.Report{Name: "negative", Filter: `FirstResponseTime < duration("0s")`},
		convreport.Report{Name: "over 15m", Filter: `FirstResponseTime > duration("15m")`},
	)
	require.NoError(t, err)
	// (10 + 20 + 30 + 8) / 4 = 17 minutes.
	require.Equal(t, "1020", res[0].Points[0].Value.Decimal.String())
	require.Equal(t, "480", res[1].Points[0].Value.Decimal.String())
	require.EqualValues(t, 0, res[2].Matched)
	require.EqualValues(t, 2, res[3].Matched, "late and same")

	// Business hours follow the same start: open all week, nothing changes.
	allWeek := &calendar.Calendar{}
	for d := calendar.Monday; d <= calendar.Sunday; d++ {
		allWeek.Week.SetDay(d, []calendar.Hours{{Start: 0, End: calendar.At(24, 0)}})
	}
	q.Calendar = allWeek
	res, err = eng.Run(context.Background(), q, convreport.Report{Name: "avg", Measure: frt(convreport.Average)})
	require.NoError(t, err)
	require.Equal(t, "1020", res[0].Points[0].Value.Decimal.String())
}
