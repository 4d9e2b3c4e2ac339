package sqlsource_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/internal/conformance"
	"github.com/convreport/convreport/memory"
	"github.com/convreport/convreport/sourcetest"
	"github.com/convreport/convreport/sqlsource"
	"github.com/stretchr/testify/require"
)

// SLA measures on calendar time are computed in SQL, with the memory
// engine's numbers (themselves checked against a reference loop in the
// root package); on business time they are declined, and the scan gives
// the same numbers all the same.
func TestSLAPushdown(t *testing.T) {
	for _, d := range dialects {
		t.Run(d.String(), func(t *testing.T) { slaPushdown(t, d, sqlsource.Mapping{}) })
	}
	// Times in timestamptz columns: the clock's arithmetic on their
	// nanoseconds.
	t.Run("postgresql-timestamptz", func(t *testing.T) {
		slaPushdown(t, sqlsource.PostgreSQL, sqlsource.Mapping{Times: sqlsource.Timestamp})
	})
}

func slaPushdown(t *testing.T, d sqlsource.Dialect, m sqlsource.Mapping) {
	ctx := context.Background()
	db := openDB(t, d)
	cs := sourcetest.Generate(400, 7)
	if m.Times == sqlsource.Timestamp {
		// A timestamptz holds microseconds.
		for i := range cs {
			c := &cs[i]
			for _, p := range []*time.Time{&c.CreatedAt, &c.FirstAssignedAt, &c.FirstResponseAt, &c.ClosedAt} {
				*p = p.Truncate(time.Microsecond)
			}
			delete(c.Properties, "DueAt")
		}
	}
	var reasons []error
	m.Table = tableName(t, db, d, "sla")
	src := load(t, db, d, m, sourcetest.Schema(), cs,
		sqlsource.WithDeclineHook(func(err error) { reasons = append(reasons, err) }))
	mem, err := memory.New(cs, memory.WithSchema(sourcetest.Schema()))
	require.NoError(t, err)

	for _, nq := range conformance.Queries() {
		q := nq.Query
		business := ""
		if q.Calendars != nil {
			business = "office"
		}
		q.SLA = &convreport.SLASet{Policies: []*convreport.SLAPolicy{
			{Name: "calendar", Filter: `Channel != "email"`,
				FirstResponse: &convreport.SLATarget{Within: convreport.Duration(20 * time.Minute)},
				Close:         &convreport.SLATarget{Within: convreport.Duration(30 * time.Hour)}},
			{Name: "business", Conditions: []convreport.Condition{{Property: "Inbox", Op: convreport.IsKnown}},
				FirstResponse: &convreport.SLATarget{Within: convreport.Duration(time.Hour), Calendar: business},
				Close:         &convreport.SLATarget{Within: convreport.Duration(8 * time.Hour), Calendar: business}},
		}}
		var reports []convreport.Report
		for _, pol := range []string{"calendar", "business"} {
			for _, target := range []convreport.SLATargetKind{convreport.FirstResponseTarget, convreport.CloseTarget} {
				for _, agg := range []convreport.Aggregation{convreport.SLAMet, convreport.SLABreaches, convreport.SLAAvgOver, convreport.SLATotalOver} {
					m := convreport.Measure{Agg: agg, SLA: pol, Target: target}
					name := pol + " " + string(target) + " " + string(agg)
					reports = append(reports,
						convreport.Report{Name: name + " by inbox", Dimensions: []string{"Inbox"}, Measure: m},
						convreport.Report{Name: name + " top 2 assignees", Dimensions: []string{"Assignee"}, Limit: 2, Measure: m},
						convreport.Report{Name: name + " by day", Bucket: convreport.Day, Measure: m, Filter: `Team != nil`})
				}
			}
		}
		want, err := convreport.NewEngine(mem).Run(ctx, q, reports...)
		require.NoError(t, err)
		var breaches int64
		for _, r := range want {
			for _, p := range r.Points {
				breaches += p.Breaches
			}
		}
		require.Positive(t, breaches, "the fixture breaches its targets")
		before := src.Stats()
		reasons = nil
		got, err := convreport.NewEngine(src).Run(ctx, q, reports...)
		require.NoError(t, err)
		requireSameText(t, resultText(want), resultText(got), "%s", nq.Name)
		for i := range want {
			for j := range want[i].Points {
				require.Equal(t, want[i].Points[j].Breaches, got[i].Points[j].Breaches, "%s", want[i].Report.Name)
			}
		}
		after := src.Stats()
		if business == "" {
			// Every report in SQL, in one statement set.
			require.Equal(t, before.Answered+1, after.Answered, "%s: declined %v", nq.Name, reasons)
			require.Equal(t, before.Declined, after.Declined)
			continue
		}
		// The business-hours SLA reports decline, each on its calendar;
		// the calendar-time ones are answered one by one.
		var business0 int
		for _, err := range reasons {
			require.ErrorIs(t, err, convreport.ErrUnsupported)
			if strings.Contains(err.Error(), "business hours") {
				business0++
			}
		}
		require.Equal(t, int64(len(reports)/2), after.Answered-before.Answered, "%s", nq.Name)
		require.Equal(t, len(reports)/2+1, business0, "the whole plan, then each business-hours report")
	}
}
