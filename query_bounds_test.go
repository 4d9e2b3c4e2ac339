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

// A bound outside the supported times has no nanosecond count. Before the
// query refused one, From 1500 counted nothing of 2025, and a snapshot at
// Now 1000 counted a conversation created in 2025 as open.
func TestQueryRefusesBoundsOutsideTheSupportedTimes(t *testing.T) {
	t0 := time.Date(2025, 3, 3, 9, 0, 0, 0, time.UTC)
	src, err := memory.New([]convreport.Conversation{{ID: "a", Channel: convreport.Email, Inbox: "B", Status: convreport.Open, CreatedAt: t0}})
	require.NoError(t, err)
	eng := convreport.NewEngine(src)
	byInbox := convreport.Report{Name: "by inbox", Dimensions: []string{"Inbox"}}
	open := convreport.Report{Name: "open", Dimensions: []string{"Inbox"}, Snapshot: true}
	date := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

	for _, c := range []struct {
		name  string
		q     convreport.Query
		field string
	}{
		{"from", convreport.Query{From: date(1500, 1, 1), To: date(2030, 1, 1)}, "From"},
		{"to", convreport.Query{From: date(2000, 1, 1), To: date(3000, 1, 1)}, "To"},
		{"now late", convreport.Query{Now: date(3000, 1, 1)}, "Now"},
		{"now early", convreport.Query{Now: date(1000, 1, 1)}, "Now"},
		// The bounds are in range; the preset's end is not.
		{"preset", convreport.Query{Now: date(2262, 4, 1), Range: convreport.ThisYear}, "Range"},
		{"compare", convreport.Query{From: date(1678, 1, 1), To: date(1679, 1, 1), Compare: convreport.CompareYear}, "Compare"},
	} {
		t.Run(c.name, func(t *testing.T) {
			for _, r := range []convreport.Report{byInbox, open} {
				_, err := eng.Run(context.Background(), c.q, r)
				var qe *convreport.QueryError
				require.True(t, errors.As(err, &qe), "%s: %v", r.Name, err)
				require.Equal(t, c.field, qe.Field)
			}
		})
	}

	// The widest range the supported times allow still counts what is in it.
	res, err := eng.Run(context.Background(), convreport.Query{From: date(1678, 1, 1), To: date(2262, 1, 1)}, byInbox)
	require.NoError(t, err)
	require.Len(t, res[0].Points, 1)
	require.Equal(t, int64(1), res[0].Points[0].Count)
	res, err = eng.Run(context.Background(), convreport.Query{Now: date(2262, 1, 1)}, open)
	require.NoError(t, err)
	require.Len(t, res[0].Points, 1)
}
