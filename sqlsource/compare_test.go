package sqlsource_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/access"
	"github.com/convreport/convreport/library"
	"github.com/convreport/convreport/memory"
	"github.com/convreport/convreport/sample"
	"github.com/convreport/convreport/sqlsource"
	"github.com/stretchr/testify/require"
)

// previousText writes each point's compared value, for comparing engines.
func previousText(rs []convreport.Result) string {
	var b strings.Builder
	for _, r := range rs {
		fmt.Fprintf(&b, "report %q compare=%s previous=[%s, %s)\n", r.Report.Name, r.Compare, r.PreviousFrom.Format(time.RFC3339), r.PreviousTo.Format(time.RFC3339))
		for _, p := range r.Points {
			if p.Previous == nil {
				fmt.Fprintf(&b, "  none\n")
				continue
			}
			v := "null"
			if p.Previous.Value.Valid {
				v = p.Previous.Value.Decimal.String()
			}
			fmt.Fprintf(&b, "  bucket=%s count=%d excluded=%d value=%s\n", p.Previous.Bucket.Format(time.RFC3339), p.Previous.Count, p.Previous.Excluded, v)
		}
	}
	return b.String()
}

// A compared run of a filtered dashboard gives the same points and the
// same previous values from a database, pushed down, as from memory.
func TestCompareAndDashboardFiltersMatchMemory(t *testing.T) {
	paris, err := time.LoadLocation("Europe/Paris")
	require.NoError(t, err)
	now := time.Date(2025, 6, 1, 0, 0, 0, 0, paris)
	cs := sample.Generate(sample.Config{N: 4000, Seed: 3, From: now.AddDate(0, 0, -90), To: now, Zone: paris})
	mem, err := memory.New(cs)
	require.NoError(t, err)
	tpl, _ := library.Lookup("chat-overview")
	d, err := tpl.NewDashboard(convreport.DashboardOptions{Name: "Chat", Owner: "ana"})
	require.NoError(t, err)
	d, err = d.SetFilters(nil, []convreport.Condition{{Property: "Team", Op: convreport.IsNoneOf, Values: []string{"Sales"}}})
	require.NoError(t, err)
	ctx := context.Background()
	queries := map[string]convreport.Query{
		"last month, previous": {Range: convreport.LastMonth, Zone: paris, Now: now, Compare: convreport.ComparePrevious},
		"last 30 days, year":   {Range: convreport.Last30Days, Zone: paris, Now: now, Compare: convreport.CompareYear},
	}
	want := map[string]string{}
	for name, q := range queries {
		q.Viewer = access.Viewer{UserID: "ana"}
		res, err := convreport.NewEngine(mem).RunDashboard(ctx, q, d)
		require.NoError(t, err)
		want[name] = resultText(res) + previousText(res)
	}
	for _, dl := range dialects {
		t.Run(dl.String(), func(t *testing.T) {
			db := openDB(t, dl)
			m := sqlsource.Mapping{Table: tableName(t, db, dl, "compare")}
			src := load(t, db, dl, m, nil, cs)
			for name, q := range queries {
				q.Viewer = access.Viewer{UserID: "ana"}
				res, err := convreport.NewEngine(src).RunDashboard(ctx, q, d)
				require.NoError(t, err, name)
				requireSameText(t, want[name], resultText(res)+previousText(res), "%s", name)
			}
			require.Zero(t, src.Stats().Declined, "both periods are pushed down")
		})
	}
}
