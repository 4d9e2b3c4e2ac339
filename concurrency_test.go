package convreport_test

import (
	"context"
	"errors"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/access"
	"github.com/convreport/convreport/library"
	"github.com/convreport/convreport/memory"
	"github.com/convreport/convreport/sample"
	"github.com/stretchr/testify/require"
)

// TestDashboardsRunWhileConversationsArrive runs dashboards from many
// goroutines while another adds conversations to the memory source (run it
// with -race). Each run must see one snapshot: its total is the size of a
// snapshot the writer published, its reports agree with each other, and
// no count goes down from one run to the next in a goroutine.
func TestDashboardsRunWhileConversationsArrive(t *testing.T) {
	const (
		initial = 1500
		batch   = 150
		batches = 20
		readers = 6
	)
	all := sample.Generate(sample.Config{N: initial + batch*batches, Seed: 5})
	// Later batches arrive in random creation order, so that new rows land
	// before, among and after the old ones.
	rest := all[initial:]
	rand.New(rand.NewPCG(1, 2)).Shuffle(len(rest), func(i, j int) { rest[i], rest[j] = rest[j], rest[i] })

	src, err := memory.New(all[:initial])
	require.NoError(t, err)
	eng := convreport.NewEngine(src, convreport.WithWorkers(2))

	chat := library.ChatOverview().Reports
	byRep, overTime := chat[0], chat[5]
	require.Equal(t, "conversations-by-rep", byRep.ID)
	require.Equal(t, "chat-conversations-over-time", overTime.ID)
	d, err := convreport.NewDashboard(convreport.DashboardOptions{
		Name: "Live", Owner: "ana", Visibility: access.EveryoneCanView,
		Reports: append(chat, convreport.Report{Name: "Everything"}, convreport.Report{Name: "Chats", Filter: `Channel == "chat"`}),
	})
	require.NoError(t, err)
	nr := len(d.Reports)
	total, chats := nr-2, nr-1
	q := convreport.Query{
		From: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2025, 7, 1, 0, 0, 0, 0, time.UTC),
		Now: time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC),
	}

	sizes := map[int64]bool{}
	for k := 0; k <= batches; k++ {
		sizes[int64(initial+k*batch)] = true
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		defer close(done)
		for k := range batches {
			if err := src.Add(rest[k*batch : (k+1)*batch]...); err != nil {
				t.Error(err)
				return
			}
			time.Sleep(time.Millisecond) // let readers interleave
		}
	})
	for i := range readers {
		wg.Go(func() {
			v := access.Viewer{UserID: "viewer"}
			if i%2 == 1 {
				v = access.Viewer{UserID: "admin", Admin: true}
			}
			qq := q
			qq.Viewer = v
			var last map[string]int64
			for runs := 0; ; runs++ {
				finished := false
				select {
				case <-done:
					finished = true
				default:
				}
				res, err := eng.RunDashboard(context.Background(), qq, d)
				if err != nil {
					t.Error(err)
					return
				}
				if !checkSnapshot(t, res, sizes, total, chats) {
					return
				}
				// Counts never go down: rows are only ever added.
				now := map[string]int64{}
				for j, r := range res {
					for _, p := range r.Points {
						now[d.Reports[j].ID+"/"+scopeKey(p)] = p.Count
					}
				}
				for k, n := range last {
					if now[k] < n {
						t.Errorf("reader %d: %s went from %d to %d", i, k, n, now[k])
						return
					}
				}
				last = now
				// A drill-down sees at least what an earlier run counted:
				// the point as the run gave it lists its Count, or says
				// how many match it now; drilled by its group alone, it
				// lists them.
				p := res[0].Points[0]
				dr, err := eng.DrillDown(context.Background(), qq, byRep, p)
				var pm *convreport.PointMismatchError
				switch {
				case errors.As(err, &pm):
					if pm.Want != p.Count || int64(pm.Got) < p.Count {
						t.Errorf("drill-down of %s: %+v, the run before counted %d", scopeKey(p), *pm, p.Count)
						return
					}
				case err != nil:
					t.Error(err)
					return
				case int64(dr.Len()) != p.Count:
					t.Errorf("drill-down of %s: %d rows without an error, the run before counted %d", scopeKey(p), dr.Len(), p.Count)
					return
				}
				dr, err = eng.DrillDown(context.Background(), qq, byRep, convreport.Point{Dimensions: p.Dimensions, Bucket: p.Bucket})
				if err != nil {
					t.Error(err)
					return
				}
				if int64(dr.Len()) < p.Count {
					t.Errorf("drill-down of %s: %d rows, the run before counted %d", scopeKey(p), dr.Len(), p.Count)
					return
				}
				if finished && runs > 0 {
					return
				}
			}
		})
	}
	wg.Wait()
	require.Equal(t, initial+batch*batches, src.Len())
}

// checkSnapshot checks that one dashboard run saw one snapshot.
func checkSnapshot(t *testing.T, res []convreport.Result, sizes map[int64]bool, total, chats int) bool {
	t.Helper()
	n := res[total].Points[0].Count
	if !sizes[n] {
		t.Errorf("the run counted %d conversations, not the size of any snapshot", n)
		return false
	}
	c := res[chats].Points[0].Count
	var byRep, series int64
	for _, p := range res[0].Points {
		byRep += p.Count
	}
	for _, p := range res[5].Points {
		series += p.Count
	}
	if byRep != c || series != c {
		t.Errorf("one run, three chat counts: %d by rep, %d over time, %d in all", byRep, series, c)
		return false
	}
	return true
}
