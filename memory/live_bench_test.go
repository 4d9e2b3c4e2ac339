package memory_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/convreport/convreport"
	"github.com/convreport/convreport/access"
	"github.com/convreport/convreport/library"
	"github.com/convreport/convreport/memory"
	"github.com/convreport/convreport/sample"
)

// BenchmarkLive measures what a live dashboard costs at 1M conversations:
// building the source (the rebuild a change must not cost), a chat
// overview run, one batch of changes of 1, 100 and 1,000 upserts, and
// the dashboard run while 1,000 upserts a second arrive, with the upsert
// latencies that run saw (metrics p50-ms, p99-ms, max-ms).
//
//	go test -run '^$' -bench Live -benchtime 20x ./memory
func BenchmarkLive(b *testing.B) {
	const n = 1_000_000
	cs := sample.Generate(sample.Config{N: n})
	q := convreport.Query{Range: convreport.Last30Days, Now: time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC), Viewer: access.Viewer{UserID: "bench"}}
	dash, err := library.ChatOverview().NewDashboard(convreport.DashboardOptions{Name: "Chat", Owner: "bench"})
	if err != nil {
		b.Fatal(err)
	}
	// next returns the new state of a random conversation: closed, or
	// reassigned when already closed.
	rng := rand.New(rand.NewPCG(1, 2))
	var rngMu sync.Mutex
	next := func(k int) []convreport.Conversation {
		rngMu.Lock()
		defer rngMu.Unlock()
		out := make([]convreport.Conversation, k)
		for i := range out {
			c := cs[rng.IntN(n)]
			if c.ClosedAt.IsZero() {
				c.ClosedAt = c.CreatedAt.Add(time.Hour)
				c.Status = convreport.Closed
			} else {
				c.Assignee = fmt.Sprintf("Rep %d", rng.IntN(30))
			}
			out[i] = c
		}
		return out
	}

	b.Run("New", func(b *testing.B) {
		for b.Loop() {
			if _, err := memory.New(cs); err != nil {
				b.Fatal(err)
			}
		}
	})
	src, err := memory.New(cs)
	if err != nil {
		b.Fatal(err)
	}
	eng := convreport.NewEngine(src)
	run := func(b *testing.B) {
		if _, err := eng.RunDashboard(context.Background(), q, dash); err != nil {
			b.Fatal(err)
		}
	}
	b.Run("Dashboard", func(b *testing.B) {
		for b.Loop() {
			run(b)
		}
	})
	for _, k := range []int{1, 100, 1000} {
		b.Run(fmt.Sprintf("Upsert/%d", k), func(b *testing.B) {
			for b.Loop() {
				batch := next(k)
				if err := src.Upsert(batch...); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	// The same run once the changes above are in: more segments, dead rows.
	b.Run("DashboardAfterUpserts", func(b *testing.B) {
		for b.Loop() {
			run(b)
		}
	})
	b.Run("DashboardWhileUpserting", func(b *testing.B) {
		// 1,000 upserts a second, in batches of 10 every 10 ms.
		stop := make(chan struct{})
		var lat []time.Duration
		var wg sync.WaitGroup
		wg.Add(1)
		go func() {
			defer wg.Done()
			tick := time.NewTicker(10 * time.Millisecond)
			defer tick.Stop()
			for {
				select {
				case <-stop:
					return
				case <-tick.C:
				}
				batch := next(10)
				t0 := time.Now()
				if err := src.Upsert(batch...); err != nil {
					b.Error(err)
					return
				}
				lat = append(lat, time.Since(t0))
			}
		}()
		for b.Loop() {
			run(b)
		}
		close(stop)
		wg.Wait()
		if len(lat) > 0 {
			slices.Sort(lat)
			ms := func(d time.Duration) float64 { return float64(d) / 1e6 }
			b.ReportMetric(ms(lat[len(lat)/2]), "p50-ms")
			b.ReportMetric(ms(lat[len(lat)*99/100]), "p99-ms")
			b.ReportMetric(ms(lat[len(lat)-1]), "max-ms")
			b.ReportMetric(float64(len(lat)), "batches")
		}
	})
}
