package convreport_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/memory"
)

// A date's hour buckets add up to its day bucket, in zones whose clocks
// moved past midnight, by less than an hour, or skipped a date: an hour
// bucket never reaches into the next date.
func TestHourBucketsAddUpToTheirDay(t *testing.T) {
	for _, c := range []struct{ zone, from string }{
		{"Asia/Kathmandu", "1985-12-30"},      // 1986-01-01 began at 00:15
		{"America/Sao_Paulo", "2018-11-02"},   // 2018-11-04 began at 01:00
		{"Australia/Lord_Howe", "2025-10-03"}, // half an hour skipped at 02:00
		{"Pacific/Apia", "2011-12-28"},        // 2011-12-30 skipped
		{"Europe/Paris", "2025-10-24"},        // an hour repeated
	} {
		loc := mustLoc(t, c.zone)
		day, err := time.ParseInLocation(time.DateOnly, c.from, loc)
		require.NoError(t, err)
		from, to := day, day.AddDate(0, 0, 5)
		var cs []convreport.Conversation
		for u, i := from, 0; u.Before(to); u, i = u.Add(7*time.Minute), i+1 {
			cs = append(cs, convreport.Conversation{ID: fmt.Sprint(i), Channel: convreport.Chat, CreatedAt: u})
		}
		src, err := memory.New(cs)
		require.NoError(t, err)
		q := convreport.Query{From: from, To: to, Zone: loc, Now: to}
		res, err := convreport.NewEngine(src).Run(context.Background(), q,
			convreport.Report{Name: "hours", Bucket: convreport.Hour}, convreport.Report{Name: "days", Bucket: convreport.Day})
		require.NoError(t, err)
		byDate := map[string]int64{}
		var total int64
		for _, p := range res[0].Points {
			byDate[p.Bucket.In(loc).Format(time.DateOnly)] += p.Count
			total += p.Count
		}
		require.EqualValues(t, len(cs), total, c.zone)
		for _, p := range res[1].Points {
			d := p.Bucket.In(loc).Format(time.DateOnly)
			require.Equalf(t, p.Count, byDate[d], "%s: the hours of %s add up to its day", c.zone, d)
			delete(byDate, d)
		}
		require.Empty(t, byDate, "%s: no hour bucket on a date with no day bucket", c.zone)
	}
}
