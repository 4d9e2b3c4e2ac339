package sqlsource_test

import (
	"context"
	"database/sql"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/memory"
	"github.com/convreport/convreport/sqlsource"
)

// A table the embedder fills itself may keep a conversation's zero values
// as Go has them: ” for an unknown channel, status or inbox (Insert
// writes "other", the status, or NULL). Pushed down, they count as the
// engine counts them: an empty channel is other, an empty status closed
// or open by the close, and a drill-down page sorted by a string puts
// every unknown value last, by ID, whether NULL or ”.
func TestZeroValuesStoredAsTheyAreInGo(t *testing.T) {
	ctx := context.Background()
	t0 := time.Date(2025, 3, 10, 9, 0, 0, 0, time.UTC)
	cs := []convreport.Conversation{
		{ID: "a1", CreatedAt: t0, Inbox: "Sales"},                                                                                         // channel '' below
		{ID: "a2", CreatedAt: t0.Add(time.Minute), Channel: convreport.Email, ClosedAt: t0.Add(time.Hour)},                                // status '' below, inbox NULL
		{ID: "a3", CreatedAt: t0.Add(2 * time.Minute), Channel: convreport.Chat},                                                          // status '' below (open), inbox '' below
		{ID: "a4", CreatedAt: t0.Add(3 * time.Minute), Channel: convreport.Other, Status: convreport.Closed, ClosedAt: t0.Add(time.Hour)}, // inbox NULL
		{ID: "a5", CreatedAt: t0.Add(4 * time.Minute), Channel: convreport.Chat, Inbox: "Billing"},
	}
	mem, err := memory.New(cs)
	require.NoError(t, err)
	q := convreport.Query{From: t0.Add(-time.Hour), To: t0.Add(time.Hour), Now: t0.Add(2 * time.Hour)}
	reports := []convreport.Report{
		{Name: "other", Filter: `Channel == "other"`},
		// Compared with the column itself: '' and NULL equal no channel
		// but other.
		{Name: "chats", Filter: `Channel == "chat"`},
		{Name: "not chats", Filter: `Channel != "chat"`},
		{Name: "chat or email", Filter: `Channel in ["chat", "email"]`},
		{Name: "other or email", Conditions: []convreport.Condition{{Property: "Channel", Op: convreport.IsAnyOf, Values: []string{"other", "email"}}}},
		{Name: "closed", Conditions: []convreport.Condition{{Property: "Status", Op: convreport.Equals, Values: []string{"closed"}}}},
		{Name: "open", Filter: `Status == "open"`},
		{Name: "by channel", Dimensions: []string{"Channel"}, Sort: convreport.ByLabelAsc},
		{Name: "by status", Dimensions: []string{"Status"}, Sort: convreport.ByLabelAsc},
		{Name: "by inbox", Dimensions: []string{"Inbox"}, Sort: convreport.ByLabelAsc},
	}
	for _, d := range dialects {
		t.Run(d.String(), func(t *testing.T) {
			db := openDB(t, d)
			m := sqlsource.Mapping{Table: tableName(t, db, d, "zero")}
			require.NoError(t, sqlsource.CreateTable(ctx, db, d, m, nil))
			require.NoError(t, sqlsource.Insert(ctx, db, d, m, nil, cs))
			setEmpty(t, db, d, m.Table, "channel", "a1")
			setEmpty(t, db, d, m.Table, "status", "a2", "a3")
			setEmpty(t, db, d, m.Table, "inbox", "a3")
			src, err := sqlsource.New(db, d, sqlsource.WithMapping(m))
			require.NoError(t, err)
			for _, r := range reports {
				want, err := convreport.NewEngine(mem).Run(ctx, q, r)
				require.NoError(t, err)
				got, err := convreport.NewEngine(src).Run(ctx, q, r)
				require.NoError(t, err)
				require.Equal(t, points(want[0]), points(got[0]), r.Name)
			}
			require.EqualValues(t, len(reports), src.Stats().Answered, "every report pushed down")
			all := convreport.Report{Name: "all"}
			res, err := convreport.NewEngine(mem).Run(ctx, q, all)
			require.NoError(t, err)
			for _, desc := range []bool{false, true} {
				want, err := convreport.NewEngine(mem).DrillPage(ctx, q, all, res[0].Points[0], "Inbox", desc, 0, 10)
				require.NoError(t, err)
				got, err := convreport.NewEngine(src).DrillPage(ctx, q, all, res[0].Points[0], "Inbox", desc, 0, 10)
				require.NoError(t, err)
				require.Equal(t, rowIDs(want.Rows), rowIDs(got.Rows), "sorted by inbox, desc %v", desc)
			}
			require.Positive(t, src.Stats().DrillsAnswered)
		})
	}
}

// setEmpty stores ” in column col of the rows ids, as a table filled by
// other means than Insert may hold.
func setEmpty(t *testing.T, db *sql.DB, d sqlsource.Dialect, table, col string, ids ...string) {
	t.Helper()
	in := "'" + strings.Join(ids, "', '") + "'"
	if d != sqlsource.ClickHouse {
		_, err := db.Exec("UPDATE " + quoteIdent(d, table) + " SET " + col + " = '' WHERE id IN (" + in + ")")
		require.NoError(t, err)
		return
	}
	_, err := db.Exec("ALTER TABLE " + quoteIdent(d, table) + " UPDATE " + col + " = '' WHERE id IN (" + in + ")")
	require.NoError(t, err)
	// A mutation is applied in the background.
	require.Eventually(t, func() bool {
		var left int
		err := db.QueryRow("SELECT count() FROM system.mutations WHERE table = ? AND is_done = 0", table).Scan(&left)
		return err == nil && left == 0
	}, 20*time.Second, 50*time.Millisecond)
}

func rowIDs(cs []convreport.Conversation) string {
	var s []string
	for _, c := range cs {
		s = append(s, c.ID)
	}
	return strings.Join(s, ",")
}

// points is a result's points as "label / label = value (count)" lines.
func points(r convreport.Result) []string {
	var out []string
	for _, p := range r.Points {
		var labels []string
		for _, d := range p.Dimensions {
			labels = append(labels, d.Label())
		}
		out = append(out, strings.Join(labels, " / ")+" = "+p.Value.Decimal.String()+" ("+strconv.FormatInt(p.Count, 10)+")")
	}
	return out
}
